package benefits

import (
	"fmt"
	"strings"

	"github.com/ortaq/ortaq/internal/kz"
)

// The calendar in words, as each language writes it in official texts:
// "2025 жылғы 1 қараша", "1 ноября 2025 г.", "1 November 2025".

// monthNames are the months: Kazakh in the nominative, ablative ("from")
// and locative ("in") cases, Russian in the genitive (dates) and the
// nominative (a month alone), English.
var monthNames = map[string][12]string{
	"kk":      {"қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"},
	"kk:from": {"қаңтардан", "ақпаннан", "наурыздан", "сәуірден", "мамырдан", "маусымнан", "шілдеден", "тамыздан", "қыркүйектен", "қазаннан", "қарашадан", "желтоқсаннан"},
	"kk:in":   {"қаңтардағы", "ақпандағы", "наурыздағы", "сәуірдегі", "мамырдағы", "маусымдағы", "шілдедегі", "тамыздағы", "қыркүйектегі", "қазандағы", "қарашадағы", "желтоқсандағы"},
	"ru":      {"января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"},
	"ru:nom":  {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"},
	"en":      {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// dateWords writes d in lang. Kazakh takes a case: "" (nominative),
// "from" (ablative: "2025 жылғы 1 қарашадан") or "in" (locative:
// "2025 жылғы 1 қарашадағы"); other languages ignore it.
func dateWords(d Date, lang, kase string) string {
	y, m, day := d.YMD()
	switch lang {
	case "kk":
		key := "kk"
		if kase == "from" || kase == "in" {
			key += ":" + kase
		}
		return fmt.Sprintf("%d жылғы %d %s", y, day, monthNames[key][m-1])
	case "ru":
		return fmt.Sprintf("%d %s %d г.", day, monthNames["ru"][m-1], y)
	}
	return fmt.Sprintf("%d %s %d", day, monthNames["en"][m-1], y)
}

// monthWords writes a calendar month in lang: Kazakh in the locative
// ("2026 жылғы шілдедегі"), Russian and English in the nominative.
func monthWords(m Month, lang string) string {
	y, mo := int(m)/12, int(m)%12
	switch lang {
	case "kk":
		return fmt.Sprintf("%d жылғы %s", y, monthNames["kk:in"][mo])
	case "ru":
		return fmt.Sprintf("%s %d г.", monthNames["ru:nom"][mo], y)
	}
	return fmt.Sprintf("%s %d", monthNames["en"][mo], y)
}

// quarterWords writes a quarter: "2026 жылғы 3-тоқсан", "3-й квартал
// 2026 года", "Q3 2026".
func quarterWords(q Quarter, lang string) string {
	switch lang {
	case "kk":
		return fmt.Sprintf("%d жылғы %d-тоқсан", q.Year, q.Q)
	case "ru":
		return fmt.Sprintf("%d-й квартал %d года", q.Q, q.Year)
	}
	return fmt.Sprintf("Q%d %d", q.Q, q.Year)
}

// fieldNames name the situation's fields (RULES.md) in each language.
var fieldNames = map[string]Text{
	"region":           {"kk": "өңір", "ru": "регион", "en": "region"},
	"role":             {"kk": "отбасындағы рөлі", "ru": "роль в семье", "en": "role in the household"},
	"birth_date":       {"kk": "туған күні", "ru": "дата рождения", "en": "date of birth"},
	"student":          {"kk": "күндізгі бөлімде оқуы", "ru": "очное обучение", "en": "full-time study"},
	"carer":            {"kk": "баланы күтуі", "ru": "уход за ребёнком", "en": "caring for the child"},
	"insured":          {"kk": "міндетті әлеуметтік сақтандыру", "ru": "обязательное социальное страхование", "en": "compulsory social insurance"},
	"avg_income_24m":   {"kk": "24 айдағы орташа айлық табыс", "ru": "средний месячный доход за 24 месяца", "en": "average monthly income over 24 months"},
	"disability":       {"kk": "мүгедектік", "ru": "инвалидность", "en": "disability"},
	"disability.group": {"kk": "мүгедектік тобы", "ru": "группа инвалидности", "en": "disability group"},
	"disability.cause": {"kk": "мүгедектік себебі", "ru": "причина инвалидности", "en": "cause of disability"},
	"order":            {"kk": "баланың реті", "ru": "очерёдность ребёнка", "en": "the child's order"},
	"age":              {"kk": "жасы", "ru": "возраст", "en": "age"},
	"id":               {"kk": "сәйкестендіргіш", "ru": "идентификатор", "en": "identifier"},
	"income":           {"kk": "табыс", "ru": "доход", "en": "income"},
}

// roleNames name the roles of a situation's persons.
var roleNames = map[string]Text{
	RoleParent: {"kk": "ата-ана", "ru": "родитель", "en": "parent"},
	RoleChild:  {"kk": "бала", "ru": "ребёнок", "en": "child"},
	RoleOther:  {"kk": "отбасы мүшесі", "ru": "член семьи", "en": "household member"},
}

// fieldWords names a situation field in lang: "income.2026-07" is the
// income of that month.
func fieldWords(field, lang string) string {
	if month, ok := strings.CutPrefix(field, "income."); ok {
		if m, err := ParseMonth(month); err == nil {
			switch lang {
			case "kk":
				return monthWords(m, lang) + " табыс"
			case "ru":
				return "доход за " + monthWords(m, lang)
			}
			return "income for " + monthWords(m, lang)
		}
	}
	if t, ok := fieldNames[field]; ok {
		return pick(t, lang, field)
	}
	return field
}

// PersonNames names a situation's persons in lang by their role and id
// ("ата-ана P000004131"), for explanations read where their names are
// not at hand (the CLI); an id the situation lacks is returned as is.
func PersonNames(sit *Situation, lang string) func(id string) string {
	roles := make(map[string]string, len(sit.Persons))
	for _, p := range sit.Persons {
		roles[p.ID] = p.Role
	}
	return func(id string) string {
		r, ok := roles[id]
		if !ok {
			return ""
		}
		if t, ok := roleNames[r]; ok {
			return pick(t, lang, r) + " " + id
		}
		return id
	}
}

// KeyWords names a table row's key in lang: a region, a quarter, or a
// catalog word (a disability's cause); numbers stay as they are.
func (c *Catalog) KeyWords(key, lang string) string {
	parts := strings.Split(key, "/")
	for i, k := range parts {
		if r, ok := kz.RegionByCode(k); ok {
			parts[i] = r.Name(lang)
		} else if q, err := ParseQuarter(k); err == nil {
			parts[i] = quarterWords(q, lang)
		} else if t, ok := c.Words[k]; ok {
			parts[i] = pick(t, lang, k)
		}
	}
	return strings.Join(parts, ", ")
}
