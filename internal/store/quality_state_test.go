package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestQualityMarksPending: on PostgreSQL an ingest run takes its id when
// it starts and commits later, after runs with higher ids may have. A
// quality run that reads the store in between must not lose the late run:
// its id stays pending, and the next run's changes include it.
func TestQualityMarksPending(t *testing.T) {
	ctx := context.Background()
	st := storetest.Postgres(t)
	first := mustKindSource(t, st, "register", "person")
	second := mustKindSource(t, st, "clinic", "person")
	late, err := st.BeginRun(ctx, first, "late.csv", "delta")
	if err != nil {
		t.Fatal(err)
	}
	defer late.Abort()
	if err := late.AddVersions(ctx, []store.Version{version("R1", 1, "Айгүл Есімова")}); err != nil {
		t.Fatal(err)
	}
	early := mustIngest(t, st, second, version("C1", 1, "Ерлан Ахметов"))

	m, err := st.QualityMarksSince(ctx, store.QualityMarks{})
	if err != nil {
		t.Fatal(err)
	}
	if m.IngestRun != early || !slices.Equal(m.Pending.Ingest, []int64{late.ID}) {
		t.Fatalf("marks while run %d is open: up to %d, pending %v", late.ID, m.IngestRun, m.Pending.Ingest)
	}
	if err := late.Commit(ctx, store.RunCounts{Rows: 1, Stored: 1}); err != nil {
		t.Fatal(err)
	}
	next, err := st.QualityMarksSince(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(next.Pending.Ingest) != 0 {
		t.Errorf("still pending after the commit: %v", next.Pending.Ingest)
	}
	ch, err := st.QualityChangesBetween(ctx, m, next)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.RecordRef{{SourceID: first, RecordID: "R1"}}
	if !slices.Equal(ch.Records, want) {
		t.Errorf("changes after the late commit: %v, want %v", ch.Records, want)
	}
}
