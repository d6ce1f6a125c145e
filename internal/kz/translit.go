package kz

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds the three spellings of Kazakh and Russian names that occur
// in agency data besides proper Kazakh Cyrillic:
//
//   - FoldKazakh: Cyrillic without the nine Kazakh-only letters, as legacy
//     systems and single-byte code pages (windows-1251) write it;
//   - LatinICAO: the machine-readable-zone Latin of passports (ICAO Doc 9303
//     part 3), with Kazakh letters as Kazakhstan's passports render them;
//   - Latin2021: the Kazakh Latin alphabet presented in January 2021.
//
// All three are total: every input gives an output, runes outside the tables
// pass through unchanged and invalid UTF-8 bytes become U+FFFD, so the output
// is always valid UTF-8.

// FoldKazakh replaces the Kazakh-only Cyrillic letters ә ғ қ ң ө ұ ү һ і (both
// cases) by the Russian letters legacy systems write for them (а г к н о у у х
// и), so that "Нұрсұлтан Әбішұлы" becomes "Нурсултан Абишулы". The Latin
// schwa (ə, Ə), a common stand-in for ә, folds to а as well. Everything else,
// including case, is unchanged. Folding is idempotent: FoldKazakh(FoldKazakh(s))
// == FoldKazakh(s).
func FoldKazakh(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, isFoldable) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// foldRune maps the Kazakh-only letters (and the Latin schwa often typed
// for ә) to the Russian letters legacy systems use instead. It is a switch,
// not a map: FoldKazakh runs on every name that is matched.
func foldRune(r rune) rune {
	if r < 'Ə' || r > 'ө' { // U+018F..U+04E9 holds every folded letter
		return r
	}
	switch r {
	case 'ә', 'ə':
		return 'а'
	case 'Ә', 'Ə':
		return 'А'
	case 'ғ':
		return 'г'
	case 'Ғ':
		return 'Г'
	case 'қ':
		return 'к'
	case 'Қ':
		return 'К'
	case 'ң':
		return 'н'
	case 'Ң':
		return 'Н'
	case 'ө':
		return 'о'
	case 'Ө':
		return 'О'
	case 'ұ', 'ү':
		return 'у'
	case 'Ұ', 'Ү':
		return 'У'
	case 'һ':
		return 'х'
	case 'Һ':
		return 'Х'
	case 'і':
		return 'и'
	case 'І':
		return 'И'
	}
	return r
}

func isFoldable(r rune) bool { return foldRune(r) != r }

// spelling is how one Cyrillic letter is written in a Latin system, in the
// three case styles a name can be in.
type spelling struct{ lower, title, upper string }

// latinTable is one transliteration system: Cyrillic letter (either case) ->
// spelling. A letter that is dropped has an empty spelling. The Cyrillic
// block (U+0400..U+04FF) is an array, for speed; other letters a map.
type latinTable struct {
	block [256]spelling
	in    [256]bool
	other map[rune]spelling
}

func (t *latinTable) lookup(r rune) (spelling, bool) {
	if i := r - 0x400; i >= 0 && i < 256 {
		return t.block[i], t.in[i]
	}
	sp, ok := t.other[r]
	return sp, ok
}

func (t *latinTable) set(r rune, sp spelling) {
	if i := r - 0x400; i >= 0 && i < 256 {
		t.block[i], t.in[i] = sp, true
		return
	}
	t.other[r] = sp
}

// build makes a table from lower-case Cyrillic letters and their lower-case
// Latin spelling; upper turns a Latin spelling upper-case.
func build(pairs map[rune]string, upper func(string) string) *latinTable {
	t := &latinTable{other: map[rune]spelling{}}
	for r, lat := range pairs {
		sp := spelling{lower: lat, upper: upper(lat), title: titleOf(lat, upper)}
		t.set(r, sp)
		t.set(unicode.ToUpper(r), sp)
	}
	return t
}

func titleOf(lat string, upper func(string) string) string {
	if lat == "" {
		return ""
	}
	_, n := utf8.DecodeRuneInString(lat)
	return upper(lat[:n]) + lat[n:]
}

// icaoTable follows ICAO Doc 9303 part 3 (Cyrillic, including its Ukrainian,
// Belarusian, Serbian and Macedonian letters) and renders the Kazakh letters
// as Kazakhstan's passports do: ә→A, ғ→G, қ→K, ң→N, ө→O, ұ→U, ү→U, һ→H, і→I.
// The soft sign is dropped.
var icaoTable = build(map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e",
	'ж': "zh", 'з': "z", 'и': "i", 'й': "i", 'к': "k", 'л': "l", 'м': "m",
	'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u",
	'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch",
	'ъ': "ie", 'ы': "y", 'ь': "", 'э': "e", 'ю': "iu", 'я': "ia",
	// Kazakh
	'ә': "a", 'ғ': "g", 'қ': "k", 'ң': "n", 'ө': "o", 'ұ': "u", 'ү': "u",
	'һ': "h", 'і': "i",
	// Other Cyrillic letters listed by Doc 9303
	'ґ': "g", 'є': "ie", 'ї': "i", 'ў': "u", 'ђ': "d", 'ѓ': "g", 'ѕ': "dz",
	'ј': "j", 'ќ': "k", 'љ': "lj", 'њ': "nj", 'ћ': "c", 'џ': "dz",
	'ə': "a", // Latin schwa typed for ә
}, strings.ToUpper)

// latin2021Table follows the Kazakh Latin alphabet presented in January 2021
// (A Ä B D E F G Ğ H I İ J K L M N Ñ O Ö P Q R S Ş T U Ū Ü V Y Z, with Ç for
// ч). Choices where the alphabet is silent or ambiguous:
//   - и and й are both i (upper İ, dotted), і is ı (upper I, dotless), so an
//     upper-case name keeps the distinction (ИІ → İI);
//   - х and һ are both h; ц → ts, щ → şş, ю → iu, я → ia, ё → io (letters used
//     only in Russian loans, written by their sounds);
//   - ъ and ь are dropped; э → e; в → v; ф → f;
//   - Ukrainian є, ї, ґ, ў, not part of Kazakh, become e, i, g, u.
var latin2021Table = build(map[rune]string{
	'а': "a", 'ә': "ä", 'б': "b", 'в': "v", 'г': "g", 'ғ': "ğ", 'д': "d",
	'е': "e", 'ё': "io", 'ж': "j", 'з': "z", 'и': "i", 'й': "i", 'к': "k",
	'қ': "q", 'л': "l", 'м': "m", 'н': "n", 'ң': "ñ", 'о': "o", 'ө': "ö",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ұ': "ū", 'ү': "ü",
	'ф': "f", 'х': "h", 'һ': "h", 'ц': "ts", 'ч': "ç", 'ш': "ş", 'щ': "şş",
	'ъ': "", 'ы': "y", 'і': "ı", 'ь': "", 'э': "e", 'ю': "iu", 'я': "ia",
	'є': "e", 'ї': "i", 'ґ': "g", 'ў': "u",
	'ə': "ä", // Latin schwa typed for ә
}, kazakhUpper)

// kazakhUpper upper-cases Latin Kazakh text with the dotted/dotless i pair:
// i → İ, ı → I.
func kazakhUpper(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'i':
			return 'İ'
		case 'ı':
			return 'I'
		}
		return unicode.ToUpper(r)
	}, s)
}

// LatinICAO transliterates Cyrillic to the Latin of Kazakhstan's passports
// (ICAO Doc 9303): "Жанар" → "Zhanar", "Нұрсұлтан" → "Nursultan",
// "ЩЕРБАКОВ" → "SHCHERBAKOV". Letters that become several Latin letters
// follow the case style of the text: in an all-capitals text, or inside a
// capitalised word (the next letter is a capital too), all are capitals;
// otherwise only the first ("Щукин" → "Shchukin"). Non-Cyrillic text is kept.
func LatinICAO(s string) string { return transliterate(s, icaoTable) }

// Latin2021 transliterates Kazakh or Russian Cyrillic to the 2021 Kazakh
// Latin alphabet: "Қуаныш" → "Quanyş", "Әсел" → "Äsel", "Ғалым" → "Ğalym",
// "Іңкәр" → "Iñkär". Case follows the same rules as LatinICAO; the capital of
// i is İ and the capital of ı is I. See latin2021Table for the choices made.
func Latin2021(s string) string { return transliterate(s, latin2021Table) }

func transliterate(s string, table *latinTable) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	rs := []rune(s) // invalid bytes decode to U+FFFD
	allUpper := !strings.ContainsFunc(s, unicode.IsLower)
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i, r := range rs {
		sp, ok := table.lookup(r)
		if !ok {
			b.WriteRune(r)
			continue
		}
		switch {
		case !unicode.IsUpper(r):
			b.WriteString(sp.lower)
		case allUpper || capitalContext(rs, i):
			b.WriteString(sp.upper)
		default:
			b.WriteString(sp.title)
		}
	}
	return b.String()
}

// capitalContext reports whether the capital letter at rs[i] sits in a
// capitalised word: the next letter is a capital, or the word ends here and
// the previous letter is a capital.
func capitalContext(rs []rune, i int) bool {
	if i+1 < len(rs) && unicode.IsLetter(rs[i+1]) {
		return unicode.IsUpper(rs[i+1])
	}
	return i > 0 && unicode.IsUpper(rs[i-1])
}
