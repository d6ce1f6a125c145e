package console

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// worklistCorrections is how many open correction requests a work list
// shows above its findings.
const worklistCorrections = 50

// correctionRow is a correction request as an agency's work list shows it.
type correctionRow struct {
	store.Correction
	SourceTitle, AgencyName string
	Overdue                 bool
}

func correctionRows(ix view.SourceIndex, cs []store.Correction, now time.Time) []correctionRow {
	out := make([]correctionRow, len(cs))
	for i, c := range cs {
		out[i] = correctionRow{Correction: c, SourceTitle: ix.Title(c.Source), AgencyName: ix.Agency[c.Agency],
			Overdue: c.Status == store.CorrectionOpen && now.After(c.DueAt)}
	}
	return out
}

type correctionData struct {
	view.Page
	C correctionRow
	// State is the request's state as the citizen reads it, and its
	// explanation: an accepted request waits for the agency's system until
	// a version the agency sent holds the value.
	State  stateBadge
	Events []correctionEvent
	// Error is a message key; Field and Reason what to fix in the form.
	Error, Field, Reason string
}

// correctionPage shows a data officer one citizen's correction request:
// the value, the proposal, the explanation and attachment, the deadline,
// the history, and the forms to accept or reject it.
func (s *Server) correctionPage(w http.ResponseWriter, r *http.Request) {
	s.renderCorrection(w, r, http.StatusOK, correctionData{Page: s.newPage(w, r)})
}

func (s *Server) renderCorrection(w http.ResponseWriter, r *http.Request, status int, d correctionData) {
	d.Title, d.Nav = d.L.T("correction.title"), "worklist"
	if s.opts.Corrections == nil {
		s.notFoundPage(w, r)
		return
	}
	c, events, err := s.opts.Corrections.Get(r.Context(), r.PathValue("correction"))
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	ix, err := view.LoadSources(r.Context(), s.st, d.L)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	if !s.ownCorrection(w, r, c) {
		return
	}
	d.C, d.State = correctionRows(ix, []store.Correction{c}, time.Now())[0], correctionState(d.L, c)
	for _, e := range events {
		d.Events = append(d.Events, correctionEvent{CorrectionEvent: e, Badge: eventBadge(d.L, e.Status)})
	}
	if err := s.recordReads(r.Context(), readCorrection, []read{{Subject: c.Subject}}); err != nil {
		s.readsRefused(w, r, d.Page, err)
		return
	}
	s.render(w, r, status, "correction", d)
}

// correctionForm accepts or rejects a correction request to a record of
// the official's agency, under the official's identity.
func (s *Server) correctionForm(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r.Context())
	p := s.newPage(w, r)
	if s.opts.Corrections == nil {
		s.notFoundPage(w, r)
		return
	}
	ctx := r.Context()
	id, note := r.PathValue("correction"), r.PostFormValue("note")
	c, _, err := s.opts.Corrections.Get(ctx, id)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	if !s.ownCorrection(w, r, c) {
		return
	}
	by := decider(v)
	switch r.PostFormValue("action") {
	case "accept":
		_, err = s.opts.Corrections.Accept(ctx, id, by, note)
	case "reject":
		_, err = s.opts.Corrections.Reject(ctx, id, by, note)
	default:
		err = &wallet.InputError{Field: "action", Reason: "choose accept or reject"}
	}
	var bad *wallet.InputError
	switch {
	case errors.As(err, &bad):
		s.renderCorrection(w, r, http.StatusUnprocessableEntity, correctionData{Page: p, Field: bad.Field, Reason: bad.Reason})
		return
	case errors.Is(err, store.ErrCorrectionDecided), errors.Is(err, store.ErrRecordChanged):
		key := view.Msg("correction.decided")
		if errors.Is(err, store.ErrRecordChanged) {
			key = view.Msg("correction.changed")
		}
		s.renderCorrection(w, r, http.StatusConflict, correctionData{Page: p, Error: key})
		return
	case err != nil:
		s.errorPage(w, r, p, err)
		return
	}
	slog.InfoContext(ctx, "correction decided", "correction", id, "action", r.PostFormValue("action"), "official", v.official().Login)
	http.Redirect(w, r, "/corrections/"+url.PathEscape(id), http.StatusSeeOther)
}

// ownCorrection reports whether the correction is to a record of the
// visit's agency, answering 403 itself when it is not.
func (s *Server) ownCorrection(w http.ResponseWriter, r *http.Request, c store.Correction) bool {
	v := visitOf(r.Context())
	if access.Decide(v.principal(), access.DecideCorrection, c.Agency) == access.Allow {
		return true
	}
	slog.WarnContext(r.Context(), "correction of another agency refused", "official", v.official().Login, "correction", c.ID)
	s.refuse(w, r, http.StatusForbidden, view.Msg("officials.otheragency"))
	return false
}

// correctionAttachment sends the officer the citizen's attachment.
func (s *Server) correctionAttachment(w http.ResponseWriter, r *http.Request) {
	if s.opts.Corrections == nil {
		s.notFoundPage(w, r)
		return
	}
	p := s.newPage(w, r)
	id := r.PathValue("correction")
	c, _, err := s.opts.Corrections.Get(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	if !s.ownCorrection(w, r, c) {
		return
	}
	a, err := s.opts.Corrections.Attachment(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	if len(a.Data) == 0 {
		s.notFoundPage(w, r)
		return
	}
	if err := s.recordReads(r.Context(), readAttachment, []read{{Subject: c.Subject}}); err != nil {
		s.readsRefused(w, r, p, err)
		return
	}
	view.SendAttachment(w, a.Name, a.Type, a.Data)
}

// stateBadge is a correction's state as the citizen reads it: a badge,
// its style, and the sentence that explains it with its date ("" when the
// badge says enough).
type stateBadge struct {
	State, Text, Class, Note string
}

// correctionEvent is an event of a request's history with its badge.
type correctionEvent struct {
	store.CorrectionEvent
	Badge stateBadge
}

// stateClasses style the states with the style sheet's badges.
var stateClasses = map[string]string{
	wallet.StateOpen: "c-open", wallet.StateRejected: "c-rejected", wallet.StateWaiting: "s-fixed",
	wallet.StateApplied: "c-accepted", wallet.StateSuperseded: "s-resolved",
}

// correctionState tells c's state in l's language.
func correctionState(l view.Locale, c store.Correction) stateBadge {
	st := wallet.CorrectionState(c)
	b := stateBadge{State: st, Text: walletText(l.Lang, wallet.StateKey(st)), Class: stateClasses[st]}
	if key, at := wallet.StateNote(c); key != "" {
		b.Note = walletText(l.Lang, key, l.Date(at))
	}
	return b
}

// eventBadge tells the status of a request's event: an acceptance reads
// "accepted", as wallet.Messages has it.
func eventBadge(l view.Locale, status string) stateBadge {
	return stateBadge{State: status, Text: walletText(l.Lang, wallet.StateKey(status)), Class: "c-" + status}
}
