package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/events"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// outboxSubjects returns the subjects and payloads of the outbox past seq.
func outbox(t *testing.T, st *store.Store, after int64) []events.Event {
	t.Helper()
	evs, err := st.EventsAfter(context.Background(), after, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func TestOutboxCommitsWithTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		src := mustSource(t, st, "cards")

		// A run that rolls back leaves no event.
		run, err := st.BeginRun(ctx, src, "a.csv", "full")
		if err != nil {
			t.Fatal(err)
		}
		run.Abort()
		if evs := outbox(t, st, 0); len(evs) != 0 {
			t.Fatalf("outbox after an aborted run = %v; want empty", evs)
		}

		run, err = st.BeginRun(ctx, src, "api", "delta")
		if err != nil {
			t.Fatal(err)
		}
		if err := run.AddVersions(ctx, []store.Version{{RecordID: "r1", Version: 1, Attrs: []byte(`{}`), Raw: []byte(`{}`)}}); err != nil {
			t.Fatal(err)
		}
		if err := run.RecordPush(ctx, "push-1", []byte(`{"run":1}`)); err != nil {
			t.Fatal(err)
		}
		if err := run.Commit(ctx, store.RunCounts{Rows: 1, Stored: 1, Live: 1}); err != nil {
			t.Fatal(err)
		}
		evs := outbox(t, st, 0)
		if len(evs) != 1 || evs[0].Subject != "ortaq.events.records.stored.cards" || evs[0].Seq == 0 || evs[0].At.IsZero() {
			t.Fatalf("outbox after a run = %+v", evs)
		}
		var got events.Stored
		if err := json.Unmarshal(evs[0].Payload, &got); err != nil {
			t.Fatal(err)
		}
		want := events.Stored{V: 1, Source: "cards", Run: run.ID, Mode: "delta", File: "api", Push: "push-1", Rows: 1, Stored: 1, Live: 1}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("records.stored payload (-want +got):\n%s", diff)
		}

		// The same push again is refused and its run rolls back whole.
		again, err := st.BeginRun(ctx, src, "api", "delta")
		if err != nil {
			t.Fatal(err)
		}
		if err := again.RecordPush(ctx, "push-1", []byte(`{}`)); !errors.Is(err, store.ErrPushDone) {
			t.Fatalf("RecordPush of a stored push = %v; want ErrPushDone", err)
		}
		again.Abort()
		o, err := st.Push(ctx, "push-1")
		if err != nil || o.RunID != run.ID || o.Status != 200 || string(o.Result) != `{"run":1}` || o.SourceID != src {
			t.Fatalf("Push(push-1) = %+v, %v", o, err)
		}
		if err := st.RefusePush(ctx, "push-1", src, 409, []byte(`{}`)); !errors.Is(err, store.ErrPushDone) {
			t.Fatalf("RefusePush of a stored push = %v; want ErrPushDone", err)
		}
		if err := st.RefusePush(ctx, "push-2", src, 400, []byte(`{"detail":"bad"}`)); err != nil {
			t.Fatal(err)
		}
		if o, err := st.Push(ctx, "push-2"); err != nil || o.RunID != 0 || o.Status != 400 || string(o.Result) != `{"detail":"bad"}` {
			t.Fatalf("Push(push-2) = %+v, %v", o, err)
		}
		if _, err := st.Push(ctx, "push-3"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("Push(unknown) = %v; want ErrNotFound", err)
		}

		// Resolve and golden writes add their events in order.
		if _, err := st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "incremental",
			NewEntities: []string{"P2", "P1"},
			Members:     []store.Membership{{RecordRef: store.RecordRef{SourceID: src, RecordID: "r1"}, EntityID: "P1", Version: 1}},
		}); err != nil {
			t.Fatal(err)
		}
		if err := st.UpdateGolden(ctx, "P1", &store.GoldenRow{EntityID: "P1", Kind: "person", Doc: []byte(`{}`)}, nil, nil); err != nil {
			t.Fatal(err)
		}
		if err := st.UpdateGolden(ctx, "P2", nil, nil, nil); err != nil {
			t.Fatal(err)
		}
		w, err := st.ReplaceGolden(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		// A partial rebuild (an incremental quality run) names what it
		// rebuilt by kind, and what it removed under every kind.
		if err := st.UpdateGoldens(ctx, store.GoldenUpdate{
			Rows:   []store.GoldenRow{{EntityID: "P1", Kind: "person", Doc: []byte(`{}`)}},
			Remove: []string{"P2"},
		}); err != nil {
			t.Fatal(err)
		}
		evs = outbox(t, st, evs[0].Seq)
		var subjects []string
		var changes []events.Changed
		for i, ev := range evs {
			if i > 0 && ev.Seq <= evs[i-1].Seq {
				t.Fatalf("outbox out of order: %d after %d", ev.Seq, evs[i-1].Seq)
			}
			var c events.Changed
			if err := json.Unmarshal(ev.Payload, &c); err != nil {
				t.Fatal(err)
			}
			c.Run = 0 // the resolve run's id is the database's
			subjects, changes = append(subjects, ev.Subject), append(changes, c)
		}
		wantSubjects := []string{"ortaq.events.entities.changed.person", "ortaq.events.golden.changed.person",
			"ortaq.events.golden.changed.person", "ortaq.events.golden.changed.all",
			"ortaq.events.golden.changed.all", "ortaq.events.golden.changed.person"}
		wantChanges := []events.Changed{
			{V: 1, Kind: "person", Mode: "incremental", Part: 1, Parts: 1, IDs: []string{"P1", "P2"}},
			{V: 1, Kind: "person", Mode: "entity", Part: 1, Parts: 1, IDs: []string{"P1"}},
			{V: 1, Kind: "person", Mode: "entity", Part: 1, Parts: 1, IDs: []string{"P2"}},
			{V: 1, Kind: "all", Mode: "full", All: true, Part: 1, Parts: 1},
			{V: 1, Kind: "all", Mode: "incremental", Part: 1, Parts: 1, IDs: []string{"P2"}},
			{V: 1, Kind: "person", Mode: "incremental", Part: 1, Parts: 1, IDs: []string{"P1"}},
		}
		if diff := cmp.Diff(wantSubjects, subjects); diff != "" {
			t.Errorf("subjects (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantChanges, changes); diff != "" {
			t.Errorf("payloads (-want +got):\n%s", diff)
		}
	})
}

func TestEventCursorsAndPruning(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		src := mustSource(t, st, "cards")
		for range 3 {
			run, err := st.BeginRun(ctx, src, "f.csv", "delta")
			if err != nil {
				t.Fatal(err)
			}
			if err := run.Commit(ctx, store.RunCounts{}); err != nil {
				t.Fatal(err)
			}
		}
		evs := outbox(t, st, 0)
		if len(evs) != 3 {
			t.Fatalf("%d events; want 3", len(evs))
		}
		if n, err := st.PruneEvents(ctx, time.Now().Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("PruneEvents with no relay = %d, %v; want 0", n, err)
		}
		if seq, err := st.EventCursor(ctx, "a"); err != nil || seq != 0 {
			t.Fatalf("EventCursor before any = %d, %v", seq, err)
		}
		for _, step := range []struct {
			name string
			seq  int64
		}{{"a", evs[1].Seq}, {"a", evs[0].Seq}, {"b", evs[2].Seq}} {
			if err := st.AdvanceEventCursor(ctx, step.name, step.seq); err != nil {
				t.Fatal(err)
			}
		}
		if seq, err := st.EventCursor(ctx, "a"); err != nil || seq != evs[1].Seq {
			t.Fatalf("EventCursor(a) = %d, %v; want %d: a cursor never moves back", seq, err, evs[1].Seq)
		}
		if n, err := st.PruneEvents(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
			t.Fatalf("PruneEvents of recent events = %d, %v; want 0", n, err)
		}
		// Only what both relays published goes.
		if n, err := st.PruneEvents(ctx, time.Now().Add(time.Hour)); err != nil || n != 2 {
			t.Fatalf("PruneEvents = %d, %v; want 2", n, err)
		}
		if left := outbox(t, st, 0); len(left) != 1 || left[0].Seq != evs[2].Seq {
			t.Fatalf("left after pruning: %+v", left)
		}
	})
}
