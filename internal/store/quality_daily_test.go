package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestIncrementalDefaultsEqualFull runs quality with no checks given or
// stored, so that the checks are derived from the sources and the data,
// changes the nation as a day does, and requires the next run to be
// incremental and to leave what a full run leaves. Then a second card for
// a quarter of the patients makes the health cards no longer a register
// of one record per person: the derived checks lose its duplicates check,
// and the run is full.
func TestIncrementalDefaultsEqualFull(t *testing.T) {
	ctx := context.Background()
	c, _ := qualityNation(t, 11)
	shared := shareTag(t, c)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		first := firstQualityRun(t, ctx, st, c, nil)
		if !hasCheck(first, "health_cards", "duplicates") {
			t.Fatal("the derived checks have no duplicates check of health_cards")
		}
		changeNation(t, ctx, st, c, shared)
		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
			t.Fatal(err)
		}
		inc := sameAsFull(t, ctx, st, nil, "")
		if inc.Units >= first.Units/2 {
			t.Errorf("second run redid %d units of %d", inc.Units, first.Units)
		}

		cards := readExtract(t, c, "health_cards")
		for i := 0; i < len(cards.lines); i += 4 {
			dup := cards.parse(cards.lines[i])
			dup[cards.col("card_no")] = "DM8" + dup[cards.col("card_no")]
			cards.lines = append(cards.lines, cards.format(dup))
		}
		cards.load(t, ctx, st)
		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
			t.Fatal(err)
		}
		crossed, err := scorecard.Refresh(ctx, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		if crossed.Incremental || crossed.FullBecause != scorecard.FullDefaults {
			t.Fatalf("run after the cards doubled: incremental %v, full because %q", crossed.Incremental, crossed.FullBecause)
		}
		if hasCheck(crossed, "health_cards", "duplicates") {
			t.Error("the derived checks still have a duplicates check of health_cards")
		}
		sameAsFull(t, ctx, st, nil, "")
	})
}

// asOfChecks are checks judged against today beyond the synth's
// quality.yaml (ages, deaths, freshness): ranges up to and from today.
const asOfChecks = `
sources:
  health_cards:
    - {kind: range, name: visit_not_future, field: last_visit_date, max: today}
  social_benefits:
    - {kind: range, name: start_not_past, field: benefit_start_date, min: today}
`

// TestIncrementalAsOfEqualsFull runs quality at an as-of date a year
// before the synthetic nation's today (so that its last year's deaths,
// visits and benefits lie ahead), then at dates moved forward, one day,
// a month and past a birthday that takes a person over the age limit of
// the population register, and requires each run to be incremental and
// to leave what a full run at the same date leaves. A date moved back, or
// forward by more than a year, makes a full run.
func TestIncrementalAsOfEqualsFull(t *testing.T) {
	ctx := context.Background()
	c, dir := qualityNation(t, 12)
	base, err := os.ReadFile(filepath.Join(dir, "quality.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := quality.Parse(strings.NewReader(string(base)), "quality.yaml")
	if err != nil {
		t.Fatal(err)
	}
	extra, err := quality.Parse(strings.NewReader(asOfChecks), "extra.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Sources = append(cfg.Sources, extra.Sources...)
	start := cfg.AsOf.AddDate(-1, 0, 0)
	at := func(days int) *quality.Config {
		c := *cfg
		c.AsOf = start.AddDate(0, 0, days)
		return &c
	}
	// A person turns 121 on day 40: over the register's limit of 120.
	pop := readExtract(t, c, "population_register")
	old := pop.get(7, "IIN")
	pop.set(7, "DATA_ROZHD", start.AddDate(-121, 0, 40).Format("02.01.2006"))
	body := strings.Join(append([]string{pop.format(pop.header)}, pop.lines...), "\n") + "\n"
	if err := os.WriteFile(pop.src.File, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		first := firstQualityRun(t, ctx, st, c, at(0))
		tooOld := func() bool {
			t.Helper()
			fs, _, err := st.Findings(ctx, store.FindingFilter{Source: "population_register", Check: "age_birth_date",
				Search: old, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return len(fs) > 0
		}
		if tooOld() {
			t.Fatal("the person is over the age limit before the birthday")
		}
		for _, days := range []int{1, 31, 39, 41} {
			t.Run(fmt.Sprintf("day %d", days), func(t *testing.T) {
				inc := sameAsFull(t, ctx, st, at(days), "")
				if inc.Units >= first.Units/2 {
					t.Errorf("redid %d units of %d", inc.Units, first.Units)
				}
				t.Logf("as of %s: %d units of %d redone", at(days).AsOf.Format(time.DateOnly), inc.Units, first.Units)
				if got := tooOld(); got != (days >= 40) {
					t.Errorf("as of day %d the person is over the age limit: %v", days, got)
				}
			})
		}
		sameAsFull(t, ctx, st, at(30), scorecard.FullAsOfBack)
		sameAsFull(t, ctx, st, at(30+367), scorecard.FullAsOfFar)
	})
}

// sameAsFull runs quality with cfg, requires it to be incremental (or
// full because of fullBecause, when given), then runs it in full and
// requires both to have left the same results.
func sameAsFull(t *testing.T, ctx context.Context, st *store.Store, cfg *quality.Config, fullBecause string) *scorecard.Summary {
	t.Helper()
	run, err := scorecard.Refresh(ctx, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if run.Incremental != (fullBecause == "") || run.FullBecause != fullBecause {
		t.Fatalf("run: incremental %v, full because %q; want full because %q", run.Incremental, run.FullBecause, fullBecause)
	}
	got := snapshot(t, st)
	if _, err := scorecard.RefreshWith(ctx, st, cfg, scorecard.Options{Full: true}); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, st)
	for table := range want {
		if diff := gocmp.Diff(want[table], got[table]); diff != "" {
			t.Errorf("%s after the run (-full +run):\n%s", table, diff)
		}
	}
	return run
}

// hasCheck reports whether a run's results have a check of kind on src.
func hasCheck(sum *scorecard.Summary, src, kind string) bool {
	for _, r := range sum.Report.Results {
		if r.Source == src && r.Kind == kind {
			return true
		}
	}
	return false
}
