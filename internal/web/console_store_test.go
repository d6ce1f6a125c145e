package web

import (
	"cmp"
	"context"
	"slices"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
)

// The console's store queries (internal/store/console.go) answer what the
// store's general queries answer, faster. These tests hold them to each
// other on the demo nation, on both databases.

// TestWorkListMatchesFindings: the planned work list selects the same
// findings as Findings, for every kind of filter, and pages through them
// without gaps or repeats.
func TestWorkListMatchesFindings(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		ctx := context.Background()
		for _, f := range []store.FindingFilter{
			{},
			{Status: store.FindingOpen},
			{Status: store.FindingResolved},
			{Source: "livestock"},
			{Agency: "moh"},
			{Agency: "moh", Source: "livestock"},
			{Kind: "duplicates"},
			{Check: "duplicates"},
			{Source: "nope"},
			{EntityID: d.Finding.EntityID},
		} {
			want, wantTotal, err := d.st.Findings(ctx, store.FindingFilter{Source: f.Source, Agency: f.Agency, Check: f.Check,
				Kind: f.Kind, Status: f.Status, EntityID: f.EntityID, Limit: -1})
			if err != nil {
				t.Fatal(err)
			}
			all := f
			all.Limit = -1
			got, total, err := d.st.WorkList(ctx, all)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			if total != wantTotal || !sameIDs(got, want) {
				t.Errorf("%+v: work list has %d (total %d); Findings %d", f, len(got), total, wantTotal)
				continue
			}
			// Paging: the pages, joined, are the whole list in order.
			var paged []store.Finding
			for off := 0; off < total; off += 37 {
				p := f
				p.Limit, p.Offset = 37, off
				page, n, err := d.st.WorkList(ctx, p)
				if err != nil || n != total {
					t.Fatalf("%+v page at %d: %d findings, %v", f, off, n, err)
				}
				paged = append(paged, page...)
			}
			if !slices.EqualFunc(paged, got, func(a, b store.Finding) bool { return a.ID == b.ID }) {
				t.Errorf("%+v: the pages differ from the whole list", f)
			}
			// Ordered by agency, source and check.
			if !slices.IsSortedFunc(got, func(a, b store.Finding) int {
				return checkOrder(a.Agency, a.Source, a.Check, b.Agency, b.Source, b.Check)
			}) {
				t.Errorf("%+v: not in agency, source, check order", f)
			}
		}
	})
}

func sameIDs(a, b []store.Finding) bool {
	ids := func(fs []store.Finding) []string {
		out := make([]string, len(fs))
		for i, f := range fs {
			out[i] = f.ID
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(ids(a), ids(b))
}

// checkOrder orders by agency, source and check, as work lists and
// tallies are.
func checkOrder(agencyA, sourceA, checkA, agencyB, sourceB, checkB string) int {
	return cmp.Or(cmp.Compare(agencyA, agencyB), cmp.Compare(sourceA, sourceB), cmp.Compare(checkA, checkB))
}

// TestFindingTallyMatchesCounts: the index-only tally counts the findings
// Findings lists, by status, for every check that has a finding still to
// act on.
func TestFindingTallyMatchesCounts(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		ctx := context.Background()
		byCheck := map[string]*store.FindingCount{}
		for _, status := range []string{store.FindingOpen, store.FindingFixed, store.FindingNotDefect} {
			fs, _, err := d.st.Findings(ctx, store.FindingFilter{Status: status, Limit: -1})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				k := f.Source + "/" + f.Check
				c := byCheck[k]
				if c == nil {
					c = &store.FindingCount{Source: f.Source, Agency: f.Agency, Check: f.Check, Kind: f.Kind}
					byCheck[k] = c
				}
				switch status {
				case store.FindingOpen:
					c.Open++
				case store.FindingFixed:
					c.Fixed++
				default:
					c.NotDefect++
				}
			}
		}
		var want []store.FindingCount
		for _, c := range byCheck {
			want = append(want, *c)
		}
		slices.SortFunc(want, func(a, b store.FindingCount) int {
			return checkOrder(a.Agency, a.Source, a.Check, b.Agency, b.Source, b.Check)
		})
		got, err := d.st.FindingTally(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("tally %v\nwant  %v", got, want)
		}
	})
}

// TestFindingSample: at most n findings per check, each one the filter
// selects, and every check with findings represented.
func TestFindingSample(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		ctx := context.Background()
		f := store.FindingFilter{Source: "health_cards", Status: store.FindingOpen}
		sample, err := d.st.FindingSample(ctx, f, 3)
		if err != nil {
			t.Fatal(err)
		}
		per := map[string]int{}
		for _, s := range sample {
			per[s.Check]++
			if s.Source != f.Source || s.Status != f.Status {
				t.Errorf("sample holds %s/%s %s", s.Source, s.Check, s.Status)
			}
		}
		tally, err := d.st.FindingTally(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tally {
			if c.Source == f.Source && c.Open > 0 && per[c.Check] != min(3, c.Open) {
				t.Errorf("check %s: %d sampled of %d open; want %d", c.Check, per[c.Check], c.Open, min(3, c.Open))
			}
		}
	})
}
