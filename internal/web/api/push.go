package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/stream"
	"github.com/ortaq/ortaq/internal/web/view"
)

// pushFormats maps the media types a push may carry onto the source
// package's formats. Requiring one of them also shields the endpoint from
// cross-site form posts: a browser sends these types only after a CORS
// preflight, which this server never grants.
var pushFormats = map[string]string{
	"text/csv":             "csv",
	"application/x-ndjson": "ndjson",
	"application/ndjson":   "ndjson",
}

// pushRecords loads the request body into the source as one atomic run and
// answers with the run's summary. Only the member owning the source may
// push. The body is spooled whole before the run's transaction opens, so
// that a slow sender never holds the store's write lock.
func (s *Server) pushRecords(w http.ResponseWriter, r *http.Request, c exchange.Client) {
	name := r.PathValue("source")
	if _, err := s.ownSource(r, c, name); err != nil {
		writeRefusal(w, r, err, nil)
		return
	}
	mode := r.URL.Query().Get("mode")
	switch mode {
	case "":
		mode = source.ModeDelta
	case source.ModeDelta, source.ModeFull:
	default:
		view.BadParam(w, r, "mode", fmt.Sprintf("%q is not a mode: want full or delta", mode))
		return
	}
	opts := ingest.Options{MaxDeletionShare: s.opts.MaxDeletionShare}
	if v := r.URL.Query().Get("allow_deletions"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			view.BadParam(w, r, "allow_deletions", fmt.Sprintf("%q is not a number of deletions", v))
			return
		}
		opts.AllowDeletions = n
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	format, ok := pushFormats[mt]
	if err != nil || !ok {
		w.Header().Set("Accept-Post", "text/csv, application/x-ndjson, application/ndjson")
		view.WriteProblem(w, r, http.StatusUnsupportedMediaType,
			fmt.Sprintf("content type %q cannot be pushed: send text/csv or application/x-ndjson", ct))
		return
	}

	if ce := r.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		// A compressed body would reach the decoder as binary noise and be
		// reported as a bad header, which would mislead the integrator.
		view.WriteProblem(w, r, http.StatusUnsupportedMediaType,
			fmt.Sprintf("content encoding %q is not supported: send the body uncompressed", ce))
		return
	}

	body, err := s.spool(w, r)
	if err != nil {
		s.pushFailed(w, r, err)
		return
	}
	defer body.Close()
	if s.opts.Pushes != nil {
		// A body that cannot be read is refused here, as without a
		// queue, and never reaches it.
		err := ingest.CheckPush(r.Context(), s.st, name, body, format)
		if err == nil {
			err = body.rewind()
		}
		if err != nil {
			s.pushFailed(w, r, err)
			return
		}
		s.queuePush(w, r, stream.Push{Source: name, Member: c.Member, Format: format, Mode: mode,
			AllowDeletions: opts.AllowDeletions, MaxDeletionShare: opts.MaxDeletionShare}, body)
		return
	}
	sum, err := ingest.PushWith(r.Context(), s.st, name, body, format, mode, opts)
	if err != nil {
		s.pushFailed(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, sum)
}

// pushFailed answers a push that stored nothing: the run rolled back whole.
func (s *Server) pushFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errSlowBody) {
		// Closing the connection keeps the server from draining the
		// rest of a trickling body before it answers.
		w.Header().Set("Connection", "close")
		view.WriteProblem(w, r, http.StatusRequestTimeout, err.Error()+"; nothing was stored")
		return
	}
	if status, detail, ok := PushRefusal(err); ok {
		view.WriteProblem(w, r, status, detail)
		return
	}
	view.WriteError(w, r, err)
}

// PushRefusal reports whether err, from storing a push, refuses it for a
// reason the integrator must fix or confirm, and with which HTTP status
// and problem detail: a held full extract (409), a body over the limit
// (413), an extract that cannot be read (400). Other errors are the
// server's. The push workers answer queued pushes with it too, so a
// queued push is refused exactly as a direct one.
func PushRefusal(err error) (status int, detail string, refused bool) {
	var (
		tooBig *http.MaxBytesError
		held   *ingest.HeldError
	)
	switch {
	case errors.As(err, &held):
		return http.StatusConflict, fmt.Sprintf(
			"the full extract would mark %d of the %d live records of %s deleted, more than %g%%; nothing was stored, "+
				"and the agency's work list shows the held load. Send the whole extract, or confirm with ?allow_deletions=%d",
			held.Deletions, held.Live, held.Source, held.MaxShare*100, held.Deletions), true
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge, fmt.Sprintf(
			"the body is over the limit of %d bytes; nothing was stored: split the push, or load the extract with ortaq ingest", tooBig.Limit), true
	case errors.Is(err, ingest.ErrBadInput):
		return http.StatusBadRequest, "the body cannot be read as this source's extract; nothing was stored: " + err.Error(), true
	}
	return 0, "", false
}
