// Package web puts ortaq's audiences on listeners. Each audience has a
// package of its own with its own middleware chain: api for agencies'
// systems, console for officials, wallet for citizens, with view holding
// what they share (templates, the message catalogue, static files,
// response helpers). This package mounts them explicitly, one Mount per
// listener, and serves a Mount until its context ends.
//
// Three listeners exist: the internal one (console, API and wallet: the
// console and the API show any citizen's data, so it belongs on the
// state's network), the public one (the wallet alone, to publish) and the
// operations one (Prometheus metrics). A route is reachable on a listener
// only if its audience is mounted there; TestRoutes lists them all.
package web

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/api"
	"github.com/ortaq/ortaq/internal/web/console"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/web/wallet"
)

// Audiences are the audience packages one process serves.
type Audiences struct {
	API     *api.Server
	Console *console.Server
	// Wallet is nil when the process serves no citizens.
	Wallet *wallet.Server
	// Static serves the style sheet and images all pages share.
	Static *view.Static
}

// Mount is what one listener serves: a handler and the routes it answers.
type Mount struct {
	// Name says what the listener is for, in the log.
	Name    string
	Handler http.Handler
	Routes  []view.Route
}

// staticRoute serves the shared style sheet and images on every listener
// with pages.
const staticRoute = "GET /static/{file}"

// Internal mounts every audience but operations: the console, the API and
// the wallet, for the state's internal network.
func Internal(a Audiences) Mount {
	mux := http.NewServeMux()
	m := Mount{Name: "serving"}
	mount := func(pattern string, h http.Handler) { mux.Handle(pattern, h) }
	mount("/api/v1/", a.API.Handler())
	m.Routes = append(m.Routes, a.API.Routes()...)
	if a.Wallet != nil {
		mount("/wallet", a.Wallet.Handler())
		mount("/wallet/", a.Wallet.Handler())
		m.Routes = append(m.Routes, a.Wallet.Routes()...)
	}
	mux.Handle(staticRoute, view.Chain(a.Static))
	m.Routes = append(m.Routes, view.Route{Pattern: staticRoute, Audience: view.Anyone, Policy: "anyone"})
	mount("/", a.Console.Handler())
	m.Routes = append(m.Routes, a.Console.Routes()...)
	m.Handler = mux
	return m
}

// Public mounts the wallet alone, for the listener to publish: nothing of
// the console or the API is reachable through it, whatever their routes.
func Public(a Audiences) (Mount, error) {
	if a.Wallet == nil {
		return Mount{}, errors.New("web: no wallet to publish")
	}
	mux := http.NewServeMux()
	mux.Handle("/wallet", a.Wallet.Handler())
	mux.Handle("/wallet/", a.Wallet.Handler())
	mux.Handle(staticRoute, view.Chain(a.Static))
	mux.Handle("GET /{$}", view.Chain(http.RedirectHandler("/wallet", http.StatusFound)))
	mux.Handle("/", view.Chain(http.HandlerFunc(a.Wallet.NotFound)))
	routes := append(a.Wallet.Routes(),
		view.Route{Pattern: staticRoute, Audience: view.Anyone, Policy: "anyone"},
		view.Route{Pattern: "GET /{$}", Audience: view.Citizens, Policy: "anyone: a redirect to /wallet"},
		view.Route{Pattern: "/", Audience: view.Citizens, Policy: "anyone: a page saying there is no such page"})
	return Mount{Name: "serving the wallet", Handler: mux, Routes: routes}, nil
}

// Operations mounts the Prometheus metrics, for a listener that only the
// operators' monitoring reaches.
func Operations(a Audiences) Mount {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.API.Metrics())
	return Mount{Name: "serving metrics", Handler: view.Chain(mux),
		Routes: []view.Route{{Pattern: "GET /metrics", Audience: view.Operators, Policy: "operations listener"}}}
}

// shutdownTimeout is how long Serve lets requests in flight finish after
// its context ends. A push cut off after that is rolled back whole by its
// run.
const shutdownTimeout = 30 * time.Second

// Serve listens on addr and serves m until ctx ends, then stops accepting
// connections and gives requests in flight shutdownTimeout to finish. With
// tlsConfig it answers HTTPS only. It refuses to start on a database whose
// schema is older than this binary. It returns nil after a clean shutdown.
func Serve(ctx context.Context, st *store.Store, addr string, tlsConfig *tls.Config, m Mount) error {
	if err := st.CheckSchema(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	scheme := "http"
	if tlsConfig != nil {
		ln, scheme = tls.NewListener(ln, tlsConfig), "https"
	}
	srv := &http.Server{
		Handler: m.Handler,
		// Request contexts must outlive ctx so that Shutdown can let them
		// finish; Close cancels them if they overrun.
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	slog.InfoContext(ctx, m.Name, "url", listenURL(scheme, ln.Addr()), "db", st.String())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	slog.InfoContext(ctx, "shutting down", "listener", m.Name, "timeout", shutdownTimeout)
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
