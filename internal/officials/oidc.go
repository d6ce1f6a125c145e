package officials

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/openid"
	"github.com/ortaq/ortaq/internal/store"
)

// ErrOIDC is wrapped by every error of [OIDC.Finish] that the official, or
// whoever holds their browser, brought about: the provider's error answer,
// a state that does not match, a bad code or ID token (see
// [openid.ErrFailed], which it is), claims that name no usable login,
// agency or role, a login that is a local account, or a disabled official.
// The web layer answers 400 with a plain "sign-in failed" page; any other
// error is an outage or a misconfiguration (502).
var ErrOIDC = openid.ErrFailed

// OIDCConfig configures officials' sign-in through one OpenID Connect
// provider: the state's, or an agency's.
type OIDCConfig struct {
	Issuer, ClientID, ClientSecret, RedirectURL string
	// Scopes are asked for besides "openid"; the provider must release the
	// claims below under them (often "profile" and a roles scope).
	Scopes []string
	// LoginClaim names the claim holding the official's login; "" means
	// "preferred_username", else "sub". The login is lower-cased and must
	// pass CheckLogin.
	LoginClaim string
	// NameClaim names the claim holding the display name; "" means "name"
	// (the login when absent).
	NameClaim string
	// AgencyClaim names the claim holding the agency code; "" means
	// "agency". Ignored when Agency is set.
	AgencyClaim string
	// Agency, when set, is the agency of every official of this provider
	// (an agency's own provider).
	Agency string
	// RolesClaim names the claim holding the official's roles, a JSON array
	// of strings (or one string); "" means "roles".
	RolesClaim string
	// RoleMap maps the provider's role values to access roles; values it
	// lacks are ignored. Nil means the provider's values are access role
	// names themselves. An official left without a role is refused.
	RoleMap map[string]access.Role
}

// OIDC signs officials in through an OpenID Connect provider. It is safe
// for concurrent use.
type OIDC struct {
	d   *Directory
	rp  *openid.Client
	cfg OIDCConfig
}

// OIDCState is one sign-in attempt's secrets. The web layer MUST keep it
// where only this browser brings it back (a short-lived __Host- cookie,
// HttpOnly, Secure, SameSite=Lax, as [OIDCState.String]) and MUST NOT use
// it twice.
type OIDCState struct {
	State    string // guards the callback against cross-site request forgery
	Nonce    string // binds the ID token to this attempt
	Verifier string // the PKCE code verifier
}

// String encodes the state for a cookie; ParseOIDCState reads it back.
// None of the three parts contains a '.'.
func (s OIDCState) String() string { return s.State + "." + s.Nonce + "." + s.Verifier }

// ParseOIDCState reads what OIDCState.String wrote.
func ParseOIDCState(v string) (OIDCState, error) {
	parts := strings.Split(v, ".")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" || len(v) > 512 {
		return OIDCState{}, fmt.Errorf("%w: malformed sign-in state", ErrOIDC)
	}
	return OIDCState{State: parts[0], Nonce: parts[1], Verifier: parts[2]}, nil
}

// OIDC reads the provider's discovery document and prepares officials'
// sign-in through it. It fails on an incomplete or malformed configuration
// (a fixed Agency that is not an agency code, a RoleMap to roles that do
// not exist) and when the provider cannot be reached or lacks what the
// flow needs.
func (d *Directory) OIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.Agency != "" && !agencyRE.MatchString(cfg.Agency) {
		return nil, fmt.Errorf("oidc config: agency %q is not an agency code", cfg.Agency)
	}
	for k, r := range cfg.RoleMap {
		if !r.Valid() {
			return nil, fmt.Errorf("oidc config: role map %q: %q is not a role", k, r)
		}
	}
	rp, err := openid.New(ctx, openid.Config{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		RedirectURL: cfg.RedirectURL, Scopes: cfg.Scopes})
	if err != nil {
		return nil, err
	}
	return &OIDC{d: d, rp: rp, cfg: cfg}, nil
}

// Start begins a sign-in attempt: it returns the provider's URL to send
// the browser to and the state to keep for Finish.
func (p *OIDC) Start() (authURL string, state OIDCState, err error) {
	a := p.rp.Start()
	return a.URL, OIDCState{State: a.State, Nonce: a.Nonce, Verifier: a.Verifier}, nil
}

// Finish completes a sign-in attempt from the callback's query: it checks
// the provider did not answer with an error and that the query's state is
// st's, exchanges the code, verifies the ID token, maps its claims to an
// official and stores them (Via ViaOIDC; name, agency and roles refreshed
// at each sign-in), so that audits can name them. A disabled official, or
// a login that is a local account, is refused. Errors the attempt caused
// wrap ErrOIDC; none repeats a code or a token.
func (p *OIDC) Finish(ctx context.Context, st OIDCState, query url.Values) (Official, error) {
	if e := query.Get("error"); e != "" {
		return Official{}, fmt.Errorf("%w: provider answered %.40q", ErrOIDC, e)
	}
	got := query.Get("state")
	if st.State == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.State)) != 1 {
		return Official{}, fmt.Errorf("%w: state does not match this sign-in", ErrOIDC)
	}
	claims, err := p.rp.Finish(ctx, query.Get("code"), st.Verifier, st.Nonce)
	if err != nil {
		return Official{}, err
	}
	o, err := p.official(claims)
	if err != nil {
		return Official{}, err
	}
	so, err := p.d.st.UpsertOIDCOfficial(ctx, store.Official{Login: o.Login, Name: o.Name, Agency: o.Agency,
		Roles: roleNames(o.Roles)}, p.d.now())
	if errors.Is(err, store.ErrExists) {
		return Official{}, fmt.Errorf("%w: login %s is a local account", ErrOIDC, o.Login)
	}
	if err != nil {
		return Official{}, err
	}
	if so.Disabled {
		return Official{}, fmt.Errorf("%w: official %s is disabled", ErrOIDC, o.Login)
	}
	slog.InfoContext(ctx, "official signed in", "login", so.Login, "via", ViaOIDC, "agency", so.Agency)
	return fromStore(so), nil
}

// official maps an ID token's claims to an official, and checks it as Add
// checks a local account.
func (p *OIDC) official(claims openid.Claims) (Official, error) {
	var o Official
	login, lc := "", p.cfg.LoginClaim
	if lc != "" {
		login = stringClaim(claims[lc])
	} else if login = stringClaim(claims["preferred_username"]); login != "" {
		lc = "preferred_username"
	} else {
		lc = "sub"
		login = stringClaim(claims["sub"])
	}
	o.Login = strings.ToLower(login)
	if err := CheckLogin(o.Login); err != nil {
		return Official{}, fmt.Errorf("%w: claim %q is not a usable login", ErrOIDC, lc)
	}
	o.Name = strings.TrimSpace(stringClaim(claims[or(p.cfg.NameClaim, "name")]))
	if o.Name == "" {
		o.Name = o.Login
	}
	o.Agency = p.cfg.Agency
	if o.Agency == "" {
		o.Agency = stringClaim(claims[or(p.cfg.AgencyClaim, "agency")])
	}
	for _, v := range stringsClaim(claims[or(p.cfg.RolesClaim, "roles")]) {
		r, ok := p.cfg.RoleMap[v]
		if p.cfg.RoleMap == nil {
			r, ok = access.Role(v), access.Role(v).Valid()
		}
		if ok && !slices.Contains(o.Roles, r) {
			o.Roles = append(o.Roles, r)
		}
	}
	if len(o.Roles) == 0 {
		return Official{}, fmt.Errorf("%w: official %s has no role ortaq knows", ErrOIDC, o.Login)
	}
	if err := o.check(); err != nil {
		return Official{}, fmt.Errorf("%w: official %s: %w", ErrOIDC, o.Login, err)
	}
	return o, nil
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// stringClaim reads a JSON string claim; anything else reads as "".
func stringClaim(v json.RawMessage) string {
	var s string
	if len(bytes.TrimSpace(v)) == 0 || json.Unmarshal(v, &s) != nil {
		return ""
	}
	return s
}

// stringsClaim reads a claim holding an array of strings, or one string;
// values that are not strings are skipped.
func stringsClaim(v json.RawMessage) []string {
	if s := stringClaim(v); s != "" {
		return []string{s}
	}
	var raw []json.RawMessage
	if json.Unmarshal(v, &raw) != nil {
		return nil
	}
	var out []string
	for _, r := range raw {
		if s := stringClaim(r); s != "" {
			out = append(out, s)
		}
	}
	return out
}
