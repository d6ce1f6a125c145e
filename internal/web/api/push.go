package api

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/source"
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
// answers with the run's summary.
func (s *Server) pushRecords(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("source")
	mode := r.URL.Query().Get("mode")
	switch mode {
	case "":
		mode = source.ModeDelta
	case source.ModeDelta, source.ModeFull:
	default:
		view.BadParam(w, r, "mode", fmt.Sprintf("%q is not a mode: want full or delta", mode))
		return
	}
	if _, err := s.st.Source(r.Context(), name); err != nil {
		if view.IsNotFound(err) {
			err = view.UnknownSource(name)
		}
		view.WriteError(w, r, err)
		return
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

	body := http.MaxBytesReader(w, r.Body, s.opts.MaxPushBytes)
	sum, err := ingest.Push(r.Context(), s.st, name, body, format, mode)
	if err != nil {
		s.pushFailed(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, sum)
}

// pushFailed answers a push that stored nothing: the run rolled back whole.
func (s *Server) pushFailed(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		view.WriteProblem(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf(
			"the body is over the limit of %d bytes; nothing was stored: split the push, or load the extract with ortaq ingest", tooBig.Limit))
	case errors.Is(err, ingest.ErrBadInput):
		view.WriteProblem(w, r, http.StatusBadRequest, "the body cannot be read as this source's extract; nothing was stored: "+err.Error())
	default:
		view.WriteError(w, r, err)
	}
}
