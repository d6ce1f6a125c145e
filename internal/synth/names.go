package synth

import (
	"math/rand/v2"
	"strings"

	"github.com/ortaq/ortaq/internal/kz"
)

// ethnicity decides a person's names, patronymic customs and the nationality
// the population register records.
type ethnicity uint8

const (
	kazakh ethnicity = iota
	russian
	uzbek
	ukrainian
	uyghur
	german
	tatar
	korean
	numEthnicities
)

// nationalWeights are rough shares of each group in Kazakhstan (per cent,
// 2021 census).
var nationalWeights = [numEthnicities]float64{71, 15, 3.3, 1.9, 1.5, 1.1, 1.1, 0.6}

// nameSet is how one group names its people.
type nameSet struct {
	male, female pool // first names, most common first
	surnames     pool // male forms, most common first
	// nationality as the register writes it, male and female.
	nationality [2]string
	// noPatronymic is the share of people without a patronymic.
	noPatronymic float64
	// takesHusbandName is the share of wives who bear the husband's surname.
	takesHusbandName float64
}

// pool is a list of names drawn with a Zipf-like skew, so that the first
// names in the list repeat often and the tail is rare.
type pool struct {
	items []string
	w     weighted
}

func newPool(list string, s float64) pool {
	var items []string
	seen := map[string]bool{}
	for _, n := range strings.Fields(list) {
		if !seen[n] {
			seen[n] = true
			items = append(items, n)
		}
	}
	return pool{items: items, w: zipf(len(items), s)}
}

func (p pool) pick(r *rand.Rand) string { return p.items[p.w.pick(r)] }

var nameSets [numEthnicities]nameSet

func init() {
	nameSets[kazakh] = nameSet{
		male:             newPool(kazakhMale, 0.6),
		female:           newPool(kazakhFemale, 0.6),
		surnames:         newPool(kazakhSurnames, 0.5),
		nationality:      [2]string{"казах", "казашка"},
		noPatronymic:     0.02,
		takesHusbandName: 0.55,
	}
	nameSets[russian] = nameSet{
		male:             newPool(russianMale, 0.6),
		female:           newPool(russianFemale, 0.6),
		surnames:         newPool(russianSurnames, 0.6),
		nationality:      [2]string{"русский", "русская"},
		takesHusbandName: 0.9,
	}
	nameSets[uzbek] = nameSet{
		male:             newPool(uzbekMale, 0.6),
		female:           newPool(uzbekFemale, 0.6),
		surnames:         newPool(uzbekSurnames, 0.6),
		nationality:      [2]string{"узбек", "узбечка"},
		noPatronymic:     0.05,
		takesHusbandName: 0.6,
	}
	nameSets[ukrainian] = nameSet{
		male:             newPool(ukrainianMale, 0.6),
		female:           newPool(ukrainianFemale, 0.6),
		surnames:         newPool(ukrainianSurnames, 0.6),
		nationality:      [2]string{"украинец", "украинка"},
		takesHusbandName: 0.9,
	}
	nameSets[uyghur] = nameSet{
		male:             newPool(uyghurMale, 0.6),
		female:           newPool(uyghurFemale, 0.6),
		surnames:         newPool(uyghurSurnames, 0.6),
		nationality:      [2]string{"уйгур", "уйгурка"},
		noPatronymic:     0.05,
		takesHusbandName: 0.6,
	}
	nameSets[german] = nameSet{
		male:             newPool(germanMale, 0.6),
		female:           newPool(germanFemale, 0.6),
		surnames:         newPool(germanSurnames, 0.6),
		nationality:      [2]string{"немец", "немка"},
		noPatronymic:     0.4,
		takesHusbandName: 0.9,
	}
	nameSets[tatar] = nameSet{
		male:             newPool(tatarMale, 0.6),
		female:           newPool(tatarFemale, 0.6),
		surnames:         newPool(tatarSurnames, 0.6),
		nationality:      [2]string{"татарин", "татарка"},
		takesHusbandName: 0.85,
	}
	nameSets[korean] = nameSet{
		male:             newPool(koreanMale, 0.6),
		female:           newPool(koreanFemale, 0.6),
		surnames:         newPool(koreanSurnames, 1),
		nationality:      [2]string{"кореец", "кореянка"},
		noPatronymic:     0.4,
		takesHusbandName: 0.9,
	}
}

// firstName draws a first name for sex.
func (e ethnicity) firstName(r *rand.Rand, sex kz.Sex) string {
	if sex == kz.Male {
		return nameSets[e].male.pick(r)
	}
	return nameSets[e].female.pick(r)
}

// surname draws a family surname in its male form.
func (e ethnicity) surname(r *rand.Rand) string { return nameSets[e].surnames.pick(r) }

func (e ethnicity) nationality(sex kz.Sex) string {
	if sex == kz.Male {
		return nameSets[e].nationality[0]
	}
	return nameSets[e].nationality[1]
}

// genderSurname gives the form of a (male-form) family surname for sex:
// Ахметов/Ахметова, Сафин/Сафина, Покровский/Покровская,
// Серікұлы/Серікқызы; Ким, Шмидт and Шевченко do not change.
func genderSurname(male string, sex kz.Sex) string {
	if sex == kz.Male {
		return male
	}
	switch {
	case strings.HasSuffix(male, "ұлы"):
		return strings.TrimSuffix(male, "ұлы") + "қызы"
	case strings.HasSuffix(male, "ский"), strings.HasSuffix(male, "цкий"):
		return strings.TrimSuffix(male, "ий") + "ая"
	case strings.HasSuffix(male, "ов"), strings.HasSuffix(male, "ев"), strings.HasSuffix(male, "ёв"),
		strings.HasSuffix(male, "ин"), strings.HasSuffix(male, "ын"):
		return male + "а"
	}
	return male
}

// patronymicStyle is how a patronymic is formed from the father's name.
type patronymicStyle byte

const (
	noPatronymic patronymicStyle = iota
	russianStyle                 // Нурланович, Нурлановна
	kazakhStyle                  // Нұрланұлы, Нұрланқызы
)

// patronymic forms the patronymic of a child of sex whose father is called
// father. The Russian style folds Kazakh letters, as Russian-language
// documents spell it: Нұрлан → Нурланович.
func patronymic(father string, sex kz.Sex, style patronymicStyle) string {
	switch style {
	case kazakhStyle:
		if sex == kz.Male {
			return father + "ұлы"
		}
		return father + "қызы"
	case russianStyle:
		m, f := russianPatronymic(kz.FoldKazakh(father))
		if sex == kz.Male {
			return m
		}
		return f
	}
	return ""
}

var patronymicExceptions = map[string][2]string{
	"Илья":    {"Ильич", "Ильинична"},
	"Никита":  {"Никитич", "Никитична"},
	"Лука":    {"Лукич", "Лукинична"},
	"Фома":    {"Фомич", "Фоминична"},
	"Дмитрий": {"Дмитриевич", "Дмитриевна"},
	"Георгий": {"Георгиевич", "Георгиевна"},
	"Пётр":    {"Петрович", "Петровна"},
	"Павел":   {"Павлович", "Павловна"},
	"Лев":     {"Львович", "Львовна"},
}

// russianPatronymic applies the Russian rules: consonant → -ович/-овна;
// -й → -евич (Сергей → Сергеевич, Серикбай → Серикбаевич); -ий → -ьевич
// (Юрий → Юрьевич); -ь → -евич (Игорь → Игоревич); a hushing consonant or a
// vowel → -евич (Куаныш → Куанышевич, Абдулла → Абдуллаевич, Ерали →
// Ералиевич); and the irregular names in patronymicExceptions.
func russianPatronymic(name string) (male, female string) {
	if e, ok := patronymicExceptions[name]; ok {
		return e[0], e[1]
	}
	var stem, suffix string
	switch {
	case strings.HasSuffix(name, "ий"):
		stem, suffix = strings.TrimSuffix(name, "ий")+"ь", "ев"
	case strings.HasSuffix(name, "й"):
		stem, suffix = strings.TrimSuffix(name, "й"), "ев"
	case strings.HasSuffix(name, "ь"):
		stem, suffix = strings.TrimSuffix(name, "ь"), "ев"
	default:
		last, _ := lastRune(name)
		switch last {
		case 'ж', 'ш', 'ч', 'щ', 'ц', 'а', 'е', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я':
			stem, suffix = name, "ев"
		default:
			stem, suffix = name, "ов"
		}
	}
	return stem + suffix + "ич", stem + suffix + "на"
}

func lastRune(s string) (rune, bool) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, false
	}
	return rs[len(rs)-1], true
}

// kazakhStyleShare is the share of Kazakhs born in a year whose patronymic
// has the Kazakh form (-ұлы/-қызы); the rest carry the Russian form.
func kazakhStyleShare(birthYear int) float64 {
	switch {
	case birthYear < 1970:
		return 0.1
	case birthYear < 1990:
		return 0.25
	case birthYear < 2005:
		return 0.45
	}
	return 0.6
}

// pickStyle chooses the patronymic style for a person of group e born in
// year.
func pickStyle(r *rand.Rand, e ethnicity, year int) patronymicStyle {
	if chance(r, nameSets[e].noPatronymic) {
		return noPatronymic
	}
	if e == kazakh && chance(r, kazakhStyleShare(year)) {
		return kazakhStyle
	}
	return russianStyle
}

// fullName is "Surname First Patronymic", as most agencies write it.
func fullName(p *person) string {
	if p.middle == "" {
		return p.last + " " + p.first
	}
	return p.last + " " + p.first + " " + p.middle
}

// appendFullName appends "Surname First Patronymic" without building a
// string: the hot loops write millions of names.
func appendFullName(b []byte, p *person) []byte {
	b = append(b, p.last...)
	b = append(b, ' ')
	b = append(b, p.first...)
	if p.middle != "" {
		b = append(b, ' ')
		b = append(b, p.middle...)
	}
	return b
}
