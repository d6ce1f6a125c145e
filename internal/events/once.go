package events

import (
	"context"
	"sync"
)

// Once makes a handler idempotent over the repeats of at-least-once
// delivery, for a consumer that gets events in outbox order (the Bus, and
// stream.Conn.Consume, both do): it drops every event whose Seq is not
// above the highest one handled successfully. The highest seq lives in
// memory; a consumer that must not repeat work across restarts keeps it
// with its own state (Last, Skip) and sets it back at start.
type Once struct {
	mu   sync.Mutex
	last int64
	fn   func(context.Context, Event) error
}

// NewOnce wraps fn.
func NewOnce(fn func(context.Context, Event) error) *Once { return &Once{fn: fn} }

// Handle calls fn for an event not handled yet. Calls are serialised.
func (o *Once) Handle(ctx context.Context, ev Event) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if ev.Seq <= o.last {
		return nil
	}
	if err := o.fn(ctx, ev); err != nil {
		return err
	}
	o.last = ev.Seq
	return nil
}

// Last is the highest seq handled.
func (o *Once) Last() int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last
}

// Skip marks every event up to seq handled: a consumer restarting from
// state it stored.
func (o *Once) Skip(seq int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.last = max(o.last, seq)
}
