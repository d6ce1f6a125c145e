package console

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/ortaq/ortaq/internal/web/view"
)

// findingForm records a data officer's decision on a finding from a work
// list's form and returns to the page the form was on (303, so that a
// reload does not post again). The console has no login yet, so a request
// a browser marks as cross-site is refused: another site must not be able
// to close findings through a visitor's browser.
func (s *Server) findingForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	if err := s.csrf.Check(r); err != nil {
		slog.WarnContext(r.Context(), "cross-site form refused", "path", r.URL.Path, "origin", r.Header.Get("Origin"),
			"sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		s.render(w, r, http.StatusForbidden, "error", errorData{Page: p.Titled("error.forbidden"),
			Heading: p.L.T("error.forbidden"), Detail: p.L.T("error.crosssite")})
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
	if err := s.st.SetFindingStatus(r.Context(), id, status, note); err != nil {
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

// view.LocalPath reports whether back is a path on this server, so that the
