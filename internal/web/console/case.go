package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/web/view"
)

type caseData struct {
	view.Page
	Ref, Reason, Next string
	Reasons           []view.Option
	// Error is a message key saying what is wrong with the form.
	Error string
}

// casePage asks for the case the official works on: a reference and a
// reason code, stated once per case rather than per click. Every person
// the official reads is recorded under it, and the citizen sees it.
func (s *Server) casePage(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r.Context())
	d := caseData{Page: s.newPage(w, r).Titled("case.title"), Ref: v.sess.Case.Ref, Reason: v.sess.Case.Reason,
		Next: nextPath(r.URL.Query().Get("next"))}
	s.renderCase(w, r, http.StatusOK, d)
}

func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, d caseData) {
	for _, code := range officials.ReasonCodes {
		d.Reasons = append(d.Reasons, view.Option{Value: code, Label: reasonLabel(d.L, code), Selected: code == d.Reason})
	}
	s.render(w, r, status, "case", d)
}

// caseForm states the official's case for this session.
func (s *Server) caseForm(w http.ResponseWriter, r *http.Request) {
	v := visitOf(r.Context())
	c := officials.Case{Ref: strings.TrimSpace(r.PostFormValue("case")), Reason: r.PostFormValue("reason")}
	next := nextPath(r.PostFormValue("next"))
	err := s.opts.Officials.SetCase(r.Context(), &v.sess, c)
	if errors.Is(err, officials.ErrInvalid) {
		d := caseData{Page: s.newPage(w, r).Titled("case.title"), Ref: c.Ref, Reason: c.Reason, Next: next,
			Error: view.Msg("case.invalid")}
		s.renderCase(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err != nil {
		s.errorPage(w, r, s.newPage(w, r), err)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
