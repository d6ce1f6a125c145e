package web

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// withLog sends slog's default logger to a buffer at debug level for the
// length of the test.
func withLog(t *testing.T) *syncBuffer {
	t.Helper()
	buf := &syncBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return buf
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines to log into.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServe starts the real listener, checks it answers, and cancels it.
func TestServe(t *testing.T) {
	logs := withLog(t)
	st := storetest.SQLite(t)
	s, err := newTestServer(st, Options{Version: "v-serve"})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, addr) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/api/v1/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Fatalf("health = %d", res.StatusCode)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not come up: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "url=http://"+addr+"/") {
		t.Errorf("Serve did not log its URL:\n%s", logs.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel = %v; want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := http.Get("http://" + addr + "/api/v1/health"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// TestServeRefusesOutdatedSchema: a server over an unmigrated database
// would fail every request, so it must not start.
func TestServeRefusesOutdatedSchema(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := newTestServer(st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Serve(ctx, "127.0.0.1:0"); !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("Serve on an unmigrated store = %v; want ErrSchemaOutdated", err)
	}
	// The handler alone reports it too, as 503.
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	r := get(t, ts.URL+"/api/v1/health")
	if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "ortaq migrate") {
		t.Errorf("health on an unmigrated store = %d %s; want 503 naming ortaq migrate", r.status, r.body)
	}
}

func TestListenURL(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"127.0.0.1:8080", "http://127.0.0.1:8080/"},
		{"0.0.0.0:8080", "http://localhost:8080/"},
		{"[::]:8080", "http://localhost:8080/"},
		{"[::1]:9", "http://[::1]:9/"},
	} {
		a, err := net.ResolveTCPAddr("tcp", tc.addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := listenURL("http", a); got != tc.want {
			t.Errorf("listenURL(%s) = %s; want %s", tc.addr, got, tc.want)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	_, ts := mustServe(t, storetest.SQLite(t), Options{})
	for _, path := range []string{"/", "/api/v1/health", "/api/v1/nope", "/static/style.css", "/nope"} {
		r := get(t, ts.URL+path)
		for h, want := range map[string]string{
			"Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
			"X-Content-Type-Options":  "nosniff",
			"X-Frame-Options":         "DENY",
			"Referrer-Policy":         "same-origin",
		} {
			if got := r.header.Get(h); got != want {
				t.Errorf("GET %s: %s = %q; want %q", path, h, got, want)
			}
		}
	}
}

func TestRequestLog(t *testing.T) {
	logs := withLog(t)
	_, ts := mustServe(t, storetest.SQLite(t), Options{})
	get(t, ts.URL+"/api/v1/nope")
	out := logs.String()
	for _, want := range []string{"level=DEBUG", "msg=http", "method=GET", "path=/api/v1/nope", "status=404"} {
		if !strings.Contains(out, want) {
			t.Errorf("request log lacks %q:\n%s", want, out)
		}
	}
}
