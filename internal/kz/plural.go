package kz

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// PluralCategory returns the CLDR plural category of the whole number n
// in lang: "one", "few", "many" or "other" for Russian, "one" or "other"
// for Kazakh and English. Pages and explanations choose their word forms
// by it.
func PluralCategory(lang string, n int64) string {
	if n < 0 {
		n = -n
	}
	// MatchPlural asks for operands modulo 10,000,000 when they are large.
	switch plural.Cardinal.MatchPlural(language.Make(lang), int(n%10_000_000), 0, 0, 0, 0) {
	case plural.One:
		return "one"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	case plural.Two:
		return "two"
	case plural.Zero:
		return "zero"
	}
	return "other"
}
