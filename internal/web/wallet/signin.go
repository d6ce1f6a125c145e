package wallet

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// smsOutboxRows is how many messages the demo's outbox page shows.
const smsOutboxRows = 50

type walletSignInData struct {
	walletPage
	// Step is "iin" (ask for the IIN) or "code" (ask for the code).
	Step      string
	IIN       string
	Challenge string
	Next      string
	// FormToken is the sign-in forms' CSRF token.
	FormToken string
	// Error is a message key saying what went wrong, Info one saying
	// what happened.
	Error, Info string
	OIDC        bool
	Outbox      bool
	// Insecure warns that the browser will drop the wallet's cookies.
	Insecure bool
}

// walletSignIn shows the sign-in form: IIN, then the code sent to the
// phone the registers hold, or the state identity provider.
func (s *Server) walletSignIn(w http.ResponseWriter, r *http.Request) {
	if s.opts.Wallet == nil {
		s.notFoundPage(w, r)
		return
	}
	if _, err := s.citizen(r); err == nil {
		http.Redirect(w, r, nextPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	b, _ := binding(w, r, true)
	d := s.signInData(w, r, b)
	d.Next = nextPath(r.URL.Query().Get("next"))
	s.render(w, r, http.StatusOK, "signin", d)
}

func (s *Server) signInData(w http.ResponseWriter, r *http.Request, b []byte) walletSignInData {
	d := walletSignInData{walletPage: s.newWalletPage(w, r), Step: "iin", FormToken: bindingCSRF(b),
		OIDC: s.opts.OIDC != nil, Outbox: s.opts.SMSOutbox, Insecure: view.PlainHTTPElsewhere(r)}
	d.Title, d.WNav = d.L.T("wallet.signin.title"), "signin"
	w.Header().Set("Cache-Control", "no-store")
	return d
}

// signInForm checks a sign-in form: same site, the binding cookie, and
// the token derived from it. It returns the binding.
func (s *Server) signInForm(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if s.opts.Wallet == nil || !s.opts.SMSOutbox {
		s.notFoundPage(w, r)
		return nil, false
	}
	b, ok := binding(w, r, false)
	if !ok {
		// The cookie expired, or the browser refuses cookies: start over.
		s.walletRefused(w, r, http.StatusBadRequest, view.Msg("wallet.nocookie"))
		return nil, false
	}
	if !s.checkForm(w, r, bindingCSRF(b), maxWalletForm) {
		return nil, false
	}
	return b, true
}

// walletSendCode sends a sign-in code and asks for it.
func (s *Server) walletSendCode(w http.ResponseWriter, r *http.Request) {
	b, ok := s.signInForm(w, r)
	if !ok {
		return
	}
	d := s.signInData(w, r, b)
	d.IIN = strings.Join(strings.Fields(r.PostFormValue("iin")), "")
	d.Next = nextPath(r.PostFormValue("next"))
	ch, err := s.opts.Wallet.SendCode(r.Context(), d.IIN, wallet.ClientOf(r.RemoteAddr), b, d.L.Lang)
	var bad *wallet.InputError
	switch {
	case errors.As(err, &bad):
		d.Error = view.Msg("wallet.badiin")
		s.render(w, r, http.StatusUnprocessableEntity, "signin", d)
		return
	case errors.Is(err, wallet.ErrRateLimited):
		d.Error = view.Msg("wallet.ratelimited")
		s.render(w, r, http.StatusTooManyRequests, "signin", d)
		return
	case err != nil:
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	d.Step, d.Challenge, d.Info = "code", ch.ID, view.Msg("wallet.codesent")
	s.render(w, r, http.StatusOK, "signin", d)
}

// codeErrors maps sign-in failures onto what the page says.
var codeErrors = []struct {
	err error
	key string
}{
	{wallet.ErrCodeWrong, view.Msg("wallet.codewrong")},
	{wallet.ErrCodeExpired, view.Msg("wallet.codeexpired")},
	{wallet.ErrCodeUsed, view.Msg("wallet.codeused")},
	{wallet.ErrTooManyAttempts, view.Msg("wallet.codetoomany")},
}

// walletCheckCode signs the citizen in with the code.
func (s *Server) walletCheckCode(w http.ResponseWriter, r *http.Request) {
	b, ok := s.signInForm(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	d := s.signInData(w, r, b)
	d.Step, d.Challenge, d.Next = "code", r.PostFormValue("challenge"), nextPath(r.PostFormValue("next"))
	code := strings.Join(strings.Fields(r.PostFormValue("code")), "")
	iin, err := s.opts.Wallet.CheckCode(ctx, d.Challenge, code, b)
	if err != nil {
		for _, ce := range codeErrors {
			if errors.Is(err, ce.err) {
				d.Error = ce.key
				if ce.err != wallet.ErrCodeWrong {
					d.Step = "iin" // this challenge is over: ask for a new code
				}
				slog.InfoContext(ctx, "wallet sign-in refused", "reason", ce.err.Error())
				s.render(w, r, http.StatusUnauthorized, "signin", d)
				return
			}
		}
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	s.startSession(w, r, iin, wallet.ViaSMS, d.Next)
}

// startSession signs iin in on this browser and goes to next.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, iin, via, next string) {
	token, _, err := s.opts.Wallet.StartSession(r.Context(), iin, via)
	if err != nil {
		s.errorPage(w, r, s.newWalletPage(w, r), err)
		return
	}
	// The page's language is the citizen's: proactive benefit offers are
	// sent in it. A failure to remember it costs only that.
	if err := s.st.SetLanguage(r.Context(), iin, view.ChooseLang(w, r), time.Now()); err != nil {
		slog.WarnContext(r.Context(), "wallet language not stored", "err", err)
	}
	// A browser session cookie: closing the browser signs out of a
	// shared computer, and the server ends idle sessions anyway.
	view.SetCookie(w, sessionCookie, token, 0, http.SameSiteLaxMode)
	view.ClearCookie(w, signinCookie)
	slog.InfoContext(r.Context(), "wallet sign-in", "via", via)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// walletSignOut ends the session.
func (s *Server) walletSignOut(w http.ResponseWriter, r *http.Request, _ walletPage, sess wallet.Session) {
	if !s.checkForm(w, r, sess.CSRF, maxWalletForm) {
		return
	}
	if err := s.opts.Wallet.EndSession(r.Context(), sess); err != nil {
		s.errorPage(w, r, s.newWalletPage(w, r), err)
		return
	}
	view.ClearCookie(w, sessionCookie)
	http.Redirect(w, r, "/wallet/sign-in", http.StatusSeeOther)
}

type walletSMSData struct {
	walletPage
	Messages []store.SMS
}

// walletSMS is the demo's SMS outbox: where sign-in codes arrive when no
// mobile operator is connected. Only a demo server shows it.
func (s *Server) walletSMS(w http.ResponseWriter, r *http.Request) {
	if s.opts.Wallet == nil || !s.opts.SMSOutbox {
		s.notFoundPage(w, r)
		return
	}
	d := walletSMSData{walletPage: s.newWalletPage(w, r)}
	d.Title, d.WNav = d.L.T("wallet.sms.title"), "signin"
	// A code asked for a moment ago may still be on its way.
	s.opts.Wallet.Wait()
	msgs, err := wallet.NewOutbox(s.st).Messages(r.Context(), smsOutboxRows)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	d.Messages = msgs
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "sms", d)
}

// walletOIDCStart sends the browser to the state identity provider.
func (s *Server) walletOIDCStart(w http.ResponseWriter, r *http.Request) {
	if s.opts.Wallet == nil || s.opts.OIDC == nil {
		s.notFoundPage(w, r)
		return
	}
	st := s.opts.OIDC.Start()
	view.KeepAttempt(w, oidcCookie, signinTTL, st.State, st.Nonce, st.Verifier, nextPath(r.URL.Query().Get("next")))
	http.Redirect(w, r, st.URL, http.StatusFound)
}

// walletOIDCCallback finishes a sign-in at the identity provider.
func (s *Server) walletOIDCCallback(w http.ResponseWriter, r *http.Request) {
	if s.opts.Wallet == nil || s.opts.OIDC == nil {
		s.notFoundPage(w, r)
		return
	}
	parts, ok := view.TakeAttempt(w, r, oidcCookie, 4)
	q := r.URL.Query()
	if !ok || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(parts[0])) != 1 || q.Get("error") != "" {
		slog.InfoContext(r.Context(), "wallet oidc sign-in refused", "provider_error", q.Get("error"))
		s.walletRefused(w, r, http.StatusUnauthorized, view.Msg("wallet.oidcfailed"))
		return
	}
	iin, err := s.opts.OIDC.Finish(r.Context(), q.Get("code"), parts[2], parts[1])
	if err != nil {
		slog.WarnContext(r.Context(), "wallet oidc sign-in failed", "err", err)
		status := http.StatusUnauthorized
		if !errors.Is(err, wallet.ErrOIDC) {
			status = http.StatusBadGateway
		}
		s.walletRefused(w, r, status, view.Msg("wallet.oidcfailed"))
		return
	}
	s.startSession(w, r, iin, wallet.ViaOIDC, nextPath(parts[3]))
}
