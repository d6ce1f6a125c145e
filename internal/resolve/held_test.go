package resolve_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestHeldIndexLinksAsFreshOne pushes a nation in deltas into two stores
// and resolves after each: one store by a Resolver held across the runs,
// as a server does (its blocking index kept in memory and brought up to
// date by its own runs), the other by a new Resolver each time (its index
// built from the stored keys). Every record must end in the same entity,
// id for id.
func TestHeldIndexLinksAsFreshOne(t *testing.T) {
	c, _ := nation(t, 600)
	storetest.Each(t, func(t *testing.T, held *store.Store) {
		ctx := context.Background()
		fresh := storetest.SQLite(t)
		if held.Dialect() != fresh.Dialect() {
			fresh = storetest.Postgres(t)
		}
		const n = 5
		pieces := resolve.Deltas(t, c, n)
		rv := resolve.NewResolver(held)
		for i := range n {
			for _, st := range []*store.Store{held, fresh} {
				ids, err := ingest.Register(ctx, st, c)
				if err != nil {
					t.Fatal(err)
				}
				for _, src := range c.Sources {
					if body := pieces[src.Name][i]; body != "" {
						if _, err := ingest.Extract(ctx, st, src, ids[src.Name], strings.NewReader(body), src.File, source.ModeDelta); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			a, err := rv.Resolve(ctx, resolve.StoreOptions{Batch: 100})
			if err != nil {
				t.Fatal(err)
			}
			b, err := resolve.Resolve(ctx, fresh, resolve.StoreOptions{Batch: 100})
			if err != nil {
				t.Fatal(err)
			}
			if i > 0 && kindSummary(a, "person").Mode != "incremental" {
				t.Fatalf("delta %d: %+v, want an incremental run", i, a)
			}
			for j := range a {
				a[j].Elapsed, b[j].Elapsed = 0, 0
			}
			if diff := cmp.Diff(b, a); diff != "" {
				t.Fatalf("delta %d: summaries differ (-fresh +held):\n%s", i, diff)
			}
			if diff := cmp.Diff(partition(t, fresh), partition(t, held)); diff != "" {
				t.Fatalf("delta %d: entities differ (-fresh +held):\n%s", i, diff)
			}
		}
	})
}
