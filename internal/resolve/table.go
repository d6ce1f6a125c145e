package resolve

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/names"
	"github.com/ortaq/ortaq/internal/source"
)

// feature is one matching form kept per record.
type feature int

// The built-in features, derived from the canonical attributes.
const (
	fLast       feature = iota // folded last name
	fFirst                     // folded first name
	fMiddle                    // folded middle name (patronymic)
	fLastBase                  // last name without gender ending: ahmetov for ahmetova
	fMiddleBase                // patronymic reduced to the father's name
	fBirth                     // birth date as YYYYMMDD digits, possibly not a calendar date
	fSex                       // M or F
	fNID                       // national id (IIN) digits as written
	fPhone                     // the last ten digits of a phone number
	fEmail                     // lower-case e-mail address
	fPostcode                  // postcode without spaces
	fLocality                  // folded locality (city, village, suburb)
	fRegion                    // folded region or state
	fAddress                   // folded street address, house numbers kept
	fLastText                  // last name as written, in lower case
	fFirstText                 // first name as written, in lower case
	numFeatures
)

// Table holds the records of one entity kind column by column: one slice per
// feature. Linking reads nothing else, so memory stays proportional to the
// matching forms, not to the agencies' rows.
//
// Records of one source with the same matching forms share a form row (a
// register repeats a person's row month after month): the columns are
// indexed by form row, and each record names its own.
type Table struct {
	Kind    string   // entity kind of every record (person, animal...)
	Sources []string // source names; Src holds an index into it
	Src     []uint16
	IDs     []string // record id within its source
	row     []uint32 // per record, its form row

	cols [numFeatures]column
	// nidValid says the national id passes the IIN check digit: two
	// different valid IINs are two people unless overwhelming evidence
	// says otherwise.
	nidValid []bool
	// extras are attributes a contract marks for matching with `match:`.
	extras []extraColumn

	// pending is the record being added; rowIndex finds a form row by the
	// hash of its codes.
	pending  form
	rowIndex map[uint64]uint32
	seed     maphash.Seed

	present [numFeatures]bool // some record has the feature
	srcIdx  map[string]uint16
	// memo maps, per feature, each raw value seen to its matching form's
	// code (see setForm).
	memo [numFeatures]map[string]uint32
}

// form is one record's matching forms as codes, as Add builds them.
type form struct {
	codes    [numFeatures]uint32
	extras   []uint32
	nidValid bool
}

// val is record i's value of feature f, "" when it has none.
func (t *Table) val(f feature, i int) string { return t.cols[f].at(int(t.row[i])) }

// extraVal is record i's value of extra column e.
func (t *Table) extraVal(e, i int) string { return t.extras[e].col.at(int(t.row[i])) }

// code is the code of record i's value of feature f.
func (t *Table) code(f feature, i int) uint32 { return t.cols[f].codes[t.row[i]] }

// validNID says record i's national id passes the IIN check digit.
func (t *Table) validNID(i int) bool { return t.nidValid[t.row[i]] }

// rows is the number of form rows.
func (t *Table) rows() int { return len(t.nidValid) }

// extraColumn is one non-canonical attribute compared by its match mode.
type extraColumn struct {
	name string
	mode string // source.MatchID, MatchText or MatchExact
	col  column
}

// NewTable returns an empty table for records of kind.
func NewTable(kind string) *Table {
	return &Table{Kind: kind, srcIdx: map[string]uint16{}}
}

// Len is the number of records.
func (t *Table) Len() int { return len(t.IDs) }

// Ref names record i as "source:id".
func (t *Table) Ref(i int) string { return t.Sources[t.Src[i]] + ":" + t.IDs[i] }

// lookup finds the record named "source:id".
func (t *Table) lookup(ref string) (int, error) {
	src, id, ok := strings.Cut(ref, ":")
	if !ok {
		return -1, fmt.Errorf("record %q: want SOURCE:ID", ref)
	}
	s, ok := t.srcIdx[src]
	if !ok {
		return -1, fmt.Errorf("record %q: no source %q among %s records", ref, src, t.Kind)
	}
	for i := range t.IDs {
		if t.Src[i] == s && t.IDs[i] == id {
			return i, nil
		}
	}
	return -1, fmt.Errorf("record %q: source %q has no record %q", ref, src, id)
}

func (t *Table) sourceIndex(name string) uint16 {
	// Records come source by source: the last one added is the likeliest.
	if n := len(t.Src); n > 0 && t.Sources[t.Src[n-1]] == name {
		return t.Src[n-1]
	}
	if s, ok := t.srcIdx[name]; ok {
		return s
	}
	s := uint16(len(t.Sources))
	t.Sources = append(t.Sources, name)
	t.srcIdx[name] = s
	return s
}

// matchModes says how each attribute of a source takes part in matching:
// "" for the built-in comparison of a canonical attribute, a match mode for
// an extra one; attributes absent from the map are not compared.
func matchModes(src *source.Source) map[string]string {
	m := make(map[string]string, len(src.Fields))
	for _, f := range src.Fields {
		switch {
		case f.Match == source.MatchNone:
		case isCanonical(f.Name):
			m[f.Name] = ""
		case f.Match != source.MatchAuto:
			m[f.Name] = f.Match
		}
	}
	return m
}

func isCanonical(attr string) bool {
	switch attr {
	case "national_id", "last_name", "first_name", "middle_name", "full_name",
		"birth_date", "sex", "address", "locality", "region", "postcode", "phone", "email":
		return true
	}
	return false
}

// Add appends one record of the named source; modes come from matchModes.
func (t *Table) Add(src, id string, attrs []source.Attr, modes map[string]string) {
	t.Src = append(t.Src, t.sourceIndex(src))
	// A copy, so that the table never keeps alive the row it came from.
	t.IDs = append(t.IDs, strings.Clone(id))
	t.pending = form{extras: t.pending.extras[:0]}

	var full string
	for _, a := range attrs {
		mode, ok := modes[a.Name]
		if !ok || a.Value == "" {
			continue
		}
		if mode != "" {
			t.setExtra(a.Name, mode, a.Value)
			continue
		}
		switch a.Name {
		case "national_id":
			t.set(fNID, digits(a.Value))
			t.pending.nidValid = kz.ValidIIN(a.Value)
		case "last_name":
			t.setName(fLast, fLastText, a.Value)
		case "first_name":
			t.setName(fFirst, fFirstText, a.Value)
		case "middle_name":
			t.setForm(fMiddle, a.Value, names.Fold)
		case "full_name":
			full = a.Value
		case "birth_date":
			t.setForm(fBirth, a.Value, birthForm)
		case "sex":
			if a.Value == "M" || a.Value == "F" {
				t.set(fSex, a.Value)
			}
		case "phone":
			d := digits(a.Value)
			if len(d) > 10 {
				d = d[len(d)-10:]
			}
			if len(d) >= 6 {
				t.set(fPhone, d)
			}
		case "email":
			t.set(fEmail, strings.ToLower(a.Value))
		case "postcode":
			t.setForm(fPostcode, a.Value, postcodeForm)
		case "locality":
			t.setForm(fLocality, a.Value, names.Fold)
		case "region":
			t.setForm(fRegion, a.Value, names.Fold)
		case "address":
			t.set(fAddress, names.FoldText(a.Value))
		}
	}
	// A full name fills only the parts the source does not give separately.
	if full != "" {
		p := names.Split(full)
		if t.pendingVal(fLast) == "" && t.pendingVal(fFirst) == "" {
			t.setName(fLast, fLastText, p.Last)
			t.setName(fFirst, fFirstText, p.First)
		}
		if t.pendingVal(fMiddle) == "" {
			t.setForm(fMiddle, p.Middle, names.Fold)
		}
	}
	if v := t.pendingVal(fLast); v != "" {
		t.setForm(fLastBase, v, names.Base)
	}
	if v := t.pendingVal(fMiddle); v != "" {
		t.setForm(fMiddleBase, v, names.Base)
	}
	t.row = append(t.row, t.intern())
}

// seal drops what only adding records needs (the columns' indexes, the
// raw values' memo, the form rows' index): a table read for linking is
// complete, and those maps were a tenth of its memory. Add still works
// after seal, only slower at first.
func (t *Table) seal() {
	for f := range t.cols {
		t.cols[f].seal()
	}
	for e := range t.extras {
		t.extras[e].col.seal()
	}
	t.memo = [numFeatures]map[string]uint32{}
	t.rowIndex = nil
}

// pendingVal is the value of feature f of the record being added.
func (t *Table) pendingVal(f feature) string {
	if k := t.pending.codes[f]; k != 0 {
		return t.cols[f].vals[k]
	}
	return ""
}

// intern returns the form row of the pending record, adding it when the
// table has no row with the same codes.
func (t *Table) intern() uint32 {
	p := &t.pending
	for len(p.extras) < len(t.extras) {
		p.extras = append(p.extras, 0)
	}
	if t.rowIndex == nil {
		t.rowIndex, t.seed = map[uint64]uint32{}, maphash.MakeSeed()
	}
	h := formHash(t.seed, p.codes[:], p.extras, p.nidValid)
	r, ok := t.rowIndex[h]
	if ok && t.rowIs(int(r), p) {
		return r
	}
	r = uint32(t.rows())
	for f := range t.cols {
		t.cols[f].codes = append(t.cols[f].codes, p.codes[f])
	}
	for e := range t.extras {
		t.extras[e].col.codes = append(t.extras[e].col.codes, p.extras[e])
	}
	t.nidValid = append(t.nidValid, p.nidValid)
	// A hash shared by rows that differ leaves the later one unindexed.
	if !ok {
		t.rowIndex[h] = r
	}
	return r
}

// rowIs says form row r holds the codes of f.
func (t *Table) rowIs(r int, f *form) bool {
	if t.nidValid[r] != f.nidValid {
		return false
	}
	for c := range t.cols {
		if t.cols[c].codes[r] != f.codes[c] {
			return false
		}
	}
	for e := range t.extras {
		if t.extras[e].col.codes[r] != f.extras[e] {
			return false
		}
	}
	return true
}

// formOf copies form row r's codes into f.
func (t *Table) formOf(r int, f *form) {
	for c := range t.cols {
		f.codes[c] = t.cols[c].codes[r]
	}
	f.extras = f.extras[:0]
	for e := range t.extras {
		f.extras = append(f.extras, t.extras[e].col.codes[r])
	}
	f.nidValid = t.nidValid[r]
}

// formHash hashes a form row's codes.
func formHash(seed maphash.Seed, codes, extras []uint32, nidValid bool) uint64 {
	var h maphash.Hash
	h.SetSeed(seed)
	var b [4]byte
	for _, k := range codes {
		binary.LittleEndian.PutUint32(b[:], k)
		h.Write(b[:])
	}
	for _, k := range extras {
		binary.LittleEndian.PutUint32(b[:], k)
		h.Write(b[:])
	}
	if nidValid {
		h.WriteByte(1)
	}
	return h.Sum64()
}

func (t *Table) set(f feature, v string) {
	if v == "" {
		return
	}
	t.pending.codes[f] = t.cols[f].code(v)
	t.present[f] = true
}

// setForm gives the record being added the matching form norm(raw) of feature f. norm
// must depend on raw alone: each distinct raw value is normalised once per
// table, because names, places and dates repeat across a country's records
// and folding them was a third of reading an extract.
func (t *Table) setForm(f feature, raw string, norm func(string) string) {
	m := t.memo[f]
	k, ok := m[raw]
	if !ok {
		if m == nil {
			m = map[string]uint32{}
			t.memo[f] = m
		}
		k = t.cols[f].code(norm(raw))
		m[strings.Clone(raw)] = k
	}
	if k != 0 {
		t.pending.codes[f] = k
		t.present[f] = true
	}
}

// setName keeps a name twice: folded across scripts, for blocking and
// closeness, and as written, so that MEIER and MAIER (one skeleton) are
// still not the same name.
func (t *Table) setName(folded, text feature, v string) {
	t.setForm(folded, v, names.Fold)
	t.setForm(text, v, nameText)
}

// nameText is a name as written, in lower case with single spaces.
func nameText(v string) string { return strings.Join(strings.Fields(strings.ToLower(v)), " ") }

// birthForm is a birth date's eight digits, "" when it has not eight.
func birthForm(v string) string {
	if d := digits(v); len(d) == 8 {
		return d
	}
	return ""
}

// postcodeForm is a postcode in lower case without spaces.
func postcodeForm(v string) string { return strings.ToLower(strings.ReplaceAll(v, " ", "")) }

func (t *Table) setExtra(name, mode, v string) {
	e := t.extra(name, mode, t.rows())
	for len(t.pending.extras) <= e {
		t.pending.extras = append(t.pending.extras, 0)
	}
	t.pending.extras[e] = t.extras[e].col.code(normExtra(mode, v))
}

// normExtra is the matching form of an extra attribute: identifiers lose
// spaces and dashes and case, free text is folded like names.
func normExtra(mode, v string) string {
	switch mode {
	case source.MatchText:
		return names.Fold(v)
	case source.MatchID:
		return strings.ToLower(strings.Map(func(r rune) rune {
			if r == ' ' || r == '-' || r == '/' || r == '.' {
				return -1
			}
			return r
		}, v))
	}
	return strings.ToLower(v)
}

// digits keeps the ASCII digits of s.
func digits(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			b := make([]byte, 0, len(s))
			for j := 0; j < len(s); j++ {
				if s[j] >= '0' && s[j] <= '9' {
					b = append(b, s[j])
				}
			}
			return string(b)
		}
	}
	return s
}
