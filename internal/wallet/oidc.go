package wallet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/openid"
)

// ErrOIDC is wrapped by every error of [OIDC.Finish] that the person signing
// in, or whoever holds their browser, brought about: a missing, reused,
// expired or forged code; a PKCE verifier or nonce that does not match the
// attempt; an ID token that fails verification; an account whose ID token
// carries no valid IIN. The web layer answers it with 400 Bad Request and a
// plain "sign-in failed" page. Any other error from Finish is an outage or a
// misconfiguration (the provider or its keys unreachable, the client
// credentials refused, a malformed token response) and maps to 502 Bad
// Gateway. It is [openid.ErrFailed].
var ErrOIDC = openid.ErrFailed

// OIDCConfig configures sign-in through an OpenID Connect provider.
type OIDCConfig struct {
	Issuer       string // the provider's issuer URL; discovery reads Issuer + "/.well-known/openid-configuration"
	ClientID     string // this server's client id at the provider
	ClientSecret string // this server's client secret; the wallet is a confidential client
	RedirectURL  string // this server's callback, e.g. https://wallet.example.kz/wallet/oidc/callback
	IINClaim     string // the ID token claim holding the IIN; "" means "iin"
	// Scopes are asked for besides "openid", which is always asked for:
	// a provider releases most claims only under a scope (a Dex server
	// releases name and preferred_username only under "profile"), so the
	// scope under which it releases IINClaim must be here.
	Scopes []string
}

// OIDC signs citizens in through an OpenID Connect provider with the
// authorization code flow, PKCE (S256) and a nonce (see [openid.Client]),
// reading their IIN from a claim. It is safe for concurrent use.
type OIDC struct {
	rp    *openid.Client
	claim string
}

// OIDCStart is one sign-in attempt: see [openid.Attempt] for what the
// caller MUST do with it.
type OIDCStart = openid.Attempt

// NewOIDC reads the provider's discovery document and prepares sign-in. It
// fails with an error naming the problem when the configuration is
// incomplete or malformed, when the issuer cannot be reached or does not
// call itself Issuer, or when the provider lacks what the flow needs.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	claim := cfg.IINClaim
	if claim == "" {
		claim = "iin"
	}
	rp, err := openid.New(ctx, openid.Config{Issuer: cfg.Issuer, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
		RedirectURL: cfg.RedirectURL, Scopes: cfg.Scopes})
	if err != nil {
		return nil, err
	}
	return &OIDC{rp: rp, claim: claim}, nil
}

// Start begins a sign-in attempt with a fresh random state and nonce and a
// PKCE S256 challenge.
func (o *OIDC) Start() OIDCStart { return o.rp.Start() }

// Finish completes a sign-in attempt whose state the caller has already
// checked: it exchanges code with the PKCE verifier at the token endpoint,
// verifies the returned ID token (signature by the provider's keys, issuer,
// audience, expiry), checks it carries nonce, and returns the IIN from the
// configured claim. The claim MUST be a JSON string holding a valid IIN; a
// JSON number is refused, as it would have lost any leading zero.
//
// Errors caused by the attempt itself wrap [ErrOIDC]; errors never contain
// the code, the tokens or the IIN.
func (o *OIDC) Finish(ctx context.Context, code, verifier, nonce string) (iin string, err error) {
	claims, err := o.rp.Finish(ctx, code, verifier, nonce)
	if err != nil {
		return "", err
	}
	iin, err = iinFromClaim(claims[o.claim])
	if err != nil {
		if _, ok := claims[o.claim]; !ok {
			// The usual cause is a scope not asked for: say which were.
			return "", fmt.Errorf("%w: id token claim %q: %w (scopes asked for: %s)", ErrOIDC, o.claim, err,
				strings.Join(o.rp.Scopes(), " "))
		}
		return "", fmt.Errorf("%w: id token claim %q: %w", ErrOIDC, o.claim, err)
	}
	return iin, nil
}

// iinFromClaim reads an IIN from a claim's raw JSON value without
// repeating the value in its errors.
func iinFromClaim(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", errors.New("missing")
	}
	switch c := v[0]; {
	case c == '-' || c >= '0' && c <= '9':
		return "", errors.New("is a JSON number; an IIN must be a string, since a number loses leading zeros")
	case c != '"':
		return "", errors.New("is not a string")
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", fmt.Errorf("unreadable string: %w", err)
	}
	if _, err := kz.ParseIIN(s); err != nil {
		return "", fmt.Errorf("not a valid IIN: %w", err)
	}
	return s, nil
}
