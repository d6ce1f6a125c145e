package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/web/view"
)

// The console's cookies. __Host- makes browsers refuse them unless they
// are Secure, host-only and for the whole site; browsers treat localhost
// as secure, so the demo works over plain HTTP there.
const (
	// sessionCookie carries the official's session token. SameSite=Lax so
	// that the identity provider's redirect back arrives signed in; every
	// state-changing form also carries the session's CSRF token.
	sessionCookie = "__Host-ortaq-console"
	// oidcCookie keeps an OpenID Connect attempt until the provider sends
	// the browser back.
	oidcCookie = "__Host-ortaq-console-oidc"
)

// visit is a signed-in official's request.
type visit struct {
	sess officials.Session
}

// official is who the visit is by.
func (v *visit) official() officials.Official { return v.sess.Official }

// principal is the official as the policy sees them.
func (v *visit) principal() access.Principal { return v.sess.Official.Principal() }

// roleFor names the official's first role that permits a: what an audit
// record says they acted as.
func (v *visit) roleFor(a access.Action) access.Role {
	for _, r := range v.sess.Official.Roles {
		if (access.Principal{Roles: []access.Role{r}}).Permits(a) {
			return r
		}
	}
	return ""
}

type visitKey struct{}

// visitOf returns the signed-in official's visit of ctx, or nil.
func visitOf(ctx context.Context) *visit {
	v, _ := ctx.Value(visitKey{}).(*visit)
	return v
}

// caseActions need a stated case before they run: they show or change a
// person's data.
var caseActions = map[access.Action]bool{
	access.ReadPerson:       true,
	access.DecideFinding:    true,
	access.DecideCorrection: true,
	access.DecideBenefit:    true,
}

// policyText is how the route listing states an action's policy.
func policyText(a access.Action) string {
	p := "signed-in official with " + string(a)
	if access.Scoped(a) {
		p += ", own agency"
		if a == access.ReadPerson {
			p += " or break-glass"
		}
	}
	if caseActions[a] {
		p += ", stated case"
	}
	return p
}

// need wraps h as taking action a: the request must come from a
// signed-in official whose roles permit a, with a stated case when a reads
// or changes a person's data, and a form must carry the session's CSRF
// token. What is refused here never reaches the store or the audit log.
// Scoped actions are decided again by the handler, which knows the
// resource's owners.
func (s *Server) need(a access.Action, h http.HandlerFunc) http.Handler {
	return s.guard(a, caseActions[a], h)
}

// guard is need with the stated case required or not: the case page
// itself reads people's data only once a case is stated.
func (s *Server) guard(a access.Action, needCase bool, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		sess, err := s.session(r)
		if errors.Is(err, officials.ErrNoSession) {
			if r.Method == http.MethodGet || r.Method == http.MethodHead {
				http.Redirect(w, r, "/sign-in?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
				return
			}
			s.refuse(w, r, http.StatusUnauthorized, view.Msg("officials.expired"))
			return
		}
		if err != nil {
			s.errorPage(w, r, s.newPage(w, r), err)
			return
		}
		v := &visit{sess: sess}
		r = r.WithContext(context.WithValue(r.Context(), visitKey{}, v))
		if !v.principal().Permits(a) {
			slog.WarnContext(r.Context(), "official refused by role", "official", sess.Official.Login, "action", a, "path", r.URL.Path)
			s.refuse(w, r, http.StatusForbidden, view.Msg("officials.role"))
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !s.checkForm(w, r, sess.CSRF, formLimit(a)) {
			return
		}
		if needCase && sess.Case.Ref == "" {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/case?"+url.Values{"next": {r.URL.RequestURI()}}.Encode(), http.StatusSeeOther)
				return
			}
			s.refuse(w, r, http.StatusForbidden, view.Msg("officials.nocase"))
			return
		}
		h(w, r)
	})
}

// session returns the signed-in session of the request's browser.
func (s *Server) session(r *http.Request) (officials.Session, error) {
	if s.opts.Officials == nil {
		return officials.Session{}, officials.ErrNoSession
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return officials.Session{}, officials.ErrNoSession
	}
	return s.opts.Officials.Session(r.Context(), c.Value)
}

// formLimit is the largest form the route of action a takes: a
// programme's rules as a YAML file (parameters.yaml alone is 16 KiB)
// for a rule change, view.MaxFormBytes for every other form.
func formLimit(a access.Action) int64 {
	if a == access.ChangeRules {
		return 1 << 20
	}
	return view.MaxFormBytes
}

// checkForm guards a signed-in official's form: not cross-site, within
// limit bytes, with the session's token. It answers refusals itself.
func (s *Server) checkForm(w http.ResponseWriter, r *http.Request, want string, limit int64) bool {
	switch view.CheckForm(w, r, s.csrf, want, limit) {
	case 0:
		return true
	case view.FormCrossSite:
		s.refuse(w, r, http.StatusForbidden, view.Msg("error.crosssite"))
	case view.FormForged:
		s.refuse(w, r, http.StatusForbidden, view.Msg("officials.forged"))
	default:
		s.refuse(w, r, http.StatusBadRequest, view.Msg("error.badform"))
	}
	return false
}

// refuse answers a refusal in the console's frame, detail a message key.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, status int, detail string) {
	p := s.newPage(w, r)
	heading := view.Msg("error.forbidden")
	switch status {
	case http.StatusBadRequest:
		heading = view.Msg("error.badrequest")
	case http.StatusUnauthorized:
		heading = view.Msg("officials.signin.title")
	case http.StatusTooManyRequests:
		heading = view.Msg("officials.toomany")
	}
	s.render(w, r, status, "error", errorData{Page: p.Titled(heading), Heading: p.L.T(heading), Detail: p.L.T(detail)})
}

// who is the page header's account of the visit's official.
func (s *Server) who(l view.Locale, v *visit, agencyName string) *view.Who {
	o := v.official()
	w := &view.Who{Name: o.Name, Login: o.Login, Agency: agencyName, CSRF: v.sess.CSRF, Case: v.sess.Case.Ref,
		Can: map[string]bool{}}
	if w.Agency == "" {
		w.Agency = o.Agency
	}
	for _, r := range o.Roles {
		w.Roles = append(w.Roles, l.Label("role.", string(r)))
	}
	if v.sess.Case.Reason != "" {
		w.Reason = reasonLabel(l, v.sess.Case.Reason)
	}
	p := v.principal()
	w.Can["overview"] = p.Permits(access.ViewAggregates)
	w.Can["worklist"] = p.Permits(access.ReadPerson) && p.Permits(access.DecideFinding)
	w.Can["search"] = p.Permits(access.ReadPerson)
	w.Can["cows"] = p.Permits(access.ReadPerson)
	w.Can["exchange"] = p.Permits(access.ViewAggregates)
	w.Can["review"] = p.Permits(access.ReviewBreakGlass)
	w.Can["audit"] = p.Permits(access.ReadAudit)
	// The benefits pages: the ministry's for those who work on the
	// programmes, the queue for the officers who decide.
	hasBenefits := s.opts.Welfare != nil
	w.Can["benefits"] = hasBenefits && (p.Permits(access.DecideBenefit) || p.Permits(access.ChangeRules) ||
		p.Permits(access.SimulateReform))
	w.Can["queue"] = hasBenefits && p.Permits(access.DecideBenefit)
	w.Can["simulate"] = hasBenefits && p.Permits(access.SimulateReform)
	w.Can["spending"] = s.opts.SocialWallet != nil && p.Permits(access.WalletSpending)
	return w
}

// reasonLabel names a case's reason code in l's language.
func reasonLabel(l view.Locale, code string) string {
	if t, ok := officials.ReasonLabels[code][l.Lang]; ok {
		return t
	}
	return code
}

// clientIP is the address a request came from, for per-address limits.
// The console sits on the state's network without a proxy in front, so
// the connection's address is the client's.
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}
