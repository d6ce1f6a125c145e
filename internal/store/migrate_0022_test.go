package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// timeLayout is how the store writes times into SQLite; PostgreSQL reads it too.
const timeLayout = "2006-01-02T15:04:05.000000Z07:00"

// TestCompactVersionsMigration: migration 0022 moves the versions a store
// held into the compact layout, and every reader then sees them as they
// were: attributes and raw rows byte for byte, the times, the hashes.
func TestCompactVersionsMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		src := mustSource(t, st, "cards")
		other := mustSource(t, st, "other")
		// Runs with no versions: their rows in ingest_runs are what the
		// old versions name.
		var runs []*store.Run
		for _, s := range []int64{src, src, other} {
			r, err := st.BeginRun(ctx, s, "cards.csv", "full")
			if err != nil {
				t.Fatal(err)
			}
			if err := r.Commit(ctx, store.RunCounts{}); err != nil {
				t.Fatal(err)
			}
			runs = append(runs, r)
		}
		rollBack(t, st, 21)

		asOf := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		type old struct {
			source int64
			run    *store.Run
			v      store.Version
		}
		var olds []old
		add := func(source int64, run *store.Run, v store.Version) {
			v.RunID, v.LoadedAt = run.ID, run.LoadedAt()
			if v.ObservedAt.IsZero() {
				v.ObservedAt = asOf
			}
			olds = append(olds, old{source, run, v})
		}
		// Enough versions for several raw blocks and several pages.
		for i := range 2300 {
			id := fmt.Sprintf("C%05d", i)
			add(src, runs[0], store.Version{RecordID: id, Version: 1, Line: i + 2, Hash: [16]byte{byte(i), byte(i >> 8)},
				Attrs: []byte(fmt.Sprintf(`{"family_name":"Ахметов %d","birth_date":"1990-01-%02d"}`, i, i%28+1)),
				Raw:   []byte(fmt.Sprintf(`{"ID":"%s","FIO":"Ахметов %d","BD":"1990-01-%02d"}`, id, i, i%28+1))})
		}
		add(src, runs[1], store.Version{RecordID: "C00001", Version: 2, Line: 2,
			Attrs:      []byte(`{"family_name":"O\"Brien \\ \u00e9","phone":"","birth_date":"1990-01-02"}`),
			Invalid:    []byte(`{"phone":"empty"}`),
			Raw:        []byte(`{"ID":"C00001","FIO":"O\"Brien"}`),
			ObservedAt: time.Date(2026, 11, 20, 8, 30, 0, 0, time.UTC)})
		add(src, runs[1], store.Version{RecordID: "C00002", Version: 2, Deleted: true, Attrs: []byte(`{}`), Raw: []byte(`{}`)})
		// Not in the one form the compact encoding reproduces: kept as JSON.
		add(src, runs[1], store.Version{RecordID: "C00003", Version: 2, Attrs: []byte(`{ "family_name": "Spaced" }`), Raw: []byte(``)})
		add(other, runs[2], store.Version{RecordID: "C00001", Version: 1, Attrs: []byte(`{"tag":"KZ01"}`), Raw: []byte(`{"tag":"KZ01"}`)})

		const cols = 12
		for chunk := range slices.Chunk(olds, 200) {
			var args []any
			for _, o := range chunk {
				v := o.v
				var invalid any
				if v.Invalid != nil {
					invalid = string(v.Invalid)
				}
				args = append(args, o.source, v.RecordID, v.Version, v.RunID, v.Deleted, string(v.Attrs), invalid, string(v.Raw),
					v.Hash[:], v.Line, v.ObservedAt.Format(timeLayout), v.LoadedAt.Format(timeLayout))
			}
			row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
			q := `INSERT INTO record_versions (source_id, record_id, version, run_id, deleted, attrs, invalid, raw, hash, line,
				observed_at, loaded_at) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", ")
			if _, err := storetest.Exec(t, st, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := st.Migrate(ctx); err != nil || n < 1 {
			t.Fatalf("migrate: %d, %v", n, err)
		}

		want := map[string][]store.Version{}
		for _, o := range olds {
			name := "cards"
			if o.source == other {
				name = "other"
			}
			k := name + ":" + o.v.RecordID
			want[k] = append(want[k], o.v)
		}
		for _, k := range []string{"cards:C00000", "cards:C00001", "cards:C00002", "cards:C00003", "cards:C02299", "other:C00001"} {
			source, id, _ := strings.Cut(k, ":")
			got, err := st.History(ctx, source, id)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want[k], got, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
				t.Errorf("History(%s) after the migration (-want +got):\n%s", k, diff)
			}
		}
		var live int
		err := st.LiveRecords(ctx, func(r store.LiveRecord) error {
			live++
			if r.SourceID == src && r.RecordID == "C00001" {
				want := map[string]string{"family_name": `O"Brien \ é`, "phone": "", "birth_date": "1990-01-02"}
				if diff := cmp.Diff(want, r.Attrs); diff != "" {
					t.Errorf("LiveRecords attrs of C00001 (-want +got):\n%s", diff)
				}
			}
			return nil
		})
		if err != nil || live != 2300 {
			t.Fatalf("LiveRecords: %d records, %v; want 2300", live, err)
		}
	})
}
