package web

import (
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

var update = flag.Bool("update", false, "rewrite testdata/routes.txt from the routes served")

// TestRoutes lists every route of every listener with its audience and
// policy, and holds the list to testdata/routes.txt: a route cannot appear,
// move to another listener or change its policy without a reviewed change
// to that file (go test -run TestRoutes -update ./internal/web).
func TestRoutes(t *testing.T) {
	st := storetest.SQLite(t)
	s, err := newTestServer(st, Options{Wallet: wallet.New(st, nil, wallet.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	public, err := Public(s.aud)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, m := range []Mount{Internal(s.aud), public, Operations(s.aud)} {
		fmt.Fprintf(&b, "# %s\n", m.Name)
		for _, r := range m.Routes {
			fmt.Fprintf(&b, "%-72s %-15s %s\n", r.Pattern, r.Audience, r.Policy)
		}
		b.WriteString("\n")
	}
	got := b.String()
	golden := filepath.Join("testdata", "routes.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("routes changed (-%s +served); review, then rerun with -update:\n%s", golden, diff)
	}

	for _, r := range public.Routes {
		if r.Audience != view.Citizens && r.Audience != view.Anyone {
			t.Errorf("public listener serves %s to %s", r.Pattern, r.Audience)
		}
	}
}

// TestPublicListenerServesOnlyTheWallet asks the public listener for every
// route of the other audiences: each must be the wallet's 404, whatever
// its method, so that a route added to the console or the API never
// surfaces on the listener facing the internet.
func TestPublicListenerServesOnlyTheWallet(t *testing.T) {
	st := storetest.SQLite(t)
	s, err := newTestServer(st, Options{Wallet: wallet.New(st, nil, wallet.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	h := s.WalletHandler()
	var others []view.Route
	others = append(others, s.aud.API.Routes()...)
	others = append(others, s.aud.Console.Routes()...)
	others = append(others, Operations(s.aud).Routes...)
	for _, r := range others {
		method, path, ok := strings.Cut(r.Pattern, " ")
		if !ok {
			method, path = http.MethodGet, r.Pattern
		}
		path = strings.NewReplacer("{$}", "", "{index...}", "0/0", "...}", "}").Replace(path)
		for _, seg := range []string{"{source}", "{agency}", "{entity}", "{finding}", "{correction}", "{service}",
			"{key}", "{member}", "{subsystem}", "{purpose}", "{basis}", "{serial}", "{id}", "{level}", "{index}"} {
			path = strings.ReplaceAll(path, seg, "x")
		}
		if path == "/" {
			continue // the public listener's own root redirects to /wallet
		}
		req, _ := http.NewRequest(method, path, nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("public listener: %s %s answered %d; want 404", method, path, rec.Code)
		}
	}
}
