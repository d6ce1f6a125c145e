package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestMerchantRoutesRefuseOthers sends the merchants' routes requests
// from every caller that is not a registered merchant's system: no
// credential, a key without the merchant scope, and a merchant-scoped key
// of a client no merchant is registered on. Each is refused with a
// problem naming why, and nothing reaches the ledger or the audit log.
func TestMerchantRoutesRefuseOthers(t *testing.T) {
	st := storetest.SQLite(t)
	mustSeed(t, st)
	srv, ts := mustServe(t, st, Options{SocialWallet: socialwallet.New(st, socialwallet.Options{})})
	calls := []struct{ path, body string }{
		{"/api/v1/wallet/purchases", `{"id":"p1","code":"123456","amount":"1250.50"}`},
		{"/api/v1/wallet/purchases/p1/refunds", `{"id":"r1","amount":"10"}`},
		{"/api/v1/wallet/meals", `{"pupil":"900101300011","date":"2026-11-20"}`},
	}
	callers := []struct {
		name   string
		header []string
		status int
		code   string
	}{
		{"no credential", nil, http.StatusUnauthorized, "unauthenticated"},
		{"a key without the merchant scope", srv.key(t, "moh", exchange.ScopeExchange, exchange.ScopeSources), http.StatusForbidden, "missing_scope"},
		{"a merchant-scoped key of no merchant", srv.key(t, "mia", exchange.ScopeMerchant), http.StatusForbidden, "not_merchant"},
	}
	for _, c := range callers {
		for _, call := range calls {
			t.Run(c.name+call.path, func(t *testing.T) {
				size, changes := auditSize(t, st), st.Changes()
				r := do(t, http.MethodPost, ts.URL+call.path, "application/json", call.body, c.header...)
				if r.status != c.status {
					t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
				}
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
					t.Errorf("Content-Type %q; want a problem", ct)
				}
				var p struct{ Code, Detail string }
				if err := json.Unmarshal(r.body, &p); err != nil || p.Code != c.code || p.Detail == "" {
					t.Errorf("problem %s; want code %q with a detail", r.body, c.code)
				}
				if auditSize(t, st) != size || st.Changes() != changes {
					t.Errorf("a refused call changed the store or the audit log")
				}
			})
		}
	}
}

// TestMerchantRoutesWithoutWallet answers 503 on a server that runs no
// social wallet, once the caller is known.
func TestMerchantRoutesWithoutWallet(t *testing.T) {
	st := storetest.SQLite(t)
	mustSeed(t, st)
	srv, ts := mustServe(t, st, Options{})
	r := do(t, http.MethodPost, ts.URL+"/api/v1/wallet/purchases", "application/json", `{"id":"p1","code":"1","amount":"1"}`,
		srv.key(t, "moh", exchange.ScopeMerchant)...)
	if r.status != http.StatusServiceUnavailable || !strings.Contains(string(r.body), "wallet_disabled") {
		t.Fatalf("status %d %s; want 503 wallet_disabled", r.status, r.body)
	}
}
