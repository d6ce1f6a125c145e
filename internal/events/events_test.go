package events_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/events"
)

func TestNewChangedChunks(t *testing.T) {
	ids := make([]string, 0, 2*events.ChunkIDs+1)
	for i := range 2*events.ChunkIDs + 1 {
		ids = append(ids, fmt.Sprintf("P%09d", (i*7919)%(2*events.ChunkIDs+1)))
	}
	ids = append(ids, ids[:10]...) // repeats go
	evs := events.NewChanged(events.EntitiesChange, "person", 7, "incremental", false, ids)
	if len(evs) != 3 {
		t.Fatalf("%d events for %d distinct ids; want 3", len(evs), 2*events.ChunkIDs+1)
	}
	var all []string
	for i, ev := range evs {
		if ev.Subject != "ortaq.events.entities.changed.person" {
			t.Errorf("subject %q", ev.Subject)
		}
		var c events.Changed
		if err := json.Unmarshal(ev.Payload, &c); err != nil {
			t.Fatal(err)
		}
		if c.V != events.Version || c.Part != i+1 || c.Parts != 3 || c.Run != 7 || c.Kind != "person" || len(c.IDs) > events.ChunkIDs {
			t.Errorf("event %d = %+v", i, c)
		}
		all = append(all, c.IDs...)
	}
	for i := 1; i < len(all); i++ {
		if all[i] <= all[i-1] {
			t.Fatalf("ids not sorted and distinct at %d: %s, %s", i, all[i-1], all[i])
		}
	}
	if len(all) != 2*events.ChunkIDs+1 {
		t.Errorf("%d ids in all; want %d", len(all), 2*events.ChunkIDs+1)
	}
	if evs := events.NewChanged(events.GoldenChange, "person", 0, "", false, nil); len(evs) != 0 {
		t.Errorf("no ids made %d events", len(evs))
	}
	evs = events.NewChanged(events.GoldenChange, "all", 0, "full", true, []string{"ignored"})
	if len(evs) != 1 || string(evs[0].Payload) != `{"v":1,"kind":"all","mode":"full","all":true,"part":1,"parts":1}` {
		t.Errorf("all event = %s %s", evs[0].Subject, evs[0].Payload)
	}
}

func TestToken(t *testing.T) {
	for in, want := range map[string]string{"health_cards": "health_cards", "a.b": "a_b", "x*>": "x__", "a b": "a_b", "": "_"} {
		if got := events.Token(in); got != want {
			t.Errorf("Token(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestBusAndOnce(t *testing.T) {
	ctx := context.Background()
	var b events.Bus
	var got []int64
	fail := int64(3)
	once := events.NewOnce(func(_ context.Context, ev events.Event) error {
		if ev.Seq == fail {
			fail = 0
			return errors.New("boom")
		}
		got = append(got, ev.Seq)
		return nil
	})
	stop := b.Subscribe("ortaq.events.records.", once.Handle)
	var other int
	b.Subscribe("", func(context.Context, events.Event) error { other++; return nil })
	evs := []events.Event{{Seq: 1, Subject: "ortaq.events.records.stored.a"}, {Seq: 2, Subject: "ortaq.events.golden.changed.all"},
		{Seq: 3, Subject: "ortaq.events.records.stored.b"}, {Seq: 4, Subject: "ortaq.events.records.stored.a"}}
	if err := b.Publish(ctx, evs); err == nil {
		t.Fatal("Publish hid a handler's error")
	}
	// The relay offers the same events again.
	if err := b.Publish(ctx, evs); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{1, 3, 4}, got); diff != "" {
		t.Errorf("handled once (-want +got):\n%s", diff)
	}
	stop()
	if err := b.Publish(ctx, []events.Event{{Seq: 5, Subject: "ortaq.events.records.stored.a"}}); err != nil || once.Last() != 4 {
		t.Errorf("after unsubscribing: %v, last %d", err, once.Last())
	}
	once.Skip(10)
	if once.Last() != 10 {
		t.Errorf("Skip(10): last %d", once.Last())
	}
}

func FuzzToken(f *testing.F) {
	for _, s := range []string{"health_cards", "a.b", "x*>", "", "ä b\t\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok := events.Token(s)
		if tok == "" || strings.ContainsAny(tok, ".*> \t\r\n\x7f") {
			t.Fatalf("Token(%q) = %q: not one subject token", s, tok)
		}
	})
}
