package synth

import (
	_ "embed"
	"os"
	"path/filepath"
)

// defectKind names one kind of planted defect. truth/README.md (readme.md in
// this package) documents each; the quality engine is scored against them.
type defectKind string

// Planted defect kinds.
const (
	defDuplicateCard defectKind = "duplicate_card"
	defNameTypo      defectKind = "name_typo"
	defNameUpper     defectKind = "name_upper"
	defKazakhFolded  defectKind = "kazakh_folded"
	defLatinSpelling defectKind = "latin_spelling"
	defMissingIIN    defectKind = "missing_iin"
	defIINCheckDigit defectKind = "iin_check_digit"
	defInvalidDate   defectKind = "invalid_date"
	defDeadActive    defectKind = "dead_active_health"
	defDeadOwner     defectKind = "dead_owner"
	defDuplicateTag  defectKind = "duplicate_tag"
	defOversizedHerd defectKind = "oversized_herd"
	defImpossibleAge defectKind = "impossible_age"
	defDeadBenefit   defectKind = "dead_receiving_benefit"
	defIncomeForDead defectKind = "income_for_dead"
	defEnrolledTwice defectKind = "enrolled_twice"
	defMalformedRow  defectKind = "malformed_row"
)

// DefectKinds lists every kind of defect Generate plants, in the order
// truth/README.md describes them.
func DefectKinds() []string {
	return []string{
		string(defDuplicateCard), string(defNameTypo), string(defNameUpper),
		string(defKazakhFolded), string(defLatinSpelling), string(defMissingIIN),
		string(defIINCheckDigit), string(defInvalidDate), string(defDeadActive),
		string(defDeadOwner), string(defDuplicateTag), string(defOversizedHerd),
		string(defImpossibleAge), string(defDeadBenefit), string(defIncomeForDead),
		string(defEnrolledTwice), string(defMalformedRow),
	}
}

// truth collects the ground truth of one extract as CSV rows (without
// headers); Generate concatenates the extracts' rows in a fixed order.
type truth struct {
	source  string
	persons rows // source,record_id,person_id
	animals rows // source,record_id,animal_id
	events  rows // source,record_id,person_id,role
	defects rows // kind,source,record_id,detail
}

func (t *truth) person(recordID, personID string) {
	t.persons.add(t.source, recordID, personID)
}

func (t *truth) animal(recordID, animalID string) {
	t.animals.add(t.source, recordID, animalID)
}

func (t *truth) event(recordID, personID, role string) {
	t.events.add(t.source, recordID, personID, role)
}

func (t *truth) defect(kind defectKind, recordID, detail string) {
	t.defects.add(string(kind), t.source, recordID, detail)
}

// rows accumulates CSV rows in fixed-size blocks, so that hundreds of
// megabytes of truth are never copied to grow a slice.
type rows struct {
	blocks [][]byte
	n      int
}

const rowBlock = 1 << 20

func (r *rows) add(fields ...string) {
	if len(r.blocks) == 0 || len(r.blocks[len(r.blocks)-1]) > rowBlock-4096 {
		r.blocks = append(r.blocks, make([]byte, 0, rowBlock))
	}
	last := &r.blocks[len(r.blocks)-1]
	*last = appendRow(*last, fields...)
	r.n++
}

//go:embed readme.md
var truthReadme []byte

// writeTruth writes the truth files that gather every extract's rows into
// tdir (DIR/truth/), concurrently, and the README. It returns the data rows
// per file.
func writeTruth(tdir string, ts []*truth) (map[string]int, error) {
	type part struct {
		name, header string
		rows         func(*truth) *rows
	}
	parts := []part{
		{"persons.csv", "source,record_id,person_id", func(t *truth) *rows { return &t.persons }},
		{"animals.csv", "source,record_id,animal_id", func(t *truth) *rows { return &t.animals }},
		{"events.csv", "source,record_id,person_id,role", func(t *truth) *rows { return &t.events }},
		{"defects.csv", "kind,source,record_id,detail", func(t *truth) *rows { return &t.defects }},
	}
	counts := make([]int, len(parts))
	jobs := make([]func() error, len(parts))
	for i, p := range parts {
		jobs[i] = func() error {
			o, err := create(tdir, p.name, false)
			if err != nil {
				return err
			}
			o.w.WriteString(p.header + "\n")
			for _, t := range ts {
				rs := p.rows(t)
				for _, b := range rs.blocks {
					o.w.Write(b)
				}
				counts[i] += rs.n
			}
			return o.Close()
		}
	}
	if err := parallel(jobs...); err != nil {
		return nil, err
	}
	files := map[string]int{}
	for i, p := range parts {
		files["truth/"+p.name] = counts[i]
	}
	if err := os.WriteFile(filepath.Join(tdir, "README.md"), truthReadme, 0o644); err != nil {
		return nil, err
	}
	return files, nil
}

// writeHouseholds writes household_id,person_id,role for every living
// person. When the head has died, the first living member in the order
// spouse, parents, children becomes the head.
func writeHouseholds(tdir string, w *world) (int, error) {
	o, err := create(tdir, "households.csv", false)
	if err != nil {
		return 0, err
	}
	t := newTable(o.w, ',', "household_id", "person_id", "role")
	var id []byte
	for hi := range w.hhs {
		h := &w.hhs[hi]
		ms := w.members(h)
		head := w.headOf(h)
		id = appendHouseholdID(id[:0], hi)
		for i := range ms {
			if !ms[i].alive() {
				continue
			}
			t.bytes(id)
			t.str(ms[i].iin)
			t.str(w.householdRole(h, i, head).String())
			t.end()
		}
	}
	return t.rows, o.Close()
}

// headOf returns the index within h's members of its living head: the
// original head, else the first living member in the order spouse,
// parents, children; -1 when nobody lives.
func (w *world) headOf(h *household) int {
	ms := w.members(h)
	for _, rl := range []role{roleHead, roleSpouse, roleParent, roleChild} {
		for i := range ms {
			if ms[i].role == rl && ms[i].alive() {
				return i
			}
		}
	}
	return -1
}

// householdRole is member i's role in h as the registers give it: the
// living head is the head, everyone else keeps their own role.
func (w *world) householdRole(h *household, i, head int) role {
	if i == head {
		return roleHead
	}
	return w.members(h)[i].role
}

// appendHouseholdID writes the id of household index i: "H" and nine digits.
func appendHouseholdID(b []byte, i int) []byte {
	b = append(b, 'H')
	return appendPadded(b, int64(i+1), 9)
}

// appendPadded writes n with leading zeros to width digits.
func appendPadded(b []byte, n int64, width int) []byte {
	var tmp [20]byte
	s := tmp[:0]
	for n > 0 || len(s) == 0 {
		s = append(s, byte('0'+n%10))
		n /= 10
	}
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	for i := len(s) - 1; i >= 0; i-- {
		b = append(b, s[i])
	}
	return b
}
