package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestMigrateRecordKeys: migration 0023 packs the key rows of a store
// resolved before it into one row per record, negative keys as their 64-bit
// two's complement, and leaves out rows filed under a kind that is not
// their source's.
func TestMigrateRecordKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := mustResolveFixture(t, st)
		a1, b1, x1 := ref(f.cards, "a1"), ref(f.clinic, "b1"), ref(f.vet, "x1")
		// Back to schema 22, with the old table filled.
		rollBack(t, st, 22)
		for _, k := range []struct {
			kind string
			key  int64
			ref  store.RecordRef
		}{
			{"person", 11, a1}, {"person", -22, a1}, {"person", 11, b1}, {"person", -1 << 63, b1},
			{"animal", 7, x1}, {"animal", 99, a1}, // a1 is a person's record: left out
		} {
			if _, err := storetest.Exec(t, st, `INSERT INTO resolve_keys (kind, key, source_id, record_id) VALUES (?, ?, ?, ?)`,
				k.kind, k.key, k.ref.SourceID, k.ref.RecordID); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := st.Migrate(ctx); err != nil || n < 1 {
			t.Fatalf("Migrate = %d, %v; want the migrations from 23", n, err)
		}
		neg22 := int64(-22)
		want := map[string]map[store.RecordRef][]uint64{
			"person": {a1: {11, uint64(neg22)}, b1: {11, 1 << 63}},
			"animal": {x1: {7}},
		}
		for kind, w := range want {
			got := storedKeys(t, st, kind)
			for _, keys := range got {
				slices.Sort(keys)
			}
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("%s keys after the migration (-want +got):\n%s", kind, diff)
			}
		}
	})
}
