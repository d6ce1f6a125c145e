package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ortaq/ortaq/internal/events"
)

// eventSubjects is the event stream's subject filter.
const eventSubjects = events.SubjectPrefix + ">"

// atHeader carries when the event was written to the outbox.
const atHeader = "Ortaq-At"

// Publish stores evs in the event stream, one at a time and in order,
// each with its outbox seq as Nats-Msg-Id: an event published again
// within DuplicateWindow (a relay that crashed before moving its cursor)
// is acknowledged without making a second message. It returns once the
// stream has acknowledged every event. It makes Conn an events.Publisher.
func (c *Conn) Publish(ctx context.Context, evs []events.Event) error {
	for _, ev := range evs {
		if ev.Seq <= 0 {
			return fmt.Errorf("publish %s: event has no outbox seq", ev.Subject)
		}
		m := &nats.Msg{Subject: ev.Subject, Data: ev.Payload, Header: nats.Header{}}
		m.Header.Set(jetstream.MsgIDHeader, strconv.FormatInt(ev.Seq, 10))
		if !ev.At.IsZero() {
			m.Header.Set(atHeader, ev.At.UTC().Format(time.RFC3339Nano))
		}
		// Synchronous on purpose: an asynchronous batch that fails in the
		// middle would let later events into the stream before earlier
		// ones are published again, and consumers rely on outbox order.
		pctx, cancel := context.WithTimeout(ctx, c.timeout)
		_, err := c.js.PublishMsg(pctx, m)
		cancel()
		if err != nil {
			return fmt.Errorf("publish event %d: %w", ev.Seq, err)
		}
	}
	return nil
}

// Consume delivers the events of the stream whose subject matches filter
// ("" for all) to fn through the durable consumer named durable, until ctx
// ends; it returns ctx's error. The consumer is created on first use and
// remembers, on the server, what it acknowledged: a restarted consumer
// goes on where it stopped.
//
// Contract: fn sees every event at least once, strictly in stream (that
// is, outbox) order: the consumer has one event in flight at a time. An
// event whose fn failed, or whose acknowledgement was lost, comes again
// before any later one, so fn MUST be idempotent. Consume keeps going
// while the server is down or a cluster elects a leader.
func (c *Conn) Consume(ctx context.Context, durable, filter string, fn func(context.Context, events.Event) error) error {
	if filter == "" {
		filter = eventSubjects
	}
	cfg := jetstream.ConsumerConfig{Durable: durable, FilterSubject: filter, AckPolicy: jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverAllPolicy, AckWait: c.ackWait, MaxAckPending: 1}
	return c.consume(ctx, EventStream, cfg, func(ctx context.Context, m jetstream.Msg) error {
		ev, err := decodeEvent(m)
		if err != nil {
			// A message no outbox wrote: nothing can handle it.
			slog.WarnContext(ctx, "nats: dropping a malformed event", "subject", m.Subject(), "err", err)
			return m.Term()
		}
		if err := fn(ctx, ev); err != nil {
			slog.WarnContext(ctx, "nats: event handler", "consumer", durable, "seq", ev.Seq, "err", err)
			return m.NakWithDelay(time.Second)
		}
		return c.ack(ctx, m)
	})
}

// decodeEvent rebuilds the outbox event a message carries.
func decodeEvent(m jetstream.Msg) (events.Event, error) {
	h := m.Headers()
	seq, err := strconv.ParseInt(h.Get(jetstream.MsgIDHeader), 10, 64)
	if err != nil || seq <= 0 {
		return events.Event{}, errors.New("no outbox seq in Nats-Msg-Id")
	}
	ev := events.Event{Seq: seq, Subject: m.Subject(), Payload: m.Data()}
	if at := h.Get(atHeader); at != "" {
		ev.At, _ = time.Parse(time.RFC3339Nano, at)
	}
	return ev, nil
}

// consume fetches messages of the durable consumer cfg one at a time and
// hands each to handle, which acknowledges it, until ctx ends. Failures
// of the server (down, restarting, electing a leader) are waited out with
// backoff: fetching anew needs no state that a restart could lose.
func (c *Conn) consume(ctx context.Context, stream string, cfg jetstream.ConsumerConfig, handle func(context.Context, jetstream.Msg) error) error {
	var (
		cons jetstream.Consumer
		wait = 50 * time.Millisecond
	)
	backoff := func(what string, err error) {
		if ctx.Err() == nil {
			slog.DebugContext(ctx, "nats consumer: "+what, "consumer", cfg.Durable, "err", err, "retry_in", wait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		wait = min(2*wait, 2*time.Second)
	}
	for ctx.Err() == nil {
		if cons == nil {
			dctx, cancel := context.WithTimeout(ctx, c.timeout)
			var err error
			cons, err = c.js.CreateOrUpdateConsumer(dctx, stream, cfg)
			cancel()
			if err != nil {
				cons = nil
				backoff("declare", err)
				continue
			}
		}
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			cons = nil // declare again: the consumer may be gone with a restarted server
			backoff("fetch", err)
			continue
		}
		for m := range batch.Messages() {
			if err := handle(ctx, m); err != nil && ctx.Err() == nil {
				slog.DebugContext(ctx, "nats consumer: acknowledge", "consumer", cfg.Durable, "err", err)
			}
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
			cons = nil
			backoff("fetch", err)
			continue
		}
		wait = 50 * time.Millisecond
	}
	return ctx.Err()
}

// ack acknowledges m and waits, at most Config.Timeout, for the server to
// confirm: a lost acknowledgement only means the message comes again.
func (c *Conn) ack(ctx context.Context, m jetstream.Msg) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return m.DoubleAck(ctx)
}
