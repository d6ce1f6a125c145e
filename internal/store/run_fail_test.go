package store_test

import (
	"context"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestRunThatFailedToStoreCannotCommit: a batch of versions whose third
// breaks the primary key fails; on SQLite (INSERT OR FAIL) the first two
// are then in the run's transaction. Committing anyway is refused and
// nothing of the run is stored.
func TestRunThatFailedToStoreCannotCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		src := mustSource(t, st, "cards")
		version := func(id string) store.Version {
			return store.Version{RecordID: id, Version: 1, Attrs: []byte(`{}`), Raw: []byte(`{}`)}
		}
		run, err := st.BeginRun(ctx, src, "a.csv", "full")
		if err != nil {
			t.Fatal(err)
		}
		if err := run.AddVersions(ctx, []store.Version{version("r1"), version("r2"), version("r1")}); err == nil {
			t.Fatal("a batch storing r1 twice was accepted")
		}
		if err := run.Commit(ctx, store.RunCounts{Rows: 2, Stored: 2, Live: 2}); err == nil {
			t.Fatal("a run whose versions failed to store committed")
		}
		check, err := st.BeginRun(ctx, src, "b.csv", "full")
		if err != nil {
			t.Fatal(err)
		}
		defer check.Abort()
		if got, err := check.Latest(ctx, []string{"r1", "r2"}); err != nil || len(got) != 0 {
			t.Fatalf("versions stored after the failed run: %v, %v", got, err)
		}
	})
}
