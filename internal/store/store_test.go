package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n, err := st.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second Migrate = %d, %v; want 0, nil", n, err)
		}
		cur, latest, err := st.SchemaVersion(ctx)
		if err != nil || cur != latest || latest < 1 {
			t.Fatalf("SchemaVersion = %d, %d, %v", cur, latest, err)
		}
		if err := st.CheckSchema(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestCheckSchemaRefusesUnmigrated(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+t.TempDir()+"/fresh.db")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CheckSchema(ctx); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("CheckSchema on an empty database = %v; want ErrSchemaOutdated", err)
	}
}

func TestOpenRejectsUnknownDSN(t *testing.T) {
	for _, dsn := range []string{"mysql://user:secret@host/db", "postgress://user:secret@host/db", "", "sqlite:"} {
		_, err := store.Open(context.Background(), dsn)
		if err == nil || strings.Contains(err.Error(), "secret") {
			t.Errorf("Open(%q) = %v; want an error that hides the password", dsn, err)
		}
	}
}

// TestOpenPlainPath: a file path without a scheme opens SQLite, as
// sqlite:PATH does, relative or absolute.
func TestOpenPlainPath(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Chdir(dir)
	for _, dsn := range []string{filepath.Join(dir, "abs", "ortaq.db"), filepath.Join("rel", "ortaq.db")} {
		st, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatalf("Open(%q): %v", dsn, err)
		}
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if st.Dialect() != "sqlite" {
			t.Errorf("Open(%q) opened %s", dsn, st.Dialect())
		}
		if _, err := os.Stat(filepath.Join(dir, strings.TrimPrefix(dsn, dir))); err != nil {
			t.Errorf("Open(%q) made no file: %v", dsn, err)
		}
	}
}

func mustSource(t *testing.T, st *store.Store, name string) int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := st.PutAgency(ctx, store.Agency{Code: "moh", Name: "Ministry of Health", Names: map[string]string{"kk": "Денсаулық сақтау министрлігі"}}); err != nil {
		t.Fatal(err)
	}
	id, err := st.PutSource(ctx, store.SourceDef{Name: name, AgencyCode: "moh", Title: "Cards", Entity: "person", Definition: []byte(`{"name":"` + name + `"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPutSourceNeedsAgency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, err := st.PutSource(context.Background(), store.SourceDef{Name: "x", AgencyCode: "nope", Entity: "person", Definition: []byte(`{}`)})
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("PutSource with unknown agency = %v; want ErrNotFound", err)
		}
	})
}

func TestRunCommitAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		src := mustSource(t, st, "cards")
		// Registering again updates, keeping the id.
		if again := mustSource(t, st, "cards"); again != src {
			t.Fatalf("PutSource again gave id %d; want %d", again, src)
		}
		observed := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		run, err := st.BeginRun(ctx, src, "cards.csv", "full")
		if err != nil {
			t.Fatal(err)
		}
		defer run.Abort()
		if l, err := run.Latest(ctx, nil); err != nil || len(l) != 0 {
			t.Fatalf("Latest on empty source = %v, %v", l, err)
		}
		// More than one SQLite batch, plus a remainder.
		var vs []store.Version
		for i := 0; i < 451; i++ {
			vs = append(vs, store.Version{RecordID: "C" + string(rune('A'+i%26)) + strings.Repeat("x", i/26), Version: 1,
				Attrs: []byte(`{"full_name":"Әсел Нұрланқызы"}`), Raw: []byte(`{"fio":"Әсел Нұрланқызы"}`),
				Hash: [16]byte{byte(i), byte(i >> 8)}, Line: i + 2, ObservedAt: observed})
		}
		vs[0].Invalid = []byte(`{"national_id":"iin: check digit does not match"}`)
		if err := run.AddVersions(ctx, vs); err != nil {
			t.Fatal(err)
		}
		if err := run.AddQuarantine(ctx, []store.Quarantined{{File: "cards.csv", Line: 9, Code: "column_count", Reason: "got 3 columns, header has 4", Raw: "a,b,c"}}); err != nil {
			t.Fatal(err)
		}
		if err := run.Commit(ctx, store.RunCounts{Rows: 452, Stored: 451, Quarantined: 1, Flagged: 1, Live: 451}); err != nil {
			t.Fatal(err)
		}
		run.Abort() // after Commit: a no-op

		h, err := st.History(ctx, "cards", vs[0].RecordID)
		if err != nil {
			t.Fatal(err)
		}
		want := vs[0]
		want.RunID, want.LoadedAt = run.ID, run.LoadedAt()
		if diff := cmp.Diff([]store.Version{want}, h, jsonEqual); diff != "" {
			t.Fatalf("History mismatch (-want +got):\n%s", diff)
		}
		if _, err := st.History(ctx, "cards", "missing"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("History(missing) = %v; want ErrNotFound", err)
		}

		srcs, err := st.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(srcs) != 1 || srcs[0].Live != 451 || srcs[0].Versions != 451 || srcs[0].Quarantined != 1 || srcs[0].Runs != 1 || srcs[0].LastRun == nil {
			t.Fatalf("Sources = %+v", srcs)
		}
		ags, err := st.Agencies(ctx)
		if err != nil || len(ags) != 1 || ags[0].Sources != 1 || ags[0].Live != 451 || ags[0].Names["kk"] == "" {
			t.Fatalf("Agencies = %+v, %v", ags, err)
		}
		q, err := st.Quarantine(ctx, store.QuarantineFilter{Source: "cards"})
		if err != nil || len(q) != 1 || q[0].Line != 9 || q[0].Code != "column_count" || q[0].Source != "cards" {
			t.Fatalf("Quarantine = %+v, %v", q, err)
		}

		// A second run sees the first one's versions.
		run2, err := st.BeginRun(ctx, src, "cards.csv", "delta")
		if err != nil {
			t.Fatal(err)
		}
		defer run2.Abort()
		latest, err := run2.Latest(ctx, []string{vs[0].RecordID, vs[1].RecordID, "unknown"})
		if err != nil {
			t.Fatal(err)
		}
		if len(latest) != 2 || latest[vs[1].RecordID].Hash != vs[1].Hash || latest[vs[1].RecordID].Version != 1 {
			t.Fatalf("Latest(ids) = %+v", latest)
		}
		all, err := run2.Latest(ctx, nil)
		if err != nil || len(all) != 451 {
			t.Fatalf("Latest(nil) has %d records, %v", len(all), err)
		}
		if err := run2.AddVersions(ctx, []store.Version{{RecordID: vs[1].RecordID, Version: 2, Deleted: true, Attrs: []byte(`{}`), Raw: []byte(`{}`), ObservedAt: observed}}); err != nil {
			t.Fatal(err)
		}
		if err := run2.Commit(ctx, store.RunCounts{Deleted: 1, Live: 450}); err != nil {
			t.Fatal(err)
		}
		h, err = st.History(ctx, "cards", vs[1].RecordID)
		if err != nil || len(h) != 2 || !h[1].Deleted || h[0].Deleted {
			t.Fatalf("History after delete = %+v, %v", h, err)
		}
		runs, err := st.Runs(ctx, "cards", 10)
		if err != nil || len(runs) != 2 || runs[0].ID != run2.ID || runs[0].Live != 450 || runs[1].Stored != 451 {
			t.Fatalf("Runs = %+v, %v", runs, err)
		}
	})
}

func TestRunAbortLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		src := mustSource(t, st, "cards")
		run, err := st.BeginRun(ctx, src, "cards.csv", "full")
		if err != nil {
			t.Fatal(err)
		}
		v := store.Version{RecordID: "C1", Version: 1, Attrs: []byte(`{}`), Raw: []byte(`{}`), ObservedAt: time.Now()}
		if err := run.AddVersions(ctx, []store.Version{v}); err != nil {
			t.Fatal(err)
		}
		run.Abort()
		if _, err := st.History(ctx, "cards", "C1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("aborted version is visible: %v", err)
		}
		if runs, _ := st.Runs(ctx, "", 10); len(runs) != 0 {
			t.Fatalf("aborted run is listed: %+v", runs)
		}
		// The connection went back clean: a new run works.
		run, err = st.BeginRun(ctx, src, "cards.csv", "full")
		if err != nil {
			t.Fatal(err)
		}
		defer run.Abort()
		if err := run.Commit(ctx, store.RunCounts{Rows: 2, Stored: 1}); err == nil {
			t.Fatal("Commit accepted counts that do not add up")
		}
	})
}

func TestDuplicateVersionFails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		src := mustSource(t, st, "cards")
		run, err := st.BeginRun(ctx, src, "cards.csv", "full")
		if err != nil {
			t.Fatal(err)
		}
		defer run.Abort()
		v := store.Version{RecordID: "C1", Version: 1, Attrs: []byte(`{}`), Raw: []byte(`{}`), ObservedAt: time.Now()}
		if err := run.AddVersions(ctx, []store.Version{v, v}); err == nil {
			t.Fatal("two versions 1 of the same record were accepted")
		}
	})
}

var jsonEqual = cmp.Comparer(func(a, b []byte) bool {
	return string(normJSON(a)) == string(normJSON(b))
})

// normJSON removes the spaces PostgreSQL's jsonb adds after ':' and ','.
func normJSON(b []byte) []byte {
	var out []byte
	inStr, esc := false, false
	for _, c := range b {
		switch {
		case esc:
			esc = false
		case c == '\\' && inStr:
			esc = true
		case c == '"':
			inStr = !inStr
		case c == ' ' && !inStr:
			continue
		}
		out = append(out, c)
	}
	return out
}
