package stream

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/events"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/outbox"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/stream/natstest"
)

// TestEventsSurviveServerKill streams the events of a store that keeps
// changing through a NATS server killed with SIGKILL and restarted in the
// middle: a durable consumer handles every event once in effect, in
// outbox order, nothing lost; a relay that publishes everything again
// adds no message; and the in-process bus, relaying the same outbox,
// delivers the very same events.
func TestEventsSurviveServerKill(t *testing.T) {
	node := natstest.Single(t)
	st := storetest.SQLite(t)
	mustRegister(t, st)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	pub := mustConnect(t, node.URL(), 1)
	sub := mustConnect(t, node.URL(), 1)
	onNATS, inProcess := newRecorder(), newRecorder()
	var bus events.Bus
	bus.Subscribe("", inProcess.handle)
	done := make(chan struct{})
	for _, r := range []*outbox.Relay{
		{Store: st, Name: "nats", To: pub, Poll: 5 * time.Millisecond},
		{Store: st, Name: "local", To: &bus, Poll: 5 * time.Millisecond},
	} {
		go func() { r.Run(ctx); done <- struct{}{} }()
	}
	go func() { sub.Consume(ctx, "test", "", onNATS.handle); done <- struct{}{} }()

	const runs = 40
	written := make(chan error, 1)
	go func() {
		for i := range runs {
			if _, err := ingest.Push(ctx, st, "cards", strings.NewReader(cards(i)), "csv", ""); err != nil {
				written <- err
				return
			}
		}
		written <- nil
	}()
	eventually(t, 20*time.Second, "the consumer handled 15 events", func() bool { return onNATS.count() >= 15 })
	node.Kill()
	node.Start()
	if err := <-written; err != nil {
		t.Fatal(err)
	}
	want := outboxEvents(t, st)
	if len(want) != runs {
		t.Fatalf("%d events in the outbox; want one per run, %d", len(want), runs)
	}
	eventually(t, 20*time.Second, "every event handled on NATS and in process", func() bool {
		return onNATS.count() == len(want) && inProcess.count() == len(want)
	})
	sameEvents(t, "handled from NATS", want, onNATS.events())
	sameEvents(t, "handled in process", want, inProcess.events())
	onNATS.mu.Lock()
	t.Logf("%d events, %d deliveries from NATS across the restart", len(want), onNATS.deliveries)
	onNATS.mu.Unlock()

	// A relay that lost its cursor (a crash after publishing, before
	// recording it) publishes all again: JetStream keeps one of each.
	replay := &outbox.Relay{Store: st, Name: "replay", To: pub}
	if n, err := replay.Drain(ctx); err != nil || n != len(want) {
		t.Fatalf("replay published %d, %v; want %d", n, err, len(want))
	}
	s, err := pub.js.Stream(ctx, EventStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != uint64(len(want)) {
		t.Errorf("the event stream holds %d messages after a replay; want %d", info.State.Msgs, len(want))
	}
	cancel()
	for range 3 {
		<-done
	}
}
