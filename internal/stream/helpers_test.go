package stream

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/events"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/stream/natstest"
)

// TestNATSNode is where natstest's child servers run; skipped otherwise.
func TestNATSNode(t *testing.T) { natstest.Child(t) }

// mustRegister registers testdata/sources.yaml's source "cards".
func mustRegister(tb testing.TB, st *store.Store) {
	tb.Helper()
	c, err := source.Load("testdata/sources.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := ingest.Register(context.Background(), st, c); err != nil {
		tb.Fatal(err)
	}
}

// cards is a push body of one card, i.
func cards(i int) string { return fmt.Sprintf("card_no,name\nC%d,Name %d\n", i, i) }

// mustConnect connects to url with short acknowledgement waits, so that a
// lost message comes again quickly.
func mustConnect(tb testing.TB, url string, replicas int) *Conn {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := Connect(ctx, Config{URL: url, Replicas: replicas, AckWait: time.Second, Timeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Close)
	return c
}

// eventually polls cond until it holds or the deadline passes.
func eventually(tb testing.TB, within time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("after %s: %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// recorder is an idempotent consumer: it keeps each event it handles,
// once (events.Once), and counts deliveries, repeats included.
type recorder struct {
	mu         sync.Mutex
	handled    []events.Event
	deliveries int
	once       *events.Once
}

func newRecorder() *recorder {
	r := &recorder{}
	r.once = events.NewOnce(func(_ context.Context, ev events.Event) error {
		r.handled = append(r.handled, ev)
		return nil
	})
	return r
}

func (r *recorder) handle(ctx context.Context, ev events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deliveries++
	return r.once.Handle(ctx, ev)
}

func (r *recorder) events() []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]events.Event(nil), r.handled...)
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.handled)
}

// outboxEvents is every event in st's outbox.
func outboxEvents(tb testing.TB, st *store.Store) []events.Event {
	tb.Helper()
	evs, err := st.EventsAfter(context.Background(), 0, 1<<20)
	if err != nil {
		tb.Fatal(err)
	}
	return evs
}

// sameEvents compares events by seq, subject and payload (not time, which
// only the outbox keeps to the nanosecond).
func sameEvents(tb testing.TB, what string, want, got []events.Event) {
	tb.Helper()
	if len(want) != len(got) {
		tb.Fatalf("%s: %d events; want %d", what, len(got), len(want))
	}
	for i := range want {
		if want[i].Seq != got[i].Seq || want[i].Subject != got[i].Subject || string(want[i].Payload) != string(got[i].Payload) {
			tb.Fatalf("%s: event %d = %d %s %s; want %d %s %s", what, i, got[i].Seq, got[i].Subject, got[i].Payload,
				want[i].Seq, want[i].Subject, want[i].Payload)
		}
	}
}

// mustRuns counts the committed runs of source "cards".
func mustRuns(tb testing.TB, st *store.Store) int {
	tb.Helper()
	runs, err := st.Runs(context.Background(), "cards", 1<<20)
	if err != nil {
		tb.Fatal(err)
	}
	return len(runs)
}
