package view

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// statusWriter remembers the status and size of a response for the log and
// whether anything was written, so that panic recovery knows if it can still
// send a problem document.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection underneath.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap returns the statusWriter already around w, or a new one, so that the
// logging and recovery middleware share one.
func wrap(w http.ResponseWriter) *statusWriter {
	if sw, ok := w.(*statusWriter); ok {
		return sw
	}
	return &statusWriter{ResponseWriter: w}
}

// LogRequests logs every request at debug level: an operator turns it on with
// ORTAQ_LOG=debug when chasing a problem, and it costs nothing otherwise.
func LogRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if !slog.Default().Enabled(ctx, slog.LevelDebug) {
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := wrap(w)
		next.ServeHTTP(sw, r)
		slog.DebugContext(ctx, "http", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"bytes", sw.bytes, "remote", r.RemoteAddr, "elapsed", time.Since(start).Round(time.Microsecond))
	})
}

// RecoverPanics turns a panicking handler into a logged stack and a 500
// problem document, instead of a dropped connection with no explanation.
func RecoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := wrap(w)
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				// The handler's own way of saying "drop this connection".
				panic(v)
			}
			slog.ErrorContext(r.Context(), "panic serving request", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.status != 0 {
				// Part of the answer is already on the wire; cutting the
				// connection is the only honest signal left.
				panic(http.ErrAbortHandler)
			}
			WriteProblem(sw, r, http.StatusInternalServerError, "internal error; the server log has the details")
		}()
		next.ServeHTTP(sw, r)
	})
}

// contentSecurityPolicy allows only the server's own styles and images: the
// pages run no script at all, so a stray injected tag can do nothing. Forms
// post only to this server.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// strictTransport tells a browser that reached a listener over TLS to use
// nothing else with this host for a year, so that a network attacker
// cannot strip a later visit down to plain HTTP and read its cookies. It
// is not sent over plain HTTP, where browsers ignore it and a listener
// on loopback must stay reachable.
const strictTransport = "max-age=31536000"

// SecurityHeaders sets the headers every response carries, and on a TLS
// connection Strict-Transport-Security. A TLS-terminating proxy in front
// sets that header itself: X-Forwarded-Proto is not trusted here.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", strictTransport)
		}
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// Chain wraps h in the middleware every listener's audiences share:
// panics become 500s, requests are logged at debug level, and every
// answer carries the security headers.
func Chain(h http.Handler) http.Handler {
	return RecoverPanics(LogRequests(SecurityHeaders(h)))
}
