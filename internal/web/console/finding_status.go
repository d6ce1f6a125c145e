package console

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// decider is how a decision names the official who made it: their name
// and their login, which is unique, so that no typed-in name can stand
// for someone else.
func decider(v *visit) string {
	o := v.official()
	if o.Name == "" {
		return o.Login
	}
	return o.Name + " (" + o.Login + ")"
}

// findingForm records a data officer's decision on a finding of their
// agency's sources from a work list's form and returns to the page the
// form was on (303, so that a reload does not post again). The decision
// carries the signed-in official's identity.
func (s *Server) findingForm(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r.Context())
	p := s.newPage(w, r)
	id, status := r.PathValue("finding"), r.PostForm.Get("status")
	note, err := view.CheckNote(r.PostForm.Get("note"))
	if err != nil || !view.SettableStatus(status) {
		s.refuse(w, r, http.StatusBadRequest, view.Msg("error.badform"))
		return
	}
	f, err := s.st.Finding(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	if access.Decide(v.principal(), access.DecideFinding, f.Agency) != access.Allow {
		slog.WarnContext(r.Context(), "finding of another agency refused", "official", v.official().Login, "finding", id)
		s.refuse(w, r, http.StatusForbidden, view.Msg("officials.otheragency"))
		return
	}
	if err := s.st.DecideFinding(r.Context(), id, store.Decision{Status: status, Reason: note, Officer: decider(v)}); err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	slog.InfoContext(r.Context(), "finding status set", "finding", id, "status", status, "official", v.official().Login)
	back := r.PostForm.Get("back")
	if !view.LocalPath(back) {
		back = "/worklist"
	}
	http.Redirect(w, r, back+"#finding-"+url.PathEscape(id), http.StatusSeeOther)
}

// bulkForm records one decision, fixed or not a defect, on every finding
// of the official's agency the filter the form carries selects (not only
// the page shown), and returns to that work list saying how many findings
// changed. It needs a reason, and changes nothing without one.
func (s *Server) bulkForm(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r.Context())
	p := s.newPage(w, r)
	filter := ownAgency(v, readFilter(r.PostForm))
	status := r.PostForm.Get("decision")
	reason, err := view.CheckNote(r.PostForm.Get("reason"))
	if err != nil || reason == "" || (status != store.FindingFixed && status != store.FindingNotDefect) {
		s.renderWorklist(w, r, http.StatusBadRequest, worklistData{Page: p, Filter: filter,
			BulkError: view.Msg("worklist.bulk.missing"), BulkReason: r.PostForm.Get("reason")})
		return
	}
	f := filter.store()
	n, err := s.st.DecideFindings(r.Context(), f, store.Decision{Status: status, Reason: reason, Officer: decider(v)})
	if errors.Is(err, store.ErrInvalid) {
		s.renderWorklist(w, r, http.StatusBadRequest, worklistData{Page: p, Filter: filter,
			BulkError: view.Msg("worklist.bulk.missing"), BulkReason: reason})
		return
	}
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	slog.InfoContext(r.Context(), "findings decided in bulk", "agency", f.Agency, "source", f.Source, "check", f.Check,
		"kind", f.Kind, "status", status, "findings", n, "official", v.official().Login)
	q := filter.values(1)
	q.Set("decided", strconv.Itoa(n))
	http.Redirect(w, r, "/worklist?"+q.Encode()+"#decided", http.StatusSeeOther)
}

// ownAgency narrows a work list's filter to the official's agency: a
// data officer's work list is their agency's, whatever the link says.
func ownAgency(v *visit, f worklistFilter) worklistFilter {
	f.Agency = v.official().Agency
	if f.Agency == "" {
		// An official of no agency holds no records: an agency code no
		// source has keeps the list empty rather than national.
		f.Agency = "\x00none"
	}
	return f
}
