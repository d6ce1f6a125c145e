package resolve

import (
	"fmt"
	"slices"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/textsim"
)

// null is the level of a comparison when either record lacks the value: it
// is no evidence either way and adds nothing to the match weight.
const null = -1

// comparison grades one aspect of a pair of records into levels, best
// first; the last level always means "different".
type comparison struct {
	name   string
	levels []string
	// reads is the set of features (and extra columns, from bit
	// extraBit) the comparison looks at; a training session blocked on any
	// of them cannot estimate it.
	reads uint64
	// tf is the feature whose term frequency adjusts the first (exact)
	// level, or -1.
	tf    feature
	level func(t *Table, i, j int) int
	// value shows what the comparison looks at in one record, for
	// explanations.
	value func(t *Table, i int) string
	match string // for extra columns: their match mode
}

func colValue(f feature) func(*Table, int) string {
	return func(t *Table, i int) string { return t.val(f, i) }
}

// extraBit is the first bit of extra columns in feature sets.
const extraBit = 32

func bit(f feature) uint64 { return 1 << uint(f) }

// Thresholds of the graded levels. Jaro–Winkler 0.92 keeps one typo in a
// name of six letters or more; 0.80 admits two typos or a differently
// transliterated name, which only the other attributes can then confirm.
const (
	jwClose = 0.92
	jwFar   = 0.80
)

// comparisonsFor lists the comparisons that the table's features allow.
// A kind with no person features (animals) is compared on its extra
// columns and dates alone.
func comparisonsFor(t *Table) []comparison {
	cs := allComparisons(t, func(f feature) bool { return t.present[f] })
	if len(cs) > maxComparisons {
		cs = cs[:maxComparisons]
	}
	return cs
}

// comparisonsNamed rebuilds a stored model's comparisons over t, whatever
// features t's few records happen to have.
func comparisonsNamed(t *Table, m *Model) ([]comparison, error) {
	for _, cm := range m.Comparisons {
		if cm.Match != "" {
			t.extra(cm.Name, cm.Match, t.rows())
		}
	}
	all := allComparisons(t, func(feature) bool { return true })
	cs := make([]comparison, len(m.Comparisons))
	for k, cm := range m.Comparisons {
		i := slices.IndexFunc(all, func(c comparison) bool { return c.name == cm.Name })
		if i < 0 || len(all[i].levels) != len(cm.Levels) {
			return nil, fmt.Errorf("stored %s model: comparison %q does not match this version of ortaq; resolve again with --retrain", m.Kind, cm.Name)
		}
		cs[k] = all[i]
	}
	return cs, nil
}

// allComparisons lists the built-in comparisons whose features has
// accepts, then one per extra column.
func allComparisons(t *Table, has func(feature) bool) []comparison {
	var cs []comparison
	if has(fNID) {
		cs = append(cs, comparison{name: "national_id", levels: []string{"exact", "one digit off", "different"}, reads: bit(fNID), tf: -1, level: idLevel(fNID), value: colValue(fNID)})
	}
	if has(fLast) {
		cs = append(cs, comparison{
			name: "last_name", levels: []string{"exact", "same in another script", "other gender form", "close", "similar", "different"},
			reads: bit(fLast) | bit(fLastBase) | bit(fLastText), tf: fLastText, level: lastNameLevel, value: colValue(fLast),
		})
	}
	if has(fFirst) {
		cs = append(cs, comparison{
			name: "first_name", levels: []string{"exact", "same in another script", "close", "similar", "different"},
			reads: bit(fFirst) | bit(fFirstText), tf: fFirstText, level: firstNameLevel, value: colValue(fFirst),
		})
	}
	if has(fMiddle) {
		cs = append(cs, comparison{name: "middle_name", levels: []string{"same father's name", "close", "different"}, reads: bit(fMiddle) | bit(fMiddleBase), tf: -1, level: middleNameLevel, value: colValue(fMiddleBase)})
	}
	if has(fBirth) {
		cs = append(cs, comparison{name: "birth_date", levels: []string{"exact", "typo", "two of year, month, day", "same year", "different"}, reads: bit(fBirth), tf: -1, level: birthLevel, value: colValue(fBirth)})
	}
	if has(fSex) {
		cs = append(cs, comparison{name: "sex", levels: []string{"same", "different"}, reads: bit(fSex), tf: -1, level: exactLevel(fSex), value: colValue(fSex)})
	}
	if has(fPhone) {
		cs = append(cs, comparison{name: "phone", levels: []string{"exact", "one digit off", "different"}, reads: bit(fPhone), tf: -1, level: idLevel(fPhone), value: colValue(fPhone)})
	}
	if has(fEmail) {
		cs = append(cs, comparison{name: "email", levels: []string{"exact", "close", "different"}, reads: bit(fEmail), tf: -1, level: textLevel(fEmail, 0.88, 0), value: colValue(fEmail)})
	}
	if has(fPostcode) {
		cs = append(cs, comparison{name: "postcode", levels: []string{"exact", "one character off", "different"}, reads: bit(fPostcode), tf: -1, level: idLevel(fPostcode), value: colValue(fPostcode)})
	}
	if has(fLocality) {
		cs = append(cs, comparison{name: "locality", levels: []string{"exact", "close", "different"}, reads: bit(fLocality), tf: fLocality, level: textLevel(fLocality, 0.9, 0), value: colValue(fLocality)})
	}
	if has(fRegion) {
		cs = append(cs, comparison{name: "region", levels: []string{"same", "different"}, reads: bit(fRegion), tf: -1, level: exactLevel(fRegion), value: colValue(fRegion)})
	}
	if has(fAddress) {
		cs = append(cs, comparison{name: "address", levels: []string{"exact", "close", "similar", "different"}, reads: bit(fAddress), tf: -1, level: textLevel(fAddress, 0.9, 0.75), value: colValue(fAddress)})
	}
	for e, x := range t.extras {
		c := comparison{name: x.name, reads: 1 << uint(extraBit+e), tf: -1, value: func(t *Table, i int) string { return t.extraVal(e, i) }}
		switch x.mode {
		case source.MatchID:
			c.levels, c.level = []string{"exact", "one character off", "different"}, extraIDLevel(e)
		case source.MatchText:
			c.levels, c.level = []string{"exact", "close", "similar", "different"}, extraTextLevel(e)
		default:
			c.levels, c.level = []string{"exact", "different"}, extraExactLevel(e)
		}
		c.match = x.mode
		cs = append(cs, c)
	}
	return cs
}

// maxComparisons is how many comparisons a pattern packs (4 bits each,
// leaving the top byte for the blocking rules a pair agrees on).
const maxComparisons = 14

// pair returns the values of feature f of records i and j when both have
// one (ok), else "", "", false. Equal values come back as one string, so that comparing
// them costs no byte-by-byte walk.
func pair(t *Table, f feature, i, j int) (string, string, bool) {
	c := &t.cols[f]
	ki, kj := c.codes[t.row[i]], c.codes[t.row[j]]
	if ki == 0 || kj == 0 {
		return "", "", false
	}
	a := c.vals[ki]
	if ki == kj {
		return a, a, true
	}
	return a, c.vals[kj], true
}

func exactLevel(f feature) func(*Table, int, int) int {
	return func(t *Table, i, j int) int {
		a, b, ok := pair(t, f, i, j)
		switch {
		case !ok:
			return null
		case a == b:
			return 0
		}
		return 1
	}
}

// idLevel grades identifiers: equal, one edit apart (a mistyped or swapped
// digit), different.
func idLevel(f feature) func(*Table, int, int) int {
	return func(t *Table, i, j int) int {
		a, b, ok := pair(t, f, i, j)
		return gradeID(a, b, ok)
	}
}

func gradeID(a, b string, ok bool) int {
	switch {
	case !ok:
		return null
	case a == b:
		return 0
	case textsim.OSAWithin(a, b, 1):
		return 1
	}
	return 2
}

// textLevel grades free text by Jaro–Winkler; far == 0 means no "similar"
// level.
func textLevel(f feature, close, far float64) func(*Table, int, int) int {
	return func(t *Table, i, j int) int {
		a, b, ok := pair(t, f, i, j)
		return gradeText(a, b, ok, close, far)
	}
}

func gradeText(a, b string, ok bool, close, far float64) int {
	if !ok {
		return null
	}
	if a == b {
		return 0
	}
	jw := textsim.JaroWinkler(a, b)
	switch {
	case jw >= close:
		return 1
	case far == 0:
		return 2
	case jw >= far:
		return 2
	}
	return 3
}

func extraIDLevel(e int) func(*Table, int, int) int {
	return func(t *Table, i, j int) int {
		a, b := t.extraVal(e, i), t.extraVal(e, j)
		return gradeID(a, b, a != "" && b != "")
	}
}

func extraTextLevel(e int) func(*Table, int, int) int {
	return func(t *Table, i, j int) int {
		a, b := t.extraVal(e, i), t.extraVal(e, j)
		return gradeText(a, b, a != "" && b != "", jwClose, jwFar)
	}
}

func extraExactLevel(e int) func(*Table, int, int) int {
	return func(t *Table, i, j int) int {
		a, b := t.extraVal(e, i), t.extraVal(e, j)
		switch {
		case a == "" || b == "":
			return null
		case a == b:
			return 0
		}
		return 1
	}
}

// swapped reports that one record has first and last name the other way
// round, as happens when a full name in one field is written first name
// first. Both name comparisons then compare across.
func swapped(t *Table, i, j int) bool {
	l1, f1, l2, f2 := t.val(fLast, i), t.val(fFirst, i), t.val(fLast, j), t.val(fFirst, j)
	return l1 != l2 && l1 != "" && f1 != "" && l1 == f2 && f1 == l2
}

// nameLevel grades a name: the same as written; the same once folded
// across scripts (Нұрсұлтан, Нурсултан, Nursultan); then close by
// Jaro–Winkler on the folded forms. other is the second name, for names
// written the other way round (as written); base, when set, adds a level for the
// other gender form of a family name.
func nameLevel(t *Table, i, j int, text, folded, otherText, base feature) int {
	a, b, ok := pair(t, folded, i, j)
	if !ok {
		return null
	}
	if swapped(t, i, j) {
		if t.val(text, i) == t.val(otherText, j) {
			return 0
		}
		return 1
	}
	if t.code(text, i) == t.code(text, j) {
		return 0
	}
	if a == b {
		return 1
	}
	l := 2
	if base >= 0 {
		if ba, bb := t.val(base, i), t.val(base, j); ba != "" && ba == bb {
			return 2
		}
		l = 3
	}
	jw := textsim.JaroWinkler(a, b)
	switch {
	case jw >= jwClose:
		return l
	case jw >= jwFar:
		return l + 1
	}
	return l + 2
}

func lastNameLevel(t *Table, i, j int) int {
	return nameLevel(t, i, j, fLastText, fLast, fFirstText, fLastBase)
}

func firstNameLevel(t *Table, i, j int) int {
	return nameLevel(t, i, j, fFirstText, fFirst, fLastText, -1)
}

// middleNameLevel compares patronymics through the father's name, so that
// Нурланович, Нұрланұлы and Nurlanovna agree.
func middleNameLevel(t *Table, i, j int) int {
	a, b, ok := pair(t, fMiddleBase, i, j)
	if !ok {
		return null
	}
	if a == b {
		return 0
	}
	if textsim.JaroWinkler(a, b) >= 0.9 {
		return 1
	}
	return 2
}

// birthLevel grades dates written as YYYYMMDD digits. A typo is one
// mistyped or transposed digit, day and month swapped, or the year one
// off with the same day and month; then two of the three parts agreeing;
// then the year alone. A date that is not in any calendar (1985-02-31)
// still compares digit by digit.
func birthLevel(t *Table, i, j int) int {
	a, b, ok := pair(t, fBirth, i, j)
	if !ok {
		return null
	}
	if a == b {
		return 0
	}
	if textsim.OSAWithin(a, b, 1) || (a[:4] == b[:4] && a[4:6] == b[6:8] && a[6:8] == b[4:6]) || (a[4:] == b[4:] && yearsApart(a, b) == 1) {
		return 1
	}
	// One part replaced whole: a day or month picked from a list wrongly,
	// a year entered as the registration year.
	y, m, d := a[:4] == b[:4], a[4:6] == b[4:6], a[6:8] == b[6:8]
	if (y && m) || (y && d) || (m && d) {
		return 2
	}
	if y {
		return 3
	}
	return 4
}

func yearsApart(a, b string) int {
	ya := int(a[0]-'0')*1000 + int(a[1]-'0')*100 + int(a[2]-'0')*10 + int(a[3]-'0')
	yb := int(b[0]-'0')*1000 + int(b[1]-'0')*100 + int(b[2]-'0')*10 + int(b[3]-'0')
	if ya > yb {
		return ya - yb
	}
	return yb - ya
}
