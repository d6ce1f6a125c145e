package stream

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/events"
	"github.com/ortaq/ortaq/internal/outbox"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/stream/natstest"
)

// benchEvents is how many events each relay benchmark moves.
const benchEvents = 20000

// mustOutbox fills a store's outbox with n events, one golden-record
// change each.
func mustOutbox(b *testing.B, n int) *store.Store {
	b.Helper()
	st := storetest.SQLite(b)
	ctx := context.Background()
	for i := range n {
		if err := st.UpdateGolden(ctx, fmt.Sprintf("P%09d", i), nil, nil, nil); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// BenchmarkRelay measures events a second through the outbox relay: to
// the in-process bus, to a JetStream server (a child process on
// loopback, file storage), and from JetStream to a durable consumer. Run
// it with -benchtime=1x: JetStream drops a second publish of the same
// events as duplicates.
func BenchmarkRelay(b *testing.B) {
	st := mustOutbox(b, benchEvents)
	ctx := context.Background()
	report := func(b *testing.B, n int, elapsed time.Duration) {
		b.ReportMetric(float64(n)/elapsed.Seconds(), "events/s")
	}
	b.Run("bus", func(b *testing.B) {
		var bus events.Bus
		var seen atomic.Int64
		bus.Subscribe("", func(context.Context, events.Event) error { seen.Add(1); return nil })
		start := time.Now()
		for i := range b.N {
			r := &outbox.Relay{Store: st, Name: fmt.Sprintf("bus-%d", i), To: &bus}
			if n, err := r.Drain(ctx); err != nil || n != benchEvents {
				b.Fatalf("drained %d, %v", n, err)
			}
		}
		report(b, b.N*benchEvents, time.Since(start))
	})
	node := natstest.Single(b)
	c := mustConnect(b, node.URL(), 1)
	b.Run("jetstream", func(b *testing.B) {
		start := time.Now()
		for i := range b.N {
			r := &outbox.Relay{Store: st, Name: fmt.Sprintf("nats-%d", i), To: c}
			if n, err := r.Drain(ctx); err != nil || n != benchEvents {
				b.Fatalf("drained %d, %v", n, err)
			}
		}
		report(b, b.N*benchEvents, time.Since(start))
	})
	b.Run("consume", func(b *testing.B) {
		start := time.Now()
		for i := range b.N {
			cctx, cancel := context.WithCancel(ctx)
			var seen atomic.Int64
			go c.Consume(cctx, fmt.Sprintf("bench-%d", i), "", func(context.Context, events.Event) error {
				if seen.Add(1) == benchEvents {
					cancel()
				}
				return nil
			})
			<-cctx.Done()
		}
		report(b, b.N*benchEvents, time.Since(start))
	})
}
