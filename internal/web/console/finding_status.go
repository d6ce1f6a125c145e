package console

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// officerCookieName remembers the name an officer last decided under, so
// that the work list's forms carry it. It identifies nobody: there is no
// sign-in yet, and the name is what the officer typed.
const officerCookieName = "ortaq_officer"

// maxOfficerRunes bounds an officer's name, as the correction form does.
const maxOfficerRunes = 128

// officerCookie returns the remembered officer's name, or "".
func officerCookie(r *http.Request) string {
	c, err := r.Cookie(officerCookieName)
	if err != nil {
		return ""
	}
	name, err := url.QueryUnescape(c.Value)
	if err != nil {
		return ""
	}
	if name, ok := checkOfficer(name); ok {
		return name
	}
	return ""
}

// rememberOfficer keeps name for the officer's next forms, on this server
// only.
func rememberOfficer(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: officerCookieName, Value: url.QueryEscape(name), Path: "/", MaxAge: 30 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

// checkOfficer trims an officer's name and reports whether it is one.
func checkOfficer(name string) (string, bool) {
	name = strings.TrimSpace(name)
	return name, name != "" && utf8.ValidString(name) && utf8.RuneCountInString(name) <= maxOfficerRunes
}

// refuseCrossSite answers 403 and reports true when a browser marks r as
// cross-site: the console has no login yet, so another site must not be
// able to decide findings through a visitor's browser.
func (s *Server) refuseCrossSite(w http.ResponseWriter, r *http.Request, p view.Page) bool {
	err := s.csrf.Check(r)
	if err == nil {
		return false
	}
	slog.WarnContext(r.Context(), "cross-site form refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"),
		"sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
	s.render(w, r, http.StatusForbidden, "error", errorData{Page: p.Titled("error.forbidden"),
		Heading: p.L.T("error.forbidden"), Detail: p.L.T("error.crosssite")})
	return true
}

// findingForm records a data officer's decision on a finding from a work
// list's form and returns to the page the form was on (303, so that a
// reload does not post again). The decision is recorded under the
// officer's name when the form carries one. A request a browser marks as
// cross-site is refused.
func (s *Server) findingForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	if s.refuseCrossSite(w, r, p) {
		return
	}
	badRequest := func() {
		s.render(w, r, http.StatusBadRequest, "error", errorData{Page: p.Titled("error.badrequest"),
			Heading: p.L.T("error.badrequest"), Detail: p.L.T("error.badform")})
	}
	r.Body = http.MaxBytesReader(w, r.Body, view.MaxFormBytes)
	if err := r.ParseForm(); err != nil {
		badRequest()
		return
	}
	id, status := r.PathValue("finding"), r.PostForm.Get("status")
	note, err := view.CheckNote(r.PostForm.Get("note"))
	if err != nil || !view.SettableStatus(status) {
		badRequest()
		return
	}
	officer, named := checkOfficer(r.PostForm.Get("officer"))
	if !named && officer != "" {
		badRequest()
		return
	}
	if named {
		err = s.st.DecideFinding(r.Context(), id, store.Decision{Status: status, Reason: note, Officer: officer})
	} else {
		err = s.st.SetFindingStatus(r.Context(), id, status, note)
	}
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	slog.InfoContext(r.Context(), "finding status set", "finding", id, "status", status)
	back := r.PostForm.Get("back")
	if !view.LocalPath(back) {
		back = "/worklist"
	}
	http.Redirect(w, r, back+"#finding-"+url.PathEscape(id), http.StatusSeeOther)
}

// bulkForm records one decision, fixed or not a defect, on every finding
// the filter the form carries selects (not only the page shown), and
// returns to that work list saying how many findings changed. It needs a
// reason and the officer's name, and changes nothing without them; a
// request a browser marks as cross-site is refused.
func (s *Server) bulkForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	if s.refuseCrossSite(w, r, p) {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, view.MaxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.render(w, r, http.StatusBadRequest, "error", errorData{Page: p.Titled("error.badrequest"),
			Heading: p.L.T("error.badrequest"), Detail: p.L.T("error.badform")})
		return
	}
	filter := readFilter(r.PostForm)
	status := r.PostForm.Get("decision")
	reason, err := view.CheckNote(r.PostForm.Get("reason"))
	officer, named := checkOfficer(r.PostForm.Get("officer"))
	if err != nil || reason == "" || !named || (status != store.FindingFixed && status != store.FindingNotDefect) {
		s.renderWorklist(w, r, http.StatusBadRequest, worklistData{Page: p, Filter: filter, Officer: officer,
			BulkError: view.Msg("worklist.bulk.missing"), BulkReason: r.PostForm.Get("reason")})
		return
	}
	f := filter.store()
	n, err := s.st.DecideFindings(r.Context(), f, store.Decision{Status: status, Reason: reason, Officer: officer})
	if errors.Is(err, store.ErrInvalid) {
		s.renderWorklist(w, r, http.StatusBadRequest, worklistData{Page: p, Filter: filter, Officer: officer,
			BulkError: view.Msg("worklist.bulk.missing"), BulkReason: reason})
		return
	}
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	slog.InfoContext(r.Context(), "findings decided in bulk", "agency", f.Agency, "source", f.Source, "check", f.Check,
		"kind", f.Kind, "status", status, "findings", n)
	rememberOfficer(w, officer)
	v := filter.values(1)
	v.Set("decided", strconv.Itoa(n))
	http.Redirect(w, r, "/worklist?"+v.Encode()+"#decided", http.StatusSeeOther)
}
