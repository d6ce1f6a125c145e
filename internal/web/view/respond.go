package view

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

// WriteJSON sends v as the JSON answer.
func WriteJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	WriteDoc(w, r, status, "application/json", v)
}

// WriteDoc sends v encoded as JSON with the given content type. It encodes
// into memory first so that an encoding failure becomes a clean 500 rather
// than half a document.
func WriteDoc(w http.ResponseWriter, r *http.Request, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // no HTML here; keep "<" readable in quarantined rows
	if err := enc.Encode(v); err != nil {
		slog.ErrorContext(r.Context(), "encode response", "path", r.URL.Path, "err", err)
		WriteProblem(w, r, http.StatusInternalServerError, "internal error; the server log has the details")
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Problem is an RFC 9457 problem document. Type is always "about:blank":
// the status says what kind of problem it is, and Title is that status's
// standard phrase, as RFC 9457 section 4.2.1 asks; Detail says what exactly
// went wrong, for the person reading it.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// InvalidParams names the query parameters at fault, so that a client
	// can point at the field without parsing Detail.
	InvalidParams []InvalidParam `json:"invalid_params,omitempty"`
}

// InvalidParam names a query parameter at fault and why.
type InvalidParam struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// WriteProblem sends an application/problem+json answer.
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, detail string, params ...InvalidParam) {
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail,
		Instance: r.URL.Path, InvalidParams: params}
	b, _ := json.Marshal(p) // strings and ints only: cannot fail
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// WriteError answers with the problem that err stands for: a bad query
// parameter is 400, the store's sentinels map to their documented statuses (ErrNotFound 404,
// ErrSchemaOutdated 503); anything else is logged and hidden behind a 500,
// since its text may name database internals.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *ParamError
	switch {
	case errors.As(err, &pe):
		BadParam(w, r, pe.Name, pe.Reason)
	case errors.Is(err, store.ErrNotFound):
		WriteProblem(w, r, http.StatusNotFound, err.Error())
	case errors.Is(err, store.ErrSchemaOutdated):
		slog.ErrorContext(r.Context(), "schema outdated", "path", r.URL.Path, "err", err)
		WriteProblem(w, r, http.StatusServiceUnavailable, store.ErrSchemaOutdated.Error())
	case errors.Is(err, context.Canceled) && r.Context().Err() != nil:
		// The client went away; nobody is left to read an answer.
		slog.DebugContext(r.Context(), "request cancelled", "path", r.URL.Path, "err", err)
	default:
		slog.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		WriteProblem(w, r, http.StatusInternalServerError, "internal error; the server log has the details")
	}
}

// BadParam answers 400 for a query parameter that cannot be used.
func BadParam(w http.ResponseWriter, r *http.Request, name, reason string) {
	WriteProblem(w, r, http.StatusBadRequest, "query parameter "+strconv.Quote(name)+": "+reason,
		InvalidParam{Name: name, Reason: reason})
}

// IsNotFound reports whether err is, or wraps, store.ErrNotFound.
func IsNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
