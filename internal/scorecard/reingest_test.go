package scorecard_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestReingestUnchanged loads a synthetic nation, runs quality, loads the
// same extracts again with one row pushed through the API, and runs quality
// again: a load that changes nothing must move no score, raise no alert and
// count no quarantined row twice.
func TestReingestUnchanged(t *testing.T) {
	ctx := context.Background()
	n := mustNation(t, 1200, 5)
	c, cfg := n.c, n.cfg
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		run := func() (*scorecard.Summary, map[string]int) {
			t.Helper()
			if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
				t.Fatal(err)
			}
			sum, err := scorecard.Refresh(ctx, st, cfg)
			if err != nil {
				t.Fatal(err)
			}
			q := map[string]int{}
			srcs, err := st.Sources(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range srcs {
				q["source "+s.Name] = s.Quarantined
			}
			ags, err := st.Agencies(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range ags {
				q["agency "+a.Code] = a.Quarantined
			}
			return sum, q
		}
		if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
			t.Fatal(err)
		}
		first, firstQ := run()
		quarantined := 0
		for k, n := range firstQ {
			if strings.HasPrefix(k, "agency ") {
				quarantined += n
			}
		}
		if quarantined == 0 {
			t.Fatal("the nation quarantined no row: the test would prove nothing")
		}

		// The same files again, then one row the agency's system pushes:
		// a card already on file, sent again as it is.
		if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
			t.Fatal(err)
		}
		cards, err := os.ReadFile(c.Source("health_cards").File)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitAfter(string(cards), "\n")
		if _, err := ingest.Push(ctx, st, "health_cards", strings.NewReader(lines[0]+lines[1]), "csv", ""); err != nil {
			t.Fatal(err)
		}
		second, secondQ := run()

		scores := func(s *scorecard.Summary) map[string]float64 {
			out := map[string]float64{}
			for _, sc := range s.Scores {
				out[sc.Scope+" "+sc.Key] = sc.Score
			}
			return out
		}
		if d := cmp.Diff(scores(first), scores(second)); d != "" {
			t.Errorf("scores moved (-first +second):\n%s", d)
		}
		if len(second.Alerts) > 0 {
			for _, a := range second.Alerts {
				t.Errorf("alert: %s", a.Message)
			}
		}
		if d := cmp.Diff(firstQ, secondQ); d != "" {
			t.Errorf("quarantine counts moved (-first +second):\n%s", d)
		}
		if first.Run.Findings != second.Run.Findings {
			t.Errorf("open findings %d, then %d", first.Run.Findings, second.Run.Findings)
		}
	})
}
