package events

import (
	"context"
	"strings"
	"sync"
)

// Bus delivers events to handlers in the same process: the default when no
// NATS server is configured. It is a Publisher for the relay.
//
// Contract: Publish calls every handler whose prefix matches, one event at
// a time in the order given, and returns the first handler error (the relay
// then offers the events again, so handlers see repeats and MUST be
// idempotent, as with JetStream). A Bus is safe for concurrent use.
type Bus struct {
	mu   sync.RWMutex
	subs []subscription
	next int
}

type subscription struct {
	id     int
	prefix string
	fn     func(context.Context, Event) error
}

// Subscribe calls fn for every published event whose subject starts with
// prefix ("" for all), until the returned function is called.
func (b *Bus) Subscribe(prefix string, fn func(context.Context, Event) error) (unsubscribe func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	id := b.next
	b.subs = append(b.subs, subscription{id: id, prefix: prefix, fn: fn})
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		for i, s := range b.subs {
			if s.id == id {
				b.subs = append(b.subs[:i:i], b.subs[i+1:]...)
				return
			}
		}
	}
}

// Publish delivers evs to the subscribers.
func (b *Bus) Publish(ctx context.Context, evs []Event) error {
	b.mu.RLock()
	subs := b.subs
	b.mu.RUnlock()
	for _, ev := range evs {
		for _, s := range subs {
			if !strings.HasPrefix(ev.Subject, s.prefix) {
				continue
			}
			if err := s.fn(ctx, ev); err != nil {
				return err
			}
		}
	}
	return nil
}
