package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/store"
)

// DefaultMaxDeliver is how many times a worker tries a push that fails
// for reasons other than a refusal (the store unreachable, a full disk)
// before it records the push as failed.
const DefaultMaxDeliver = 10

// PushWorker stores the queued pushes, one at a time in the order they
// were accepted, through the durable consumer PushConsumer: every server
// started with --nats on the same store runs one, and JetStream hands each
// push to one of them at a time.
//
// Contract: each queued push ends with exactly one outcome in the store
// (store.Push): one run that stored it, whose transaction records the
// push's id, or one refusal. A push delivered again (a worker that died
// before acknowledging, a lost acknowledgement) finds its outcome and is
// acknowledged without a second run; two workers racing on it cannot both
// commit, since the push's id is the pushes table's key.
type PushWorker struct {
	Conn  *Conn
	Store *store.Store
	// SpoolDir holds a push's body while it is stored; "" means
	// os.TempDir(). Bodies are read whole from NATS before the run opens
	// its transaction, so the store's write lock never waits on the
	// network.
	SpoolDir string
	// Refusal reports whether err, from ingest.PushWith, refuses the push
	// (bad input, a held load, an unknown source) and with which HTTP
	// status and detail the integrator is answered: the API's own mapping
	// (api.PushRefusal), so that a queued push is refused as a direct one
	// is. Other errors are tried again.
	Refusal func(err error) (status int, detail string, refused bool)
	// MaxDeliver is how many attempts a push failing for other reasons
	// gets; 0 means DefaultMaxDeliver.
	MaxDeliver int

	// beforeAck, in tests, runs after the outcome is stored and before the
	// message is acknowledged; false makes the worker leave the message
	// unacknowledged, as a worker that died there.
	beforeAck func(ctx context.Context, p Push) bool
}

// Run stores queued pushes until ctx ends, and returns ctx's error.
func (w *PushWorker) Run(ctx context.Context) error {
	cfg := jetstream.ConsumerConfig{Durable: PushConsumer, FilterSubject: PushSubjectPrefix + ">",
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: w.Conn.ackWait, MaxAckPending: 1}
	return w.Conn.consume(ctx, PushStream, cfg, w.handle)
}

// handle brings one queued push to its outcome and acknowledges it.
func (w *PushWorker) handle(ctx context.Context, m jetstream.Msg) error {
	var p Push
	if err := json.Unmarshal(m.Data(), &p); err != nil || p.V != PushVersion || p.ID == "" {
		slog.WarnContext(ctx, "push queue: dropping a message that is no push", "subject", m.Subject(), "err", err)
		return m.Term()
	}
	switch _, err := w.Store.Push(ctx, p.ID); {
	case err == nil:
		return w.done(ctx, m, p) // stored or refused before: a redelivery
	case !errors.Is(err, store.ErrNotFound):
		slog.WarnContext(ctx, "push queue", "push", p.ID, "err", err)
		return m.NakWithDelay(time.Second)
	}
	stop := w.keepAlive(ctx, m)
	err := w.store(ctx, p)
	stop()
	if err == nil || errors.Is(err, store.ErrPushDone) {
		return w.done(ctx, m, p)
	}
	if ctx.Err() != nil {
		return m.Nak() // shutting down: another worker, or the next start, takes it
	}
	status, detail, refused := 0, "", false
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		status, detail, refused = http.StatusGone, "the push's body expired before it could be stored; nothing was stored: send it again", true
	} else if errors.Is(err, store.ErrNotFound) {
		status, detail, refused = http.StatusNotFound, "the source is no longer registered; nothing was stored", true
	} else if w.Refusal != nil {
		status, detail, refused = w.Refusal(err)
	}
	delivered := uint64(1)
	if md, err := m.Metadata(); err == nil {
		delivered = md.NumDelivered
	}
	if !refused {
		maxDeliver := w.MaxDeliver
		if maxDeliver <= 0 {
			maxDeliver = DefaultMaxDeliver
		}
		slog.WarnContext(ctx, "push queue: store push", "push", p.ID, "source", p.Source, "err", err)
		if delivered < uint64(maxDeliver) {
			return m.NakWithDelay(time.Duration(1<<min(delivered-1, 5)) * time.Second)
		}
		status, detail = http.StatusInternalServerError,
			fmt.Sprintf("the push could not be stored after %d attempts; nothing was stored: send it again, or ask the operator", maxDeliver)
	}
	switch err := w.refuse(ctx, p, status, detail); {
	case err == nil, errors.Is(err, store.ErrPushDone):
	case errors.Is(err, store.ErrNotFound):
		// The source was removed since the push was accepted: no outcome
		// can name it, and no later delivery will do better.
		slog.WarnContext(ctx, "push queue: dropping a push of a source that is gone", "push", p.ID, "source", p.Source)
		if err := w.Conn.bodies.Delete(ctx, p.ID); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
			slog.DebugContext(ctx, "push queue: delete body", "push", p.ID, "err", err)
		}
		return m.Term()
	default:
		slog.WarnContext(ctx, "push queue: record refusal", "push", p.ID, "err", err)
		return m.NakWithDelay(time.Second)
	}
	slog.InfoContext(ctx, "push refused", "push", p.ID, "source", p.Source, "member", p.Member, "status", status)
	return w.done(ctx, m, p)
}

// minBodyRate is the slowest a push's body is expected to come from the
// object store, in bytes a second: with Config.Timeout it bounds the read.
// The bound is needed: nats.go gives a read with no deadline its default
// timeout (5 s) for the whole body, too short for large ones.
const minBodyRate = 1 << 20

// store spools the push's body from the object store and loads it.
func (w *PushWorker) store(ctx context.Context, p Push) error {
	return w.spoolBody(ctx, p, func(f *os.File) error {
		sum, err := ingest.PushWith(ctx, w.Store, p.Source, f, p.Format, p.Mode,
			ingest.Options{MaxDeletionShare: p.MaxDeletionShare, AllowDeletions: p.AllowDeletions, PushID: p.ID})
		if err == nil {
			slog.InfoContext(ctx, "push stored", "push", p.ID, "source", p.Source, "member", p.Member, "run", sum.Run)
		}
		return err
	})
}

// spoolBody copies the push's body from the object store into a temporary
// file and calls load with it, rewound.
func (w *PushWorker) spoolBody(ctx context.Context, p Push, load func(*os.File) error) error {
	rctx, cancel := context.WithTimeout(ctx, w.Conn.timeout+time.Duration(p.Size/minBodyRate)*time.Second)
	defer cancel()
	obj, err := w.Conn.bodies.Get(rctx, p.ID)
	if err != nil {
		return fmt.Errorf("push %s: body: %w", p.ID, err)
	}
	defer obj.Close()
	f, err := os.CreateTemp(w.SpoolDir, "ortaq-push-*")
	if err != nil {
		return fmt.Errorf("push %s: spool: %w", p.ID, err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	if _, err := io.Copy(f, obj); err != nil {
		return fmt.Errorf("push %s: body: %w", p.ID, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("push %s: spool: %w", p.ID, err)
	}
	obj.Close()
	cancel()
	return load(f)
}

// refuse records the refusal of a push, as the problem detail the
// integrator gets.
func (w *PushWorker) refuse(ctx context.Context, p Push, status int, detail string) error {
	def, err := w.Store.Source(ctx, p.Source)
	if err != nil {
		return err
	}
	b, err := json.Marshal(Refusal{Detail: detail})
	if err != nil {
		return err
	}
	return w.Store.RefusePush(ctx, p.ID, def.ID, status, b)
}

// Refusal is the result the store keeps for a refused push.
type Refusal struct {
	Detail string `json:"detail"`
}

// done removes the push's body and acknowledges the message, the push
// having its outcome in the store.
func (w *PushWorker) done(ctx context.Context, m jetstream.Msg, p Push) error {
	if w.beforeAck != nil && !w.beforeAck(ctx, p) {
		return nil
	}
	dctx, cancel := context.WithTimeout(ctx, w.Conn.timeout)
	defer cancel()
	if err := w.Conn.bodies.Delete(dctx, p.ID); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		// The bucket's retention removes it later.
		slog.DebugContext(ctx, "push queue: delete body", "push", p.ID, "err", err)
	}
	return w.Conn.ack(ctx, m)
}

// keepAlive tells JetStream the push is being worked on, so that a long
// load is not delivered to another worker, until stop is called.
func (w *PushWorker) keepAlive(ctx context.Context, m jetstream.Msg) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(max(w.Conn.ackWait/3, 100*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				m.InProgress()
			}
		}
	}()
	return func() {
		cancel()
		<-finished
	}
}
