// Package outbox relays the store's event outbox to a publisher: the
// in-process bus, or NATS JetStream. It is the second half of the
// transactional outbox whose first half is in package store: events are
// written with the change they describe, and a relay publishes them in
// seq order after the change committed, however long after.
//
// Contract: every event committed to the outbox reaches the publisher at
// least once, in seq order, as long as a relay of that name runs again
// after any crash. A relay moves its stored cursor only after the
// publisher acknowledged every event up to it; a crash in between
// publishes those events again, which JetStream drops by their Nats-Msg-Id
// and other consumers drop by seq.
package outbox

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/ortaq/ortaq/internal/events"
	"github.com/ortaq/ortaq/internal/store"
)

// Defaults of a Relay.
const (
	DefaultBatch  = 500
	DefaultPoll   = 250 * time.Millisecond
	DefaultRetain = 7 * 24 * time.Hour
	// maxBackoff bounds the wait between attempts while the publisher
	// fails (NATS down, a JetStream leader election).
	maxBackoff = 5 * time.Second
)

// Relay publishes the outbox of Store to To, remembering its progress
// under Name ("local" for the in-process bus, "nats" for JetStream: each
// destination has its own cursor). Zero Batch, Poll and Retain mean the
// defaults. Two relays of the same name on one store may run at once (two
// servers): each publishes in order, the cursor takes the further one, and
// the publisher sees repeats, which it must tolerate anyway.
type Relay struct {
	Store *store.Store
	Name  string
	To    events.Publisher
	// Batch is how many events one read of the outbox and one Publish
	// carry.
	Batch int
	// Poll is how long Run waits when the outbox has nothing new.
	Poll time.Duration
	// Retain is how long published events stay in the outbox before Run
	// deletes them; negative keeps them.
	Retain time.Duration
}

// Drain publishes every event past the relay's cursor, then returns how
// many it published. The commands that write (ingest, resolve, quality)
// drain once before they exit, so their events leave with them.
func (r *Relay) Drain(ctx context.Context) (int, error) {
	cursor, err := r.Store.EventCursor(ctx, r.Name)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		evs, err := r.Store.EventsAfter(ctx, cursor, r.batch())
		if err != nil {
			return n, err
		}
		if len(evs) == 0 {
			return n, nil
		}
		if err := r.To.Publish(ctx, evs); err != nil {
			return n, fmt.Errorf("relay %s: publish events %d-%d: %w", r.Name, evs[0].Seq, evs[len(evs)-1].Seq, err)
		}
		cursor = evs[len(evs)-1].Seq
		if err := r.Store.AdvanceEventCursor(ctx, r.Name, cursor); err != nil {
			return n, err
		}
		n += len(evs)
	}
}

// Run drains the outbox until ctx ends, waiting Poll between drains that
// found nothing and backing off while the publisher fails, and prunes the
// published events older than Retain every hour. It returns ctx's error.
func (r *Relay) Run(ctx context.Context) error {
	wait := r.poll()
	var pruned time.Time
	for {
		n, err := r.Drain(ctx)
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			slog.WarnContext(ctx, "event relay", "relay", r.Name, "err", err, "retry_in", wait)
		default:
			wait = r.poll()
			if n > 0 {
				slog.DebugContext(ctx, "events published", "relay", r.Name, "events", n)
			}
		}
		if retain := r.retain(); retain > 0 && time.Since(pruned) > time.Hour {
			if _, err := r.Store.PruneEvents(ctx, time.Now().Add(-retain)); err != nil {
				slog.WarnContext(ctx, "event relay: prune", "relay", r.Name, "err", err)
			}
			pruned = time.Now()
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		if err != nil {
			wait = min(2*wait, maxBackoff)
		}
	}
}

func (r *Relay) batch() int {
	if r.Batch <= 0 {
		return DefaultBatch
	}
	return r.Batch
}

func (r *Relay) poll() time.Duration {
	if r.Poll <= 0 {
		return DefaultPoll
	}
	return r.Poll
}

func (r *Relay) retain() time.Duration {
	if r.Retain == 0 {
		return DefaultRetain
	}
	return r.Retain
}
