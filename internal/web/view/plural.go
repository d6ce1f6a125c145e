package view

import (
	"fmt"

	"github.com/ortaq/ortaq/internal/kz"
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
// Category returns the CLDR plural category of the whole number n in
// lang (kz.PluralCategory).
func Category(lang string, n int) string { return kz.PluralCategory(lang, int64(n)) }

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
