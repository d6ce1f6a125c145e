package wallet

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
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/ortaq/ortaq/internal/kz"
)

// Valid IINs from internal/kz's tests; the second starts with 0, which a
// JSON number would lose.
const (
	oidcIIN     = "900101300017"
	oidcIINZero = "050315500014"
)

const (
	oidcClientID = "ortaq-wallet"
	oidcSecret   = "s3cret"
	oidcRedirect = "https://wallet.example.kz/wallet/oidc/callback"
	oidcKeyID    = "key-1"
)

// oidcTestKeys are the fake provider's signing key and a stranger's key,
// generated once because RSA key generation is slow.
var oidcTestKeys = sync.OnceValues(func() (*rsa.PrivateKey, *rsa.PrivateKey) {
	gen := func() *rsa.PrivateKey {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		return k
	}
	return gen(), gen()
})

// fakeIdP is an in-process OpenID Connect provider: discovery, JWKS and a
// token endpoint that checks the client, the code and the PKCE verifier
// and answers with an RS256 ID token. Codes come from authorize, which
// stands in for the browser's trip to the authorization endpoint.
type fakeIdP struct {
	tb  testing.TB
	srv *httptest.Server
	key *rsa.PrivateKey

	mu          sync.Mutex
	grants      map[string]fakeGrant                   // code → what was authorized
	claims      func(c map[string]any)                 // edits the ID token's claims before signing
	signWith    *rsa.PrivateKey                        // nil means key
	noIDToken   bool                                   // answer without an id_token
	jwksStatus  int                                    // non-zero: the JWKS endpoint fails so
	tokenStatus int                                    // non-zero: the token endpoint fails so
	discovery   func(d map[string]any)                 // edits the discovery document
	tokenHook   func(r *http.Request, form url.Values) // sees each token request
	// iinScope, when set, is the scope under which the provider releases
	// the iin claim, as a real provider releases profile claims only
	// under "profile".
	iinScope string
}

// fakeGrant is one authorization the fake provider has granted.
type fakeGrant struct {
	challenge string
	nonce     string
	scopes    []string
}

func newFakeIdP(tb testing.TB) *fakeIdP {
	tb.Helper()
	key, _ := oidcTestKeys()
	f := &fakeIdP{tb: tb, key: key, grants: map[string]fakeGrant{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", f.serveDiscovery)
	mux.HandleFunc("GET /jwks", f.serveJWKS)
	mux.HandleFunc("POST /token", f.serveToken)
	f.srv = httptest.NewServer(mux)
	tb.Cleanup(f.srv.Close)
	return f
}

func (f *fakeIdP) config() OIDCConfig {
	return OIDCConfig{
		Issuer:       f.srv.URL,
		ClientID:     oidcClientID,
		ClientSecret: oidcSecret,
		RedirectURL:  oidcRedirect,
	}
}

func (f *fakeIdP) serveDiscovery(w http.ResponseWriter, r *http.Request) {
	d := map[string]any{
		"issuer":                                f.srv.URL,
		"authorization_endpoint":                f.srv.URL + "/authorize",
		"token_endpoint":                        f.srv.URL + "/token",
		"jwks_uri":                              f.srv.URL + "/jwks",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256", "HS256"},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic"},
	}
	f.mu.Lock()
	if f.discovery != nil {
		f.discovery(d)
	}
	f.mu.Unlock()
	writeOIDCJSON(w, http.StatusOK, d)
}

func (f *fakeIdP) serveJWKS(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	status := f.jwksStatus
	f.mu.Unlock()
	if status != 0 {
		http.Error(w, "keys unavailable", status)
		return
	}
	writeOIDCJSON(w, http.StatusOK, jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{
		Key: &f.key.PublicKey, KeyID: oidcKeyID, Algorithm: "RS256", Use: "sig",
	}}})
}

func (f *fakeIdP) serveToken(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	oauthErr := func(status int, code string) {
		writeOIDCJSON(w, status, map[string]string{"error": code})
	}
	if f.tokenStatus != 0 {
		http.Error(w, "down", f.tokenStatus)
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthErr(http.StatusBadRequest, "invalid_request")
		return
	}
	if f.tokenHook != nil {
		f.tokenHook(r, r.PostForm)
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != oidcClientID || secret != oidcSecret {
		oauthErr(http.StatusUnauthorized, "invalid_client")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" || r.PostForm.Get("redirect_uri") != oidcRedirect {
		oauthErr(http.StatusBadRequest, "invalid_request")
		return
	}
	code := r.PostForm.Get("code")
	g, ok := f.grants[code]
	delete(f.grants, code) // codes are single-use
	if !ok {
		oauthErr(http.StatusBadRequest, "invalid_grant")
		return
	}
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	if base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge {
		oauthErr(http.StatusBadRequest, "invalid_grant")
		return
	}

	now := time.Now()
	claims := map[string]any{
		"iss":   f.srv.URL,
		"sub":   "citizen-1",
		"aud":   oidcClientID,
		"iat":   now.Unix(),
		"exp":   now.Add(5 * time.Minute).Unix(),
		"nonce": g.nonce,
		"iin":   oidcIIN,
	}
	if f.iinScope != "" && !slices.Contains(g.scopes, f.iinScope) {
		delete(claims, "iin")
	}
	if f.claims != nil {
		f.claims(claims)
	}
	resp := map[string]any{"access_token": "at-" + code, "token_type": "Bearer", "expires_in": 300}
	if !f.noIDToken {
		key := f.key
		if f.signWith != nil {
			key = f.signWith
		}
		resp["id_token"] = signOIDCToken(f.tb, key, claims)
	}
	writeOIDCJSON(w, http.StatusOK, resp)
}

// authorize plays the browser and the authorization endpoint for the
// attempt whose URL is authURL, and returns the code the provider would
// send to the callback.
func (f *fakeIdP) authorize(tb testing.TB, authURL string) string {
	tb.Helper()
	u, err := url.Parse(authURL)
	if err != nil {
		tb.Fatalf("parse auth URL: %v", err)
	}
	q := u.Query()
	if got := u.Scheme + "://" + u.Host + u.Path; got != f.srv.URL+"/authorize" {
		tb.Fatalf("auth URL endpoint = %s; want %s/authorize", got, f.srv.URL)
	}
	for k, want := range map[string]string{
		"response_type":         "code",
		"client_id":             oidcClientID,
		"redirect_uri":          oidcRedirect,
		"code_challenge_method": "S256",
	} {
		if got := q.Get(k); got != want {
			tb.Fatalf("auth URL %s = %q; want %q", k, got, want)
		}
	}
	if !strings.Contains(" "+q.Get("scope")+" ", " openid ") {
		tb.Fatalf("auth URL scope = %q; want it to hold openid", q.Get("scope"))
	}
	code := rand.Text()
	f.mu.Lock()
	f.grants[code] = fakeGrant{challenge: q.Get("code_challenge"), nonce: q.Get("nonce"), scopes: strings.Fields(q.Get("scope"))}
	f.mu.Unlock()
	return code
}

// signOIDCToken signs claims as a compact RS256 JWT under oidcKeyID.
func signOIDCToken(tb testing.TB, key *rsa.PrivateKey, claims map[string]any) string {
	tb.Helper()
	opts := (&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", oidcKeyID)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: key}, opts)
	if err != nil {
		tb.Fatalf("new signer: %v", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		tb.Fatalf("marshal claims: %v", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		tb.Fatalf("sign: %v", err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		tb.Fatalf("serialize: %v", err)
	}
	return s
}

func writeOIDCJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func mustNewOIDC(tb testing.TB, cfg OIDCConfig) *OIDC {
	tb.Helper()
	o, err := NewOIDC(tb.Context(), cfg)
	if err != nil {
		tb.Fatalf("NewOIDC: %v", err)
	}
	return o
}

func TestOIDCFinish(t *testing.T) {
	_, stranger := oidcTestKeys()
	tests := []struct {
		name     string
		cfg      func(c *OIDCConfig)
		idp      func(f *fakeIdP)
		finish   func(code, verifier, nonce string) (string, string, string) // what the callback brings back
		want     string
		wantOIDC bool  // the error wraps ErrOIDC
		wantIs   error // and, if set, this too
		wantIn   string
	}{
		{name: "happy path", want: oidcIIN},
		{
			name: "custom claim name keeps leading zero",
			cfg:  func(c *OIDCConfig) { c.IINClaim = "national_id" },
			idp: func(f *fakeIdP) {
				f.claims = func(c map[string]any) { delete(c, "iin"); c["national_id"] = oidcIINZero }
			},
			want: oidcIINZero,
		},
		{
			name: "audience among several",
			idp: func(f *fakeIdP) {
				f.claims = func(c map[string]any) { c["aud"] = []string{"other", oidcClientID} }
			},
			want: oidcIIN,
		},
		{
			name: "client_secret_post provider",
			idp: func(f *fakeIdP) {
				f.discovery = func(d map[string]any) { d["token_endpoint_auth_methods_supported"] = []string{"client_secret_post"} }
				f.tokenHook = func(r *http.Request, form url.Values) {
					if _, _, ok := r.BasicAuth(); ok || form.Get("client_secret") != oidcSecret {
						f.tb.Errorf("token request without client_secret in the form")
					}
				}
			},
			want: oidcIIN,
		},
		{
			name: "IIN released under the profile scope, asked for",
			cfg:  func(c *OIDCConfig) { c.Scopes = []string{"profile"} },
			idp:  func(f *fakeIdP) { f.iinScope = "profile" },
			want: oidcIIN,
		},
		{
			name:     "IIN released under the profile scope, not asked for",
			idp:      func(f *fakeIdP) { f.iinScope = "profile" },
			wantOIDC: true, wantIn: `claim "iin": missing (scopes asked for: openid)`,
		},
		{
			name:     "wrong nonce",
			finish:   func(c, v, n string) (string, string, string) { return c, v, "another-attempt" },
			wantOIDC: true, wantIn: "nonce",
		},
		{
			name:     "token without nonce",
			idp:      func(f *fakeIdP) { f.claims = func(c map[string]any) { delete(c, "nonce") } },
			wantOIDC: true, wantIn: "nonce",
		},
		{
			name:     "wrong audience",
			idp:      func(f *fakeIdP) { f.claims = func(c map[string]any) { c["aud"] = "someone-else" } },
			wantOIDC: true, wantIn: "audience",
		},
		{
			name: "expired token",
			idp: func(f *fakeIdP) {
				f.claims = func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }
			},
			wantOIDC: true, wantIn: "expired",
		},
		{
			name:     "signed by another key",
			idp:      func(f *fakeIdP) { f.signWith = stranger },
			wantOIDC: true, wantIn: "signature",
		},
		{
			name:     "wrong issuer",
			idp:      func(f *fakeIdP) { f.claims = func(c map[string]any) { c["iss"] = "https://idp.example.org" } },
			wantOIDC: true, wantIn: "different provider",
		},
		{
			name:     "missing claim",
			idp:      func(f *fakeIdP) { f.claims = func(c map[string]any) { delete(c, "iin") } },
			wantOIDC: true, wantIn: `claim "iin": missing`,
		},
		{
			name:     "null claim",
			idp:      func(f *fakeIdP) { f.claims = func(c map[string]any) { c["iin"] = nil } },
			wantOIDC: true, wantIn: `claim "iin": missing`,
		},
		{
			name:     "custom claim name but only iin present",
			cfg:      func(c *OIDCConfig) { c.IINClaim = "national_id" },
			wantOIDC: true, wantIn: `claim "national_id": missing`,
		},
		{
			name:     "claim not a valid IIN",
			idp:      func(f *fakeIdP) { f.claims = func(c map[string]any) { c["iin"] = "900101300018" } },
			wantOIDC: true, wantIs: kz.ErrIDCheckDigit, wantIn: "not a valid IIN",
		},
		{
			name:     "claim as a number",
			idp:      func(f *fakeIdP) { f.claims = func(c map[string]any) { c["iin"] = 900101300017 } },
			wantOIDC: true, wantIn: "JSON number",
		},
		{
			name:     "claim as an object",
			idp:      func(f *fakeIdP) { f.claims = func(c map[string]any) { c["iin"] = map[string]string{"v": oidcIIN} } },
			wantOIDC: true, wantIn: "not a string",
		},
		{
			name:     "pkce verifier mismatch",
			finish:   func(c, v, n string) (string, string, string) { return c, v + "x", n },
			wantOIDC: true, wantIn: "invalid_grant",
		},
		{
			name:     "unknown code",
			finish:   func(c, v, n string) (string, string, string) { return "forged", v, n },
			wantOIDC: true, wantIn: "invalid_grant",
		},
		{
			name:     "empty code",
			finish:   func(c, v, n string) (string, string, string) { return "", v, n },
			wantOIDC: true, wantIn: "no authorization code",
		},
		{
			name:     "empty verifier",
			finish:   func(c, v, n string) (string, string, string) { return c, "", n },
			wantOIDC: true, wantIn: "no pkce verifier",
		},
		{
			name:   "wrong client secret is not the user's fault",
			cfg:    func(c *OIDCConfig) { c.ClientSecret = "wrong" },
			wantIn: "invalid_client",
		},
		{
			name:   "token endpoint down",
			idp:    func(f *fakeIdP) { f.tokenStatus = http.StatusServiceUnavailable },
			wantIn: "status 503",
		},
		{
			name:   "no id_token in response",
			idp:    func(f *fakeIdP) { f.noIDToken = true },
			wantIn: "no id_token",
		},
		{
			// Pins oidcKeySet's reading of go-oidc: a key set that cannot
			// be fetched is an outage, not a bad token.
			name:   "provider keys unavailable",
			idp:    func(f *fakeIdP) { f.jwksStatus = http.StatusServiceUnavailable },
			wantIn: "oidc provider keys",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIdP(t)
			if tt.idp != nil {
				tt.idp(f)
			}
			cfg := f.config()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			o := mustNewOIDC(t, cfg)
			start := o.Start()
			code, verifier, nonce := f.authorize(t, start.URL), start.Verifier, start.Nonce
			if tt.finish != nil {
				code, verifier, nonce = tt.finish(code, verifier, nonce)
			}

			got, err := o.Finish(t.Context(), code, verifier, nonce)
			if tt.want != "" {
				if err != nil {
					t.Fatalf("Finish: %v", err)
				}
				if got != tt.want {
					t.Fatalf("Finish = %q; want %q", got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Finish = %q, nil; want an error", got)
			}
			t.Logf("Finish error: %v", err)
			if got != "" {
				t.Errorf("Finish returned %q with its error", got)
			}
			if errors.Is(err, ErrOIDC) != tt.wantOIDC {
				t.Errorf("errors.Is(%v, ErrOIDC) = %t; want %t", err, !tt.wantOIDC, tt.wantOIDC)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Errorf("error %q does not mention %q", err, tt.wantIn)
			}
			for _, secret := range []string{code, verifier, nonce, oidcSecret, oidcIIN, oidcIINZero} {
				if len(secret) > 4 && strings.Contains(err.Error(), secret) {
					t.Errorf("error %q echoes a secret or personal value", err)
				}
			}
		})
	}
}

func TestOIDCCodeIsSingleUse(t *testing.T) {
	f := newFakeIdP(t)
	o := mustNewOIDC(t, f.config())
	start := o.Start()
	code := f.authorize(t, start.URL)
	if _, err := o.Finish(t.Context(), code, start.Verifier, start.Nonce); err != nil {
		t.Fatalf("first Finish: %v", err)
	}
	if _, err := o.Finish(t.Context(), code, start.Verifier, start.Nonce); !errors.Is(err, ErrOIDC) {
		t.Fatalf("second Finish error = %v; want ErrOIDC", err)
	}
}

func TestOIDCStart(t *testing.T) {
	f := newFakeIdP(t)
	cfg := f.config()
	cfg.Scopes = []string{"profile", "openid"}
	o := mustNewOIDC(t, cfg)
	a, b := o.Start(), o.Start()
	for _, s := range []OIDCStart{a, b} {
		if s.State == "" || s.Nonce == "" || s.Verifier == "" {
			t.Fatalf("Start = %+v; want state, nonce and verifier", s)
		}
		u, err := url.Parse(s.URL)
		if err != nil {
			t.Fatalf("parse %q: %v", s.URL, err)
		}
		q := u.Query()
		sum := sha256.Sum256([]byte(s.Verifier))
		for k, want := range map[string]string{
			"state":                 s.State,
			"nonce":                 s.Nonce,
			"code_challenge":        base64.RawURLEncoding.EncodeToString(sum[:]),
			"code_challenge_method": "S256",
			"scope":                 "openid profile",
		} {
			if got := q.Get(k); got != want {
				t.Errorf("URL %s = %q; want %q", k, got, want)
			}
		}
		if q.Has("code_verifier") {
			t.Errorf("URL %s leaks the verifier", s.URL)
		}
	}
	if a.State == b.State || a.Nonce == b.Nonce || a.Verifier == b.Verifier || a.State == a.Nonce {
		t.Errorf("two starts share secrets: %+v, %+v", a, b)
	}
}

// TestOIDCScopes checks the authorization request asks for openid first,
// then each configured scope once.
func TestOIDCScopes(t *testing.T) {
	f := newFakeIdP(t)
	for _, tt := range []struct {
		scopes []string
		want   string
	}{
		{nil, "openid"},
		{[]string{"profile"}, "openid profile"},
		{[]string{"profile", "openid", "kz:iin", "profile"}, "openid profile kz:iin"},
	} {
		cfg := f.config()
		cfg.Scopes = tt.scopes
		u, err := url.Parse(mustNewOIDC(t, cfg).Start().URL)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Query().Get("scope"); got != tt.want {
			t.Errorf("scopes %q: scope parameter %q; want %q", tt.scopes, got, tt.want)
		}
	}
}

func TestNewOIDCErrors(t *testing.T) {
	f := newFakeIdP(t)
	gone := httptest.NewServer(http.NotFoundHandler())
	goneURL := gone.URL
	gone.Close()

	tests := []struct {
		name   string
		cfg    func(c *OIDCConfig)
		idp    func(f *fakeIdP)
		wantIn string
	}{
		{name: "missing issuer", cfg: func(c *OIDCConfig) { c.Issuer = "" }, wantIn: "missing issuer"},
		{name: "relative issuer", cfg: func(c *OIDCConfig) { c.Issuer = "idp.example.kz" }, wantIn: "not an absolute URL"},
		{name: "plain http issuer", cfg: func(c *OIDCConfig) { c.Issuer = "http://idp.example.kz" }, wantIn: "must use https"},
		{name: "issuer with query", cfg: func(c *OIDCConfig) { c.Issuer = f.srv.URL + "?tenant=1" }, wantIn: "query or fragment"},
		{name: "missing client id", cfg: func(c *OIDCConfig) { c.ClientID = "" }, wantIn: "missing client id"},
		{name: "missing client secret", cfg: func(c *OIDCConfig) { c.ClientSecret = "" }, wantIn: "missing client secret"},
		{name: "missing redirect", cfg: func(c *OIDCConfig) { c.RedirectURL = "" }, wantIn: "missing redirect URL"},
		{name: "empty scope", cfg: func(c *OIDCConfig) { c.Scopes = []string{""} }, wantIn: "empty scope"},
		{name: "scope with a space", cfg: func(c *OIDCConfig) { c.Scopes = []string{"profile email"} }, wantIn: "not a scope token"},
		{name: "relative redirect", cfg: func(c *OIDCConfig) { c.RedirectURL = "/wallet/oidc/callback" }, wantIn: "not absolute"},
		{name: "redirect with fragment", cfg: func(c *OIDCConfig) { c.RedirectURL = oidcRedirect + "#x" }, wantIn: "fragment"},
		{name: "unreachable issuer", cfg: func(c *OIDCConfig) { c.Issuer = goneURL }, wantIn: "oidc discovery at " + goneURL},
		{name: "issuer mismatch", cfg: func(c *OIDCConfig) { c.Issuer = f.srv.URL + "/" }, wantIn: "did not match"},
		{name: "no discovery document", cfg: func(c *OIDCConfig) { c.Issuer = f.srv.URL + "/realms/none" }, wantIn: "404"},
		{
			name:   "no jwks_uri",
			idp:    func(f *fakeIdP) { f.discovery = func(d map[string]any) { delete(d, "jwks_uri") } },
			wantIn: "no jwks_uri",
		},
		{
			name: "no S256",
			idp: func(f *fakeIdP) {
				f.discovery = func(d map[string]any) { d["code_challenge_methods_supported"] = []string{"plain"} }
			},
			wantIn: "S256",
		},
		{
			name: "unusable client authentication",
			idp: func(f *fakeIdP) {
				f.discovery = func(d map[string]any) { d["token_endpoint_auth_methods_supported"] = []string{"private_key_jwt"} }
			},
			wantIn: "client_secret_basic",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.mu.Lock()
			f.discovery = nil
			f.mu.Unlock()
			if tt.idp != nil {
				f.mu.Lock()
				tt.idp(f)
				f.mu.Unlock()
			}
			cfg := f.config()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			o, err := NewOIDC(t.Context(), cfg)
			if err == nil {
				t.Fatalf("NewOIDC = %v, nil; want an error", o)
			}
			t.Logf("NewOIDC error: %v", err)
			if !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("NewOIDC error %q does not mention %q", err, tt.wantIn)
			}
			if strings.Contains(err.Error(), oidcSecret) {
				t.Errorf("NewOIDC error %q echoes the client secret", err)
			}
		})
	}
}

func TestIINFromClaim(t *testing.T) {
	tests := []struct {
		raw    string
		want   string
		wantIn string
	}{
		{raw: `"900101300017"`, want: oidcIIN},
		{raw: ` "050315500014" `, want: oidcIINZero},
		{raw: ``, wantIn: "missing"},
		{raw: `null`, wantIn: "missing"},
		{raw: `50315500014`, wantIn: "JSON number"},
		{raw: `-1`, wantIn: "JSON number"},
		{raw: `true`, wantIn: "not a string"},
		{raw: `["900101300017"]`, wantIn: "not a string"},
		{raw: `"90010130001"`, wantIn: "must be 12 digits"},
		{raw: `" 900101300017"`, wantIn: "not a valid IIN"},
		{raw: `"\u0039\u0030\u0030\u0031\u0030\u0031\u0033\u0030\u0030\u0030\u0031\u0037"`, want: oidcIIN},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := iinFromClaim(json.RawMessage(tt.raw))
			if tt.wantIn == "" {
				if err != nil || got != tt.want {
					t.Fatalf("iinFromClaim(%s) = %q, %v; want %q", tt.raw, got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantIn) {
				t.Fatalf("iinFromClaim(%s) = %q, %v; want an error mentioning %q", tt.raw, got, err, tt.wantIn)
			}
		})
	}
}

func FuzzIINFromClaim(f *testing.F) {
	for _, s := range []string{`"900101300017"`, `900101300017`, `null`, `"x"`, `{}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := iinFromClaim(json.RawMessage(raw))
		if err == nil && !kz.ValidIIN(got) {
			t.Fatalf("iinFromClaim(%q) = %q, which is not a valid IIN", raw, got)
		}
	})
}
