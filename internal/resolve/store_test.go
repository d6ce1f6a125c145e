package resolve_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/linkeval"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

// nation synthesises a small nation once per test binary run.
func nation(t *testing.T, people int) (*source.Contract, string) {
	t.Helper()
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: people, Seed: 11, Out: dir}); err != nil {
		t.Fatal(err)
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return c, dir
}

// partition reads every person record's entity from the store.
func partition(t *testing.T, st *store.Store) linkeval.Labels {
	t.Helper()
	ctx := context.Background()
	names := map[int64]string{}
	var refs []store.RecordRef
	if _, err := st.ChangedSince(ctx, "person", 0, func(r store.ResolveRecord) error {
		if !r.Deleted {
			refs = append(refs, r.RecordRef)
			names[r.SourceID] = r.Source
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	m, err := st.Membership(ctx, refs)
	if err != nil {
		t.Fatal(err)
	}
	out := linkeval.Labels{}
	for _, ref := range refs {
		e, ok := m[ref]
		if !ok {
			t.Fatalf("record %s:%s has no entity", names[ref.SourceID], ref.RecordID)
		}
		out[linkeval.Record{Source: names[ref.SourceID], ID: ref.RecordID}] = e
	}
	return out
}

func truthOf(t *testing.T, dir string) linkeval.Labels {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "truth", "persons.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	truth, err := linkeval.ReadTruth(f, "persons.csv")
	if err != nil {
		t.Fatal(err)
	}
	return truth
}

// ingestHalf loads the first or second half of every extract's rows as a
// delta, as an agency sending its changes would.
func ingestHalf(t *testing.T, st *store.Store, c *source.Contract, second bool) {
	t.Helper()
	ctx := context.Background()
	ids, err := ingest.Register(ctx, st, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range c.Sources {
		if src.File == "" {
			continue
		}
		lines := readLines(t, src.File)
		var head []string
		if src.Format != "ndjson" {
			head, lines = lines[:1], lines[1:]
		}
		half := lines[:len(lines)/2]
		if second {
			half = lines[len(lines)/2:]
		}
		body := strings.Join(append(slices.Clone(head), half...), "\n") + "\n"
		if _, err := ingest.Extract(ctx, st, src, ids[src.Name], strings.NewReader(body), src.File, source.ModeDelta); err != nil {
			t.Fatal(err)
		}
	}
}

// TestIncrementalMatchesFull loads a nation in two deltas, resolving after
// each, then resolves everything again in one go with the same model: the
// entities must agree, keep their ids, and match the ground truth.
func TestIncrementalMatchesFull(t *testing.T) {
	c, dir := nation(t, 1500)
	truth := truthOf(t, dir)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ingestHalf(t, st, c, false)
		sums, err := resolve.Resolve(ctx, st, resolve.StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if kindSummary(sums, "person").Mode != "full" {
			t.Fatalf("first resolve ran %+v, want full", sums)
		}
		ingestHalf(t, st, c, true)
		sums, err = resolve.Resolve(ctx, st, resolve.StoreOptions{Batch: 500})
		if err != nil {
			t.Fatal(err)
		}
		inc := kindSummary(sums, "person")
		if inc.Mode != "incremental" || inc.Records == 0 || inc.Attached == 0 {
			t.Fatalf("second resolve: %+v, want an incremental run attaching the new records", inc)
		}
		incremental := partition(t, st)

		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{Full: true}); err != nil {
			t.Fatal(err)
		}
		full := partition(t, st)

		agree := linkeval.Score(full, incremental)
		t.Logf("incremental vs full: precision %.4f recall %.4f", agree.Precision, agree.Recall)
		if agree.F1 < 0.995 {
			t.Errorf("incremental and full resolution disagree: F1 %.4f between them", agree.F1)
		}
		moved := 0
		for r, e := range incremental {
			if full[r] != e {
				moved++
			}
		}
		if moved > len(full)/100 {
			t.Errorf("a full re-resolve changed the entity id of %d of %d records; ids must be stable", moved, len(full))
		}
		for name, got := range map[string]linkeval.Labels{"incremental": incremental, "full": full} {
			if s := linkeval.Score(truth, got); s.F1 < 0.98 || s.Missing != 0 {
				t.Errorf("%s resolution against the truth: F1 %.4f, %d records missing", name, s.F1, s.Missing)
			}
		}
	})
}

// TestResolveFollowsDeletes drops records from a full extract: they leave
// their entities, and the lineage says so.
func TestResolveFollowsDeletes(t *testing.T) {
	c, _ := nation(t, 300)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
			t.Fatal(err)
		}
		before := partition(t, st)

		// The next health extract lacks its last five cards.
		src := c.Source("health_cards")
		lines := readLines(t, src.File)
		short := filepath.Join(t.TempDir(), "cards.csv")
		if err := os.WriteFile(short, []byte(strings.Join(lines[:len(lines)-5], "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		gone := map[string]bool{}
		for _, l := range lines[len(lines)-5:] {
			rec, err := csv.NewReader(strings.NewReader(l)).Read()
			if err == nil && rec[0] != "" {
				gone[rec[0]] = true
			}
		}
		moved := *src
		moved.File = short
		ids, err := ingest.Register(ctx, st, c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ingest.File(ctx, st, &moved, ids[src.Name], nil); err != nil {
			t.Fatal(err)
		}
		sums, err := resolve.Resolve(ctx, st, resolve.StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for r := range before {
			if r.Source == "health_cards" && gone[r.ID] {
				want++
			}
		}
		if d := kindSummary(sums, "person").Detached; d != want || want == 0 {
			t.Errorf("detached %d records, want %d", d, want)
		}
		after := partition(t, st)
		for r := range before {
			if r.Source == "health_cards" && gone[r.ID] {
				if _, ok := after[r]; ok {
					t.Errorf("deleted record %v still has an entity", r)
				}
				events, err := st.Lineage(ctx, before[r])
				if err != nil {
					t.Fatal(err)
				}
				if !slices.ContainsFunc(events, func(e store.LineageEvent) bool { return e.Action == "detach" && e.Ref != nil && e.Ref.RecordID == r.ID }) {
					t.Errorf("lineage of %s has no detach of %s: %+v", before[r], r.ID, events)
				}
			} else if after[r] != before[r] {
				t.Errorf("record %v moved from %s to %s though nothing about it changed", r, before[r], after[r])
			}
		}
	})
}

func kindSummary(sums []resolve.StoreSummary, kind string) resolve.StoreSummary {
	for _, s := range sums {
		if s.Kind == kind {
			return s
		}
	}
	return resolve.StoreSummary{}
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n")
}
