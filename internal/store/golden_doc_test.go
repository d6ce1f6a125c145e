package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestGoldenDocumentsCompressed: golden documents are stored compressed,
// a fraction of their size, and read back byte for byte; documents a store
// held before migration 25 stay readable as they were, and are compressed
// when their entity is rebuilt.
func TestGoldenDocumentsCompressed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		// Before any read, so that PostgreSQL caches no plan of the old table.
		rollBack(t, st, 24)
		const old = `{"e":"P000000002","k":"person","f":[{"n":"full_name","v":"Ахметов Нурсултан"}]}`
		if _, err := storetest.Exec(t, st, `INSERT INTO golden_records (entity_id, kind, name, national_id, members, conflicts, doc, built_at)
			VALUES ('P000000002', 'person', 'Ахметов Нурсултан', '850314300222', 1, 0, ?, '2026-11-01T00:00:00.000000Z')`, old); err != nil {
			t.Fatal(err)
		}
		if n, err := st.Migrate(ctx); err != nil || n != 1 {
			t.Fatalf("migrate: %d, %v", n, err)
		}
		for _, read := range []func() (store.GoldenRow, error){
			func() (store.GoldenRow, error) { return st.Golden(ctx, "P000000002") },
			func() (store.GoldenRow, error) {
				rows, err := st.GoldenByNationalIDs(ctx, []string{"850314300222"})
				if err != nil || len(rows) != 1 {
					return store.GoldenRow{}, fmt.Errorf("%d rows, %v", len(rows), err)
				}
				return rows[0], nil
			},
		} {
			if g, err := read(); err != nil || string(g.Doc) != old || g.Name != "Ахметов Нурсултан" {
				t.Fatalf("a document stored before migration 25: %+v, %v", g, err)
			}
		}
		var members []string
		for i := range 30 {
			members = append(members, fmt.Sprintf(`{"s":"tax_incomes","a":"kgd","i":"FNO-%09d","v":1,"t":"2026-11-01T00:00:00Z"}`, 5219+i*5761))
		}
		doc := `{"e":"P000000001","k":"person","m":[` + strings.Join(members, ",") + `],"f":[{"n":"full_name","v":"Максимов Игорь","m":30,"t":90}]}`
		if err := st.UpdateGoldens(ctx, store.GoldenUpdate{Rows: []store.GoldenRow{{EntityID: "P000000001", Kind: "person", Members: 30, Doc: []byte(doc)}}}); err != nil {
			t.Fatal(err)
		}
		if stored := storedDocSize(t, st, "P000000001"); stored*2 > len(doc) {
			t.Errorf("a %d-byte document takes %d bytes stored; want at most half", len(doc), stored)
		}
		if g, err := st.Golden(ctx, "P000000001"); err != nil || string(g.Doc) != doc {
			t.Fatalf("Golden = %q, %v; want the document as built", g.Doc, err)
		}

		rebuilt := strings.Replace(doc, "P000000001", "P000000002", 1)
		if err := st.UpdateGoldens(ctx, store.GoldenUpdate{Rows: []store.GoldenRow{{EntityID: "P000000002", Kind: "person", Doc: []byte(rebuilt)}}}); err != nil {
			t.Fatal(err)
		}
		if stored := storedDocSize(t, st, "P000000002"); stored*2 > len(rebuilt) {
			t.Errorf("rebuilt document takes %d of %d bytes stored; want it compressed", stored, len(rebuilt))
		}
		if g, err := st.Golden(ctx, "P000000002"); err != nil || string(g.Doc) != rebuilt {
			t.Fatalf("Golden after the rebuild = %q, %v", g.Doc, err)
		}
	})
}

// storedDocSize returns the bytes entityID's golden document takes in the
// database.
func storedDocSize(t *testing.T, st *store.Store, entityID string) int {
	t.Helper()
	var n int
	q := `SELECT LENGTH(doc) FROM golden_records WHERE entity_id = '` + entityID + `'`
	if err := store.DB(st).QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
