package resolve

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// TestLargeBlocksSkipDistantNeighbours: in a block larger than the window
// (people named Ерлан born in one month), neighbours whose last names are
// outright different are other people and are not compared, not even the
// next record, while a mistyped last name of the same person still is.
func TestLargeBlocksSkipDistantNeighbours(t *testing.T) {
	const window = 8
	syllables := []string{"ба", "ке", "мұ", "ти", "жо", "са", "ры", "ле", "ну", "га", "шо", "пе"}
	var ps []person
	for k := 0; len(ps) < 40 && k < len(syllables)*len(syllables)*len(syllables); k++ {
		name := syllables[k%12] + syllables[k/12%12] + syllables[k/144] + "ов"
		p := person{"last_name": name, "first_name": "Ерлан", "birth_date": fmt.Sprintf("1985-03-%02d", 1+len(ps)%28)}
		distinct := true
		for _, q := range ps {
			probe := tableOf(p, q)
			if lastNameLevel(probe, 0, 1) != len(comparisonsFor(probe)[0].levels)-1 {
				distinct = false
				break
			}
		}
		if distinct {
			ps = append(ps, p)
		}
	}
	if len(ps) < 40 {
		t.Fatalf("only %d outright different last names", len(ps))
	}
	// The same person with a typo in the last name and in the day: only
	// the first name and the month of birth bring the two together.
	typo := person{"last_name": strings.Replace(ps[7]["last_name"], "ов", "ав", 1), "first_name": "Ерлан", "birth_date": "1985-03-29"}
	ps = append(ps, typo)
	tab := tableOf(ps...)
	b, err := generate(context.Background(), tab, everyRecord(tab), rulesFor(tab), comparisonsFor(tab), 1000, window, nopBar{})
	if err != nil {
		t.Fatal(err)
	}
	if max := 4; b.candidates() > max {
		t.Errorf("%d pairs compared, want at most %d: distant neighbours were compared", b.candidates(), max)
	}
	found := false
	for _, c := range slices.Concat(b.cands...) {
		found = found || c.i == 7 && int(c.j) == len(ps)-1 || int(c.i) == len(ps)-1 && c.j == 7
	}
	if !found {
		t.Error("the mistyped last name was not compared with its person's record")
	}
}

// TestSmallBlocksOfSortingRules: a block of seven namesakes born in one
// decade is below the window, yet the names' rule, whose lead is the birth
// date, compares only the two records born close together; the first
// name's rule, whose lead (the last name) may differ outright for one
// person, still compares every pair of its block of seven.
func TestSmallBlocksOfSortingRules(t *testing.T) {
	var ps []person
	for k := range 7 {
		ps = append(ps, person{"last_name": "Ахметов", "first_name": "Ерлан", "birth_date": fmt.Sprintf("198%d-0%d-%02d", k, 1+k, 1+3*k)})
	}
	// The same person as record 0 with a typo in the day.
	ps = append(ps, person{"last_name": "Ахметов", "first_name": "Ерлан", "birth_date": "1980-01-07"})
	tab := tableOf(ps...)
	rs, cs := rulesFor(tab), comparisonsFor(tab)
	names := slices.IndexFunc(rs, func(r rule) bool { return r.name == "names+birth_decade" })
	if names < 0 {
		t.Fatal("no names+birth_decade rule")
	}
	only := func(r rule) []rule { return []rule{r} }
	b, err := generate(context.Background(), tab, everyRecord(tab), only(rs[names]), cs, 1000, DefaultWindow, nopBar{})
	if err != nil {
		t.Fatal(err)
	}
	pairs := slices.Concat(b.cands...)
	if len(pairs) != 1 || pairs[0].i+pairs[0].j != 7 || pairs[0].i*pairs[0].j != 0 {
		t.Errorf("names+birth_decade compared %v, want only records 0 and 7", pairs)
	}
	// The same eight people again, now each in its own month: the first
	// name's rule puts the eight of one month in one block.
	for k := range ps {
		ps[k]["birth_date"] = "1985-03-" + ps[k]["birth_date"][8:]
		ps[k]["last_name"] = fmt.Sprintf("%s%c", ps[k]["last_name"], 'а'+rune(k))
	}
	tab = tableOf(ps...)
	rs, cs = rulesFor(tab), comparisonsFor(tab)
	first := slices.IndexFunc(rs, func(r rule) bool { return r.name == "first_name+birth_month" })
	if b, err = generate(context.Background(), tab, everyRecord(tab), only(rs[first]), cs, 1000, DefaultWindow, nopBar{}); err != nil {
		t.Fatal(err)
	}
	if n := len(ps) * (len(ps) - 1) / 2; b.candidates() != n {
		t.Errorf("first_name+birth_month compared %d pairs of a block of %d, want all %d", b.candidates(), len(ps), n)
	}
}
