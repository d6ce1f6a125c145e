// Package openid is ortaq's OpenID Connect relying party: sign-in through
// an identity provider with the authorization code flow, PKCE (S256) and a
// nonce, for citizens (the wallet) and officials alike. It returns the
// verified ID token's claims; what they mean is the caller's business.
package openid

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// ErrFailed is wrapped by every error of [Client.Finish] that the person
// signing in, or whoever holds their browser, brought about: a missing,
// reused, expired or forged code; a PKCE verifier or nonce that does not
// match the attempt; an ID token that fails verification. Callers add
// their own such errors (a claim they need is missing) by wrapping it too.
// A web layer answers it with 400 Bad Request and a plain "sign-in failed"
// page. Any other error from Finish is an outage or a misconfiguration
// (the provider or its keys unreachable, the client credentials refused, a
// malformed token response) and maps to 502 Bad Gateway.
var ErrFailed = errors.New("oidc sign-in failed")

// timeout bounds every request to the identity provider, on top of the
// caller's context.
const timeout = 30 * time.Second

// Config configures sign-in through an OpenID Connect provider.
type Config struct {
	Issuer       string // the provider's issuer URL; discovery reads Issuer + "/.well-known/openid-configuration"
	ClientID     string // this server's client id at the provider
	ClientSecret string // this server's client secret; ortaq is a confidential client
	RedirectURL  string // this server's callback
	// Scopes are asked for besides "openid", which is always asked for:
	// a provider releases most claims only under a scope (a Dex server
	// releases name and preferred_username only under "profile"), so the
	// scopes under which it releases the claims the caller reads must be
	// here.
	Scopes []string
}

// Client signs people in through one OpenID Connect provider. It is safe
// for concurrent use.
type Client struct {
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	client   *http.Client
}

// Attempt is one sign-in attempt: the URL to send the browser to and the
// secrets to check the answer against.
//
// The caller MUST keep State, Nonce and Verifier where only this browser can
// bring them back (a short-lived, HttpOnly, Secure cookie), MUST check that
// the state the callback receives equals State before calling
// [Client.Finish], and MUST NOT use an attempt twice.
type Attempt struct {
	URL      string // the provider's authorization URL with state, nonce and the PKCE challenge
	State    string // guards the callback against cross-site request forgery
	Nonce    string // binds the ID token to this attempt
	Verifier string // the PKCE code verifier, sent with the code to the token endpoint
}

// Claims are a verified ID token's claims, each as raw JSON.
type Claims map[string]json.RawMessage

// New reads the provider's discovery document and prepares sign-in. It
// fails with an error naming the problem when the configuration is
// incomplete or malformed, when the issuer cannot be reached or does not
// call itself Issuer, or when the provider lacks what the flow needs.
func New(ctx context.Context, cfg Config) (*Client, error) {
	if err := checkIssuer(cfg.Issuer); err != nil {
		return nil, fmt.Errorf("oidc config: %w", err)
	}
	if cfg.ClientID == "" {
		return nil, errors.New("oidc config: missing client id")
	}
	if cfg.ClientSecret == "" {
		return nil, errors.New("oidc config: missing client secret")
	}
	if err := checkRedirect(cfg.RedirectURL); err != nil {
		return nil, fmt.Errorf("oidc config: %w", err)
	}
	scopes := []string{oidc.ScopeOpenID}
	for _, s := range cfg.Scopes {
		if err := checkScope(s); err != nil {
			return nil, fmt.Errorf("oidc config: %w", err)
		}
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}

	client := &http.Client{Timeout: timeout}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc discovery at %s: %w", cfg.Issuer, err)
	}
	var meta struct {
		AuthURL     string   `json:"authorization_endpoint"`
		TokenURL    string   `json:"token_endpoint"`
		JWKSURL     string   `json:"jwks_uri"`
		Algs        []string `json:"id_token_signing_alg_values_supported"`
		AuthMethods []string `json:"token_endpoint_auth_methods_supported"`
		PKCEMethods []string `json:"code_challenge_methods_supported"`
	}
	if err := provider.Claims(&meta); err != nil {
		return nil, fmt.Errorf("oidc discovery at %s: %w", cfg.Issuer, err)
	}
	for _, e := range []struct{ name, url string }{
		{"authorization_endpoint", meta.AuthURL},
		{"token_endpoint", meta.TokenURL},
		{"jwks_uri", meta.JWKSURL},
	} {
		if e.url == "" {
			return nil, fmt.Errorf("oidc discovery at %s: no %s", cfg.Issuer, e.name)
		}
	}
	if len(meta.PKCEMethods) > 0 && !slices.Contains(meta.PKCEMethods, "S256") {
		return nil, fmt.Errorf("oidc discovery at %s: provider does not offer PKCE with S256", cfg.Issuer)
	}
	var style oauth2.AuthStyle
	switch {
	case len(meta.AuthMethods) == 0 || slices.Contains(meta.AuthMethods, "client_secret_basic"):
		style = oauth2.AuthStyleInHeader // the default when the provider names none
	case slices.Contains(meta.AuthMethods, "client_secret_post"):
		style = oauth2.AuthStyleInParams
	default:
		return nil, fmt.Errorf("oidc discovery at %s: provider accepts neither client_secret_basic nor client_secret_post", cfg.Issuer)
	}

	keys := keySet{remote: oidc.NewRemoteKeySet(oidc.ClientContext(context.Background(), client), meta.JWKSURL)}
	verifier := oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{
		ClientID:             cfg.ClientID,
		SupportedSigningAlgs: signingAlgs(meta.Algs),
	})
	endpoint := provider.Endpoint()
	endpoint.AuthStyle = style
	return &Client{
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     endpoint,
			RedirectURL:  cfg.RedirectURL,
			Scopes:       scopes,
		},
		verifier: verifier,
		client:   client,
	}, nil
}

// Scopes returns the scopes the client asks for, "openid" first.
func (c *Client) Scopes() []string { return slices.Clone(c.oauth.Scopes) }

// Start begins a sign-in attempt with a fresh random state and nonce and a
// PKCE S256 challenge.
func (c *Client) Start() Attempt {
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	return Attempt{
		URL:      c.oauth.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)),
		State:    state,
		Nonce:    nonce,
		Verifier: verifier,
	}
}

// Finish completes a sign-in attempt whose state the caller has already
// checked: it exchanges code with the PKCE verifier at the token endpoint,
// verifies the returned ID token (signature by the provider's keys, issuer,
// audience, expiry), checks it carries nonce, and returns its claims.
//
// Errors caused by the attempt itself wrap [ErrFailed]; errors never
// contain the code or the tokens.
func (c *Client) Finish(ctx context.Context, code, verifier, nonce string) (Claims, error) {
	switch {
	case code == "":
		return nil, fmt.Errorf("%w: no authorization code", ErrFailed)
	case verifier == "":
		return nil, fmt.Errorf("%w: no pkce verifier", ErrFailed)
	case nonce == "":
		return nil, fmt.Errorf("%w: no nonce", ErrFailed)
	}
	ctx = oidc.ClientContext(ctx, c.client)

	tok, err := c.oauth.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, exchangeError(err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, errors.New("oidc token endpoint: response has no id_token")
	}

	var fetchErr error
	idToken, err := c.verifier.Verify(context.WithValue(ctx, keyFetchKey{}, &fetchErr), raw)
	switch {
	case fetchErr != nil:
		return nil, fmt.Errorf("oidc provider keys: %w", fetchErr)
	case err != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("oidc id token: %w", ctx.Err())
	case err != nil:
		return nil, fmt.Errorf("%w: id token: %w", ErrFailed, err)
	}
	if subtle.ConstantTimeCompare([]byte(idToken.Nonce), []byte(nonce)) != 1 {
		return nil, fmt.Errorf("%w: id token: nonce does not match this sign-in", ErrFailed)
	}

	var claims Claims
	if err := idToken.Claims(&claims); err != nil {
		return nil, fmt.Errorf("%w: id token claims: %w", ErrFailed, err)
	}
	return claims, nil
}

// exchangeError sorts a failed code exchange: a code or verifier the token
// endpoint refuses (invalid_grant) is the attempt's fault and wraps ErrOIDC;
// anything else is the provider's or the configuration's.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("oidc token endpoint: %w", err)
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	if re.ErrorCode == "invalid_grant" {
		return fmt.Errorf("%w: token endpoint refused the code or verifier (status %d, invalid_grant)", ErrFailed, status)
	}
	if re.ErrorCode == "" {
		return fmt.Errorf("oidc token endpoint: status %d without an OAuth error code", status)
	}
	if re.ErrorDescription == "" {
		return fmt.Errorf("oidc token endpoint: status %d, %s", status, re.ErrorCode)
	}
	return fmt.Errorf("oidc token endpoint: status %d, %s: %s", status, re.ErrorCode, re.ErrorDescription)
}

// keyFetchKey is the context key under which Client.Finish passes an *error that
// keySet fills when the provider's keys could not be fetched.
type keyFetchKey struct{}

// keySet wraps the provider's remote key set so that Client.Finish can tell a
// key set that could not be fetched (an outage) from a token that no key
// verifies (a bad token): go-oidc reports both through Verify as plain text.
type keySet struct {
	remote oidc.KeySet
}

// VerifySignature implements [oidc.KeySet].
func (k keySet) VerifySignature(ctx context.Context, jwt string) ([]byte, error) {
	payload, err := k.remote.VerifySignature(ctx, jwt)
	// go-oidc's RemoteKeySet wraps fetch failures ("fetching keys %w") and
	// returns an unwrapped error when the keys it has do not verify the
	// token; the wallet's oidc_test.go pins this behaviour.
	if err != nil && errors.Unwrap(err) != nil {
		if p, ok := ctx.Value(keyFetchKey{}).(*error); ok {
			*p = err
		}
	}
	return payload, err
}

// signingAlgs keeps the asymmetric algorithms of those the provider
// advertises; none left means go-oidc's default, RS256.
func signingAlgs(advertised []string) []string {
	var algs []string
	for _, a := range advertised {
		switch a {
		case oidc.RS256, oidc.RS384, oidc.RS512, oidc.ES256, oidc.ES384, oidc.ES512,
			oidc.PS256, oidc.PS384, oidc.PS512, oidc.EdDSA:
			algs = append(algs, a)
		}
	}
	return algs
}

// checkIssuer requires an absolute https URL without query or fragment, as
// OpenID Connect Discovery does; plain http is allowed on loopback hosts
// only, for development and tests.
func checkIssuer(s string) error {
	if s == "" {
		return errors.New("missing issuer")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("issuer: %w", err)
	}
	switch {
	case !u.IsAbs() || u.Host == "":
		return fmt.Errorf("issuer %q is not an absolute URL", s)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("issuer %q must not have a query or fragment", s)
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	default:
		return fmt.Errorf("issuer %q must use https", s)
	}
}

// checkScope requires a scope token as RFC 6749, section 3.3, defines
// it: printable ASCII without spaces, quotes or backslashes, since the
// scope parameter is the space-separated list of them.
func checkScope(s string) error {
	if s == "" {
		return errors.New("empty scope")
	}
	for _, c := range []byte(s) {
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return fmt.Errorf("scope %q: not a scope token (printable ASCII without spaces, quotes or backslashes)", s)
		}
	}
	return nil
}

// checkRedirect requires an absolute http or https URL without a fragment
// (RFC 6749, section 3.1.2).
func checkRedirect(s string) error {
	if s == "" {
		return errors.New("missing redirect URL")
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("redirect URL: %w", err)
	}
	switch {
	case !u.IsAbs() || u.Host == "":
		return fmt.Errorf("redirect URL %q is not absolute", s)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("redirect URL %q must use https", s)
	case u.Fragment != "":
		return fmt.Errorf("redirect URL %q must not have a fragment", s)
	}
	return nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
