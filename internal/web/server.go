// Package web is ortaq's HTTP face: the JSON API under /api/v1 (described by
// the OpenAPI document it serves at /api/v1/openapi.json) and the
// server-rendered console pages, in Kazakh, Russian and English.
//
// Handlers only decode the request, call the store or the source package, and
// encode the answer; every number a page or the API shows comes straight from
// the store. Errors reach clients as RFC 9457 problem documents on the API and
// as plain pages on the console.
package web

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/consent"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
)

// Options configure a Server.
type Options struct {
	// Version is the build's version, shown by /api/v1/health and the pages.
	Version string
	// MaxPushBytes caps the body of a record push; 0 means DefaultMaxPushBytes.
	MaxPushBytes int64
	// Exchange answers agency queries and keeps the registry; nil leaves
	// the exchange endpoints answering 503.
	Exchange *exchange.Exchange
	// TLS, when set, makes Serve answer HTTPS only; its ClientCAs are the
	// CA whose client certificates authenticate exchange clients.
	TLS *tls.Config
	// Audit is the log every exchange decision is written to before it is
	// answered. The exchange needs it: without it no query is answered.
	Audit *audit.Log
	// AuditVerifier checks the log's checkpoints, for the receipts the
	// wallet shows.
	AuditVerifier note.Verifier
	// Wallet is the citizens' wallet under /wallet; nil turns it off.
	Wallet *wallet.Wallet
	// Consents are the citizens' consents, which the wallet lets them
	// grant, pause and revoke.
	Consents *consent.Registry
	// Corrections takes citizens' correction requests to the agencies'
	// work lists.
	Corrections *wallet.Corrections
	// OIDC, when set, lets citizens sign in through the state identity
	// provider.
	OIDC *wallet.OIDC
	// SMSOutbox turns on signing in with a code sent by text message,
	// delivered to the demo's outbox shown at /wallet/sms. Never set it in
	// production: there, citizens sign in through OIDC.
	SMSOutbox bool
}

// DefaultMaxPushBytes is the largest record push accepted unless
// Options.MaxPushBytes says otherwise. A push is one atomic run held in one
// transaction, so larger extracts belong in files loaded by "ortaq ingest".
const DefaultMaxPushBytes = 256 << 20

// shutdownTimeout is how long Serve lets requests in flight finish after its
// context ends. A push cut off after that is rolled back whole by its run.
const shutdownTimeout = 30 * time.Second

// Server serves the API and the console over one store. It is safe for
// concurrent use.
type Server struct {
	st      *store.Store
	opts    Options
	mux     *http.ServeMux
	pages   map[string]*template.Template
	static  *staticFiles
	openapi []byte
	// explainer explains entity links with the stored match models.
	explainer *explainer
	// csrf refuses state-changing requests a browser marks as cross-site.
	csrf *http.CrossOriginProtection
	// regionCache and statusGen keep the overview's regions between the
	// changes that move them.
	regionCache regionCache
	statusGen   statusGen
	metrics     *metrics
	// routes lists the patterns registered in routes.go, so that tests can
	// hold the OpenAPI document to them.
	routes []string
}

// New builds a server over st. It reads every static file and parses and
// test-renders every template now, so that a broken build fails at start-up
// rather than on the first visitor.
func New(st *store.Store, opts Options) (*Server, error) {
	return newServer(st, opts, assets)
}

// newServer takes the asset tree as a parameter so that tests can prove a
// broken template stops start-up.
func newServer(st *store.Store, opts Options, files fs.FS) (*Server, error) {
	if st == nil {
		return nil, errors.New("web: nil store")
	}
	if opts.MaxPushBytes <= 0 {
		opts.MaxPushBytes = DefaultMaxPushBytes
	}
	s := &Server{st: st, opts: opts, mux: http.NewServeMux(), openapi: openapiDoc,
		explainer: &explainer{rv: resolve.NewResolver(st)}, csrf: http.NewCrossOriginProtection()}
	var err error
	if s.static, err = loadStatic(files, "static"); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if s.pages, err = parsePages(files, s.static); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	if err := checkPages(s.pages); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	s.metrics = newMetrics(s)
	s.registerRoutes()
	return s, nil
}

// Handler returns the server's routes wrapped in its middleware.
func (s *Server) Handler() http.Handler {
	return recoverPanics(logRequests(securityHeaders(s.mux)))
}

// Serve listens on addr and serves everything (the console, the API and
// the wallet) until ctx ends, then stops accepting connections and gives
// requests in flight shutdownTimeout to finish. It refuses to start on a
// database whose schema is older than this binary. It returns nil after a
// clean shutdown.
func (s *Server) Serve(ctx context.Context, addr string) error {
	go s.warm(ctx)
	return s.serve(ctx, addr, s.Handler(), "serving")
}

// ServeWallet listens on addr and serves only the citizen's wallet, as
// Serve does everything: the listener to publish, while the console and
// the API, which show any citizen's data to operators, stay on one that
// only the state's network reaches.
func (s *Server) ServeWallet(ctx context.Context, addr string) error {
	return s.serve(ctx, addr, s.WalletHandler(), "serving the wallet")
}

// WalletHandler answers the wallet's pages and static files, sends / to
// the wallet, and nothing else.
func (s *Server) WalletHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/wallet", s.mux)
	mux.Handle("/wallet/", s.mux)
	mux.Handle("GET /static/", s.mux)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/wallet", http.StatusFound)
	})
	mux.HandleFunc("/", s.notFoundPage)
	return recoverPanics(logRequests(securityHeaders(mux)))
}

func (s *Server) serve(ctx context.Context, addr string, h http.Handler, what string) error {
	if err := s.st.CheckSchema(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	scheme := "http"
	if s.opts.TLS != nil {
		ln, scheme = tls.NewListener(ln, s.opts.TLS), "https"
	}
	srv := &http.Server{
		Handler: h,
		// Request contexts must outlive ctx so that Shutdown can let them
		// finish; Close cancels them if they overrun.
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	slog.InfoContext(ctx, what, "url", listenURL(scheme, ln.Addr()), "db", s.st.String(), "version", s.opts.Version)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	slog.InfoContext(ctx, "shutting down", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// warmEvery is how often a serving server looks for a new quality run, to
// read the overview's region table before a visitor has to wait for it.
const warmEvery = 30 * time.Second

// warm keeps the overview's region table read until ctx ends: at start-up,
// after every quality run and when it ages out.
func (s *Server) warm(ctx context.Context) {
	t := time.NewTicker(warmEvery)
	defer t.Stop()
	for {
		runs, err := s.st.QualityRuns(ctx, 1)
		if err == nil {
			var run int64
			if len(runs) > 0 {
				run = runs[0].ID
			}
			_, err = s.regions(ctx, run)
		}
		if err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "warm caches", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// listenURL is the address a person can paste into a browser: a wildcard
// listen address becomes localhost.
func listenURL(scheme string, a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return scheme + "://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + "/"
}

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

// logRequests logs every request at debug level: an operator turns it on with
// ORTAQ_LOG=debug when chasing a problem, and it costs nothing otherwise.
func logRequests(next http.Handler) http.Handler {
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

// recoverPanics turns a panicking handler into a logged stack and a 500
// problem document, instead of a dropped connection with no explanation.
func recoverPanics(next http.Handler) http.Handler {
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
			writeProblem(sw, r, http.StatusInternalServerError, "internal error; the server log has the details")
		}()
		next.ServeHTTP(sw, r)
	})
}

// contentSecurityPolicy allows only the server's own styles and images: the
// pages run no script at all, so a stray injected tag can do nothing. Forms
// post only to this server.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}
