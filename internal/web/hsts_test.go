package web

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ortaq/ortaq/internal/wallet"
)

// TestStrictTransportOnTLSOnly reads the answers of every listener's
// handler over TLS and over plain HTTP: over TLS each carries
// Strict-Transport-Security for a year, over plain HTTP none does.
func TestStrictTransportOnTLSOnly(t *testing.T) {
	d := demoSQLite(t)
	s, err := newTestServer(d.st, Options{Version: "test", Wallet: wallet.New(d.st, nil, wallet.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := Public(s.aud)
	if err != nil {
		t.Fatal(err)
	}
	mounts := map[string]struct {
		h     http.Handler
		paths []string
	}{
		"internal":   {Internal(s.aud).Handler, []string{"/", "/wallet/sign-in", "/api/v1/health", "/static/style.css", "/no-such-page"}},
		"public":     {pub.Handler, []string{"/", "/wallet/sign-in", "/no-such-page"}},
		"operations": {Operations(s.aud).Handler, []string{"/metrics"}},
	}
	for name, m := range mounts {
		for _, tls := range []bool{true, false} {
			ts := httptest.NewUnstartedServer(m.h)
			if tls {
				ts.StartTLS()
			} else {
				ts.Start()
			}
			client := ts.Client()
			client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			for _, p := range m.paths {
				res, err := client.Get(ts.URL + p)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				got := res.Header.Get("Strict-Transport-Security")
				want := ""
				if tls {
					want = "max-age=31536000"
				}
				if got != want {
					t.Errorf("%s listener, TLS %v, GET %s: Strict-Transport-Security %q; want %q", name, tls, p, got, want)
				}
			}
			ts.Close()
		}
	}
}
