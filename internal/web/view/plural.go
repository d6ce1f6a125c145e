package view

import (
	"fmt"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Plurals is a part of the catalogue for messages that count something:
// message key -> language -> CLDR plural category ("one", "few", "many",
// "other"...) -> text. Russian needs one, few and many (1 запрос, 2 запроса,
// 5 запросов); Kazakh and English one and other. Every language needs
// "other", which a category it does not list falls back to.
type Plurals = map[string]map[string]map[string]string

// plurals holds every registered plural message, as catalogue holds the
// others.
var plurals = Plurals{}

// RegisterPlurals adds parts to the plural catalogue. A key registered
// twice, here or in the plain catalogue, panics at start-up.
func RegisterPlurals(parts ...Plurals) {
	for _, p := range parts {
		for k, v := range p {
			_, dup := plurals[k]
			if _, plain := catalogue[k]; dup || plain {
				panic("view: message " + k + " is registered twice")
			}
			plurals[k] = v
		}
	}
}

// PluralCatalogue returns every registered plural message, for tests.
// Callers must not change it.
func PluralCatalogue() Plurals { return plurals }

// forms names the CLDR plural categories as the catalogue spells them.
var forms = map[plural.Form]string{
	plural.Other: "other", plural.Zero: "zero", plural.One: "one",
	plural.Two: "two", plural.Few: "few", plural.Many: "many",
}

// Category returns the CLDR plural category of the whole number n in
// lang: "one", "few", "many" or "other" for Russian, "one" or "other" for
// Kazakh and English.
func Category(lang string, n int) string {
	if n < 0 {
		n = -n
	}
	// MatchPlural asks for operands modulo 10,000,000 when they are large.
	return forms[plural.Cardinal.MatchPlural(language.Make(lang), n%10_000_000, 0, 0, 0, 0)]
}

// P renders the plural message key for the count n: the text of n's
// plural category in the locale's language, formatted with n grouped as
// the reader expects (Locale.N) and then args. A missing message shows
// its key, as T does.
func (l Locale) P(key string, n int, args ...any) string {
	byForm, ok := plurals[key][l.Lang]
	if !ok {
		return key
	}
	text, ok := byForm[Category(l.Lang, n)]
	if !ok {
		text = byForm["other"]
	}
	return fmt.Sprintf(text, append([]any{l.N(n)}, args...)...)
}
