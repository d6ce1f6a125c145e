package synth

import (
	"errors"
	"math/rand/v2"
	"strings"

	"github.com/ortaq/ortaq/internal/kz"
)

// plantShare chooses the records that get a planted defect, as pickShare
// does with x's random stream. A clean nation (Options.Clean) plants none
// and draws nothing.
func plantShare[T any](x *run, c []T, share float64, atLeast int) []T {
	if x.clean {
		return nil
	}
	return pickShare(x.r, c, share, atLeast)
}

// mistypeIIN changes one digit of a valid IIN so that the check digit no
// longer matches: a typing error that can never produce another person's
// valid IIN.
func mistypeIIN(r *rand.Rand, iin string) string {
	b := []byte(iin)
	for {
		pos := r.IntN(len(b))
		d := byte('0' + r.IntN(10))
		if d == iin[pos] {
			continue
		}
		b[pos] = d
		if _, err := kz.ParseIIN(string(b)); errors.Is(err, kz.ErrIDCheckDigit) {
			return string(b)
		}
		b[pos] = iin[pos]
	}
}

// typo letters: what a slipping finger inserts or substitutes.
var (
	cyrillicTypo = []rune("аеиоунтсрвлкмдпяыбгзчжшхй")
	latinTypo    = []rune("aeiountsrvlkmdpybgzh")
)

// typo makes one keyboard error in word (insert, delete, substitute or
// transpose a letter, never the first one, never a Kazakh letter). The
// result always differs from word even after folding Kazakh letters, and
// keeps every Kazakh letter, so a typo is never mistaken for a folded
// spelling. ok is false when word is too short for a typo.
func typo(r *rand.Rand, word string, latin bool) (out string, ok bool) {
	rs := []rune(word)
	if len(rs) < 3 {
		return word, false
	}
	letters := cyrillicTypo
	if latin {
		letters = latinTypo
	}
	folded := kz.FoldKazakh(strings.ToLower(word))
	for try := 0; try < 20; try++ {
		var c []rune
		switch r.IntN(4) {
		case 0: // insert
			pos := 1 + r.IntN(len(rs))
			c = append(append(append(c, rs[:pos]...), letters[r.IntN(len(letters))]), rs[pos:]...)
		case 1: // delete
			if len(rs) < 4 {
				continue
			}
			pos := 1 + r.IntN(len(rs)-1)
			c = append(append(c, rs[:pos]...), rs[pos+1:]...)
		case 2: // substitute
			pos := 1 + r.IntN(len(rs)-1)
			c = append(c, rs...)
			c[pos] = letters[r.IntN(len(letters))]
		default: // transpose
			pos := 1 + r.IntN(len(rs)-2)
			c = append(c, rs...)
			c[pos], c[pos+1] = c[pos+1], c[pos]
		}
		s := string(c)
		if kazakhLetters(s) == kazakhLetters(word) && kz.FoldKazakh(strings.ToLower(s)) != folded {
			return s, true
		}
	}
	return word, false
}

// impossibleDay returns a month and day that do not exist in year y.
func impossibleDay(r *rand.Rand, y int) (m, d int) {
	opts := [][2]int{{2, 30}, {2, 31}, {4, 31}, {6, 31}, {9, 31}, {11, 31}}
	if y%4 != 0 || (y%100 == 0 && y%400 != 0) {
		opts = append(opts, [2]int{2, 29})
	}
	o := opts[r.IntN(len(opts))]
	return o[0], o[1]
}

// kazakhLetters returns the Kazakh-only letters of s, in order.
func kazakhLetters(s string) string {
	var b strings.Builder
	for _, r := range s {
		if kz.FoldKazakh(string(r)) != string(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
