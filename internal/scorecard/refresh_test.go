package scorecard_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestRefreshWorkflow runs the whole pipeline twice on a small nation, on
// both databases, and follows a data officer's decisions through the runs.
func TestRefreshWorkflow(t *testing.T) {
	ctx := context.Background()
	n := mustNation(t, 1500, 3)
	dir, c, cfg := n.dir, n.c, n.cfg
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
			t.Fatal(err)
		}
		first, err := scorecard.Refresh(ctx, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if first.Run.Findings == 0 || first.Run.Score <= 0 || first.Run.Score >= 100 {
			t.Fatalf("first run: %d open findings, score %.1f", first.Run.Findings, first.Run.Score)
		}
		if n, err := st.GoldenCounts(ctx); err != nil || n["person"] == 0 || n["animal"] == 0 {
			t.Fatalf("golden records %v, %v", n, err)
		}
		agencies := 0
		for _, s := range first.Scores {
			if s.Scope == store.ScopeAgency {
				agencies++
			}
		}
		if agencies != len(c.Agencies) {
			t.Errorf("%d agencies scored, want %d", agencies, len(c.Agencies))
		}

		// Decisions: one finding fixed (but the data still says so), one
		// not a defect; one patient's duplicate cards go away.
		missing := findings(t, st, "health_cards", "missing")
		if len(missing) < 2 {
			t.Fatalf("only %d missing-IIN findings", len(missing))
		}
		fixed, notDefect := missing[0], missing[1]
		if err := st.SetFindingStatus(ctx, fixed.ID, store.FindingFixed, "IIN entered"); err != nil {
			t.Fatal(err)
		}
		if err := st.SetFindingStatus(ctx, notDefect.ID, store.FindingNotDefect, "foreign patient"); err != nil {
			t.Fatal(err)
		}
		var dup store.Finding
		for _, f := range findings(t, st, "health_cards", "duplicates") {
			cards := append([]string{f.RecordID}, f.Related...)
			if !slices.Contains(cards, fixed.RecordID) && !slices.Contains(cards, notDefect.RecordID) {
				dup = f
				break
			}
		}
		gone := removeCards(t, ctx, st, c, dir, append([]string{dup.RecordID}, dup.Related...))

		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
			t.Fatal(err)
		}
		second, err := scorecard.Refresh(ctx, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			id, status, note string
		}{
			{fixed.ID, store.FindingOpen, "reappeared"},
			{notDefect.ID, store.FindingNotDefect, "foreign patient"},
			{dup.ID, store.FindingResolved, ""},
		} {
			f, err := st.Finding(ctx, tc.id)
			if err != nil {
				t.Fatal(err)
			}
			if f.Status != tc.status || !strings.HasPrefix(f.Note, tc.note) || f.FirstRun != first.RunID {
				t.Errorf("finding %s (%s %s): status %s note %q first run %d; want %s, %q…, %d",
					tc.id, f.Check, f.RecordID, f.Status, f.Note, f.FirstRun, tc.status, tc.note, first.RunID)
			}
		}
		if gone == 0 {
			t.Fatal("no card removed")
		}
		hist, err := st.ScoreHistory(ctx, store.ScopeNation, "", 10)
		if err != nil || len(hist) != 2 || hist[1].RunID != second.RunID {
			t.Fatalf("score history %+v, %v", hist, err)
		}

		// The work list exports every open finding of an agency.
		open, total, err := st.Findings(ctx, store.FindingFilter{Agency: "moh", Limit: -1})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := scorecard.WriteCSV(&buf, open); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != total+1 || rows[0][0] != "finding_id" || rows[1][1] != "moh" {
			t.Errorf("CSV has %d rows for %d findings; first %v", len(rows), total, rows[:min(2, len(rows))])
		}
	})
}

func findings(t *testing.T, st *store.Store, src, kind string) []store.Finding {
	t.Helper()
	fs, _, err := st.Findings(context.Background(), store.FindingFilter{Source: src, Kind: kind, Status: store.FindingOpen})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		t.Fatalf("no open %s findings in %s", kind, src)
	}
	return fs
}

// removeCards loads the health extract again without the given cards, as a
// clinic that merged a patient's cards would send it, and returns how many
// rows it dropped.
func removeCards(t *testing.T, ctx context.Context, st *store.Store, c *source.Contract, dir string, ids []string) int {
	t.Helper()
	src := c.Source("health_cards")
	raw, err := os.ReadFile(src.File)
	if err != nil {
		t.Fatal(err)
	}
	drop := map[string]bool{}
	for _, id := range ids {
		drop[id] = true
	}
	var kept []string
	gone := 0
	for _, line := range strings.SplitAfter(string(raw), "\n") {
		id, _, _ := strings.Cut(line, ",")
		if drop[id] {
			gone++
			continue
		}
		kept = append(kept, line)
	}
	def, err := st.Source(ctx, src.Name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Extract(ctx, st, src, def.ID, strings.NewReader(strings.Join(kept, "")), filepath.Join(dir, "health", "cards.csv"), "full"); err != nil {
		t.Fatal(err)
	}
	return gone
}
