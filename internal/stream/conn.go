// Package stream connects ortaq to NATS JetStream, for the events and
// pushes that go beyond one server (docs/events.md): it declares the
// streams, publishes the outbox's events with their seq as Nats-Msg-Id so
// that JetStream drops a relay's re-publishes, consumes them through
// durable consumers, and queues agencies' pushes (bodies in an object
// store, one small message each) for a worker that stores each exactly
// once in effect.
package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Names on the NATS server.
const (
	// EventStream holds the change events, subjects events.SubjectPrefix+">".
	EventStream = "ORTAQ_EVENTS"
	// PushStream is the work queue of accepted pushes, subjects
	// PushSubjectPrefix+"<source>".
	PushStream        = "ORTAQ_PUSHES"
	PushSubjectPrefix = "ortaq.pushes."
	// PushBucket is the object store holding the bodies of queued pushes.
	PushBucket = "ortaq-pushes"
	// PushConsumer is the durable consumer that stores queued pushes:
	// shared by every server, so each push goes to one of them at a time.
	PushConsumer = "ortaq-push-store"
)

// Defaults of Config.
const (
	DefaultAckWait   = 30 * time.Second
	DefaultRetention = 7 * 24 * time.Hour
	// DuplicateWindow is how long JetStream remembers a message id: a relay
	// or an accepting server that publishes again within it after a crash
	// or a lost acknowledgement makes no second message.
	DuplicateWindow = 10 * time.Minute
)

// Config says how to reach NATS. Credentials go in the URL
// (nats://user:password@host:4222) or in a creds file; TLS follows the
// scheme (tls://) as nats.go does. Neither is ever logged.
type Config struct {
	// URL is one server, or several separated by commas (a cluster).
	URL string
	// Creds is the path of a NATS credentials file (JWT and NKey), or "".
	Creds string
	// Replicas is how many servers keep each stream: 1, or 3 in a
	// three-node cluster. 0 means 1.
	Replicas int
	// AckWait is how long a consumer's unacknowledged message waits before
	// JetStream delivers it again; 0 means DefaultAckWait. Push workers
	// report progress while they store, so it bounds only a dead worker.
	AckWait time.Duration
	// Retention is how long the event stream and queued push bodies are
	// kept; 0 means DefaultRetention.
	Retention time.Duration
	// Name identifies this client to the server (monitoring); "" is "ortaq".
	Name string
	// Timeout bounds one publish's wait for the stream's acknowledgement;
	// 0 means DefaultTimeout. A publish that times out is tried again (the
	// message id keeps it single), so a short one recovers sooner from a
	// server that died with the publish in flight.
	Timeout time.Duration
}

// DefaultTimeout is Config.Timeout's default.
const DefaultTimeout = 5 * time.Second

func (cfg Config) timeout() time.Duration {
	if cfg.Timeout <= 0 {
		return DefaultTimeout
	}
	return cfg.Timeout
}

// Conn is a connection to NATS JetStream with ortaq's streams declared. It
// is safe for concurrent use.
type Conn struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	bodies  jetstream.ObjectStore
	ackWait time.Duration
	timeout time.Duration
}

// Redacted returns the URL of cfg with secrets hidden, for messages: the
// password of user:password, and a token given alone as the user name.
func (cfg Config) Redacted() string {
	var out []string
	for _, s := range strings.Split(cfg.URL, ",") {
		u, err := url.Parse(strings.TrimSpace(s))
		switch {
		case err != nil:
			out = append(out, "(unparsable URL)")
			continue
		case u.User == nil:
		default:
			if _, ok := u.User.Password(); ok {
				u.User = url.UserPassword(u.User.Username(), "xxxxx")
			} else {
				u.User = url.User("xxxxx")
			}
		}
		out = append(out, u.String())
	}
	return strings.Join(out, ",")
}

// Connect connects to NATS, keeps reconnecting for as long as the
// connection lives, and declares the streams and the push bucket
// (creating them, or updating their replicas and retention).
func Connect(ctx context.Context, cfg Config) (*Conn, error) {
	if cfg.URL == "" {
		return nil, errors.New("nats: no URL")
	}
	name := cfg.Name
	if name == "" {
		name = "ortaq"
	}
	opts := []nats.Option{nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(250 * time.Millisecond),
		nats.RetryOnFailedConnect(false)}
	if cfg.Creds != "" {
		opts = append(opts, nats.UserCredentials(cfg.Creds))
	}
	nc, err := nats.Connect(cfg.URL, opts...)
	if err != nil {
		// nats.go's errors name no credentials, but say where we tried.
		return nil, fmt.Errorf("nats %s: %w", cfg.Redacted(), err)
	}
	// A cluster that is starting, or electing a leader, answers for a
	// while that JetStream is unavailable: wait for it, within bounds.
	deadline := time.Now().Add(declareTimeout)
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		// Each attempt has its own deadline: a request sent before the
		// cluster had a leader may never be answered.
		actx, cancel := context.WithTimeout(ctx, min(cfg.timeout(), 2*time.Second))
		c, err := declare(actx, nc, cfg)
		cancel()
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil || time.Now().Add(wait).After(deadline) {
			nc.Close()
			return nil, fmt.Errorf("nats %s: %w", cfg.Redacted(), err)
		}
		slog.DebugContext(ctx, "nats: declare streams", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// declareTimeout bounds how long Connect waits for JetStream to declare
// the streams.
const declareTimeout = 60 * time.Second

func declare(ctx context.Context, nc *nats.Conn, cfg Config) (*Conn, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	replicas := max(cfg.Replicas, 1)
	retention := cfg.Retention
	if retention <= 0 {
		retention = DefaultRetention
	}
	ackWait := cfg.AckWait
	if ackWait <= 0 {
		ackWait = DefaultAckWait
	}
	streams := []jetstream.StreamConfig{
		{Name: EventStream, Description: "ortaq change events (docs/events.md)", Subjects: []string{eventSubjects},
			Retention: jetstream.LimitsPolicy, MaxAge: retention, Storage: jetstream.FileStorage, Replicas: replicas,
			Duplicates: DuplicateWindow},
		{Name: PushStream, Description: "agencies' pushes waiting to be stored", Subjects: []string{PushSubjectPrefix + ">"},
			Retention: jetstream.WorkQueuePolicy, MaxAge: retention, Storage: jetstream.FileStorage, Replicas: replicas,
			Duplicates: DuplicateWindow},
	}
	for _, sc := range streams {
		if _, err := js.CreateOrUpdateStream(ctx, sc); err != nil {
			return nil, fmt.Errorf("declare stream %s: %w", sc.Name, err)
		}
	}
	bodies, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: PushBucket,
		Description: "bodies of queued pushes", TTL: retention, Storage: jetstream.FileStorage, Replicas: replicas})
	if err != nil {
		return nil, fmt.Errorf("declare object store %s: %w", PushBucket, err)
	}
	return &Conn{nc: nc, js: js, bodies: bodies, ackWait: ackWait, timeout: cfg.timeout()}, nil
}

// Close drains nothing and closes the connection.
func (c *Conn) Close() { c.nc.Close() }
