package source

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text is one phrase in the languages ortaq speaks: a language code (kk, ru,
// en) -> the phrase. The key "" holds a phrase given without a language (a
// plain string in the contract), used when the reader's language is missing.
type Text map[string]string

// Languages are the language codes a contract may label in.
var Languages = []string{"kk", "ru", "en"}

// In returns the phrase for lang, falling back as a reader of lang would
// accept: Kazakh readers to Russian (both are state languages), then the
// phrase given without a language. It returns "" when none applies.
func (t Text) In(lang string) string {
	if s := t[lang]; s != "" {
		return s
	}
	if lang == "kk" {
		if s := t["ru"]; s != "" {
			return s
		}
	}
	return t[""]
}

// CanonicalLabels name ortaq's canonical attributes (docs/sources.md) in
// every language, in the words of the state registers: a source's own
// label overrides them.
var CanonicalLabels = map[string]Text{
	"national_id": {"kk": "ЖСН", "ru": "ИИН", "en": "IIN"},
	"last_name":   {"kk": "Тегі", "ru": "Фамилия", "en": "Surname"},
	"first_name":  {"kk": "Аты", "ru": "Имя", "en": "First name"},
	"middle_name": {"kk": "Әкесінің аты", "ru": "Отчество", "en": "Patronymic"},
	"full_name":   {"kk": "Тегі, аты, әкесінің аты", "ru": "Фамилия, имя, отчество", "en": "Full name"},
	"birth_date":  {"kk": "Туған күні", "ru": "Дата рождения", "en": "Date of birth"},
	"sex":         {"kk": "Жынысы", "ru": "Пол", "en": "Sex"},
	"address":     {"kk": "Мекенжайы", "ru": "Адрес", "en": "Address"},
	"locality":    {"kk": "Елді мекен", "ru": "Населённый пункт", "en": "Locality"},
	"region":      {"kk": "Өңір", "ru": "Регион", "en": "Region"},
	"postcode":    {"kk": "Пошта индексі", "ru": "Почтовый индекс", "en": "Postcode"},
	"phone":       {"kk": "Телефон", "ru": "Телефон", "en": "Phone"},
	"email":       {"kk": "Электрондық пошта", "ru": "Электронная почта", "en": "Email"},
}

// typeValueLabels name the canonical values of a field type, for every
// field of that type: a field's own value_labels override them.
var typeValueLabels = map[Type]map[string]Text{
	TypeSex: {
		"M": {"kk": "Ер", "ru": "Мужской", "en": "Male"},
		"F": {"kk": "Әйел", "ru": "Женский", "en": "Female"},
	},
}

// CanonicalLabel is ortaq's own label of a canonical attribute in lang, or
// "" when attr is not canonical.
func CanonicalLabel(attr, lang string) string {
	return CanonicalLabels[attr].In(lang)
}

// Field returns the source's field named attr, or nil; s may be nil.
// Callers must not modify it: a stored contract is shared (Stored).
func (s *Source) Field(attr string) *Field {
	if s == nil {
		return nil
	}
	for i := range s.Fields {
		if s.Fields[i].Name == attr {
			return &s.Fields[i]
		}
	}
	return nil
}

// FieldLabel is how a reader of lang should see attribute attr of source s
// (which may be nil, for an attribute of no particular source): the source's
// label in lang, else ortaq's label of a canonical attribute, else the
// source's label given without a language, else the attribute's name in
// words ("card_status" -> "Card status"), never the raw key.
func (s *Source) FieldLabel(attr, lang string) string {
	var own Text
	if f := s.Field(attr); f != nil {
		own = f.Label
	}
	if l := own[lang]; l != "" {
		return l
	}
	if l := CanonicalLabel(attr, lang); l != "" {
		return l
	}
	if l := own.In(lang); l != "" {
		return l
	}
	return Humanise(attr)
}

// ValueLabel is how a reader of lang should see value, a canonical value of
// attribute attr of source s (which may be nil): the field's value_labels,
// else ortaq's words for the values of its type (sex M/F), else value as it
// is (free text, or a code the contract does not explain).
func (s *Source) ValueLabel(attr, value, lang string) string {
	typ := defaultType(attr)
	if f := s.Field(attr); f != nil {
		if l := f.ValueLabels[value].In(lang); l != "" {
			return l
		}
		typ = f.Type
	}
	if l := typeValueLabels[typ][value].In(lang); l != "" {
		return l
	}
	return value
}

// TitleIn is the source's title in lang: its title in that language, else
// its plain title, else its name in words.
func (s *Source) TitleIn(lang string) string {
	if t := s.Titles.In(lang); t != "" {
		return t
	}
	if s.Title != "" {
		return s.Title
	}
	return Humanise(s.Name)
}

// DescriptionIn is the source's description in lang, or "".
func (s *Source) DescriptionIn(lang string) string { return s.Description.In(lang) }

// MissingLabels lists what a reader of some language would see untranslated:
// "title", "description", "field F" and "field F value V", each with the
// languages it lacks (as "field card_status: kk, ru"). Canonical attributes
// and sex values need no label of their own. A contract meant for officials
// and citizens should list nothing.
func (s *Source) MissingLabels() []string {
	var out []string
	check := func(what string, t Text, builtin Text) {
		var langs []string
		for _, l := range Languages {
			if t[l] == "" && builtin[l] == "" {
				langs = append(langs, l)
			}
		}
		if len(langs) > 0 {
			out = append(out, what+": "+strings.Join(langs, ", "))
		}
	}
	check("title", s.Titles, nil)
	if len(s.Description) > 0 {
		check("description", s.Description, nil)
	}
	for i := range s.Fields {
		f := &s.Fields[i]
		check("field "+f.Name, f.Label, CanonicalLabels[f.Name])
		values := slices.Sorted(func(yield func(string) bool) {
			seen := map[string]bool{}
			for _, v := range f.Allowed {
				if !seen[v] && !yield(v) {
					return
				}
				seen[v] = true
			}
			for _, v := range f.Values {
				if !seen[v] && !yield(v) {
					return
				}
				seen[v] = true
			}
		})
		for _, v := range values {
			check("field "+f.Name+" value "+v, f.ValueLabels[v], typeValueLabels[f.Type][v])
		}
	}
	return out
}

// Humanise writes an attribute or source name in words: underscores become
// spaces and the first letter is upper-case ("card_status" -> "Card status").
// It is the last resort of FieldLabel, for a key nobody labelled.
func Humanise(key string) string {
	s := strings.TrimSpace(strings.ReplaceAll(key, "_", " "))
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
