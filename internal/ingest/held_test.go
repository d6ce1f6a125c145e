package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

// TestFullExtractHeldForMassDeletion loads the demo nation and then sends
// the disability register the extracts that wiped it before: the header
// alone, and the file cut in half. Each is held, storing nothing, listed
// with the source's held loads and put on the agency's work list; the
// same cut file goes through once its deletions are confirmed.
func TestFullExtractHeldForMassDeletion(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: 3000, Seed: 7, Out: dir}); err != nil {
		t.Fatal(err)
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := c.Source("disability_register")
	whole, err := os.ReadFile(src.File)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(whole, []byte("\n"))
	header := string(lines[0])
	half := string(bytes.Join(lines[:len(lines)/2], nil))

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
			t.Fatal(err)
		}
		live := liveOf(t, st, src.Name)
		if live < 50 {
			t.Fatalf("disability register has %d live records; the demo nation should hold dozens", live)
		}
		for i, tc := range []struct{ name, body string }{{"header only", header}, {"cut in half", half}} {
			_, err := ingest.Push(ctx, st, src.Name, strings.NewReader(tc.body), "csv", source.ModeFull)
			var held *ingest.HeldError
			if !errors.As(err, &held) || !errors.Is(err, ingest.ErrHeld) {
				t.Fatalf("%s: err = %v; want the load held", tc.name, err)
			}
			if held.Live != live || held.Deletions <= live/10 {
				t.Errorf("%s: held %+v; want deletions of %d live records counted", tc.name, held, live)
			}
			if got := liveOf(t, st, src.Name); got != live {
				t.Fatalf("%s: %d live records after the held load; want %d, nothing stored", tc.name, got, live)
			}
			hs, err := st.HeldLoads(ctx, src.Name, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(hs) != i+1 || !hs[0].Pending || hs[0].Deletions != held.Deletions || hs[0].ID != held.Load {
				t.Fatalf("%s: held loads %+v; want %d, the newest pending with %d deletions", tc.name, hs, i+1, held.Deletions)
			}
			f, err := st.Finding(ctx, store.HeldFinding(hs[0]).ID)
			if err != nil {
				t.Fatalf("%s: the held load is not on the work list: %v", tc.name, err)
			}
			if f.Agency != "mlsp" || f.Status != store.FindingOpen || f.ReasonKey != "q.held.reason" {
				t.Errorf("%s: work-list item %+v; want an open held-load finding for mlsp", tc.name, f)
			}
			for _, lang := range []string{"kk", "ru", "en"} {
				if text := quality.Render(lang, f.ReasonKey, f.ReasonArgs); strings.Contains(text, "%!") || text == f.ReasonKey {
					t.Errorf("%s: reason in %s = %q", tc.name, lang, text)
				}
			}
		}

		// A delta never deletes, and a small full change passes.
		if _, err := ingest.Push(ctx, st, src.Name, strings.NewReader(half), "csv", source.ModeDelta); err != nil {
			t.Fatalf("delta push: %v", err)
		}
		var held *ingest.HeldError
		_, err := ingest.Push(ctx, st, src.Name, strings.NewReader(half), "csv", source.ModeFull)
		if !errors.As(err, &held) {
			t.Fatalf("cut file again: %v; want held", err)
		}
		// Confirming fewer deletions than the file makes is not enough.
		if _, err := ingest.PushWith(ctx, st, src.Name, strings.NewReader(half), "csv", source.ModeFull,
			ingest.Options{AllowDeletions: held.Deletions - 1}); !errors.Is(err, ingest.ErrHeld) {
			t.Fatalf("under-confirmed: %v; want held", err)
		}
		sum, err := ingest.PushWith(ctx, st, src.Name, strings.NewReader(half), "csv", source.ModeFull,
			ingest.Options{AllowDeletions: held.Deletions})
		if err != nil {
			t.Fatalf("confirmed: %v", err)
		}
		if sum.Deleted != held.Deletions || sum.Live != live-held.Deletions {
			t.Errorf("confirmed load = %+v; want %d deleted", sum, held.Deletions)
		}
		pending, err := st.PendingHeldLoads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 0 {
			t.Errorf("after a stored load, %d held loads still pending", len(pending))
		}
		// A guard set to 1 deletes a whole source unconfirmed.
		if _, err := ingest.PushWith(ctx, st, src.Name, strings.NewReader(header), "csv", source.ModeFull,
			ingest.Options{MaxDeletionShare: 1}); err != nil {
			t.Fatalf("guard off: %v", err)
		}
	})
}

// liveOf is the number of live records of a source.
func liveOf(t *testing.T, st *store.Store, name string) int {
	t.Helper()
	ss, err := st.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range ss {
		if s.Name == name {
			return s.Live
		}
	}
	t.Fatalf("no source %s", name)
	return 0
}
