package console

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/web/view"
)

// signinTTL is how long an OpenID Connect attempt may take.
const signinTTL = 10 * time.Minute

type signinData struct {
	view.Page
	Login, Next string
	// OIDC offers the identity provider's sign-in.
	OIDC bool
	// Error is a message key saying why the last attempt failed.
	Error string
	// Insecure is set when the page came over plain HTTP to another host,
	// where the browser will drop the session cookie.
	Insecure bool
}

// signinPage shows the sign-in form: login, password and the code of the
// official's authenticator app, or the identity provider's button.
func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r).Titled("officials.signin.title")
	s.renderSignin(w, r, http.StatusOK, signinData{Page: p, Next: nextPath(r.URL.Query().Get("next"))})
}

func (s *Server) renderSignin(w http.ResponseWriter, r *http.Request, status int, d signinData) {
	d.OIDC, d.Insecure = s.opts.OIDC != nil, view.PlainHTTPElsewhere(r)
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "signin", d)
}

// signinForm checks a login, password and one-time code. Every failure
// answers the same words, so that the form tells no one which logins
// exist; attempts are limited per address and, by the directory, per
// login.
func (s *Server) signinForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r).Titled("officials.signin.title")
	if err := s.csrf.Check(r); err != nil {
		s.refuse(w, r, http.StatusForbidden, view.Msg("error.crosssite"))
		return
	}
	if s.opts.Officials == nil {
		s.refuse(w, r, http.StatusServiceUnavailable, view.Msg("officials.nodirectory"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, view.MaxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.refuse(w, r, http.StatusBadRequest, view.Msg("error.badform"))
		return
	}
	d := signinData{Page: p, Login: strings.TrimSpace(r.PostFormValue("login")), Next: nextPath(r.PostFormValue("next"))}
	if !s.opts.Officials.AllowAttempt(clientIP(r)) {
		w.Header().Set("Retry-After", "60")
		d.Error = view.Msg("officials.toomany.lead")
		s.renderSignin(w, r, http.StatusTooManyRequests, d)
		return
	}
	o, err := s.opts.Officials.SignIn(r.Context(), d.Login, r.PostFormValue("password"), strings.TrimSpace(r.PostFormValue("code")))
	switch {
	case errors.Is(err, officials.ErrLocked):
		slog.WarnContext(r.Context(), "official sign-in while locked", "login", d.Login, "remote", clientIP(r))
		d.Error = view.Msg("officials.locked")
		s.renderSignin(w, r, http.StatusTooManyRequests, d)
		return
	case errors.Is(err, officials.ErrBadCredentials):
		slog.InfoContext(r.Context(), "official sign-in failed", "login", d.Login, "remote", clientIP(r))
		d.Error = view.Msg("officials.badcredentials")
		s.renderSignin(w, r, http.StatusUnauthorized, d)
		return
	case err != nil:
		s.errorPage(w, r, p, err)
		return
	}
	s.startSession(w, r, o, d.Next)
}

// startSession signs o in on this browser and sends it on to next.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, o officials.Official, next string) {
	token, sess, err := s.opts.Officials.StartSession(r.Context(), o)
	if err != nil {
		s.errorPage(w, r, s.newPage(w, r), err)
		return
	}
	slog.InfoContext(r.Context(), "official signed in", "official", o.Login, "agency", o.Agency, "via", o.Via)
	view.SetCookie(w, sessionCookie, token, time.Until(sess.ExpiresAt), http.SameSiteLaxMode)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// signoutForm ends the official's session.
func (s *Server) signoutForm(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r.Context())
	if err := s.opts.Officials.EndSession(r.Context(), v.sess); err != nil {
		s.errorPage(w, r, s.newPage(w, r), err)
		return
	}
	view.ClearCookie(w, sessionCookie)
	http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
}

// oidcStart sends the browser to the officials' identity provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if s.opts.OIDC == nil || s.opts.Officials == nil {
		s.notFoundPage(w, r)
		return
	}
	url, st, err := s.opts.OIDC.Start()
	if err != nil {
		s.errorPage(w, r, s.newPage(w, r), err)
		return
	}
	view.KeepAttempt(w, oidcCookie, signinTTL, st.State, st.Nonce, st.Verifier, nextPath(r.URL.Query().Get("next")))
	http.Redirect(w, r, url, http.StatusFound)
}

// oidcCallback finishes a sign-in at the identity provider: the claims
// name the official, their agency and roles, mapped as configured.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if s.opts.OIDC == nil || s.opts.Officials == nil {
		s.notFoundPage(w, r)
		return
	}
	parts, ok := view.TakeAttempt(w, r, oidcCookie, 4)
	q := r.URL.Query()
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(parts[0])) != 1 || q.Get("error") != "" {
		slog.InfoContext(r.Context(), "official oidc sign-in refused", "provider_error", q.Get("error"))
		s.refuse(w, r, http.StatusUnauthorized, view.Msg("officials.oidcfailed"))
		return
	}
	o, err := s.opts.OIDC.Finish(r.Context(), officials.OIDCState{State: parts[0], Nonce: parts[1], Verifier: parts[2]}, q)
	if err != nil {
		slog.WarnContext(r.Context(), "official oidc sign-in failed", "err", err)
		s.refuse(w, r, http.StatusUnauthorized, view.Msg("officials.oidcfailed"))
		return
	}
	s.startSession(w, r, o, nextPath(parts[3]))
}

// nextPath is where to go after signing in: a console path on this
// server, else the overview.
func nextPath(next string) string {
	if view.LocalPath(next) && !strings.HasPrefix(next, "/wallet") && !strings.HasPrefix(next, "/sign-") {
		return next
	}
	return "/"
}
