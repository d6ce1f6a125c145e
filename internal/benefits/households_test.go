package benefits_test

import (
	"testing"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/benefits/benefitstest"
)

// TestBenchHouseholds holds the benchmarks' households to what they
// claim: the engine and the oracle agree on every one, none fails, and
// every programme has both eligible and ineligible households in
// plausible shares, so that a mass benchmark decides realistic work.
func TestBenchHouseholds(t *testing.T) {
	e := mustEngine(t)
	n := 5000
	if testing.Short() {
		n = 1000
	}
	hs := benefitstest.Households(n, 11, massDate)
	eligible := map[string]int{}
	for i := range hs {
		got := e.Decide(&hs[i])
		want := decide(oracleSituation(t, &hs[i]))
		if got.Failed() {
			t.Fatalf("%s failed: %+v", hs[i].ID, got)
		}
		for j, w := range want.Programmes {
			g := got.Programmes[j]
			if g.Programme != w.Programme || g.Eligible != w.Eligible || g.Amount.Cmp(benefits.Tenge(w.Amount)) != 0 {
				t.Fatalf("%s %s: engine %v %s, oracle %v %d", hs[i].ID, w.Programme, g.Eligible, g.Amount, w.Eligible, w.Amount)
			}
			if g.Eligible {
				eligible[g.Programme]++
			}
		}
	}
	// Rough shares of households: enough of each to exercise every
	// programme, none paid to nearly everyone.
	bounds := map[string][2]float64{"asp": {0.05, 0.5}, "large_family": {0.03, 0.25}, "birth": {0.02, 0.2},
		"childcare": {0.03, 0.25}, "disability": {0.05, 0.3}}
	for p, b := range bounds {
		share := float64(eligible[p]) / float64(n)
		t.Logf("%s: %.1f%% eligible", p, 100*share)
		if share < b[0] || share > b[1] {
			t.Errorf("%s: %.1f%% of households eligible, want %.0f%%–%.0f%%", p, 100*share, 100*b[0], 100*b[1])
		}
	}
}
