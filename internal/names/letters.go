package names

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// cyrillicSpelling is how each Cyrillic letter is written before the
// rules of skeleton run, chosen so that the rules treat it like its Latin
// spellings: х is ICAO's kh, which the rules make h (keeping kh after з, т,
// п, so that зх is not read as ж); ж is zh, which they make j; ё is yo,
// which they make e after a consonant as ICAO writes it, and keep as yo at
// the start of a word (Ёсида, Yoshida); й and ы are y, which the rules read
// as a glide before a vowel and as i elsewhere; ъ and ь are dropped, as
// ICAO drops them. The Kazakh letters take the Russian letter that legacy
// systems use for them (kz.FoldKazakh), and the few Ukrainian, Belarusian
// and Serbian letters their usual Latin.
var cyrillicSpelling = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "yo",
	'ж': "zh", 'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u",
	'һ': "h", 'і': "i",
	'є': "ye", 'ї': "yi", 'ґ': "g", 'ў': "u", 'ђ': "dj", 'ѓ': "g", 'ѕ': "dz",
	'ј': "y", 'ќ': "k", 'љ': "ly", 'њ': "ny", 'ћ': "ch", 'џ': "dzh",
}

// latinSpelling overrides the accent stripping of latinLetters for letters
// that stand for a sound the base letter does not: the hushing consonants of
// the 2021 Kazakh alphabet and of Turkish, Slavic and Baltic spellings (ş,
// ç, š, ž, č...), ligatures, and letters without a decomposition (ł, ø,
// ı). ç is ch, as in Kazakh and Turkish, although French and Portuguese
// read it s: Kazakh names come first.
var latinSpelling = map[rune]string{
	'ş': "sh", 'ș': "sh", 'š': "sh", 'ś': "sh", 'ç': "ch", 'č': "ch", 'ć': "ch",
	'ž': "zh", 'ź': "zh", 'ż': "zh", 'ř': "rzh", 'đ': "dj", 'ð': "d", 'þ': "th",
	'ł': "l", 'ø': "o", 'ǿ': "o", 'æ': "ae", 'ǽ': "ae", 'ǣ': "ae", 'œ': "oe",
	'ß': "ss", 'ı': "i", 'ə': "a", 'ǝ': "a", 'ŋ': "ng", 'ĳ': "ij", 'ħ': "h",
	'ŧ': "t", 'ƚ': "l", 'ſ': "s", 'ǆ': "dzh", 'ǅ': "dzh", 'ǉ': "ly",
	'ǈ': "ly", 'ǌ': "ny", 'ǋ': "ny", 'ǳ': "dz", 'ǲ': "dz", 'ʒ': "zh",
	'ɨ': "i", 'ɛ': "e", 'ɔ': "o", 'ƒ': "f", 'ŉ': "n", 'ĸ': "k",
}

// Ranges of letters looked up in arrays rather than maps, because Fold
// meets them in almost every non-ASCII name.
const (
	cyrillicLo, cyrillicHi = 0x400, 0x500   // Cyrillic
	latinLo, latinHi       = 0xc0, 0x250    // Latin-1 Supplement to Latin Extended-B
	latinAddLo, latinAddHi = 0x1e00, 0x1f00 // Latin Extended Additional (Vietnamese)
)

var (
	cyrillicLetters [cyrillicHi - cyrillicLo]letter
	latinLetters    [latinHi - latinLo]letter
	latinAddLetters [latinAddHi - latinAddLo]letter
)

// letter is the ASCII spelling of one rune; known distinguishes a letter
// that is dropped (ь) from a rune that is not in the table.
type letter struct {
	spelling string
	known    bool
}

func init() {
	for r, sp := range cyrillicSpelling {
		cyrillicLetters[r-cyrillicLo] = letter{sp, true}
		cyrillicLetters[unicode.ToUpper(r)-cyrillicLo] = letter{sp, true}
	}
	fillLatin(latinLetters[:], latinLo)
	fillLatin(latinAddLetters[:], latinAddLo)
}

// fillLatin spells each letter of a block as its decomposition without the
// accents (é → e, ō → o, ñ → n), unless latinSpelling says otherwise.
func fillLatin(block []letter, lo rune) {
	for i := range block {
		r := lo + rune(i)
		if !unicode.IsLetter(r) {
			continue
		}
		sp, ok := latinSpelling[unicode.ToLower(r)]
		if !ok {
			var ascii []byte
			for _, d := range norm.NFD.String(string(unicode.ToLower(r))) {
				if 'a' <= d && d <= 'z' {
					ascii = append(ascii, byte(d))
				}
			}
			sp, ok = string(ascii), len(ascii) > 0
		}
		if ok {
			block[i] = letter{sp, true}
		}
	}
}

// lookup returns the spelling of a non-ASCII rune. known is false for
// runes outside the tables; inword then says whether the rune is still part
// of a word (a mark, an apostrophe, a letter of another script), to be
// dropped rather than split the word.
func lookup(r rune) (sp string, known, inword bool) {
	var l letter
	switch {
	case cyrillicLo <= r && r < cyrillicHi:
		l = cyrillicLetters[r-cyrillicLo]
	case latinLo <= r && r < latinHi:
		l = latinLetters[r-latinLo]
	case latinAddLo <= r && r < latinAddHi:
		l = latinAddLetters[r-latinAddLo]
	}
	if l.known {
		return l.spelling, true, true
	}
	return "", false, inWord(r)
}
