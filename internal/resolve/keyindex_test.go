package resolve

import (
	"cmp"
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

// contents is what an index holds: each current record's keys, sorted.
func (ix *keyIndex) contents() map[store.RecordRef][]uint64 {
	out := map[store.RecordRef][]uint64{}
	add := func(key uint64, o uint32) {
		if !ix.isDead(o) {
			out[ix.ref(o)] = append(out[ix.ref(o)], key)
		}
	}
	for k, key := range ix.keys {
		for _, o := range ix.ords[ix.start[k]:ix.start[k+1]] {
			add(key, o)
		}
	}
	for key, os := range ix.delta {
		for _, o := range os {
			add(key, o)
		}
	}
	for _, keys := range out {
		slices.Sort(keys)
	}
	return out
}

func buildFrom(t *testing.T, recs map[store.RecordRef][]uint64) *keyIndex {
	t.Helper()
	b := newIndexBuilder()
	// Out of record order, as a full run hands them over.
	refs := slices.SortedFunc(maps.Keys(recs), func(a, b store.RecordRef) int { return -CompareRefs(a, b) })
	for _, ref := range refs {
		if err := b.add(store.RecordKeys{Ref: ref, Keys: recs[ref]}); err != nil {
			t.Fatal(err)
		}
	}
	return b.build()
}

// TestKeyIndexApply: an index brought up to date run by run holds and
// finds what one built afresh from the result does, before and after its
// base is rebuilt from the changes.
func TestKeyIndexApply(t *testing.T) {
	r := func(src int64, id string) store.RecordRef { return store.RecordRef{SourceID: src, RecordID: id} }
	a, b, c, d, e := r(1, "a"), r(1, "b"), r(2, "a"), r(2, "ä"), r(3, "new")
	start := map[store.RecordRef][]uint64{a: {10, 20}, b: {10}, c: {30, 1 << 63}, d: {}}
	runs := []struct {
		name string
		gone []store.RecordRef
		keys []store.RecordKeys
		want map[store.RecordRef][]uint64
	}{
		{"re-key one, add one", nil, []store.RecordKeys{{Ref: a, Keys: []uint64{20, 40}}, {Ref: e, Keys: []uint64{10}}},
			map[store.RecordRef][]uint64{a: {20, 40}, b: {10}, c: {30, 1 << 63}, d: {}, e: {10}}},
		{"delete one, re-key the added one twice", []store.RecordRef{b}, []store.RecordKeys{{Ref: e, Keys: []uint64{50}}, {Ref: e, Keys: []uint64{30}}},
			map[store.RecordRef][]uint64{a: {20, 40}, c: {30, 1 << 63}, d: {}, e: {30}}},
		{"delete an unknown record, key one without keys", []store.RecordRef{r(9, "x")}, []store.RecordKeys{{Ref: d, Keys: []uint64{10}}},
			map[store.RecordRef][]uint64{a: {20, 40}, c: {30, 1 << 63}, d: {10}, e: {30}}},
	}
	for _, rebase := range []bool{false, true} {
		ix := buildFrom(t, start)
		if rebase {
			ix.maxDelta = 1
		} else {
			ix.maxDelta = 0
		}
		for _, run := range runs {
			if err := ix.apply(run.gone, run.keys); err != nil {
				t.Fatal(err)
			}
			fresh := buildFrom(t, run.want)
			if diff := gocmp.Diff(fresh.contents(), ix.contents()); diff != "" {
				t.Fatalf("rebase %v, %s: kept index differs from a fresh one (-fresh +kept):\n%s", rebase, run.name, diff)
			}
			for _, keys := range [][]uint64{{10}, {20, 30}, {40, 50, 1 << 63}, {99}} {
				if got, want := ix.lookup(keys), fresh.lookup(keys); !slices.Equal(got, want) {
					t.Errorf("rebase %v, %s: lookup(%v) = %v, want %v", rebase, run.name, keys, got, want)
				}
			}
			if ix.records() != len(run.want) {
				t.Errorf("rebase %v, %s: %d records, want %d", rebase, run.name, ix.records(), len(run.want))
			}
		}
		if got := ix.lookup([]uint64{10, 30}); !slices.Equal(got, []store.RecordRef{c, d, e}) {
			t.Errorf("rebase %v: lookup(10, 30) = %v, want [c d e] in record order", rebase, got)
		}
	}
}

// TestHeldIndexStaysCurrent resolves deltas with one Resolver, as a server
// does: it keeps its index across runs (no rebuild), and after every run
// the index equals one built from the store; a run by another Resolver
// makes it build a new one.
func TestHeldIndexStaysCurrent(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: 400, Seed: 5, Out: dir}); err != nil {
		t.Fatal(err)
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ids, err := ingest.Register(ctx, st, c)
		if err != nil {
			t.Fatal(err)
		}
		chunks := deltas(t, c, 4)
		push := func(i int) {
			for _, src := range c.Sources {
				if body, ok := chunks[src.Name]; ok && body[i] != "" {
					if _, err := ingest.Extract(ctx, st, src, ids[src.Name], strings.NewReader(body[i]), src.File, source.ModeDelta); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		push(0)
		rv := NewResolver(st)
		if _, err := rv.Resolve(ctx, StoreOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := rv.LoadIndexes(ctx, nil); err != nil {
			t.Fatal(err)
		}
		held := rv.indexes["person"]
		if held == nil || held.records() == 0 {
			t.Fatalf("LoadIndexes built no person index: %+v", held)
		}
		for i := 1; i < 4; i++ {
			push(i)
			if _, err := rv.Resolve(ctx, StoreOptions{Batch: 200}); err != nil {
				t.Fatal(err)
			}
			if rv.indexes["person"] != held {
				t.Fatalf("delta %d: the resolver built a new index instead of keeping its own", i)
			}
			fresh, err := buildKeyIndex(ctx, st, "person", 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := gocmp.Diff(fresh.contents(), held.contents()); diff != "" {
				t.Fatalf("delta %d: kept index differs from one built from the store (-built +kept):\n%s", i, diff)
			}
		}
		// Another process resolves: the held index is no longer current.
		if _, err := Resolve(ctx, st, StoreOptions{Full: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := rv.keyIndex(ctx, "person", 0, nil); err != nil {
			t.Fatal(err)
		}
		if rv.indexes["person"] == held {
			t.Fatal("the held index was kept after another resolver's run")
		}
	})
}

// Deltas is deltas for the tests outside the package.
var Deltas = deltas

// deltas splits every extract's rows into n deltas (each with the header,
// "" when empty), by source name.
func deltas(t *testing.T, c *source.Contract, n int) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, src := range c.Sources {
		if src.File == "" {
			continue
		}
		raw, err := os.ReadFile(src.File)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
		var head []string
		if src.Format != "ndjson" {
			head, lines = lines[:1], lines[1:]
		}
		parts := make([]string, n)
		for i := range n {
			part := lines[i*len(lines)/n : (i+1)*len(lines)/n]
			if len(part) > 0 {
				parts[i] = strings.Join(append(slices.Clone(head), part...), "\n") + "\n"
			}
		}
		out[src.Name] = parts
	}
	return out
}

// TestSortPairs: the radix sort orders by key, large inputs (radix) and
// small (comparison) alike, and loses no pair.
func TestSortPairs(t *testing.T) {
	for _, n := range []int{0, 1, 100, 1 << 12, 50000} {
		pairs := make([]keyOrd, n)
		x := uint64(88172645463325252)
		for i := range pairs {
			x ^= x << 13
			x ^= x >> 7
			x ^= x << 17
			pairs[i] = keyOrd{key: x % uint64(max(n, 1)) * 0x9e3779b97f4a7c15, ord: uint32(i)}
		}
		want := slices.Clone(pairs)
		slices.SortStableFunc(want, func(a, b keyOrd) int { return cmp.Compare(a.key, b.key) })
		sortPairs(pairs)
		if n >= 1<<12 {
			// The radix sort is stable: the same order exactly.
			if !slices.Equal(pairs, want) {
				t.Errorf("%d pairs: radix sort differs from a stable sort", n)
			}
			continue
		}
		slices.SortFunc(pairs, func(a, b keyOrd) int { return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.ord, b.ord)) })
		if !slices.Equal(pairs, want) {
			t.Errorf("%d pairs: not the same pairs in key order", n)
		}
	}
}
