package resolve

import (
	"strconv"
	"testing"

	"github.com/ortaq/ortaq/internal/source"
)

// TestFormRows checks that records share form rows only when their forms
// agree, and that a sealed table still takes records with the right codes.
func TestFormRows(t *testing.T) {
	modes := map[string]string{"last_name": "", "first_name": "", "birth_date": "", "national_id": ""}
	rec := func(last, first, birth string) []source.Attr {
		return []source.Attr{{Name: "last_name", Value: last}, {Name: "first_name", Value: first}, {Name: "birth_date", Value: birth}}
	}
	tab := NewTable("person")
	tab.Add("tax", "1", rec("Ахметов", "Ерлан", "1980-01-02"), modes)
	tab.Add("tax", "2", rec("Ахметов", "Ерлан", "1980-01-02"), modes)
	tab.Add("tax", "3", rec("Ахметов", "Ерлан", "1980-01-03"), modes)
	tab.seal()
	tab.Add("tax", "4", rec("Ахметов", "Ерлан", "1980-01-02"), modes)
	tab.Add("tax", "5", rec("Ахметова", "Айгуль", "1980-01-03"), modes)

	if got := tab.row[0] == tab.row[1]; !got {
		t.Errorf("identical records 1 and 2 on rows %d and %d, want one", tab.row[0], tab.row[1])
	}
	if tab.row[0] == tab.row[2] {
		t.Errorf("records 1 and 3 differ in birth date but share row %d", tab.row[0])
	}
	for i, want := range []struct{ last, first, birth string }{
		{"ahmetov", "erlan", "19800102"}, {"ahmetov", "erlan", "19800102"}, {"ahmetov", "erlan", "19800103"},
		{"ahmetov", "erlan", "19800102"}, {"ahmetova", "aiguli", "19800103"},
	} {
		got := [3]string{tab.val(fLast, i), tab.val(fFirst, i), tab.val(fBirth, i)}
		if got[2] != want.birth || got[0] == "" || got[1] == "" {
			t.Errorf("record %d: %q, want birth %s and both names", i+1, got, want.birth)
		}
	}
	// After seal, a value seen before keeps its code and a new one gets its own.
	if tab.code(fBirth, 3) != tab.code(fBirth, 0) || tab.code(fLast, 3) != tab.code(fLast, 0) {
		t.Error("record 4 after seal: codes differ from record 1's equal values")
	}
	if tab.code(fBirth, 4) != tab.code(fBirth, 2) || tab.code(fLast, 4) == tab.code(fLast, 0) {
		t.Error("record 5 after seal: wrong codes")
	}
	id := identicalRecords(tab)
	if id.rep[3] != 0 || id.rep[1] != 0 || id.rep[2] != 2 || id.reps != 3 {
		t.Errorf("identical groups: rep %v (%d groups), want [0 0 2 0 4] in 3", id.rep, id.reps)
	}
}

// TestColumnCodes checks that a column gives every distinct value one code
// across its index's growth and after seal.
func TestColumnCodes(t *testing.T) {
	var c column
	codes := map[string]uint32{}
	for i := range 50000 {
		v := strconv.Itoa(i % 20000)
		k := c.code(v)
		if want, ok := codes[v]; ok && k != want {
			t.Fatalf("value %q: code %d, earlier %d", v, k, want)
		}
		codes[v] = k
		if i == 30000 {
			c.seal()
		}
	}
	if len(c.vals) != 20001 || c.code("") != 0 {
		t.Fatalf("%d values, want 20,001 with the empty one", len(c.vals))
	}
	for v, k := range codes {
		if c.vals[k] != v {
			t.Fatalf("code %d holds %q, want %q", k, c.vals[k], v)
		}
	}
}
