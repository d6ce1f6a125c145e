package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/store"
)

// A status form carries a status, a short note and where to return; a
// body larger than this is not a form the console sent.
const (
	maxFormBytes = 16 << 10
	maxNoteRunes = 1000
)

// settableStatus reports whether a data officer may set status by hand:
// resolved is the quality run's to decide.
func settableStatus(status string) bool {
	return status == store.FindingOpen || status == store.FindingFixed || status == store.FindingNotDefect
}

// checkNote validates a data officer's note.
func checkNote(note string) (string, error) {
	note = strings.TrimSpace(note)
	if !utf8.ValidString(note) || utf8.RuneCountInString(note) > maxNoteRunes {
		return "", fmt.Errorf("note: want at most %d characters of UTF-8 text", maxNoteRunes)
	}
	return note, nil
}

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
		s.render(w, r, http.StatusForbidden, "error", errorData{page: titled(p, "error.forbidden"),
			Heading: p.L.T("error.forbidden"), Detail: p.L.T("error.crosssite")})
		return
	}
	badRequest := func() {
		s.render(w, r, http.StatusBadRequest, "error", errorData{page: titled(p, "error.badrequest"),
			Heading: p.L.T("error.badrequest"), Detail: p.L.T("error.badform")})
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		badRequest()
		return
	}
	id, status := r.PathValue("finding"), r.PostForm.Get("status")
	note, err := checkNote(r.PostForm.Get("note"))
	if err != nil || !settableStatus(status) {
		badRequest()
		return
	}
	if err := s.st.SetFindingStatus(r.Context(), id, status, note); err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	s.statusGen.bump()
	slog.InfoContext(r.Context(), "finding status set", "finding", id, "status", status)
	back := r.PostForm.Get("back")
	if !localPath(back) {
		back = "/worklist"
	}
	http.Redirect(w, r, back+"#finding-"+url.PathEscape(id), http.StatusSeeOther)
}

// localPath reports whether back is a path on this server, so that the
// form cannot be made to send the officer elsewhere.
func localPath(back string) bool {
	if !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n#") {
		return false
	}
	u, err := url.Parse(back)
	return err == nil && u.Scheme == "" && u.Host == ""
}
