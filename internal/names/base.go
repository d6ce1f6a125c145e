package names

import "strings"

// TokenKind is what a name word looks like from its ending alone.
type TokenKind uint8

const (
	// Other is any word without a telling ending: most given names,
	// and surnames such as Ким, Шевченко or Müller.
	Other TokenKind = iota
	// Patronymic ends like a patronymic: Russian -ович, -евич, -ич, -овна,
	// -евна, -ична; Kazakh -ұлы, -қызы (joined); Kyrgyz -уулу and
	// Azerbaijani -оглы, -гызы; in any script. New-style Kazakh surnames
	// (Серікұлы) and Belarusian or Serbian ones (Карпович) end the same way
	// and are reported as patronymics.
	Patronymic
	// Particle is the separate word that ends a Kazakh or Turkic patronymic
	// written in two words: ұлы, қызы, улы, кызы, uly, kyzy, оглы, уулу...
	Particle
	// Surname ends like a Russian-style family name, which changes with
	// gender: -ов/-ова, -ев/-ева, -ский/-ская, -цкий/-цкая, -ой/-ая. The
	// ending -ин/-ина is not counted: too many given names share it
	// (Марина, Полина, Мартин).
	Surname
)

// String returns the kind's lower-case name, for messages and logs.
func (k TokenKind) String() string {
	switch k {
	case Patronymic:
		return "patronymic"
	case Particle:
		return "particle"
	case Surname:
		return "surname"
	}
	return "other"
}

// Kind classifies a name word, in any script or spelling, by its ending.
// It needs at least three letters before the ending, so short words such as
// Бич or Ов are Other.
func Kind(token string) TokenKind {
	t := Fold(token)
	if isParticle(t) {
		return Particle
	}
	if _, suf := stem(t); suf != nil {
		return suf.kind
	}
	return Other
}

// Base returns the stem of a folded surname or patronymic that stays the
// same across gender and across the Russian and Kazakh forms, so that
//
//	Base(Fold("Нурланович")) == Base(Fold("Нұрланұлы")) ==
//	Base(Fold("Nurlanovna")) == Base(Fold("Нұрланқызы")) == "nurlan"
//	Base(Fold("Ахметов")) == Base(Fold("Ahmetova")) == "ahmet"
//
// A patronymic gives the father's given name where the spelling allows:
// Base(Fold("Сергеевич")) == "sergei" == Fold("Сергей") and
// Base(Fold("Серикбаевич")) == Base(Fold("Серікбайұлы")) == "serikbai",
// because an -евич after a vowel comes from a name in -й. Names whose
// patronymic loses letters (Юрий → Юрьевич, yur) come out close, not equal.
//
// At most one ending is removed, and only if three letters remain; a word
// without a known ending is returned unchanged. A token written as two words
// with a separate particle ("abish uli") gives the stem of the first word.
// Base expects Fold's output: a token with characters outside a-z and space
// is folded first, but lower-case ASCII is taken as already folded (pass
// Fold("kyzy"), not "kyzy"). It is meant for surnames and patronymics; on
// given names it may cut a real ending (Марина loses -ина).
func Base(token string) string {
	t := folded(token)
	if i := strings.LastIndexByte(t, ' '); i >= 0 && isParticle(t[i+1:]) {
		t = t[:i]
		if j := strings.LastIndexByte(t, ' '); j >= 0 {
			t = t[j+1:]
		}
		return trimGlide(t)
	}
	s, suf := stem(t)
	if suf == nil {
		return t
	}
	if suf.afterVowelI && isVowel(s[len(s)-1]) && s[len(s)-1] != 'i' {
		// Серикбаевич, Сергеевич: the father was Серикбай, Сергей.
		return s + "i"
	}
	return trimGlide(s)
}

// trimGlide turns a final y, which the glide rule writes when a Kazakh
// particle follows a name in -й (Серікбайұлы, serikbayuli), back into the
// i that the name has on its own.
func trimGlide(s string) string {
	if strings.HasSuffix(s, "y") {
		return s[:len(s)-1] + "i"
	}
	return s
}

// suffix is one ending that Base removes.
type suffix struct {
	text string
	kind TokenKind
	// afterVowelI: after a vowel the ending follows a name in -й, whose й
	// the ending has absorbed (Сергей → Сергеевич, Назарбай → Назарбаев).
	afterVowelI bool
}

// suffixes in skeleton spelling, longer before shorter where one ends the
// other. The Kazakh particles come in their folded forms: ұлы, улы, uly and
// ūly all fold to uli.
var suffixes = []suffix{
	{"ovich", Patronymic, false}, {"evich", Patronymic, true},
	{"ovna", Patronymic, false}, {"evna", Patronymic, true},
	{"ichna", Patronymic, false}, {"ich", Patronymic, false},
	{"uli", Patronymic, false}, {"ulu", Patronymic, false},
	{"kizi", Patronymic, false}, {"ogli", Patronymic, false},
	{"oglu", Patronymic, false}, {"gizi", Patronymic, false},
	{"skaya", Surname, false}, {"skoi", Surname, false}, {"ski", Surname, false},
	{"ova", Surname, false}, {"eva", Surname, true},
	{"ov", Surname, false}, {"ev", Surname, true},
	{"aya", Surname, false}, {"oi", Surname, false},
	{"ina", Other, false}, {"in", Other, false},
}

// minStem is the fewest letters a stem keeps, so that short names (Ли,
// Пак, Ким, Цой) are never cut to nothing.
const minStem = 3

// stem removes the first ending in suffixes that leaves at least minStem
// letters.
func stem(t string) (string, *suffix) {
	for i := range suffixes {
		s := &suffixes[i]
		if len(t) >= len(s.text)+minStem && strings.HasSuffix(t, s.text) {
			return t[:len(t)-len(s.text)], s
		}
	}
	return t, nil
}

// particles are the folded separate words that end a two-word Kazakh or
// Turkic patronymic.
var particles = []string{"uli", "ulu", "kizi", "ogli", "oglu", "gizi"}

func isParticle(t string) bool {
	for _, p := range particles {
		if t == p {
			return true
		}
	}
	return false
}

// folded returns t unchanged when it is in Fold's alphabet, which saves
// Base's callers, who pass Fold's output, a second pass.
func folded(t string) string {
	for i := 0; i < len(t); i++ {
		if c := t[i]; (c < 'a' || c > 'z') && c != ' ' {
			return Fold(t)
		}
	}
	return t
}
