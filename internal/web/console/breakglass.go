package console

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/web/view"
)

// reviewRows is how many grants the auditor's review list shows.
const reviewRows = 200

// breakGlassData is the page that refuses a person outside the official's
// scope and offers break-glass access.
type breakGlassData struct {
	view.Page
	Entity, Reason string
	// Offer is false when the official's roles do not read people at all.
	Offer bool
	// Error is a message key saying what is wrong with the reason.
	Error string
}

// personAccess decides whether the visit may read the person or animal
// with entity id, of whom owners hold records. In scope it reports ok with
// no grant; outside it, an active break-glass grant of the official's for
// this entity opens it, and the grant's reason is returned to be
// recorded. Otherwise it answers 403 with the break-glass form itself.
func (s *Server) personAccess(w http.ResponseWriter, r *http.Request, p view.Page, entity string, owners []string) (grant string, ok bool) {
	v := visitOf(r.Context())
	switch access.Decide(v.principal(), access.ReadPerson, owners...) {
	case access.Allow:
		return "", true
	case access.OutOfScope:
		g, found, err := s.opts.Officials.ActiveGrant(r.Context(), v.official().ID, entity)
		if err != nil {
			s.errorPage(w, r, p, err)
			return "", false
		}
		if found {
			return cmpGrant(g.Reason), true
		}
		slog.InfoContext(r.Context(), "person outside the official's agency refused", "official", v.official().Login, "entity", entity)
		s.render(w, r, http.StatusForbidden, "breakglass", breakGlassData{Page: p.Titled("breakglass.title"), Entity: entity, Offer: true})
		return "", false
	default:
		s.refuse(w, r, http.StatusForbidden, view.Msg("officials.role"))
		return "", false
	}
}

// cmpGrant keeps a grant's reason non-empty, as an empty one would record
// the read as within scope.
func cmpGrant(reason string) string {
	if strings.TrimSpace(reason) == "" {
		return "break-glass"
	}
	return reason
}

// breakGlassForm opens one person outside the official's agency for a
// while, on a written reason. The access is flagged in every record it
// leads to and waits for an auditor's review.
func (s *Server) breakGlassForm(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r.Context())
	p := s.newPage(w, r)
	entity := r.PostFormValue("entity")
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if _, err := s.st.Golden(r.Context(), entity); err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	g, err := s.opts.Officials.BreakGlass(r.Context(), v.sess, entity, reason)
	if errors.Is(err, officials.ErrInvalid) {
		s.render(w, r, http.StatusUnprocessableEntity, "breakglass", breakGlassData{Page: p.Titled("breakglass.title"),
			Entity: entity, Reason: reason, Offer: true, Error: view.Msg("breakglass.short")})
		return
	}
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	slog.WarnContext(r.Context(), "break-glass access granted", "official", v.official().Login, "entity", entity,
		"grant", g.ID, "until", g.Until)
	http.Redirect(w, r, "/entities/"+url.PathEscape(entity), http.StatusSeeOther)
}

type reviewData struct {
	view.Page
	Grants []officials.Grant
	// Pending shows only grants waiting for review.
	Pending bool
}

// reviewPage lists break-glass grants for the auditor, those waiting for
// review first.
func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request) {
	d := reviewData{Page: s.newPage(w, r).Titled("review.title"), Pending: r.URL.Query().Get("all") == ""}
	d.Nav = "review"
	var err error
	if d.Grants, err = s.opts.Officials.Grants(r.Context(), d.Pending, reviewRows); err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	s.render(w, r, http.StatusOK, "review", d)
}

// reviewForm records an auditor's verdict on one grant.
func (s *Server) reviewForm(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r.Context())
	id, err := strconv.ParseInt(r.PathValue("grant"), 10, 64)
	if err != nil {
		s.notFoundPage(w, r)
		return
	}
	verdict := r.PostFormValue("verdict")
	note, err := view.CheckNote(r.PostFormValue("note"))
	if err != nil || (verdict != officials.Justified && verdict != officials.Unjustified) {
		s.refuse(w, r, http.StatusBadRequest, view.Msg("error.badform"))
		return
	}
	switch err := s.opts.Officials.Review(r.Context(), id, v.official(), verdict, note); {
	case errors.Is(err, officials.ErrForbidden):
		s.refuse(w, r, http.StatusForbidden, view.Msg("review.own"))
		return
	case errors.Is(err, officials.ErrNotFound):
		s.notFoundPage(w, r)
		return
	case errors.Is(err, officials.ErrReviewed):
		http.Redirect(w, r, "/reviews", http.StatusSeeOther)
		return
	case err != nil:
		s.errorPage(w, r, s.newPage(w, r), err)
		return
	}
	slog.InfoContext(r.Context(), "break-glass reviewed", "grant", id, "verdict", verdict, "auditor", v.official().Login)
	http.Redirect(w, r, "/reviews", http.StatusSeeOther)
}
