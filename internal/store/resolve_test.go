package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// mustKindSource registers a source holding entities of kind.
func mustKindSource(tb testing.TB, st *store.Store, name, kind string) int64 {
	tb.Helper()
	ctx := context.Background()
	if _, err := st.PutAgency(ctx, store.Agency{Code: "moh", Name: "Ministry of Health"}); err != nil {
		tb.Fatal(err)
	}
	id, err := st.PutSource(ctx, store.SourceDef{Name: name, AgencyCode: "moh", Entity: kind, Definition: []byte(`{"name":"` + name + `"}`)})
	if err != nil {
		tb.Fatal(err)
	}
	return id
}

// mustIngest stores vs in one committed run of src and returns the run id.
func mustIngest(tb testing.TB, st *store.Store, src int64, vs ...store.Version) int64 {
	tb.Helper()
	ctx := context.Background()
	run, err := st.BeginRun(ctx, src, "extract.csv", "delta")
	if err != nil {
		tb.Fatal(err)
	}
	defer run.Abort()
	if err := run.AddVersions(ctx, vs); err != nil {
		tb.Fatal(err)
	}
	if err := run.Commit(ctx, store.RunCounts{Rows: len(vs), Stored: len(vs)}); err != nil {
		tb.Fatal(err)
	}
	return run.ID
}

// version is a record version whose attrs hold one full_name, or a deletion
// when name is "".
func version(id string, v int, name string) store.Version {
	attrs := `{}`
	if name != "" {
		attrs = `{"full_name":"` + name + `"}`
	}
	return store.Version{RecordID: id, Version: v, Deleted: name == "", Attrs: []byte(attrs), Raw: []byte(`{}`), ObservedAt: time.Now()}
}

// resolveFixture is two person sources and an animal one, over four runs:
//
//	run1 cards:  a1, a2, a3 (version 1)
//	run2 clinic: b1
//	run3 vet:    x1
//	run4 cards:  a2 version 2, a3 deleted
type resolveFixture struct {
	cards, clinic, vet     int64
	run1, run2, run3, run4 int64
}

func mustResolveFixture(t *testing.T, st *store.Store) resolveFixture {
	t.Helper()
	var f resolveFixture
	f.cards = mustKindSource(t, st, "cards", "person")
	f.clinic = mustKindSource(t, st, "clinic", "") // no kind: person
	f.vet = mustKindSource(t, st, "vet", "animal")
	f.run1 = mustIngest(t, st, f.cards, version("a1", 1, "Әсел"), version("a2", 1, "Ерлан"), version("a3", 1, "Дана"))
	f.run2 = mustIngest(t, st, f.clinic, version("b1", 1, "Asel"))
	f.run3 = mustIngest(t, st, f.vet, version("x1", 1, "Тулпар"))
	f.run4 = mustIngest(t, st, f.cards, version("a2", 2, "Ерлан Б."), version("a3", 2, ""))
	// An aborted run leaves nothing to resolve.
	run, err := st.BeginRun(context.Background(), f.cards, "extract.csv", "delta")
	if err != nil {
		t.Fatal(err)
	}
	if err := run.AddVersions(context.Background(), []store.Version{version("a9", 1, "Ghost")}); err != nil {
		t.Fatal(err)
	}
	run.Abort()
	return f
}

// seen is the part of a ResolveRecord the tests compare.
type seen struct {
	Source, Record, Entity, Name string
	Version                      int
	Run                          int64
	Deleted                      bool
}

func seenOf(r store.ResolveRecord) seen {
	return seen{Source: r.Source, Record: r.RecordID, Entity: r.Entity, Name: r.Attrs["full_name"], Version: r.Version, Run: r.RunID, Deleted: r.Deleted}
}

func TestChangedSince(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := mustResolveFixture(t, st)
		a1 := seen{"cards", "a1", "person", "Әсел", 1, f.run1, false}
		b1 := seen{"clinic", "b1", "person", "Asel", 1, f.run2, false}
		x1 := seen{"vet", "x1", "animal", "Тулпар", 1, f.run3, false}
		a2 := seen{"cards", "a2", "person", "Ерлан Б.", 2, f.run4, false}
		a3 := seen{"cards", "a3", "person", "", 2, f.run4, true}
		tests := []struct {
			name          string
			kind          string
			after         int64
			want          []seen
			wantWatermark int64
		}{
			// Every record comes source by source, not run by run.
			{"every person", "person", 0, []seen{a1, a2, a3, b1}, f.run4},
			{"after the first run", "person", f.run1, []seen{b1, a2, a3}, f.run4},
			{"after the other kind's run", "person", f.run3, []seen{a2, a3}, f.run4},
			{"nothing new", "person", f.run4, nil, f.run4},
			{"animals", "animal", 0, []seen{x1}, f.run3},
			{"animals, nothing new", "animal", f.run3, nil, f.run3},
			{"kind without sources", "organisation", 7, nil, 7},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []seen
				wm, err := st.ChangedSince(ctx, tt.kind, tt.after, func(r store.ResolveRecord) error {
					got = append(got, seenOf(r))
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("ChangedSince(%s, %d) records (-want +got):\n%s", tt.kind, tt.after, diff)
				}
				if wm != tt.wantWatermark {
					t.Errorf("ChangedSince(%s, %d) watermark = %d; want %d", tt.kind, tt.after, wm, tt.wantWatermark)
				}
			})
		}

		stop := errors.New("stop")
		n := 0
		wm, err := st.ChangedSince(ctx, "person", 0, func(store.ResolveRecord) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 || wm != 0 {
			t.Fatalf("ChangedSince with a failing fn = %d, %v after %d records; want 0, stop after 1", wm, err, n)
		}
	})
}

func TestChangedSinceWaitsForRunsInProgress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		if st.Dialect() != "postgres" {
			t.Skip("SQLite runs one ingest run at a time: ids follow commit order")
		}
		ctx := context.Background()
		cards := mustKindSource(t, st, "cards", "person")
		clinic := mustKindSource(t, st, "clinic", "person")
		// A run of cards begins first, so takes the lower id, but commits
		// after a run of clinic.
		slow, err := st.BeginRun(ctx, cards, "extract.csv", "delta")
		if err != nil {
			t.Fatal(err)
		}
		defer slow.Abort()
		if err := slow.AddVersions(ctx, []store.Version{version("a1", 1, "Әсел")}); err != nil {
			t.Fatal(err)
		}
		fast := mustIngest(t, st, clinic, version("b1", 1, "Asel"))

		type result struct {
			records   []string
			watermark int64
			err       error
		}
		done := make(chan result, 1)
		go func() {
			var r result
			r.watermark, r.err = st.ChangedSince(ctx, "person", 0, func(rec store.ResolveRecord) error {
				r.records = append(r.records, rec.RecordID)
				return nil
			})
			done <- r
		}()
		select {
		case r := <-done:
			t.Fatalf("ChangedSince did not wait for the run in progress: %+v", r)
		case <-time.After(300 * time.Millisecond):
		}
		if err := slow.Commit(ctx, store.RunCounts{Rows: 1, Stored: 1}); err != nil {
			t.Fatal(err)
		}
		var r result
		select {
		case r = <-done:
		case <-time.After(30 * time.Second):
			t.Fatal("ChangedSince still waits after the commit")
		}
		if r.err != nil {
			t.Fatal(r.err)
		}
		if diff := cmp.Diff([]string{"a1", "b1"}, r.records); diff != "" || r.watermark != fast || slow.ID >= fast {
			t.Fatalf("ChangedSince = %v, watermark %d (runs %d then %d) (-want +got records):\n%s", r.records, r.watermark, slow.ID, fast, diff)
		}
	})
}

func TestLatestRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := mustResolveFixture(t, st)
		refs := []store.RecordRef{
			{SourceID: f.clinic, RecordID: "b1"},
			{SourceID: f.cards, RecordID: "a3"}, // deleted
			{SourceID: f.cards, RecordID: "a2"},
			{SourceID: f.cards, RecordID: "nobody"},
			{SourceID: 999, RecordID: "a1"},
			{SourceID: f.cards, RecordID: "a1"},
			{SourceID: f.clinic, RecordID: "b1"}, // twice
			{SourceID: f.vet, RecordID: "x1"},
		}
		got, err := st.LatestRecords(ctx, refs)
		if err != nil {
			t.Fatal(err)
		}
		var gotSeen []seen
		for _, r := range got {
			gotSeen = append(gotSeen, seenOf(r))
		}
		want := []seen{
			{"clinic", "b1", "person", "Asel", 1, f.run2, false},
			{"cards", "a2", "person", "Ерлан Б.", 2, f.run4, false},
			{"cards", "a1", "person", "Әсел", 1, f.run1, false},
			{"vet", "x1", "animal", "Тулпар", 1, f.run3, false},
		}
		if diff := cmp.Diff(want, gotSeen); diff != "" {
			t.Fatalf("LatestRecords (-want +got):\n%s", diff)
		}
		if got, err := st.LatestRecords(ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("LatestRecords(nil) = %v, %v", got, err)
		}

		// More refs than one IN list holds.
		var many []store.RecordRef
		for i := range 1200 {
			many = append(many, store.RecordRef{SourceID: f.cards, RecordID: fmt.Sprintf("z%d", i)})
		}
		many = append(many, store.RecordRef{SourceID: f.cards, RecordID: "a1"})
		if got, err := st.LatestRecords(ctx, many); err != nil || len(got) != 1 || got[0].RecordID != "a1" {
			t.Fatalf("LatestRecords(1201 refs) = %v, %v", got, err)
		}
	})
}

func ref(src int64, id string) store.RecordRef { return store.RecordRef{SourceID: src, RecordID: id} }

func TestApplyResolveRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := mustResolveFixture(t, st)
		a1, a2, b1 := ref(f.cards, "a1"), ref(f.cards, "a2"), ref(f.clinic, "b1")

		if model, wm, err := st.ResolveState(ctx, "person"); err != nil || model != nil || wm != 0 {
			t.Fatalf("ResolveState before any run = %s, %d, %v", model, wm, err)
		}
		started := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
		run1, err := st.ApplyResolve(ctx, store.ResolveChanges{
			Kind: "person", Mode: "full", Started: started,
			NewEntities: []string{"P000000001", "P000000002"},
			Members: []store.Membership{
				{RecordRef: a1, EntityID: "P000000001", Version: 1},
				{RecordRef: a2, EntityID: "P000000001", Version: 1}, // moved just below: last wins
				{RecordRef: b1, EntityID: "P000000002", Version: 1},
				{RecordRef: a2, EntityID: "P000000002", Version: 2},
			},
			Keys: []store.RecordKeys{{Ref: a1, Keys: []uint64{11, 1 << 63}}, {Ref: b1, Keys: []uint64{11}}, {Ref: a2, Keys: []uint64{1}}, {Ref: a2, Keys: []uint64{33, 33}}},
			Lineage: []store.LineageEvent{
				{Action: store.ActionCreate, EntityID: "P000000001", Reason: "new"},
				{Action: store.ActionAttach, EntityID: "P000000001", Ref: &a1, Probability: 0.5},
				{Action: store.ActionCreate, EntityID: "P000000002"},
			},
			Model:     []byte(`{"m": [0.9, 0.1]}`),
			Watermark: f.run4,
			Counts:    store.ResolveCounts{Records: 4, Created: 2, Attached: 3},
		})
		if err != nil {
			t.Fatal(err)
		}
		model, wm, err := st.ResolveState(ctx, "person")
		if err != nil || string(model) != `{"m": [0.9, 0.1]}` || wm != f.run4 {
			t.Fatalf("ResolveState = %s, %d, %v", model, wm, err)
		}
		wantKeys := map[store.RecordRef][]uint64{a1: {11, 1 << 63}, a2: {33, 33}, b1: {11}}
		if diff := cmp.Diff(wantKeys, storedKeys(t, st, "person")); diff != "" {
			t.Fatalf("BlockingKeys (-want +got):\n%s", diff)
		}
		if got := storedKeys(t, st, "animal"); len(got) != 0 {
			t.Fatalf("BlockingKeys of another kind = %v", got)
		}
		mem, err := st.Membership(ctx, []store.RecordRef{a1, a2, b1, ref(f.vet, "x1")})
		want := map[store.RecordRef]string{a1: "P000000001", a2: "P000000002", b1: "P000000002"}
		if diff := cmp.Diff(want, mem); err != nil || diff != "" {
			t.Fatalf("Membership (-want +got), %v:\n%s", err, diff)
		}

		// An incremental run merges P000000002 into P000000001 and a2 leaves.
		run2, err := st.ApplyResolve(ctx, store.ResolveChanges{
			Kind: "person", Mode: "incremental",
			Removed:  []store.RecordRef{a2},
			Members:  []store.Membership{{RecordRef: b1, EntityID: "P000000001", Version: 1}},
			DropKeys: []store.RecordRef{a2, a1},
			Keys:     []store.RecordKeys{{Ref: a1, Keys: []uint64{44}}},
			Merges:   []store.Merge{{From: "P000000002", Into: "P000000001"}},
			Retired:  []string{"P000000002", "P000000002"},
			Lineage: []store.LineageEvent{
				{Action: store.ActionDetach, EntityID: "P000000002", Ref: &a2, Reason: "deleted"},
				{Action: store.ActionMerge, EntityID: "P000000002", OtherID: "P000000001", Probability: 0.97, Reason: "same IIN"},
			},
			Watermark: f.run4 + 1,
			Counts:    store.ResolveCounts{Records: 2, Merged: 1, Detached: 1},
		})
		if err != nil {
			t.Fatal(err)
		}
		if run2 <= run1 {
			t.Fatalf("resolve run ids %d then %d", run1, run2)
		}
		members, err := st.Members(ctx, []string{"P000000001", "P000000002", "P000000009"})
		if diff := cmp.Diff(map[string][]store.RecordRef{"P000000001": {a1, b1}}, members); err != nil || diff != "" {
			t.Fatalf("Members (-want +got), %v:\n%s", err, diff)
		}
		wantKeys = map[store.RecordRef][]uint64{a1: {44}, b1: {11}}
		if diff := cmp.Diff(wantKeys, storedKeys(t, st, "person")); diff != "" {
			t.Fatalf("BlockingKeys after DropKeys (-want +got):\n%s", diff)
		}
		model, wm, err = st.ResolveState(ctx, "person")
		if err != nil || string(model) != `{"m": [0.9, 0.1]}` || wm != f.run4+1 {
			t.Fatalf("ResolveState after a run without a model = %s, %d, %v", model, wm, err)
		}
		for _, id := range []string{"P000000001", "P000000002"} {
			if live, err := st.EntityOf(ctx, id); err != nil || live != "P000000001" {
				t.Fatalf("EntityOf(%s) = %q, %v", id, live, err)
			}
		}
		if _, err := st.EntityOf(ctx, "P000000404"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("EntityOf(unknown) = %v; want ErrNotFound", err)
		}

		lin, err := st.Lineage(ctx, "P000000002")
		if err != nil {
			t.Fatal(err)
		}
		for i := range lin {
			if lin[i].At.IsZero() {
				t.Errorf("lineage event %d has no time", i)
			}
			lin[i].At = time.Time{}
		}
		wantLin := []store.LineageEvent{
			{RunID: run1, Action: store.ActionCreate, EntityID: "P000000002"},
			{RunID: run2, Action: store.ActionDetach, EntityID: "P000000002", Ref: &a2, Reason: "deleted"},
			{RunID: run2, Action: store.ActionMerge, EntityID: "P000000002", OtherID: "P000000001", Probability: 0.97, Reason: "same IIN"},
		}
		if diff := cmp.Diff(wantLin, lin); diff != "" {
			t.Fatalf("Lineage(P000000002) (-want +got):\n%s", diff)
		}
		lin, err = st.Lineage(ctx, "P000000001")
		if err != nil || len(lin) != 3 || lin[0].Reason != "new" || lin[1].Ref == nil || *lin[1].Ref != a1 ||
			lin[1].Probability != 0.5 || lin[2].Action != store.ActionMerge || lin[2].OtherID != "P000000001" {
			t.Fatalf("Lineage(P000000001) = %+v, %v", lin, err)
		}
		if n, err := st.MaxEntityNumber(ctx, "P"); err != nil || n != 2 {
			t.Fatalf("MaxEntityNumber = %d, %v; want 2", n, err)
		}
	})
}

func TestApplyResolveIsAtomic(t *testing.T) {
	// Each failure comes after the run row, the entities, the members and
	// the keys are written; the whole run must vanish.
	big := func(n int, dup string) []string {
		var ids []string
		for i := range n {
			ids = append(ids, fmt.Sprintf("Q%09d", i+1))
		}
		return append(ids, dup)
	}
	tests := []struct {
		name string
		edit func(ch *store.ResolveChanges)
	}{
		{"existing entity id", func(ch *store.ResolveChanges) { ch.NewEntities = append(ch.NewEntities, "P000000001") }},
		{"entity id twice", func(ch *store.ResolveChanges) { ch.NewEntities = append(ch.NewEntities, "P000000002") }},
		{"entity id twice in bulk", func(ch *store.ResolveChanges) { ch.NewEntities = append(ch.NewEntities, big(2500, "Q000000007")...) }},
		{"merge of an unknown entity", func(ch *store.ResolveChanges) { ch.Merges = []store.Merge{{From: "P000000404", Into: "P000000001"}} }},
		{"member of an unknown entity", func(ch *store.ResolveChanges) { ch.Members[0].EntityID = "P000000404" }},
		{"merge into an unknown entity", func(ch *store.ResolveChanges) { ch.Merges = []store.Merge{{From: "P000000001", Into: "P000000404"}} }},
		{"retire an unknown entity", func(ch *store.ResolveChanges) { ch.Retired = []string{"P000000002", "P000000404"} }},
		{"unknown action", func(ch *store.ResolveChanges) { ch.Lineage[0].Action = "explode" }},
		{"bad mode", func(ch *store.ResolveChanges) { ch.Mode = "partial" }},
		{"bad kind", func(ch *store.ResolveChanges) { ch.Kind = "person'; DROP TABLE entities; --" }},
		{"model not JSON", func(ch *store.ResolveChanges) { ch.Model = []byte("{") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				f := mustResolveFixture(t, st)
				a1, b1 := ref(f.cards, "a1"), ref(f.clinic, "b1")
				if _, err := st.ApplyResolve(ctx, store.ResolveChanges{
					Kind: "person", Mode: "full", NewEntities: []string{"P000000001"},
					Members:   []store.Membership{{RecordRef: a1, EntityID: "P000000001", Version: 1}},
					Keys:      []store.RecordKeys{{Ref: a1, Keys: []uint64{1}}},
					Lineage:   []store.LineageEvent{{Action: store.ActionCreate, EntityID: "P000000001"}},
					Model:     []byte(`{"v":1}`),
					Watermark: f.run1,
				}); err != nil {
					t.Fatal(err)
				}
				ch := store.ResolveChanges{
					Kind: "person", Mode: "incremental", Reset: true,
					NewEntities: []string{"P000000002"},
					Members:     []store.Membership{{RecordRef: b1, EntityID: "P000000002", Version: 1}, {RecordRef: a1, EntityID: "P000000002", Version: 1}},
					Keys:        []store.RecordKeys{{Ref: b1, Keys: []uint64{2}}},
					Lineage:     []store.LineageEvent{{Action: store.ActionCreate, EntityID: "P000000002"}},
					Model:       []byte(`{"v":2}`),
					Watermark:   f.run4,
				}
				tt.edit(&ch)
				if _, err := st.ApplyResolve(ctx, ch); err == nil {
					t.Fatal("ApplyResolve succeeded")
				}
				if n, err := st.MaxEntityNumber(ctx, "P"); err != nil || n != 1 {
					t.Errorf("MaxEntityNumber(P) = %d, %v; want 1", n, err)
				}
				if n, err := st.MaxEntityNumber(ctx, "Q"); err != nil || n != 0 {
					t.Errorf("MaxEntityNumber(Q) = %d, %v; want 0", n, err)
				}
				mem, err := st.Membership(ctx, []store.RecordRef{a1, b1})
				if diff := cmp.Diff(map[store.RecordRef]string{a1: "P000000001"}, mem); err != nil || diff != "" {
					t.Errorf("Membership (-want +got), %v:\n%s", err, diff)
				}
				if diff := cmp.Diff(map[store.RecordRef][]uint64{a1: {1}}, storedKeys(t, st, "person")); diff != "" {
					t.Errorf("BlockingKeys (-want +got):\n%s", diff)
				}
				if lin, err := st.Lineage(ctx, "P000000002"); err != nil || len(lin) != 0 {
					t.Errorf("Lineage(P000000002) = %+v, %v", lin, err)
				}
				if model, wm, err := st.ResolveState(ctx, "person"); err != nil || string(model) != `{"v":1}` || wm != f.run1 {
					t.Errorf("ResolveState = %s, %d, %v", model, wm, err)
				}
				// The store is usable after the failure.
				if _, err := st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "incremental", NewEntities: []string{"P000000002"}}); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

func TestApplyResolveReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := mustResolveFixture(t, st)
		a1, b1, x1 := ref(f.cards, "a1"), ref(f.clinic, "b1"), ref(f.vet, "x1")
		for _, ch := range []store.ResolveChanges{
			{Kind: "person", Mode: "full", NewEntities: []string{"P000000001"},
				Members: []store.Membership{{RecordRef: a1, EntityID: "P000000001", Version: 1}, {RecordRef: b1, EntityID: "P000000001", Version: 1}},
				Keys:    []store.RecordKeys{{Ref: a1, Keys: []uint64{5}}, {Ref: b1, Keys: []uint64{5}}},
				Lineage: []store.LineageEvent{{Action: store.ActionCreate, EntityID: "P000000001"}}},
			{Kind: "animal", Mode: "full", NewEntities: []string{"A0000001"},
				Members: []store.Membership{{RecordRef: x1, EntityID: "A0000001", Version: 1}},
				Keys:    []store.RecordKeys{{Ref: x1, Keys: []uint64{5}}}},
		} {
			if _, err := st.ApplyResolve(ctx, ch); err != nil {
				t.Fatal(err)
			}
		}
		// A full run of persons starts over: b1 alone in a new entity.
		if _, err := st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "full", Reset: true,
			NewEntities: []string{"P000000002"},
			Members:     []store.Membership{{RecordRef: b1, EntityID: "P000000002", Version: 1}},
			Keys:        []store.RecordKeys{{Ref: b1, Keys: []uint64{6}}},
			Retired:     []string{"P000000001"},
			Lineage:     []store.LineageEvent{{Action: store.ActionRetire, EntityID: "P000000001"}},
		}); err != nil {
			t.Fatal(err)
		}
		mem, err := st.Membership(ctx, []store.RecordRef{a1, b1, x1})
		if diff := cmp.Diff(map[store.RecordRef]string{b1: "P000000002", x1: "A0000001"}, mem); err != nil || diff != "" {
			t.Fatalf("Membership after reset (-want +got), %v:\n%s", err, diff)
		}
		for kind, want := range map[string]map[store.RecordRef][]uint64{"person": {b1: {6}}, "animal": {x1: {5}}} {
			if diff := cmp.Diff(want, storedKeys(t, st, kind)); diff != "" {
				t.Fatalf("BlockingKeys(%s) after reset (-want +got):\n%s", kind, diff)
			}
		}
		lin, err := st.Lineage(ctx, "P000000001")
		if err != nil || len(lin) != 2 || lin[0].Action != store.ActionCreate || lin[1].Action != store.ActionRetire {
			t.Fatalf("Lineage(P000000001) after reset = %+v, %v", lin, err)
		}
		if live, err := st.EntityOf(ctx, "P000000001"); err != nil || live != "P000000001" {
			t.Fatalf("EntityOf(retired) = %q, %v", live, err)
		}
	})
}

func TestMaxEntityNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ids := []string{"P000000001", "P000000042", "P7", "PX0000999", "P", "P12a", "Q000000099", "p000005000", "PP000000100", "P99999999999999999999"}
		if _, err := st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "full", NewEntities: ids}); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			prefix string
			want   int64
		}{
			{"P", 42},
			{"PP", 100},
			{"Q", 99},
			{"p", 5000},
			{"R", 0},
			{"Ω", 0},
		}
		for _, tt := range tests {
			if got, err := st.MaxEntityNumber(ctx, tt.prefix); err != nil || got != tt.want {
				t.Errorf("MaxEntityNumber(%q) = %d, %v; want %d", tt.prefix, got, err, tt.want)
			}
		}
	})
}

// bulkChanges is a full run over n records of src in n/2 entities, with
// keysPer keys per record, a create event per entity and an attach event per
// record.
func bulkChanges(src int64, n, keysPer int, prefix string) store.ResolveChanges {
	ch := store.ResolveChanges{Kind: "person", Mode: "full", Reset: true}
	for i := range n / 2 {
		id := fmt.Sprintf("%s%09d", prefix, i+1)
		ch.NewEntities = append(ch.NewEntities, id)
		ch.Lineage = append(ch.Lineage, store.LineageEvent{Action: store.ActionCreate, EntityID: id})
	}
	for i := range n {
		r := store.RecordRef{SourceID: src, RecordID: fmt.Sprintf("R%08d", i)}
		ent := ch.NewEntities[i/2]
		ch.Members = append(ch.Members, store.Membership{RecordRef: r, EntityID: ent, Version: 1})
		rk := store.RecordKeys{Ref: r}
		for k := range keysPer {
			rk.Keys = append(rk.Keys, uint64(i*7919+k)*1_000_003)
		}
		ch.Keys = append(ch.Keys, rk)
		ch.Lineage = append(ch.Lineage, store.LineageEvent{Action: store.ActionAttach, EntityID: ent, Ref: &r, Probability: 0.99})
	}
	ch.Counts = store.ResolveCounts{Records: n, Created: n / 2, Attached: n}
	return ch
}

func TestApplyResolveBulk(t *testing.T) {
	n := 50_000
	if raceDetector {
		n = 10_000 // modernc's SQLite is C translated to Go: the race detector slows it 40 times
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		src := mustKindSource(t, st, "cards", "person")
		ch := bulkChanges(src, n, 1, "P")
		start := time.Now()
		if _, err := st.ApplyResolve(ctx, ch); err != nil {
			t.Fatal(err)
		}
		rows := len(ch.NewEntities) + len(ch.Members) + len(ch.Keys) + len(ch.Lineage)
		t.Logf("%s: %d rows in %v (%.0f rows/s)", st.Dialect(), rows, time.Since(start), float64(rows)/time.Since(start).Seconds())

		members, err := st.Members(ctx, ch.NewEntities)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, refs := range members {
			total += len(refs)
		}
		if len(members) != n/2 || total != n {
			t.Fatalf("Members: %d entities, %d records; want %d, %d", len(members), total, n/2, n)
		}
		first, last := ch.Keys[0], ch.Keys[len(ch.Keys)-1]
		keys := storedKeys(t, st, "person")
		if len(keys) != n || !slices.Equal(keys[first.Ref], first.Keys) || !slices.Equal(keys[last.Ref], last.Keys) {
			t.Fatalf("BlockingKeys: %d records, first %v, last %v", len(keys), keys[first.Ref], keys[last.Ref])
		}

		// Every record moves to a new entity and gets new keys, without a
		// reset: the upsert and the batched deletions at scale.
		ch2 := bulkChanges(src, n, 1, "Q")
		ch2.Reset, ch2.Mode = false, "incremental"
		for i := range ch2.Members {
			ch2.DropKeys = append(ch2.DropKeys, ch2.Members[i].RecordRef)
		}
		for i := range ch2.Keys {
			ch2.Keys[i].Keys[0]++
		}
		ch2.Retired = ch.NewEntities
		start = time.Now()
		if _, err := st.ApplyResolve(ctx, ch2); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: second run in %v", st.Dialect(), time.Since(start))
		mem, err := st.Membership(ctx, []store.RecordRef{ch.Members[0].RecordRef, ch.Members[n-1].RecordRef})
		if err != nil || mem[ch.Members[0].RecordRef] != "Q000000001" || mem[ch.Members[n-1].RecordRef] != fmt.Sprintf("Q%09d", n/2) {
			t.Fatalf("Membership after the move = %v, %v", mem, err)
		}
		keys = storedKeys(t, st, "person")
		if len(keys) != n || !slices.Equal(keys[first.Ref], []uint64{first.Keys[0] + 1}) || !slices.Equal(keys[last.Ref], []uint64{last.Keys[0] + 1}) {
			t.Fatalf("BlockingKeys after the move: %d records, first %v, last %v", len(keys), keys[first.Ref], keys[last.Ref])
		}
		if old, err := st.Members(ctx, ch.NewEntities[:10]); err != nil || len(old) != 0 {
			t.Fatalf("old entities still have members: %v, %v", old, err)
		}
	})
}

// BenchmarkApplyResolve reports the speed of a full resolve run on SQLite
// (entities, members, keys and lineage rows per second): 100k records, 50k
// entities, 500k keys.
func BenchmarkApplyResolve(b *testing.B) {
	const n = 100_000
	st := storetest.SQLite(b)
	src := mustKindSource(b, st, "cards", "person")
	ctx := context.Background()
	rows, i := 0, 0
	for b.Loop() {
		b.StopTimer()
		i++
		ch := bulkChanges(src, n, 5, strings.Repeat("P", i))
		rows += len(ch.NewEntities) + len(ch.Members) + len(ch.Keys) + len(ch.Lineage)
		b.StartTimer()
		if _, err := st.ApplyResolve(ctx, ch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// storedKeys reads every stored key of kind's records with BlockingKeys,
// checking that they come in order, each record once.
func storedKeys(t testing.TB, st *store.Store, kind string) map[store.RecordRef][]uint64 {
	t.Helper()
	out := map[store.RecordRef][]uint64{}
	var prev *store.RecordRef
	err := st.BlockingKeys(context.Background(), kind, func(rk store.RecordKeys) error {
		if prev != nil && (prev.SourceID > rk.Ref.SourceID || prev.SourceID == rk.Ref.SourceID && prev.RecordID >= rk.Ref.RecordID) {
			t.Errorf("BlockingKeys: %v after %v", rk.Ref, *prev)
		}
		ref := rk.Ref
		prev = &ref
		out[rk.Ref] = slices.Clone(rk.Keys)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestApplyResolveRefusesStaleChanges: changes computed after run N are
// refused, with nothing applied, once another run of the kind committed;
// another kind's runs do not count.
func TestApplyResolveRefusesStaleChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustResolveFixture(t, st)
		read, err := st.LastResolveRun(ctx, "person")
		if err != nil {
			t.Fatal(err)
		}
		// Another resolver of persons commits first; one of animals too.
		other := read
		if _, err := st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "incremental", AfterRun: &other}); err != nil {
			t.Fatal(err)
		}
		animals, err := st.LastResolveRun(ctx, "animal")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ApplyResolve(ctx, store.ResolveChanges{Kind: "animal", Mode: "incremental", AfterRun: &animals}); err != nil {
			t.Fatal(err)
		}
		_, err = st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "incremental", AfterRun: &read,
			NewEntities: []string{"P000000777"}})
		if !errors.Is(err, store.ErrResolvedMeanwhile) {
			t.Fatalf("stale changes: %v, want ErrResolvedMeanwhile", err)
		}
		if n, err := st.MaxEntityNumber(ctx, "P"); err != nil || n == 777 {
			t.Errorf("MaxEntityNumber(P) = %d, %v: the refused run created its entity", n, err)
		}
		last, err := st.LastResolveRun(ctx, "person")
		if err != nil || last == read {
			t.Fatalf("last run %d, %v", last, err)
		}
		if _, err := st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "incremental", AfterRun: &last,
			NewEntities: []string{"P000000777"}}); err != nil {
			t.Fatalf("changes made after the last run: %v", err)
		}
		if again, err := st.LastResolveRun(ctx, "person"); err != nil || again == last {
			t.Errorf("last run after a new one: %d, %v", again, err)
		}
	})
}
