package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/ortaq/ortaq/internal/events"
)

// Push is the message that queues one accepted push; its body waits in
// the PushBucket object store under ID. Version 1 (V).
type Push struct {
	V      int    `json:"v"`
	ID     string `json:"id"`
	Source string `json:"source"`
	// Member is the exchange member that pushed, for the log.
	Member string `json:"member"`
	Format string `json:"format"`
	Mode   string `json:"mode"`
	// AllowDeletions and MaxDeletionShare guard the load as they would
	// have on the accepting server (ingest.Options).
	AllowDeletions   int       `json:"allow_deletions,omitempty"`
	MaxDeletionShare float64   `json:"max_deletion_share,omitempty"`
	Size             int64     `json:"size"`
	Accepted         time.Time `json:"accepted"`
}

// PushVersion is the version of Push messages this package writes.
const PushVersion = 1

// sourceMeta is the object metadata naming the source of a push body,
// which the status of a queued push is authorised by.
const sourceMeta = "source"

// Enqueue stores body in the object store, then queues p (its ID as
// Nats-Msg-Id, so a retried Enqueue queues it once). On error nothing is
// queued: a body already stored is deleted, and the object store's
// retention removes what a crash leaves behind.
func (c *Conn) Enqueue(ctx context.Context, p Push, body io.Reader) error {
	p.V = PushVersion
	if p.Accepted.IsZero() {
		p.Accepted = time.Now().UTC()
	}
	info, err := c.bodies.Put(ctx, jetstream.ObjectMeta{Name: p.ID, Metadata: map[string]string{sourceMeta: p.Source}}, body)
	if err != nil {
		return fmt.Errorf("queue push %s: store body: %w", p.ID, err)
	}
	p.Size = int64(info.Size)
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("queue push %s: %w", p.ID, err)
	}
	m := &nats.Msg{Subject: PushSubjectPrefix + events.Token(p.Source), Data: b, Header: nats.Header{}}
	m.Header.Set(jetstream.MsgIDHeader, p.ID)
	pctx, cancel := context.WithTimeout(ctx, c.timeout)
	_, err = c.js.PublishMsg(pctx, m)
	cancel()
	if err != nil {
		// A new context: the caller's may be what ended.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		c.bodies.Delete(dctx, p.ID)
		return fmt.Errorf("queue push %s: %w", p.ID, err)
	}
	return nil
}

// Queued reports whether the body of push id still waits in the object
// store, and for which source. A push whose outcome the store does not
// have yet and that is not queued was never accepted, or expired.
func (c *Conn) Queued(ctx context.Context, id string) (source string, ok bool, err error) {
	info, err := c.bodies.GetInfo(ctx, id)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("push %s: %w", id, err)
	}
	return info.Metadata[sourceMeta], true, nil
}
