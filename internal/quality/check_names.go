package quality

import (
	"strings"
	"unicode"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/names"
	"github.com/ortaq/ortaq/internal/textsim"
)

// runNameMismatch finds records whose name is not the register's name of
// the same person once every legitimate difference of spelling is set
// aside: letter case, Latin or Cyrillic script, Kazakh letters written as
// Russian ones, ё as е, and the Russian and Kazakh forms of a patronymic.
// What remains is a typo (one or two letters) or another name altogether
// (a name change, or the wrong person linked). The other kinds of
// difference have checks of their own: letter_case, script, kazakh_folded.
func runNameMismatch(x *env, s *golden.Source, c *Check, res *Result) {
	x.namePairs(s, c, func(r *golden.Record, rec personName, reg *personName) {
		res.count(s, r)
		if rec.full == reg.full {
			return
		}
		var diffs []Msg
		for i := range 3 {
			a, b := rec.parts[i], reg.parts[i]
			if a == "" || b == "" || sameName(a, b) || (i == 2 && patronymicVariant(a, b)) {
				continue
			}
			switch d := nameDistance(a, b); {
			case d == 1:
				diffs = append(diffs, msg("q.name.letter", partKeys[i], a, b))
			case d == 2:
				diffs = append(diffs, msg("q.name.letters2", partKeys[i], a, b))
			default:
				diffs = append(diffs, msg("q.name.other", partKeys[i], a, b))
			}
		}
		if len(diffs) == 0 {
			return
		}
		f := finding(r, rec.full, msgList(append(diffs, msg("q.name.source", sourceArg(reg.source), reg.record))))
		f.Related = []string{reg.record}
		f.suggest(msg("q.name.fix", sourceArg(reg.source), reg.full))
		res.Findings = append(res.Findings, f)
	})
}

// runKazakhFolded finds Cyrillic names written without the Kazakh letters
// (ә ғ қ ң ө ұ ү һ і) the register's spelling has, as legacy systems and
// windows-1251 extracts write them: а г к н о у у х и. Only records whose
// register name has such letters are checked.
func runKazakhFolded(x *env, s *golden.Source, c *Check, res *Result) {
	x.namePairs(s, c, func(r *golden.Record, rec personName, reg *personName) {
		if reg.kazakh == 0 {
			return
		}
		res.count(s, r)
		if rec.full == reg.full {
			return
		}
		var folded []Msg
		for i := range 3 {
			a, b := rec.parts[i], reg.parts[i]
			if a == "" || b == "" || !cyrillicOnly(a) {
				continue
			}
			if kazakhLetters(a) < kazakhLetters(b) && nameDistance(a, b) <= 2 {
				folded = append(folded, msg("q.folded.reason", a, b, sourceArg(reg.source), reg.record))
			}
		}
		if len(folded) == 0 {
			return
		}
		f := finding(r, rec.full, msgList(folded))
		f.Related = []string{reg.record}
		f.suggest(msg("q.folded.fix", reg.full))
		res.Findings = append(res.Findings, f)
	})
}

// sameName reports whether two spellings are one name: equal in Cyrillic
// up to case, ё and Kazakh letters, or, when either is in Latin, equal once
// both are folded to names' Latin skeleton.
func sameName(a, b string) bool {
	if cyrillicOnly(a) && cyrillicOnly(b) {
		return cyrillicKey(a) == cyrillicKey(b)
	}
	return names.Fold(a) == names.Fold(b)
}

// patronymicVariant reports whether two patronymics are forms of one
// father's name, both of which people legitimately carry: Нурланович and
// Нұрланұлы, Сергеевич and Серикбайұлы's kin. Only spellings whose
// skeletons differ qualify, so a doubled or dropped letter inside the name
// is still a typo. Surnames get no such leeway: a woman recorded as Ахметов
// is recorded wrongly, however common the male form.
func patronymicVariant(a, b string) bool {
	fa, fb := names.Fold(a), names.Fold(b)
	if fa == fb || (names.Kind(a) != names.Patronymic && names.Kind(b) != names.Patronymic) {
		return false
	}
	return names.Base(fa) == names.Base(fb)
}

// nameDistance counts the letters by which two spellings differ, in
// Cyrillic when both are, else on the Latin skeleton.
func nameDistance(a, b string) int {
	if cyrillicOnly(a) && cyrillicOnly(b) {
		return textsim.OSA(cyrillicKey(a), cyrillicKey(b))
	}
	return textsim.OSA(names.Fold(a), names.Fold(b))
}

// cyrillicKey is a Cyrillic name in small letters, with Kazakh letters
// folded to Russian ones and ё to е.
func cyrillicKey(s string) string {
	return strings.ReplaceAll(strings.ToLower(kz.FoldKazakh(s)), "ё", "е")
}

// cyrillicOnly reports whether s has letters and all are Cyrillic.
func cyrillicOnly(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.Is(unicode.Cyrillic, r) {
				return false
			}
			letters = true
		}
	}
	return letters
}

// kazakhOnly are the letters of the Kazakh Cyrillic alphabet that Russian
// lacks, as kz.FoldKazakh folds them.
const kazakhOnly = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"

// kazakhLetters counts the Kazakh-only letters of s.
func kazakhLetters(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x400 && strings.ContainsRune(kazakhOnly, r) {
			n++
		}
	}
	return n
}
