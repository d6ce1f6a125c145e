package scorecard_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestWorkListActions follows an officer through a synthetic nation's work
// list: one finding per duplicate cluster, checks in order of impact, a
// bulk decision that survives the next run, and virtual cows by owner.
func TestWorkListActions(t *testing.T) {
	ctx := context.Background()
	n := mustNation(t, 1200, 7)
	c, cfg := n.c, n.cfg
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := scorecard.Refresh(ctx, st, cfg); err != nil {
			t.Fatal(err)
		}

		// A duplicate cluster is one finding about the record to keep.
		dups, n, err := st.WorkList(ctx, store.FindingFilter{Source: "health_cards", Kind: "duplicates", Limit: -1})
		if err != nil || n == 0 {
			t.Fatalf("%d duplicate findings, %v", n, err)
		}
		entities := map[string]bool{}
		for _, f := range dups {
			if entities[f.EntityID] {
				t.Errorf("entity %s has two duplicate findings", f.EntityID)
			}
			entities[f.EntityID] = true
			if len(f.Related) == 0 || f.ReasonKey != "q.duplicates.reason" || f.SuggestionKey != "q.duplicates.fix" {
				t.Errorf("cluster finding %+v", f)
			}
			for _, id := range f.Related {
				if id == f.RecordID {
					t.Errorf("finding %s tells %s to merge into itself", f.ID, id)
				}
			}
		}

		// Search finds a finding by its record id.
		hit, n, err := st.WorkList(ctx, store.FindingFilter{Search: dups[0].RecordID, Limit: -1})
		if err != nil || !slices.ContainsFunc(hit, func(f store.Finding) bool { return f.ID == dups[0].ID }) {
			t.Errorf("search %s: %d findings without %s, %v", dups[0].RecordID, n, dups[0].ID, err)
		}

		// Checks come by impact: open findings times severity weight.
		tally, err := st.ChecksByImpact(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(tally); i++ {
			if tally[i].Impact > tally[i-1].Impact {
				t.Fatalf("tally not by impact: %s/%s %d after %s/%s %d", tally[i].Source, tally[i].Check, tally[i].Impact,
					tally[i-1].Source, tally[i-1].Check, tally[i-1].Impact)
			}
			if tally[i].Impact != store.Impact(tally[i].Open, tally[i].Severity) || tally[i].Severity == "" {
				t.Fatalf("impact of %+v", tally[i])
			}
		}
		page, _, err := st.WorkList(ctx, store.FindingFilter{Limit: 1, ByImpact: true})
		if err != nil || len(page) != 1 || page[0].Source != tally[0].Source || page[0].Check != tally[0].Check {
			t.Fatalf("work list starts with %+v, %v; the check of most impact is %s/%s", page, err, tally[0].Source, tally[0].Check)
		}
		agencies, err := st.AgencyImpacts(ctx)
		if err != nil || len(agencies) == 0 {
			t.Fatalf("agency impacts %v, %v", agencies, err)
		}
		for i := 1; i < len(agencies); i++ {
			if agencies[i].Impact > agencies[i-1].Impact {
				t.Fatalf("agencies not by impact: %+v", agencies)
			}
		}

		// A bulk decision on a filtered set, then a run: the decision holds.
		filter := store.FindingFilter{Agency: "moh", Check: "missing_national_id"}
		want, total, err := st.WorkList(ctx, store.FindingFilter{Agency: "moh", Check: "missing_national_id", Limit: -1})
		if err != nil || total < 2 {
			t.Fatalf("%d findings to decide, %v", total, err)
		}
		if _, err := st.DecideFindings(ctx, filter, store.Decision{Status: store.FindingNotDefect, Reason: "foreign patients"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("a decision without an officer: %v, want ErrInvalid", err)
		}
		if _, err := st.DecideFindings(ctx, filter, store.Decision{Status: store.FindingResolved, Officer: "A. Officer"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("a decision to resolved: %v, want ErrInvalid", err)
		}
		none, err := st.DecideFindings(ctx, store.FindingFilter{Agency: "nope"}, store.Decision{Status: store.FindingFixed, Officer: "A. Officer"})
		if err != nil || none != 0 {
			t.Errorf("decision on an unknown agency: %d, %v", none, err)
		}
		got, err := st.DecideFindings(ctx, filter, store.Decision{Status: store.FindingNotDefect, Reason: "foreign patients", Officer: "A. Officer"})
		if err != nil || got != total {
			t.Fatalf("bulk decision changed %d of %d findings, %v", got, total, err)
		}
		if _, err := scorecard.Refresh(ctx, st, cfg); err != nil {
			t.Fatal(err)
		}
		var bulk string
		for _, w := range want {
			f, err := st.Finding(ctx, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != store.FindingNotDefect || f.Note != "foreign patients" || f.DecidedBy != "A. Officer" {
				t.Errorf("finding %s after the run: %s %q by %q", f.ID, f.Status, f.Note, f.DecidedBy)
			}
			log, err := st.FindingDecisions(ctx, w.ID)
			if err != nil || len(log) != 1 || log[0].Officer != "A. Officer" || log[0].Bulk == "" || (bulk != "" && log[0].Bulk != bulk) {
				t.Fatalf("decision log of %s: %+v, %v", w.ID, log, err)
			}
			bulk = log[0].Bulk
		}
		if rest, n, err := st.WorkList(ctx, filter); err != nil || n != 0 {
			t.Errorf("%d findings still to do after the bulk decision (%v): %+v", n, err, rest)
		}

		// Virtual cows by owner and herd: fewer groups than animals, the
		// largest first, each with examples.
		groups, ngroups, err := st.CowGroups(ctx, store.CowFilter{Limit: 5})
		if err != nil || ngroups == 0 || len(groups) == 0 {
			t.Fatalf("cow groups %+v (%d), %v", groups, ngroups, err)
		}
		animals := 0
		for i, g := range groups {
			animals += g.Animals
			if len(g.Examples) == 0 || len(g.Examples) > 3 || len(g.Checks) == 0 || g.Findings < g.Animals {
				t.Errorf("group %+v", g)
			}
			if i > 0 && g.Animals > groups[i-1].Animals {
				t.Errorf("groups not by size: %+v", groups)
			}
		}
		if groups[0].Animals < 2 {
			t.Errorf("the largest group has %d animal", groups[0].Animals)
		}
		next, _, err := st.CowGroups(ctx, store.CowFilter{Limit: 5, Offset: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(next) > 0 && next[0].Owner == groups[0].Owner && next[0].Herd == groups[0].Herd {
			t.Error("the second page repeats the first")
		}
	})
}
