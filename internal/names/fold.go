package names

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns the matching form of a name or of one of its words: lower
// case ASCII letters, words separated by single spaces, no leading or
// trailing space. Cyrillic (Kazakh, Russian and their neighbours) and Latin
// with any accents map onto one Latin skeleton, chosen so that the spellings
// a Kazakh or Russian name takes in Kazakh Cyrillic, folded Cyrillic, ICAO
// passport Latin, the 2021 Kazakh Latin alphabet and informal Latin come out
// equal or differ by a letter or two:
//
//	Fold("Нұрсұлтан Әбішұлы") == Fold("NURSULTAN ABISHULY") == "nursultan abishuli"
//	Fold("Назарбаев") == Fold("Nazarbayev") == "nazarbaev"
//	Fold("Жанар") == Fold("Janar") == Fold("Zhanar") == "janar"
//
// Hyphens, dots, commas, digits and other punctuation separate words;
// apostrophes and accents do not (O'Neil is one word, as Kazakh Latin of
// 2017 and scholarly transliteration put apostrophes inside words). Letters
// of other scripts are dropped. Fold is idempotent, and it allocates only the
// returned string for names of up to 128 bytes.
func Fold(s string) string {
	var spelled, folded [128]byte
	b := skeleton(folded[:0], spell(spelled[:0], s, false))
	return string(b)
}

// FoldText is Fold for free text that carries numbers, such as addresses
// and place names: letters fold as in Fold, and each run of digits is kept
// as a word of its own, so that house 15 and house 17 stay apart
// ("ул. Абая 15А" → "ul abaya 15 a"). It is idempotent too.
func FoldText(s string) string {
	var spelled, folded [128]byte
	b := skeleton(folded[:0], spell(spelled[:0], s, true))
	return string(b)
}

// Tokens returns the words of Fold(s).
func Tokens(s string) []string {
	return strings.Fields(Fold(s))
}

// spell appends s to dst as lower-case ASCII letters and single spaces, each
// rune spelled by the tables of letters.go; with digits, runs of digits
// become words of their own. It is the first of Fold's two passes;
// skeleton, the second, then only meets ASCII.
func spell(dst []byte, s string, digits bool) []byte {
	gap := false      // a separator was seen since the last letter
	inNumber := false // the last byte written is a digit
	letter := func() {
		if (gap || inNumber) && len(dst) > 0 {
			dst = append(dst, ' ')
		}
		gap, inNumber = false, false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z':
				letter()
				dst = append(dst, c)
			case 'A' <= c && c <= 'Z':
				letter()
				dst = append(dst, c+'a'-'A')
			case c == '\'' || c == '`':
				// inside a word: O'Neil, Ol'ga
			case digits && '0' <= c && c <= '9':
				if !inNumber && len(dst) > 0 {
					dst = append(dst, ' ')
				}
				gap, inNumber = false, true
				dst = append(dst, c)
			default:
				gap = true
				inNumber = false
			}
			continue
		}
		var r rune
		if c >= 0xc2 && c < 0xe0 && i+1 < len(s) && s[i+1]&0xc0 == 0x80 {
			// Two-byte sequences hold Cyrillic and accented Latin, by far
			// the most common non-ASCII runes in names: decoded inline.
			r = rune(c&0x1f)<<6 | rune(s[i+1]&0x3f)
			i += 2
		} else {
			var n int
			r, n = utf8.DecodeRuneInString(s[i:])
			i += n
		}
		sp, known, inword := lookup(r)
		switch {
		case sp != "":
			letter()
			dst = append(dst, sp...)
		case known || inword:
			// a dropped letter (ь), an accent or a letter of another script
		default:
			gap = true
			inNumber = false
		}
	}
	return dst
}

// inWord reports whether a rune outside the letter tables stays inside the
// word: apostrophe look-alikes, combining accents, invisible format
// characters and letters of other scripts. Everything else separates words.
func inWord(r rune) bool {
	switch r {
	case '\u2019', '\u2018', '\u02bc', '\u02bb', '\u02b9', '\u00b4', '\u2032':
		return true
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.Cf)
}
