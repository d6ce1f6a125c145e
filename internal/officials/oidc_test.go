package officials

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

var idpKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// fakeIdP is an in-process OpenID Connect provider: discovery, JWKS and a
// token endpoint that checks the client, the code and the PKCE verifier and
// answers with an RS256 ID token carrying claims.
type fakeIdP struct {
	srv    *httptest.Server
	mu     sync.Mutex
	grants map[string]fakeGrant
	claims map[string]any // the next ID token's claims besides iss, aud, exp, iat, nonce
}

type fakeGrant struct{ challenge, nonce string }

func newFakeIdP(t *testing.T) *fakeIdP {
	f := &fakeIdP{grants: map[string]fakeGrant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{
			"issuer": f.srv.URL, "authorization_endpoint": f.srv.URL + "/auth", "token_endpoint": f.srv.URL + "/token",
			"jwks_uri": f.srv.URL + "/jwks", "id_token_signing_alg_values_supported": []string{"RS256"},
			"code_challenge_methods_supported": []string{"S256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &idpKey().PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}})
	})
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		f.mu.Lock()
		g, ok := f.grants[r.PostFormValue("code")]
		delete(f.grants, r.PostFormValue("code"))
		claims := map[string]any{}
		for k, v := range f.claims {
			claims[k] = v
		}
		f.mu.Unlock()
		sum := sha256.Sum256([]byte(r.PostFormValue("code_verifier")))
		if id != "ortaq-console" || secret != "s3cret" {
			writeJSONStatus(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
			return
		}
		if !ok || base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
			writeJSONStatus(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		now := time.Now()
		claims["iss"], claims["aud"], claims["nonce"] = f.srv.URL, "ortaq-console", g.nonce
		claims["iat"], claims["exp"] = now.Unix(), now.Add(5*time.Minute).Unix()
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: idpKey()},
			(&jose.SignerOptions{}).WithHeader("kid", "k1").WithType("JWT"))
		if err != nil {
			t.Error(err)
			return
		}
		payload, _ := json.Marshal(claims)
		jws, err := signer.Sign(payload)
		if err != nil {
			t.Error(err)
			return
		}
		raw, _ := jws.CompactSerialize()
		writeJSON(w, map[string]any{"access_token": "at", "token_type": "Bearer", "id_token": raw})
	})
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func writeJSON(w http.ResponseWriter, v any) { writeJSONStatus(w, http.StatusOK, v) }

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// authorize stands in for the browser's trip to the provider: it grants a
// code for the authorization URL and returns the callback's query.
func (f *fakeIdP) authorize(t *testing.T, authURL string) url.Values {
	t.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("nonce") == "" {
		t.Fatalf("authorization URL without PKCE or nonce: %s", authURL)
	}
	code := rand.Text()
	f.mu.Lock()
	f.grants[code] = fakeGrant{challenge: q.Get("code_challenge"), nonce: q.Get("nonce")}
	f.mu.Unlock()
	return url.Values{"code": {code}, "state": {q.Get("state")}}
}

func (f *fakeIdP) setClaims(c map[string]any) { f.mu.Lock(); f.claims = c; f.mu.Unlock() }

func (f *fakeIdP) config() OIDCConfig {
	return OIDCConfig{Issuer: f.srv.URL, ClientID: "ortaq-console", ClientSecret: "s3cret",
		RedirectURL: "https://console.example.kz/console/oidc/callback", Scopes: []string{"profile"},
		RoleMap: map[string]access.Role{"ortaq-officer": access.DataOfficer, "ortaq-audit": access.Auditor}}
}

func TestOIDCSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := t.Context()
		c := newClock()
		d := newDir(t, st, c)
		f := newFakeIdP(t)
		p, err := d.OIDC(ctx, f.config())
		if err != nil {
			t.Fatal(err)
		}
		signIn := func(claims map[string]any) (Official, error) {
			f.setClaims(claims)
			authURL, state, err := p.Start()
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseOIDCState(state.String())
			if err != nil || back != state {
				t.Fatalf("state round trip: %+v, %v", back, err)
			}
			return p.Finish(ctx, back, f.authorize(t, authURL))
		}

		o, err := signIn(map[string]any{"sub": "u-1", "preferred_username": "A.Nurlan", "name": "Нұрлан Әбенов",
			"agency": "kgd", "roles": []any{"ortaq-officer", "something-else", 7}})
		if err != nil {
			t.Fatal(err)
		}
		if o.Login != "a.nurlan" || o.Name != "Нұрлан Әбенов" || o.Agency != "kgd" || o.Via != ViaOIDC ||
			!slices.Equal(o.Roles, []access.Role{access.DataOfficer}) || o.ID == 0 {
			t.Errorf("official = %+v", o)
		}
		// The next sign-in refreshes the roles; the official keeps their id.
		again, err := signIn(map[string]any{"sub": "u-1", "preferred_username": "a.nurlan", "name": "Нұрлан Әбенов",
			"agency": "kgd", "roles": []any{"ortaq-officer", "ortaq-audit"}})
		if err != nil || again.ID != o.ID || len(again.Roles) != 2 {
			t.Errorf("second sign-in = %+v, %v", again, err)
		}
		if all, _ := d.List(ctx); len(all) != 1 {
			t.Errorf("officials = %+v", all)
		}
		// A session works as for a local account.
		if _, _, err := d.StartSession(ctx, again); err != nil {
			t.Errorf("StartSession: %v", err)
		}

		// sub when there is no preferred_username.
		if o, err := signIn(map[string]any{"sub": "u-2", "agency": "mlsp", "roles": "ortaq-audit"}); err != nil ||
			o.Login != "u-2" || o.Name != "u-2" {
			t.Errorf("sub as login = %+v, %v", o, err)
		}

		for _, tt := range []struct {
			name   string
			claims map[string]any
		}{
			{"no known role", map[string]any{"sub": "u-3", "agency": "kgd", "roles": []any{"admin-of-everything"}}},
			{"no roles claim", map[string]any{"sub": "u-3", "agency": "kgd"}},
			{"officer without agency", map[string]any{"sub": "u-3", "roles": []any{"ortaq-officer"}}},
			{"login not usable", map[string]any{"sub": "u 3", "agency": "kgd", "roles": []any{"ortaq-officer"}}},
			{"agency not a code", map[string]any{"sub": "u-3", "agency": "KGD!", "roles": []any{"ortaq-officer"}}},
		} {
			if o, err := signIn(tt.claims); !errors.Is(err, ErrOIDC) {
				t.Errorf("%s: Finish = %+v, %v; want ErrOIDC", tt.name, o, err)
			}
		}

		// A disabled official stays refused, whatever the provider says.
		if err := d.Disable(ctx, "a.nurlan"); err != nil {
			t.Fatal(err)
		}
		if _, err := signIn(map[string]any{"preferred_username": "a.nurlan", "agency": "kgd", "roles": []any{"ortaq-officer"}}); !errors.Is(err, ErrOIDC) {
			t.Errorf("disabled official: %v; want ErrOIDC", err)
		}
		// The provider cannot take over a local account.
		mustAdd(t, d, auditor)
		if _, err := signIn(map[string]any{"preferred_username": "auditor", "roles": []any{"ortaq-audit"}}); !errors.Is(err, ErrOIDC) {
			t.Errorf("local login through the provider: %v; want ErrOIDC", err)
		}
	})
}

func TestOIDCFinishRefuses(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := t.Context()
	d := newDir(t, st, newClock())
	f := newFakeIdP(t)
	cfg := f.config()
	cfg.Agency = "mlsp" // an agency's own provider: the claim is ignored
	p, err := d.OIDC(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.setClaims(map[string]any{"sub": "w-1", "agency": "kgd", "roles": []any{"ortaq-officer"}})

	authURL, state, _ := p.Start()
	q := f.authorize(t, authURL)
	bad := url.Values{"code": q["code"], "state": {"forged"}}
	if _, err := p.Finish(ctx, state, bad); !errors.Is(err, ErrOIDC) {
		t.Errorf("forged state: %v; want ErrOIDC", err)
	}
	if _, err := p.Finish(ctx, state, url.Values{"error": {"access_denied"}, "state": q["state"]}); !errors.Is(err, ErrOIDC) {
		t.Errorf("provider error: %v; want ErrOIDC", err)
	}
	other := state
	other.Verifier = "wrong-verifier-wrong-verifier-wrong-verifier-000"
	if _, err := p.Finish(ctx, other, q); !errors.Is(err, ErrOIDC) {
		t.Errorf("wrong PKCE verifier: %v; want ErrOIDC", err)
	}
	// The code was spent by the failed attempt above (the fake provider,
	// like a real one, deletes it): start again.
	authURL, state, _ = p.Start()
	o, err := p.Finish(ctx, state, f.authorize(t, authURL))
	if err != nil || o.Agency != "mlsp" {
		t.Errorf("fixed agency: %+v, %v", o, err)
	}
	if _, err := ParseOIDCState("a.b"); !errors.Is(err, ErrOIDC) {
		t.Errorf("ParseOIDCState(a.b) = %v", err)
	}

	for _, bad := range []OIDCConfig{
		func() OIDCConfig { c := f.config(); c.Agency = "Not A Code"; return c }(),
		func() OIDCConfig { c := f.config(); c.RoleMap = map[string]access.Role{"x": "root"}; return c }(),
		func() OIDCConfig { c := f.config(); c.Issuer = "http://idp.example.kz"; return c }(),
	} {
		if _, err := d.OIDC(ctx, bad); err == nil {
			t.Errorf("OIDC(%+v) accepted", bad)
		}
	}
}
