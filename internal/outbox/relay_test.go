package outbox_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/events"
	"github.com/ortaq/ortaq/internal/outbox"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// flaky is a publisher that fails its first calls, then keeps what it is
// given.
type flaky struct {
	mu    sync.Mutex
	fails int
	got   []int64
}

func (f *flaky) Publish(_ context.Context, evs []events.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return errors.New("down")
	}
	for _, ev := range evs {
		f.got = append(f.got, ev.Seq)
	}
	return nil
}

func (f *flaky) seqs() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int64(nil), f.got...)
}

// mustEvents writes n golden-record events into st's outbox.
func mustEvents(t *testing.T, st *store.Store, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if err := st.UpdateGolden(context.Background(), "P"+string(rune('a'+i)), nil, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRelay drains in batches and in order, keeps its cursor where the
// publisher failed, and goes on from the cursor in a new relay (a
// restarted process).
func TestRelay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustEvents(t, st, 0, 5)
		pub := &flaky{fails: 1}
		r := &outbox.Relay{Store: st, Name: "test", To: pub, Batch: 2}
		if n, err := r.Drain(ctx); err == nil || n != 0 {
			t.Fatalf("Drain with a failing publisher = %d, %v; want an error", n, err)
		}
		if seq, err := st.EventCursor(ctx, "test"); err != nil || seq != 0 {
			t.Fatalf("cursor after a failed publish = %d, %v; want 0", seq, err)
		}
		if n, err := r.Drain(ctx); err != nil || n != 5 {
			t.Fatalf("Drain = %d, %v; want 5", n, err)
		}
		got := pub.seqs()
		for i := 1; i < len(got); i++ {
			if got[i] <= got[i-1] {
				t.Fatalf("published out of order: %v", got)
			}
		}
		mustEvents(t, st, 5, 2)
		again := &outbox.Relay{Store: st, Name: "test", To: pub}
		if n, err := again.Drain(ctx); err != nil || n != 2 {
			t.Fatalf("a new relay drained %d, %v; want the 2 new events", n, err)
		}
		if len(pub.seqs()) != 7 {
			t.Errorf("published %v; want 7 events once each", pub.seqs())
		}
	})
}

// TestRelayRunRetries keeps running through publisher failures and
// publishes what comes later, until its context ends.
func TestRelayRunRetries(t *testing.T) {
	st := storetest.SQLite(t)
	mustEvents(t, st, 0, 3)
	pub := &flaky{fails: 2}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- (&outbox.Relay{Store: st, Name: "run", To: pub, Poll: time.Millisecond}).Run(ctx) }()
	mustEvents(t, st, 3, 2)
	deadline := time.Now().Add(10 * time.Second)
	for len(pub.seqs()) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("published %v after 10s; want 5 events", pub.seqs())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v; want context.Canceled", err)
	}
}
