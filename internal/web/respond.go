package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/ortaq/ortaq/internal/store"
)

// writeJSON sends v as the JSON answer.
func writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	writeDoc(w, r, status, "application/json", v)
}

// writeDoc sends v encoded as JSON with the given content type. It encodes
// into memory first so that an encoding failure becomes a clean 500 rather
// than half a document.
func writeDoc(w http.ResponseWriter, r *http.Request, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // no HTML here; keep "<" readable in quarantined rows
	if err := enc.Encode(v); err != nil {
		slog.ErrorContext(r.Context(), "encode response", "path", r.URL.Path, "err", err)
		writeProblem(w, r, http.StatusInternalServerError, "internal error; the server log has the details")
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// problem is an RFC 9457 problem document. Type is always "about:blank":
// the status says what kind of problem it is, and Title is that status's
// standard phrase, as RFC 9457 section 4.2.1 asks; Detail says what exactly
// went wrong, for the person reading it.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// InvalidParams names the query parameters at fault, so that a client
	// can point at the field without parsing Detail.
	InvalidParams []invalidParam `json:"invalid_params,omitempty"`
}

type invalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// writeProblem sends an application/problem+json answer.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string, params ...invalidParam) {
	p := problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
		Instance: r.URL.Path, InvalidParams: params}
	b, _ := json.Marshal(p) // strings and ints only: cannot fail
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeError answers with the problem that err stands for: a bad query
// parameter is 400, the store's sentinels map to their documented statuses (ErrNotFound 404,
// ErrSchemaOutdated 503); anything else is logged and hidden behind a 500,
// since its text may name database internals.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *paramError
	switch {
	case errors.As(err, &pe):
		badParam(w, r, pe.name, pe.reason)
	case errors.Is(err, store.ErrNotFound):
		writeProblem(w, r, http.StatusNotFound, err.Error())
	case errors.Is(err, store.ErrSchemaOutdated):
		slog.ErrorContext(r.Context(), "schema outdated", "path", r.URL.Path, "err", err)
		writeProblem(w, r, http.StatusServiceUnavailable, store.ErrSchemaOutdated.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody is left to read an answer.
		slog.DebugContext(r.Context(), "request cancelled", "path", r.URL.Path, "err", err)
	default:
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeProblem(w, r, http.StatusInternalServerError, "internal error; the server log has the details")
	}
}

// badParam answers 400 for a query parameter that cannot be used.
func badParam(w http.ResponseWriter, r *http.Request, name, reason string) {
	writeProblem(w, r, http.StatusBadRequest, "query parameter "+strconv.Quote(name)+": "+reason,
		invalidParam{Name: name, Reason: reason})
}

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
