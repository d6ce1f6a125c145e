package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/outbox"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/stream/natstest"
)

// refusal maps the errors a push's load may end with as the API does; the
// API's own mapping (api.PushRefusal) is tested with it in package web.
func refusal(err error) (int, string, bool) {
	if errors.Is(err, ingest.ErrBadInput) {
		return http.StatusBadRequest, err.Error(), true
	}
	return 0, "", false
}

// enqueue queues push i of "cards", retrying as an integrator retries
// after a 503 (the same push id: queued once) while a cluster elects a
// leader.
func enqueue(ctx context.Context, c *Conn, id, body string) error {
	var err error
	for range 50 {
		if err = c.Enqueue(ctx, Push{ID: id, Source: "cards", Format: "csv", Mode: "delta"}, strings.NewReader(body)); err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return err
}

// TestPushStoredOnceAfterRedelivery lets a worker store a push and die
// before acknowledging it: JetStream delivers the push again to a second
// worker, which finds its run and stores nothing more. A push whose body
// cannot be read is refused with the reason, once.
func TestPushStoredOnceAfterRedelivery(t *testing.T) {
	node := natstest.Single(t)
	st := storetest.SQLite(t)
	mustRegister(t, st)
	c := mustConnect(t, node.URL(), 1)
	ctx := context.Background()

	died := make(chan Push, 1)
	ctxA, stopA := context.WithCancel(ctx)
	a := &PushWorker{Conn: c, Store: st, Refusal: refusal, beforeAck: func(ctx context.Context, p Push) bool {
		died <- p
		stopA()
		return false
	}}
	doneA := make(chan error, 1)
	go func() { doneA <- a.Run(ctxA) }()
	if err := enqueue(ctx, c, "p1", cards(1)); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-died:
		if p.ID != "p1" {
			t.Fatalf("worker died on push %q", p.ID)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the first worker never stored the push")
	}
	<-doneA
	first, err := st.Push(ctx, "p1")
	if err != nil || first.Status != http.StatusOK || first.RunID == 0 {
		t.Fatalf("outcome after the first worker = %+v, %v", first, err)
	}

	ctxB, stopB := context.WithCancel(ctx)
	defer stopB()
	var acked sync.Map
	b := &PushWorker{Conn: c, Store: st, Refusal: refusal, beforeAck: func(_ context.Context, p Push) bool {
		acked.Store(p.ID, true)
		return true
	}}
	go b.Run(ctxB)
	eventually(t, 20*time.Second, "the second worker took the push again", func() bool { _, ok := acked.Load("p1"); return ok })
	if n := mustRuns(t, st); n != 1 {
		t.Errorf("%d runs after the redelivery; want 1", n)
	}
	if again, err := st.Push(ctx, "p1"); err != nil || again.RunID != first.RunID {
		t.Errorf("outcome after the redelivery = %+v, %v; want run %d", again, err, first.RunID)
	}

	// A body that is not the source's extract is refused, with why.
	if err := enqueue(ctx, c, "p2", "wrong,header\n1,2\n"); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the bad push was refused", func() bool { _, ok := acked.Load("p2"); return ok })
	o, err := st.Push(ctx, "p2")
	var ref Refusal
	if err != nil || o.Status != http.StatusBadRequest || o.RunID != 0 || json.Unmarshal(o.Result, &ref) != nil || !strings.Contains(ref.Detail, "card_no") {
		t.Errorf("outcome of a bad push = %+v (%s), %v; want 400 naming the missing column", o, o.Result, err)
	}
	if n := mustRuns(t, st); n != 1 {
		t.Errorf("%d runs after a refused push; want 1", n)
	}
	// A push of a source removed since it was accepted is dropped.
	if err := c.Enqueue(ctx, Push{ID: "p3", Source: "gone", Format: "csv"}, strings.NewReader(cards(3))); err != nil {
		t.Fatal(err)
	}
	eventually(t, 20*time.Second, "the push of a source that is gone was dropped", func() bool {
		_, ok, err := c.Queued(ctx, "p3")
		return err == nil && !ok
	})
	if _, err := st.Push(ctx, "p3"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("outcome of a push of no source = %v; want none", err)
	}
	// Acknowledged pushes leave the work queue and their bodies the bucket.
	eventually(t, 10*time.Second, "the queue drained", func() bool {
		s, err := c.js.Stream(ctx, PushStream)
		if err != nil {
			return false
		}
		info, err := s.Info(ctx)
		return err == nil && info.State.Msgs == 0
	})
	if _, ok, err := c.Queued(ctx, "p1"); ok || err != nil {
		t.Errorf("Queued(p1) = %v, %v after it was stored; want its body gone", ok, err)
	}
}

// TestClusterLosesNothing runs a three-node JetStream cluster on loopback
// with every stream on all three (R3), and kills the node leading the
// push queue with SIGKILL while pushes and events flow: every push is
// stored exactly once, and every event reaches the consumer.
func TestClusterLosesNothing(t *testing.T) {
	began := time.Now()
	nodes := natstest.Cluster(t, 3)
	st := storetest.SQLite(t)
	mustRegister(t, st)
	url := natstest.URLs(nodes)
	c := mustConnect(t, url, 3)
	sub := mustConnect(t, url, 3)
	t.Logf("%s: connected", time.Since(began).Round(time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	rec := newRecorder()
	done := make(chan struct{}, 3)
	relay := &outbox.Relay{Store: st, Name: "nats", To: c, Poll: 5 * time.Millisecond}
	worker := &PushWorker{Conn: c, Store: st, Refusal: refusal}
	go func() { relay.Run(ctx); done <- struct{}{} }()
	go func() { worker.Run(ctx); done <- struct{}{} }()
	go func() { sub.Consume(ctx, "test", "", rec.handle); done <- struct{}{} }()

	const pushes = 30
	queued := make(chan error, 1)
	go func() {
		for i := range pushes {
			// Keep pushes coming while the node dies and the cluster
			// elects: at most a few ahead of what is stored.
			for ctx.Err() == nil {
				runs, err := st.Runs(ctx, "cards", 1<<20)
				if err != nil || len(runs) >= i-3 {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := enqueue(ctx, c, fmt.Sprintf("p%02d", i), cards(i)); err != nil {
				queued <- fmt.Errorf("push %d: %w", i, err)
				return
			}
		}
		queued <- nil
	}()
	eventually(t, 20*time.Second, "a third of the pushes stored", func() bool { return mustRuns(t, st) >= pushes/3 })
	leader := streamLeader(t, c, PushStream)
	for _, n := range nodes {
		if n.Name() == leader {
			n.Kill()
			t.Logf("%s: killed %s, the push queue's leader", time.Since(began).Round(time.Millisecond), leader)
		}
	}
	if err := <-queued; err != nil {
		t.Fatal(err)
	}
	eventually(t, 30*time.Second, "every push stored", func() bool { return mustRuns(t, st) >= pushes })
	for i := range pushes {
		o, err := st.Push(ctx, fmt.Sprintf("p%02d", i))
		if err != nil || o.Status != http.StatusOK {
			t.Errorf("push %d: %+v, %v", i, o, err)
		}
	}
	t.Logf("%s: every push stored", time.Since(began).Round(time.Millisecond))
	want := outboxEvents(t, st)
	eventually(t, 30*time.Second, "every event consumed", func() bool { return rec.count() == len(want) })
	t.Logf("%s: every event consumed", time.Since(began).Round(time.Millisecond))
	sameEvents(t, "consumed through the cluster", want, rec.events())
	if n := mustRuns(t, st); n != pushes {
		t.Errorf("%d runs for %d pushes; want one each", n, pushes)
	}
	cancel()
	for range 3 {
		<-done
	}
}

// streamLeader names the server leading stream.
func streamLeader(tb testing.TB, c *Conn, stream string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := c.js.Stream(ctx, stream)
	if err != nil {
		tb.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil || info.Cluster == nil || info.Cluster.Leader == "" {
		tb.Fatalf("stream %s: no leader (%v)", stream, err)
	}
	return info.Cluster.Leader
}
