package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/ortaq/ortaq/internal/events"
	"github.com/ortaq/ortaq/internal/outbox"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/stream"
)

// natsConfig is where change events and pushes go beyond this process
// (docs/events.md): NATS JetStream when url is set, else nowhere but the
// process itself.
type natsConfig struct {
	url, creds string
	replicas   int
}

// natsFlags declares the flags of the NATS connection, which serve and
// the commands that write (ingest, resolve, quality) share.
func natsFlags(fs *flag.FlagSet) *natsConfig {
	var c natsConfig
	fs.StringVar(&c.url, "nats", "", "NATS server URL(s), comma-separated, for change events and queued pushes through JetStream "+
		"(nats://user:password@host:4222, tls://… for TLS); default: events wait in the store for ortaq serve to relay them in process")
	fs.StringVar(&c.creds, "nats-creds", "", "NATS credentials file (JWT and NKey) for --nats")
	fs.IntVar(&c.replicas, "nats-replicas", 1, "servers that keep each ortaq stream: 1, or 3 in a three-node JetStream cluster")
	return &c
}

// check refuses flags that cannot work, before a command does its work.
func (c *natsConfig) check() error {
	if c.replicas < 1 {
		return usageError{msg: "ortaq: --nats-replicas must be at least 1", hint: "1, or 3 in a three-node JetStream cluster"}
	}
	return nil
}

// connect connects to NATS, or returns nil without --nats.
func (c *natsConfig) connect(ctx context.Context) (*stream.Conn, error) {
	if c.url == "" {
		return nil, nil
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return stream.Connect(ctx, stream.Config{URL: c.url, Creds: c.creds, Replicas: c.replicas})
}

// publishEvents sends the store's pending change events to NATS before a
// command that wrote exits, so that they leave with it; without --nats
// they wait in the store's outbox for a server's relay.
func publishEvents(ctx context.Context, st *store.Store, c *natsConfig) error {
	conn, err := c.connect(ctx)
	if err == nil && conn != nil {
		defer conn.Close()
		var n int
		if n, err = (&outbox.Relay{Store: st, Name: natsRelay, To: conn}).Drain(ctx); err == nil {
			slog.InfoContext(ctx, "events published", "events", n)
		}
	}
	if err != nil {
		// What the command wrote is stored: only the telling is late.
		return fmt.Errorf("the changes are stored, but their events wait in the store for the next --nats command or server: %w", err)
	}
	return nil
}

// Relay cursor names: one per destination.
const (
	natsRelay  = "nats"
	localRelay = "local"
)

// startEvents starts relaying the store's change events until ctx ends:
// to NATS JetStream through conn, or, when conn is nil, to bus in this
// process.
func startEvents(ctx context.Context, st *store.Store, conn *stream.Conn, bus *events.Bus) {
	r := &outbox.Relay{Store: st, Name: localRelay, To: bus}
	if conn != nil {
		r = &outbox.Relay{Store: st, Name: natsRelay, To: conn}
	}
	go r.Run(ctx)
}
