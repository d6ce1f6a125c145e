package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// rowCounter is a progress hook that adds up what it is told.
type rowCounter struct{ calls, rows int }

func (c *rowCounter) add(n int) {
	c.calls++
	c.rows += n
}

// TestBulkWriteProgress: the long bulk writes tell their progress hook
// every row they write, a batch at a time (multi-row INSERTs on SQLite,
// COPY on PostgreSQL), so that a caller can show a long write moving.
func TestBulkWriteProgress(t *testing.T) {
	const n = 6000 // above the COPY threshold, several INSERT batches
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		src := mustKindSource(t, st, "cards", "person")

		ch := bulkChanges(src, n, 2, "P")
		var rc rowCounter
		ch.Progress = rc.add
		if _, err := st.ApplyResolve(ctx, ch); err != nil {
			t.Fatal(err)
		}
		if want := len(ch.NewEntities) + len(ch.Members) + len(ch.Keys) + len(ch.Lineage); rc.rows != want || rc.calls < 4 {
			t.Errorf("ApplyResolve told %d rows in %d calls; want %d rows in 4 calls or more", rc.rows, rc.calls, want)
		}

		w, err := st.ReplaceGolden(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Abort()
		var gc rowCounter
		w.Progress(gc.add)
		for i := range n {
			id := fmt.Sprintf("P%09d", i+1)
			terms := []store.SearchTerm{{Term: fmt.Sprintf("name%d", i), EntityID: id}}
			if err := w.Add(ctx, store.GoldenRow{EntityID: id, Kind: "person", Doc: []byte(`{}`)}, terms); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if gc.rows != 2*n || gc.calls < 2 {
			t.Errorf("golden writer told %d rows in %d calls; want %d", gc.rows, gc.calls, 2*n)
		}

		mustKindSource(t, st, "health_cards", "person")
		q := &store.QualitySave{Run: store.QualityRun{Checks: 1},
			Results: []store.CheckResult{{Source: "health_cards", Name: "missing_national_id", Kind: "missing", Failed: n, Total: n}},
			Scores:  []store.Score{{Scope: store.ScopeNation, Score: 50, Records: n}}}
		for i := range n {
			q.Findings = append(q.Findings, store.Finding{ID: fmt.Sprintf("f%d", i), Source: "health_cards",
				Check: "missing_national_id", Kind: "missing", RecordID: fmt.Sprintf("C%d", i), Status: store.FindingOpen})
		}
		var qc rowCounter
		q.Progress = qc.add
		if _, err := st.SaveQuality(ctx, q); err != nil {
			t.Fatal(err)
		}
		if want := len(q.Results) + len(q.Scores) + len(q.Findings); qc.rows != want || qc.calls < 2 {
			t.Errorf("SaveQuality told %d rows in %d calls; want %d", qc.rows, qc.calls, want)
		}
	})
}
