package wallet

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// The wallet's cookies. __Host- makes browsers refuse them unless they are
// Secure, host-only and for the whole site, so that no other subdomain or
// plain-HTTP page can plant or read them. Browsers treat localhost as
// secure, so the demo works over plain HTTP there.
const (
	// sessionCookie carries the session token (SameSite=Lax, so that the
	// redirect back from the identity provider arrives signed in).
	sessionCookie = "__Host-ortaq-wallet"
	// signinCookie binds a sign-in code to the browser that asked for it.
	signinCookie = "__Host-ortaq-signin"
	// oidcCookie keeps an OpenID Connect attempt's state, nonce and PKCE
	// verifier until the provider sends the browser back.
	oidcCookie = "__Host-ortaq-oidc"
)

// signinTTL is how long a browser may take from the sign-in form to the
// code.
const signinTTL = 15 * time.Minute

// maxWalletForm caps a wallet form without an attachment.
const maxWalletForm = 64 << 10

// walletPage is what every wallet page template gets.
type walletPage struct {
	view.Page
	// SignedIn is false on the sign-in pages.
	SignedIn bool
	// CSRF is the token the signed-in citizen's forms carry.
	CSRF string
	// New counts accesses the citizen has not seen, for the notification.
	New int
	// WNav names the wallet section the page belongs to.
	WNav string
}

// citizen returns the signed-in session of the request's browser.
func (s *Server) citizen(r *http.Request) (wallet.Session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return wallet.Session{}, wallet.ErrNoSession
	}
	return s.opts.Wallet.Session(r.Context(), c.Value)
}

// signedIn wraps a wallet page that needs a signed-in citizen: without a
// session the browser goes to the sign-in page, which brings it back.
func (s *Server) signedIn(h func(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Wallet == nil {
			s.notFoundPage(w, r)
			return
		}
		sess, err := s.citizen(r)
		if errors.Is(err, wallet.ErrNoSession) {
			if r.Method != http.MethodGet {
				s.walletRefused(w, r, http.StatusUnauthorized, view.Msg("wallet.expired"))
				return
			}
			http.Redirect(w, r, "/wallet/sign-in?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
			return
		}
		wp := s.newWalletPage(w, r)
		if err != nil {
			s.errorPage(w, r, wp, err)
			return
		}
		wp.SignedIn, wp.CSRF = true, sess.CSRF
		// Wallet pages show one person's data: no cache may keep them.
		w.Header().Set("Cache-Control", "no-store")
		if wp.New, err = s.opts.Wallet.NewAccesses(r.Context(), sess.IIN); err != nil {
			s.errorPage(w, r, wp, err)
			return
		}
		h(w, r, wp, sess)
	}
}

func (s *Server) newWalletPage(w http.ResponseWriter, r *http.Request) walletPage {
	return walletPage{Page: s.newPage(w, r)}
}

// checkForm guards every wallet form: the browser must not mark it
// cross-site, and it must carry the session's CSRF token, which only a
// page of this wallet shown to this session knows. It parses the form
// (bodies up to limit bytes, multipart ones too) and answers the refusal
// itself, returning false.
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request, want string, limit int64) bool {
	switch view.CheckForm(w, r, s.csrf, want, limit) {
	case 0:
		return true
	case view.FormCrossSite:
		s.walletRefused(w, r, http.StatusForbidden, view.Msg("error.crosssite"))
	case view.FormTooBig:
		s.walletRefused(w, r, http.StatusBadRequest, view.Msg("wallet.toobig"))
	case view.FormForged:
		s.walletRefused(w, r, http.StatusForbidden, view.Msg("wallet.forged"))
	default:
		s.walletRefused(w, r, http.StatusBadRequest, view.Msg("error.badform"))
	}
	return false
}

// walletRefused shows a refusal in the wallet's frame.
func (s *Server) walletRefused(w http.ResponseWriter, r *http.Request, status int, key string) {
	wp := s.newWalletPage(w, r)
	heading := view.Msg("error.forbidden")
	switch status {
	case http.StatusBadRequest:
		heading = view.Msg("error.badrequest")
	case http.StatusUnauthorized:
		heading = view.Msg("wallet.signin.title")
	case http.StatusNotFound:
		heading = view.Msg("error.notfound")
	}
	wp.Title = wp.L.T(heading)
	s.render(w, r, status, "error", walletErrorData{walletPage: wp, Heading: wp.L.T(heading), Detail: wp.L.T(key)})
}

type walletErrorData struct {
	walletPage
	Heading, Detail string
}

// binding returns the browser's sign-in binding, setting a new one when
// it has none (or, with renew false, reporting false).
func binding(w http.ResponseWriter, r *http.Request, renew bool) ([]byte, bool) {
	if c, err := r.Cookie(signinCookie); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil && len(b) == 32 {
			return b, true
		}
	}
	if !renew {
		return nil, false
	}
	b := make([]byte, 32)
	rand.Read(b)
	view.SetCookie(w, signinCookie, base64.RawURLEncoding.EncodeToString(b), signinTTL, http.SameSiteStrictMode)
	return b, true
}

// bindingCSRF is the token sign-in forms carry: derived from the binding
// cookie, which another site can neither read nor set.
func bindingCSRF(b []byte) string {
	h := sha256.Sum256(append([]byte("ortaq sign-in form\x00"), b...))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// nextPath is where to go after signing in: a wallet path on this server,
// else the wallet's home.
func nextPath(next string) string {
	if view.LocalPath(next) && len(next) >= len("/wallet") && next[:len("/wallet")] == "/wallet" {
		return next
	}
	return "/wallet"
}
