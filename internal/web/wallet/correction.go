package wallet

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// maxUploadForm caps a form that carries a document (a correction's
// attachment, an appeal's document) with its text: the documents
// themselves are at most wallet.DefaultMaxAttachment (5 MiB), which the
// domain checks together with their type.
const maxUploadForm = 6 << 20

type walletCorrectionsData struct {
	walletPage
	Corrections []correctionItem
	Sources     view.SourceIndex
}

// correctionItem is a request with the state the citizen reads.
type correctionItem struct {
	store.Correction
	State stateBadge
}

// stateBadge is a correction's state as a citizen reads it: a badge, its
// style, and the sentence that explains it with its date ("" when the
// badge says enough). An accepted request the agency's own system does not
// hold yet reads "accepted; waiting for the agency's system", never
// "fixed".
type stateBadge struct {
	State, Text, Class, Note string
}

// stateClasses style the states with the style sheet's badges.
var stateClasses = map[string]string{
	wallet.StateOpen: "c-open", wallet.StateRejected: "c-rejected", wallet.StateWaiting: "s-fixed",
	wallet.StateApplied: "c-accepted", wallet.StateSuperseded: "s-resolved",
}

// correctionState tells c's state in l's language.
func correctionState(l view.Locale, c store.Correction) stateBadge {
	st := wallet.CorrectionState(c)
	b := stateBadge{State: st, Text: stateText(l.Lang, wallet.StateKey(st)), Class: stateClasses[st]}
	if key, at := wallet.StateNote(c); key != "" {
		b.Note = fmt.Sprintf(stateText(l.Lang, key), l.Date(at))
	}
	return b
}

// eventBadge tells the status of a request's event: an acceptance reads
// "accepted", as wallet.Messages has it.
func eventBadge(l view.Locale, status string) stateBadge {
	return stateBadge{State: status, Text: stateText(l.Lang, wallet.StateKey(status)), Class: "c-" + status}
}

// stateText is the text of a key of wallet.Messages in lang, falling back
// to English and then to the catalogue. The domain's map is read directly
// rather than registered, so that its keys and the wallet's older texts of
// the same name cannot collide in the catalogue.
func stateText(lang, key string) string {
	if t := wallet.Messages[key][lang]; t != "" {
		return t
	}
	if t := wallet.Messages[key]["en"]; t != "" {
		return t
	}
	return view.Locale{Lang: lang}.T(key)
}

// walletCorrections lists the citizen's correction requests.
func (s *Server) walletCorrections(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	d := walletCorrectionsData{walletPage: wp}
	d.Title, d.WNav = d.L.T("wallet.corrections.title"), "corrections"
	if s.opts.Corrections != nil {
		cs, err := s.opts.Corrections.Of(r.Context(), sess.IIN)
		if err != nil {
			s.errorPage(w, r, d.walletPage, err)
			return
		}
		for _, c := range cs {
			d.Corrections = append(d.Corrections, correctionItem{Correction: c, State: correctionState(d.L, c)})
		}
	}
	s.render(w, r, http.StatusOK, "corrections", d)
}

// correctionForm is a correction request being written.
type correctionForm struct {
	walletPage
	Source, SourceTitle, Agency string
	RecordID, Attr, Current     string
	Proposed, Explanation       string
	// Field says what to fix in the form; Reason says why, in the
	// reader's language, or is "" when the field's hint says enough.
	Field, Reason string
}

// correctionTarget finds the value a correction form is about among the
// citizen's own records; anything else is answered as missing.
func (s *Server) correctionTarget(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session, src, rec, attr string) (correctionForm, bool) {
	f := correctionForm{walletPage: wp, Source: src, RecordID: rec, Attr: attr}
	f.Title, f.WNav = f.L.T("wallet.correct.title"), "corrections"
	if s.opts.Corrections == nil {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.nocorrections"))
		return f, false
	}
	p, err := s.opts.Wallet.Profile(r.Context(), sess.IIN)
	if err != nil && !view.IsNotFound(err) {
		s.errorPage(w, r, wp, err)
		return f, false
	}
	ix, err := view.LoadSources(r.Context(), s.st, wp.L)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return f, false
	}
	if p != nil {
		for _, lr := range p.Records {
			info := ix.ByID[lr.SourceID]
			if info.Name != src || lr.RecordID != rec {
				continue
			}
			if v, ok := lr.Attrs[attr]; ok {
				f.Current, f.SourceTitle, f.Agency = v, ix.Title(src), ix.Agency[info.AgencyCode]
				return f, true
			}
		}
	}
	s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.novalue"))
	return f, false
}

// walletCorrectionNew shows the form to correct one value.
func (s *Server) walletCorrectionNew(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	q := r.URL.Query()
	f, ok := s.correctionTarget(w, r, wp, sess, q.Get("source"), q.Get("record"), q.Get("attr"))
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "correct", f)
}

// walletFileCorrection files a correction request with the agency that
// owns the value.
func (s *Server) walletFileCorrection(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	if !s.checkForm(w, r, sess.CSRF, maxUploadForm) {
		return
	}
	f, ok := s.correctionTarget(w, r, wp, sess, r.PostFormValue("source"), r.PostFormValue("record"), r.PostFormValue("attr"))
	if !ok {
		return
	}
	f.Proposed, f.Explanation = r.PostFormValue("proposed"), r.PostFormValue("explanation")
	req := wallet.CorrectionRequest{Subject: sess.IIN, Source: f.Source, RecordID: f.RecordID, Attr: f.Attr,
		Proposed: f.Proposed, Explanation: f.Explanation}
	var err error
	if req.Attachment, err = uploadedFile(r, "attachment"); err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	c, err := s.opts.Corrections.File(r.Context(), req)
	var bad *wallet.InputError
	switch {
	case errors.As(err, &bad):
		f.Field, f.Reason = bad.Field, inputReason(f.L, bad.Reason)
		s.render(w, r, http.StatusUnprocessableEntity, "correct", f)
		return
	case view.IsNotFound(err):
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.novalue"))
		return
	case err != nil:
		s.errorPage(w, r, wp, err)
		return
	}
	slog.InfoContext(r.Context(), "correction filed", "correction", c.ID, "source", c.Source, "attr", c.Attr)
	http.Redirect(w, r, "/wallet/corrections/"+url.PathEscape(c.ID), http.StatusSeeOther)
}

type walletCorrectionData struct {
	walletPage
	C      store.Correction
	State  stateBadge
	Events []correctionEvent
	// SourceTitle and Agency name where the value lives.
	SourceTitle, Agency string
}

// correctionEvent is an event of a request's history with its badge.
type correctionEvent struct {
	store.CorrectionEvent
	Badge stateBadge
}

// ownCorrection reads a correction request of the citizen's; another
// person's is answered as missing.
func (s *Server) ownCorrection(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) (store.Correction, []store.CorrectionEvent, bool) {
	if s.opts.Corrections == nil {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.nocorrections"))
		return store.Correction{}, nil, false
	}
	c, events, err := s.opts.Corrections.Get(r.Context(), r.PathValue("correction"))
	if view.IsNotFound(err) || (err == nil && c.Subject != sess.IIN) {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.nocorrection"))
		return c, nil, false
	}
	if err != nil {
		s.errorPage(w, r, wp, err)
		return c, nil, false
	}
	return c, events, true
}

// walletCorrection shows one correction request and its history.
func (s *Server) walletCorrection(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	c, events, ok := s.ownCorrection(w, r, wp, sess)
	if !ok {
		return
	}
	d := walletCorrectionData{walletPage: wp, C: c}
	d.State = correctionState(d.L, c)
	for _, e := range events {
		d.Events = append(d.Events, correctionEvent{CorrectionEvent: e, Badge: eventBadge(d.L, e.Status)})
	}
	d.Title, d.WNav = d.L.T("wallet.correction.title"), "corrections"
	ix, err := view.LoadSources(r.Context(), s.st, d.L)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	d.SourceTitle, d.Agency = ix.Title(c.Source), ix.Agency[c.Agency]
	s.render(w, r, http.StatusOK, "correction", d)
}

// walletCorrectionAttachment sends back the citizen's own attachment.
func (s *Server) walletCorrectionAttachment(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	c, _, ok := s.ownCorrection(w, r, wp, sess)
	if !ok {
		return
	}
	s.sendAttachment(w, r, wp, c.ID)
}

// uploadedFile reads the file a form checked by checkForm sent in field,
// with the name and type the browser gave it, or nil when it sent none or
// an empty one. The form's limit bounds the read; the domain (the
// corrections, the welfare service) checks the file's own size and sniffs
// its type, so that what a browser claims is never trusted.
func uploadedFile(r *http.Request, field string) (*wallet.Attachment, error) {
	file, hdr, err := r.FormFile(field)
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("form file %s: %w", field, err)
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		return nil, fmt.Errorf("form file %s: %w", field, err)
	}
	if len(data) == 0 {
		return nil, nil
	}
	return &wallet.Attachment{Name: hdr.Filename, Type: hdr.Header.Get("Content-Type"), Data: data}, nil
}

// sendAttachment sends a correction's attachment.
func (s *Server) sendAttachment(w http.ResponseWriter, r *http.Request, wp walletPage, id string) {
	a, err := s.opts.Corrections.Attachment(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	if len(a.Data) == 0 {
		s.notFoundPage(w, r)
		return
	}
	view.SendAttachment(w, a.Name, a.Type, a.Data)
}

// inputReason is why the wallet refused a form's field, for the page: its
// own words to an English reader; to others, an ingest's reason a value is
// invalid in their language, or nothing where the field's hint
// (wallet.fix.*) already says what to do.
func inputReason(l view.Locale, reason string) string {
	if l.Lang == "en" {
		return reason
	}
	if s := quality.IssueIn(l.Lang, reason); s != reason {
		return s
	}
	return ""
}
