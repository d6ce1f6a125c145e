package store_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

var benefitT0 = time.Date(2026, 3, 15, 9, 0, 0, 0, time.UTC)

// benefitDecision builds a decision on household h whose eligible
// programmes and amounts are elig (programme -> amount); every other of
// the five programmes is refused.
func benefitDecision(h string, elig map[string]int64, members ...string) store.BenefitDecision {
	inputs := []byte(fmt.Sprintf(`{"id":%q,"date":"2026-03-15","household":{"region":"pavlodar"}}`, h))
	sum := sha256.Sum256(inputs)
	d := store.BenefitDecision{Household: h, DecisionDate: "2026-03-15", Inputs: inputs, InputsHash: sum[:],
		Versions: "catalog:2026-01-01;mrp:2026-01-01", CreatedAt: benefitT0}
	for _, p := range []string{"asp", "birth", "childcare", "disability", "large_family"} {
		period := "month"
		if p == "birth" {
			period = "once"
		}
		amount, ok := elig[p]
		d.Outcomes = append(d.Outcomes, store.BenefitOutcome{Programme: p, Eligible: ok, Amount: amount, Period: period})
	}
	for i, iin := range members {
		d.Members = append(d.Members, store.HouseholdMember{Person: fmt.Sprintf("%s-p%d", h, i), IIN: iin})
	}
	return d
}

// mustDecide stores ds as one run of kind and returns the decisions' ids.
func mustDecide(tb testing.TB, st *store.Store, kind string, ds ...store.BenefitDecision) []int64 {
	tb.Helper()
	ctx := context.Background()
	w, err := st.BeginDecisions(ctx, store.BenefitRun{Kind: kind, DecisionDate: "2026-03-15", CatalogVersion: "test"})
	if err != nil {
		tb.Fatal(err)
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		if ids[i], err = w.Add(ctx, d); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := w.Commit(ctx, len(ds)); err != nil {
		tb.Fatal(err)
	}
	return ids
}

func TestDecisionsAndEvents(t *testing.T) {
	type step struct {
		name      string
		decisions []store.BenefitDecision
		events    []store.BenefitEvent // IDs and decision ids ignored
		totals    []store.ProgrammeTotal
	}
	steps := []step{
		{
			name: "first run",
			decisions: []store.BenefitDecision{
				benefitDecision("h1", map[string]int64{"asp": 100}, "880514300123", "250101500111"),
				benefitDecision("h2", map[string]int64{"birth": 164350}, "900101400222"),
				benefitDecision("h3", nil, "880514300123"),
			},
			events: []store.BenefitEvent{
				{Household: "h1", Programme: "asp", Kind: store.EventNewlyEligible, NewAmount: 100},
				{Household: "h2", Programme: "birth", Kind: store.EventNewlyEligible, NewAmount: 164350},
			},
			totals: []store.ProgrammeTotal{
				{Programme: "asp", Period: "month", Households: 1, Sum: 100},
				{Programme: "birth", Period: "once", Households: 1, Sum: 164350},
			},
		},
		{
			name: "changes",
			decisions: []store.BenefitDecision{
				benefitDecision("h1", map[string]int64{"asp": 120, "large_family": 69329}, "880514300123"),
				benefitDecision("h2", nil, "900101400222"),
			},
			events: []store.BenefitEvent{
				{Household: "h1", Programme: "asp", Kind: store.EventAmountChanged, OldAmount: 100, NewAmount: 120},
				{Household: "h1", Programme: "large_family", Kind: store.EventNewlyEligible, NewAmount: 69329},
				{Household: "h2", Programme: "birth", Kind: store.EventNoLongerEligible, OldAmount: 164350},
			},
			totals: []store.ProgrammeTotal{
				{Programme: "asp", Period: "month", Households: 1, Sum: 120},
				{Programme: "large_family", Period: "month", Households: 1, Sum: 69329},
			},
		},
		{
			name:      "same outcome, new inputs",
			decisions: []store.BenefitDecision{benefitDecision("h1", map[string]int64{"asp": 120, "large_family": 69329})},
			totals: []store.ProgrammeTotal{
				{Programme: "asp", Period: "month", Households: 1, Sum: 120},
				{Programme: "large_family", Period: "month", Households: 1, Sum: 69329},
			},
		},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var seen int64
		for _, s := range steps {
			ids := mustDecide(t, st, store.RunIncremental, s.decisions...)
			events, err := st.EventsSince(ctx, seen, 100)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range events {
				if e.ID <= seen || e.CreatedAt.IsZero() {
					t.Errorf("%s: event %d: id %d after %d, created %v", s.name, i, e.ID, seen, e.CreatedAt)
				}
				seen = e.ID
			}
			if diff := cmp.Diff(s.events, events, cmpopts.IgnoreFields(store.BenefitEvent{}, "ID", "DecisionID", "CreatedAt"),
				cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: events (-want +got):\n%s", s.name, diff)
			}
			for i, d := range s.decisions {
				got, err := st.CurrentDecision(ctx, d.Household)
				if err != nil {
					t.Fatal(err)
				}
				d.ID, d.RunID, d.Members = ids[i], got.RunID, nil
				if diff := cmp.Diff(d, got); diff != "" {
					t.Errorf("%s: current decision of %s (-want +got):\n%s", s.name, d.Household, diff)
				}
			}
			totals, err := st.ProgrammeTotals(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(s.totals, totals); diff != "" {
				t.Errorf("%s: totals (-want +got):\n%s", s.name, diff)
			}
		}
		hist, err := st.DecisionHistory(ctx, "h1", 10)
		if err != nil || len(hist) != 3 || hist[0].ID < hist[1].ID || hist[0].Outcomes[0].Amount != 120 {
			t.Errorf("DecisionHistory(h1) = %d decisions, %v", len(hist), err)
		}
		// h1 was last decided with no members: the person is in h3 only.
		mine, err := st.DecisionsOfPerson(ctx, "880514300123")
		if err != nil || len(mine) != 1 || mine[0].Household != "h3" {
			t.Errorf("DecisionsOfPerson = %+v, %v; want h3's", mine, err)
		}
		ms, err := st.HouseholdMembers(ctx, "h2")
		if err != nil || len(ms) != 1 || ms[0].IIN != "900101400222" {
			t.Errorf("HouseholdMembers(h2) = %+v, %v", ms, err)
		}
		if _, err := st.CurrentDecision(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CurrentDecision(nobody): %v; want ErrNotFound", err)
		}
		if _, err := st.BenefitDecision(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("BenefitDecision(999999): %v; want ErrNotFound", err)
		}
		runs, err := st.BenefitRuns(ctx, 10)
		if err != nil || len(runs) != 3 || runs[0].Changed != 1 || runs[2].Households != 3 || runs[0].Finished.IsZero() {
			t.Errorf("BenefitRuns = %+v, %v", runs, err)
		}
	})
}

func TestDecisionWriterAbortAndChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunSimulation}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("BeginDecisions(simulation): %v; want ErrInvalid", err)
		}
		w, err := st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunMass, DecisionDate: "2026-03-15"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Add(ctx, benefitDecision("h1", map[string]int64{"asp": 1})); err != nil {
			t.Fatal(err)
		}
		bad := benefitDecision("h2", nil)
		bad.Outcomes[0].Programme = "ASP; DROP"
		if _, err := w.Add(ctx, bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Add(bad programme): %v; want ErrInvalid", err)
		}
		w.Abort()
		if _, err := st.CurrentDecision(ctx, "h1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after Abort: %v; want ErrNotFound", err)
		}
		if ev, err := st.EventsSince(ctx, 0, 10); err != nil || len(ev) != 0 {
			t.Errorf("events after Abort: %v, %v", ev, err)
		}
		if runs, err := st.BenefitRuns(ctx, 10); err != nil || len(runs) != 0 {
			t.Errorf("runs after Abort: %v, %v", runs, err)
		}
		id, err := st.RecordSimulation(ctx, store.BenefitRun{DecisionDate: "2026-03-15", Started: benefitT0,
			Finished: benefitT0.Add(time.Second), Households: 10, Changed: 4})
		if err != nil || id == 0 {
			t.Fatalf("RecordSimulation = %d, %v", id, err)
		}
	})
}

// TestDecisionWriterBulk writes more decisions than one batch and than
// PostgreSQL's COPY threshold, a household twice in the same run, and
// reads them back.
func TestDecisionWriterBulk(t *testing.T) {
	const n = 12345
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ds := make([]store.BenefitDecision, 0, n+1)
		var sum int64
		for i := range n {
			amount := int64(1000 + i)
			ds = append(ds, benefitDecision(fmt.Sprintf("hh%06d", i), map[string]int64{"asp": amount},
				fmt.Sprintf("%012d", i), fmt.Sprintf("%012d", n+i)))
			sum += amount
		}
		// hh000007 again, later in the run: its later decision wins.
		ds = append(ds, benefitDecision("hh000007", map[string]int64{"asp": 1007, "disability": 111406}))
		ids := mustDecide(t, st, store.RunMass, ds...)
		totals, err := st.ProgrammeTotals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.ProgrammeTotal{
			{Programme: "asp", Period: "month", Households: n, Sum: sum},
			{Programme: "disability", Period: "month", Households: 1, Sum: 111406},
		}
		if diff := cmp.Diff(want, totals); diff != "" {
			t.Errorf("totals (-want +got):\n%s", diff)
		}
		for _, i := range []int{0, 4999, 5000, 9999, n - 1} {
			got, err := st.CurrentDecision(ctx, ds[i].Household)
			if err != nil {
				t.Fatal(err)
			}
			d := ds[i]
			d.ID, d.RunID, d.Members = ids[i], got.RunID, nil
			if diff := cmp.Diff(d, got); diff != "" {
				t.Errorf("decision %d (-want +got):\n%s", i, diff)
			}
			if mine, err := st.DecisionsOfPerson(ctx, fmt.Sprintf("%012d", n+i)); err != nil || len(mine) != 1 || mine[0].ID != ids[i] {
				t.Errorf("DecisionsOfPerson(member of %s) = %d decisions, %v", d.Household, len(mine), err)
			}
		}
		got, err := st.CurrentDecision(ctx, "hh000007")
		if err != nil || got.ID != ids[n] {
			t.Errorf("hh000007's current decision = %d, %v; want %d", got.ID, err, ids[n])
		}
		events, err := st.EventsSince(ctx, 0, 2*n)
		if err != nil || len(events) != n+1 || events[n].Programme != "disability" {
			t.Errorf("EventsSince = %d events, %v; want %d", len(events), err, n+1)
		}
		runs, err := st.BenefitRuns(ctx, 1)
		if err != nil || runs[0].Changed != n+1 || runs[0].Households != n+1 {
			t.Errorf("run = %+v, %v", runs, err)
		}
	})
}

// BenchmarkDecisionWriter measures the mass write path: b.N decisions of
// households of three members, two eligible programmes each, with their
// ~300-byte inputs, in one run. rows/s counts every row written
// (decisions, members, entitlements and events alike: eight per
// decision), to compare with the ingest's rows/s. Run it with a fixed
// count, e.g. -bench DecisionWriter -benchtime 100000x.
func BenchmarkDecisionWriter(b *testing.B) {
	for _, db := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			st := db.open(b)
			ctx := context.Background()
			ds := make([]store.BenefitDecision, 1000)
			for i := range ds {
				ds[i] = benefitDecision(fmt.Sprintf("hh%08d", i), map[string]int64{"asp": 51234, "childcare": 24912},
					"880514300123", "900101400222", "250101500111")
				ds[i].Inputs = append(ds[i].Inputs, make([]byte, 220)...)
			}
			b.ResetTimer()
			w, err := st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunMass, DecisionDate: "2026-03-15"})
			if err != nil {
				b.Fatal(err)
			}
			rows := 0
			w.Progress(func(n int) { rows += n })
			for i := range b.N {
				d := ds[i%len(ds)]
				d.Household = fmt.Sprintf("hh%08d", i)
				if _, err := w.Add(ctx, d); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := w.Commit(ctx, b.N); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
