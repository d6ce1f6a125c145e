package scorecard

import (
	"hash/fnv"
	"strings"
	"testing"
)

// TestHashKey holds hashKey to FNV-1a as hash/fnv computes it: stored keys
// must hash the same in every version.
func TestHashKey(t *testing.T) {
	for _, v := range []string{"", "880123333077", "KZ0200001280", "Ақтөбе"} {
		h := fnv.New64a()
		h.Write([]byte(v))
		if got, want := hashKey(v), int64(h.Sum64()); got != want {
			t.Errorf("hashKey(%q) = %d, want %d", v, got, want)
		}
	}
}

// TestTallyPeople follows the people per source that the default checks
// are derived from through units added, taken away and the totals stored
// and read back: an entity counts once per source it has records in, as
// single when it has one there; a record not resolved counts for nothing.
func TestTallyPeople(t *testing.T) {
	unit := func(due string, observed ...[3]int64) *unitTally { return &unitTally{observed: observed, due: due} }
	one := unit("", [3]int64{1, 10, 1})                               // one record of source 1
	two := unit("2027-01-01", [3]int64{1, 10, 1}, [3]int64{1, 20, 1}) // two of source 1, at two times
	both := unit("", [3]int64{1, 10, 1}, [3]int64{2, 10, 2})          // one of source 1, two of source 2
	tests := []struct {
		name string
		add  func(*tally)
		want map[int64][2]int
	}{
		{"one entity", func(t *tally) { t.addUnit("P1", one, 1) }, map[int64][2]int{1: {1, 1}}},
		{"several records", func(t *tally) { t.addUnit("P1", two, 1) }, map[int64][2]int{1: {1, 0}}},
		{"two sources", func(t *tally) { t.addUnit("P1", both, 1) }, map[int64][2]int{1: {1, 1}, 2: {1, 0}}},
		{"loose record", func(t *tally) { t.addUnit("r:1:X", one, 1) }, map[int64][2]int{}},
		{"redone", func(t *tally) {
			t.addUnit("P1", one, 1)
			t.addUnit("P2", one, 1)
			t.addUnit("P1", one, -1)
			t.addUnit("P1", two, 1)
		}, map[int64][2]int{1: {2, 1}}},
		{"taken away", func(t *tally) {
			t.addUnit("P1", both, 1)
			t.addUnit("P1", both, -1)
		}, map[int64][2]int{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			totals := newTally()
			tt.add(totals)
			b, err := totals.encode()
			if err != nil {
				t.Fatal(err)
			}
			back, err := decodeTally(b)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range []map[int64][2]int{totals.people, back.people} {
				if len(got) != len(tt.want) {
					t.Fatalf("people %v, want %v", got, tt.want)
				}
				for src, p := range tt.want {
					if got[src] != p {
						t.Errorf("people %v, want %v", got, tt.want)
					}
				}
			}
		})
	}
	if b, _ := two.encode(); !strings.Contains(string(b), `"d":"2027-01-01"`) {
		t.Errorf("a unit's tally %s lacks its due date", b)
	}
}
