package wallet

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/welfare"
)

// appealForm is an appeal being written against one programme of a
// decision.
type appealForm struct {
	walletPage
	Decision  int64
	Programme string
	Title     string
	// Until is the last moment the decision can be appealed; Late is true
	// once it has passed, and the page says so instead of showing a form.
	Until time.Time
	Late  bool
	// Reason is what the citizen wrote, kept when the form is refused.
	Reason string
	// Error is the message key of why the form was refused, and Field
	// the field it is about ("reason", "document"), or "".
	Error, Field string
	Explain      string
}

// appealTarget finds the decision and programme an appeal's path names
// among the citizen's own; anything else is answered as missing.
func (s *Server) appealTarget(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) (appealForm, bool) {
	f := appealForm{walletPage: wp}
	f.Title, f.WNav = f.L.T("wallet.ben.appeal.title"), "benefits"
	if s.opts.Welfare == nil {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.ben.off"))
		return f, false
	}
	d, err := s.ownDecision(r.Context(), r, sess.IIN)
	programme := r.PathValue("programme")
	if view.IsNotFound(err) || (err == nil && !slices.ContainsFunc(d.Outcomes, func(o store.BenefitOutcome) bool { return o.Programme == programme })) {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.ben.nodecision"))
		return f, false
	}
	if err != nil {
		s.errorPage(w, r, wp, err)
		return f, false
	}
	names, err := s.benefitNames(r.Context(), f.L)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return f, false
	}
	f.Decision, f.Programme, f.Title = d.ID, programme, names.programme(programme)
	f.Explain = explainPath(d.ID, programme)
	f.Until = s.opts.Welfare.AppealUntil(d)
	f.Late = time.Now().After(f.Until)
	return f, true
}

// walletAppealForm shows the form to appeal one programme of a decision.
func (s *Server) walletAppealForm(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	f, ok := s.appealTarget(w, r, wp, sess)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "appeal", f)
}

// walletFileAppeal files the citizen's appeal, with a document when they
// attach one, and sends them to their benefits page where it shows with
// its deadline.
func (s *Server) walletFileAppeal(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	if !s.checkForm(w, r, sess.CSRF, maxUploadForm) {
		return
	}
	f, ok := s.appealTarget(w, r, wp, sess)
	if !ok {
		return
	}
	refuse := func(status int, key, field string) {
		f.Error, f.Field = key, field
		s.render(w, r, status, "appeal", f)
	}
	f.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	if f.Late {
		refuse(http.StatusUnprocessableEntity, view.Msg("wallet.ben.appeal.late"), "")
		return
	}
	if f.Reason == "" {
		refuse(http.StatusUnprocessableEntity, view.Msg("wallet.ben.appeal.noreason"), "reason")
		return
	}
	att, err := uploadedFile(r, "document")
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	var doc *welfare.Document
	if att != nil {
		doc = &welfare.Document{Name: att.Name, Type: att.Type, Data: att.Data}
	}
	a, err := s.opts.Welfare.FileAppeal(r.Context(), sess.IIN, f.Decision, f.Programme, f.Reason, doc)
	switch {
	case errors.Is(err, welfare.ErrDocument):
		refuse(http.StatusUnprocessableEntity, view.Msg("wallet.ben.appeal.baddoc"), "document")
		return
	case errors.Is(err, store.ErrTooLate):
		refuse(http.StatusUnprocessableEntity, view.Msg("wallet.ben.appeal.late"), "")
		return
	case errors.Is(err, store.ErrExists):
		refuse(http.StatusConflict, view.Msg("wallet.ben.appeal.twice"), "")
		return
	case errors.Is(err, store.ErrInvalid):
		refuse(http.StatusUnprocessableEntity, view.Msg("wallet.ben.appeal.noreason"), "reason")
		return
	case view.IsNotFound(err):
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.ben.nodecision"))
		return
	case err != nil:
		s.errorPage(w, r, wp, err)
		return
	}
	http.Redirect(w, r, "/wallet/benefits?done=appealed#appeal-"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

// walletAppealDocument sends back the document the citizen filed with
// their own appeal; another person's appeal is answered as missing.
func (s *Server) walletAppealDocument(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	id, err := strconv.ParseInt(r.PathValue("appeal"), 10, 64)
	var a store.Appeal
	if err == nil && id > 0 {
		a, err = s.st.Appeal(r.Context(), id)
	} else {
		err = store.ErrNotFound
	}
	if view.IsNotFound(err) || (err == nil && a.AppellantIIN != sess.IIN) {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.ben.nodecision"))
		return
	}
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	name, ctype, data, err := s.st.AppealDocument(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	view.SendAttachment(w, name, ctype, data)
}
