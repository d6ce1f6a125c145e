package resolve

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

type nopBar struct{}

func (nopBar) Add(int64) {}

// TestLargeBlocksCompareNeighbours: 200 people named Ерлан born in one
// month make a block larger than the window. Each record is compared with
// its neighbours by name only, yet two of them far apart in that order
// who share a phone are still compared, by the phone's rule.
func TestLargeBlocksCompareNeighbours(t *testing.T) {
	const n, window = 200, 16
	var ps []person
	for k := range n {
		ps = append(ps, person{"last_name": fmt.Sprintf("Фамилия%03d", k), "first_name": "Ерлан",
			"birth_date": fmt.Sprintf("1985-03-%02d", 1+k%28), "phone": fmt.Sprintf("+7701%07d", k)})
	}
	first, last := 0, n-1
	ps[last]["phone"] = ps[first]["phone"]
	tab := tableOf(ps...)
	rs, cs := rulesFor(tab), comparisonsFor(tab)
	b, err := generate(context.Background(), tab, everyRecord(tab), rs, cs, 1000, window, nopBar{})
	if err != nil {
		t.Fatal(err)
	}
	if max := len(rs) * n * (window - 1); b.candidates() > max {
		t.Errorf("%d pairs compared, want at most %d (%d rules, window %d)", b.candidates(), max, len(rs), window)
	}
	found := false
	for _, c := range slices.Concat(b.cands...) {
		if c.i == uint32(first) && c.j == uint32(last) || c.i == uint32(last) && c.j == uint32(first) {
			found = true
		}
	}
	if !found {
		t.Errorf("records %d and %d share a phone but were not compared", first, last)
	}
	// Under the window every record still meets its neighbours.
	full, err := generate(context.Background(), tab, everyRecord(tab), rs, cs, 1000, n, nopBar{})
	if err != nil {
		t.Fatal(err)
	}
	if full.candidates() <= b.candidates() {
		t.Errorf("a window as large as the block compared %d pairs, the small window %d: want more", full.candidates(), b.candidates())
	}
}
