package view

import (
	"encoding/base64"
	"net/http"
	"strings"
	"time"
)

// SetCookie sets a cookie for the whole site that scripts cannot read and
// browsers send only over HTTPS (or to this machine): what every session
// and sign-in cookie of ortaq is.
func SetCookie(w http.ResponseWriter, name, value string, maxAge time.Duration, site http.SameSite) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HttpOnly: true, Secure: true, SameSite: site})
}

// ClearCookie tells the browser to forget a cookie SetCookie set.
func ClearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true,
		SameSite: http.SameSiteLaxMode})
}

// KeepAttempt keeps the parts of a sign-in attempt at an identity provider
// (its state, nonce, PKCE verifier and where to go next) in cookie name
// until the provider sends the browser back. SameSite=Lax, as that return
// is a cross-site navigation.
func KeepAttempt(w http.ResponseWriter, name string, ttl time.Duration, parts ...string) {
	// Encoded, as the next path may hold bytes a cookie value cannot.
	SetCookie(w, name, base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\n"))), ttl, http.SameSiteLaxMode)
}

// TakeAttempt returns the n parts KeepAttempt kept in cookie name and
// clears it, so that an attempt is used once; false when there is none or
// it does not hold n parts.
func TakeAttempt(w http.ResponseWriter, r *http.Request, name string, n int) ([]string, bool) {
	ClearCookie(w, name)
	c, err := r.Cookie(name)
	if err != nil {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil, false
	}
	parts := strings.Split(string(b), "\n")
	return parts, len(parts) == n
}
