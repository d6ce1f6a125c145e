package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/stream"
	"github.com/ortaq/ortaq/internal/web/view"
)

// DefaultPushWait is how long a queued push's request waits for its
// outcome unless Options.PushWait says otherwise: most pushes are small
// and stored well within it, and their senders get the same answer as
// without a queue.
const DefaultPushWait = 10 * time.Second

// PushStatus is the answer about a push still queued: 202 Accepted, with
// the URL its sender polls (also in the Location header).
type PushStatus struct {
	ID        string `json:"id"`
	Source    string `json:"source"`
	Status    string `json:"status"` // "queued"
	StatusURL string `json:"status_url"`
}

// queuePush queues a push that passed every check the request itself
// allows (owner, parameters, media type, size, pace) and waits a while
// for its outcome: the run's summary (200) or the refusal a direct push
// would get, else 202 Accepted with a status URL. Nothing of a request
// refused before this point reaches the queue.
func (s *Server) queuePush(w http.ResponseWriter, r *http.Request, p stream.Push, body io.Reader) {
	p.ID = newPushID()
	if err := s.opts.Pushes.Enqueue(r.Context(), p, body); err != nil {
		slog.ErrorContext(r.Context(), "push queue", "source", p.Source, "err", err)
		w.Header().Set("Retry-After", "10")
		view.WriteProblem(w, r, http.StatusServiceUnavailable, "the push queue is unavailable; nothing was stored: send the push again later")
		return
	}
	o, err := s.awaitPush(r.Context(), p.ID)
	switch {
	case err == nil:
		writePushOutcome(w, r, o)
	case errors.Is(err, store.ErrNotFound):
		s.writeQueued(w, r, p.Source, p.ID)
	default:
		view.WriteError(w, r, err)
	}
}

// awaitPush polls the store for the outcome of push id until
// Options.PushWait has passed; the error wraps store.ErrNotFound when it
// has none yet.
func (s *Server) awaitPush(ctx context.Context, id string) (store.PushOutcome, error) {
	deadline := time.Now().Add(s.opts.PushWait)
	for wait := 5 * time.Millisecond; ; wait = min(2*wait, 250*time.Millisecond) {
		o, err := s.st.Push(ctx, id)
		if !errors.Is(err, store.ErrNotFound) || time.Now().Add(wait).After(deadline) {
			return o, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return o, ctx.Err()
		case <-t.C:
		}
	}
}

// pushStatus answers the status of a queued push to the member owning its
// source: the outcome as the push itself would have been answered, 202
// while it waits, 404 for a push of another source or none.
func (s *Server) pushStatus(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	name, id := r.PathValue("source"), r.PathValue("id")
	def, err := s.ownSource(r, c, name)
	if err != nil {
		writeRefusal(w, r, err, nil)
		return
	}
	o, err := s.st.Push(r.Context(), id)
	switch {
	case err == nil && o.SourceID == def.ID:
		writePushOutcome(w, r, o)
		return
	case err != nil && !errors.Is(err, store.ErrNotFound):
		view.WriteError(w, r, err)
		return
	}
	if s.opts.Pushes != nil && err != nil {
		src, queued, qerr := s.opts.Pushes.Queued(r.Context(), id)
		if qerr != nil {
			view.WriteError(w, r, qerr)
			return
		}
		if queued && src == name {
			// Its outcome may have come between the two looks.
			if o, err := s.st.Push(r.Context(), id); err == nil && o.SourceID == def.ID {
				writePushOutcome(w, r, o)
				return
			}
			s.writeQueued(w, r, name, id)
			return
		}
	}
	view.WriteProblem(w, r, http.StatusNotFound, fmt.Sprintf("no push %q of source %s: a push's status is kept once it is stored or refused, "+
		"and a queued push's body for as long as the queue retains it", id, name))
}

// writeQueued answers 202 Accepted for a push still queued.
func (s *Server) writeQueued(w http.ResponseWriter, r *http.Request, source, id string) {
	u := "/api/v1/sources/" + url.PathEscape(source) + "/pushes/" + url.PathEscape(id)
	w.Header().Set("Location", u)
	w.Header().Set("Retry-After", "1")
	view.WriteJSON(w, r, http.StatusAccepted, PushStatus{ID: id, Source: source, Status: "queued", StatusURL: u})
}

// writePushOutcome answers with what a push came to: the run's summary,
// or the refusal with its status and detail.
func writePushOutcome(w http.ResponseWriter, r *http.Request, o store.PushOutcome) {
	if o.Status == http.StatusOK {
		view.WriteJSON(w, r, http.StatusOK, json.RawMessage(o.Result))
		return
	}
	var ref stream.Refusal
	if err := json.Unmarshal(o.Result, &ref); err != nil {
		view.WriteError(w, r, fmt.Errorf("push %s: refusal: %w", o.ID, err))
		return
	}
	view.WriteProblem(w, r, o.Status, ref.Detail)
}

// newPushID returns a random push id: 128 bits in hex, which neither
// guesses nor collisions reach.
func newPushID() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
