package console

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/welfare"
)

// appealOutcomes are the outcomes an officer may answer an appeal with.
var appealOutcomes = []string{store.AppealUpheld, store.AppealChanged, store.AppealRejected}

// answerForm is the answer as the form sent it, to show it again.
type answerForm struct {
	Text, Rule, Outcome string
	Redecide            bool
}

type appealData struct {
	view.Page
	Sub    string
	Appeal appealRow
	Status string
	// Outcome is the answer's outcome in the page's language.
	Outcome string
	D       decisionView
	// Rules are the law references the answer may cite: the programme's
	// versions' and the parameters' its decision used.
	Rules    []view.Option
	Outcomes []view.Option
	Form     answerForm
	// Error is a message key.
	Error string
}

// appealPage shows an officer a citizen's appeal: the reason and its
// document, the decision appealed explained, and the form to answer it
// with reasons citing the rule, after re-deciding the household if the
// facts changed. A wrong fact is corrected by the agency that holds it:
// the page links to the person's record.
func (s *Server) appealPage(w http.ResponseWriter, r *http.Request) {
	s.renderAppeal(w, r, http.StatusOK, appealData{Page: s.newPage(w, r), Form: answerForm{Outcome: store.AppealUpheld}})
}

func (s *Server) renderAppeal(w http.ResponseWriter, r *http.Request, status int, d appealData) {
	ctx := r.Context()
	d.Title, d.Nav, d.Sub = d.L.T("benefits.appeal.title"), "queue", "queue"
	a, ok := s.ownAppeal(w, r, d.Page)
	if !ok {
		return
	}
	dv, reads, err := s.decisionView(ctx, d.L, a.DecisionID, a.Programme, a.AppellantIIN)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	people, err := s.people(ctx, []string{a.AppellantIIN})
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	d.D = dv
	d.Appeal = appealRow{Appeal: a, Title: s.programmeTitle(d.L, a.Programme), Person: people[a.AppellantIIN],
		Overdue: a.Status == store.AppealOpen && overdue(a.Deadline, time.Now())}
	d.Status = d.L.Label("benefits.appeal.", a.Status)
	if a.Outcome != "" {
		d.Outcome = d.L.Label("benefits.appeal.", a.Outcome)
	}
	for _, ref := range s.lawRefs(a.Programme, dv.Explain) {
		d.Rules = append(d.Rules, view.Option{Value: ref, Label: ref, Selected: ref == d.Form.Rule})
	}
	for _, o := range appealOutcomes {
		d.Outcomes = append(d.Outcomes, view.Option{Value: o, Label: d.L.Label("benefits.answer.", o), Selected: o == d.Form.Outcome})
	}
	if err := s.recordReads(ctx, readBenefits, reads); err != nil {
		s.readsRefused(w, r, d.Page, err)
		return
	}
	s.render(w, r, status, "benefits_appeal", d)
}

// lawRefs are the law references an answer on programme may cite: its
// versions' and those of the parameters the explanation used, each once.
func (s *Server) lawRefs(programme string, ex view.BenefitExplanation) []string {
	var out []string
	add := func(ref string) {
		if ref = strings.TrimSpace(ref); ref != "" && !slices.Contains(out, ref) {
			out = append(out, ref)
		}
	}
	if p := s.programme(programme); p != nil {
		for _, v := range slices.Backward(p.Versions) {
			add(v.Law.Ref)
		}
	}
	for _, ref := range ex.Laws {
		add(ref)
	}
	return out
}

// ownAppeal reads the appeal of the path, answering itself when there is
// none, no service, or when the visit's agency does not administer the
// programmes.
func (s *Server) ownAppeal(w http.ResponseWriter, r *http.Request, p view.Page) (store.Appeal, bool) {
	if s.opts.Welfare == nil {
		s.notFoundPage(w, r)
		return store.Appeal{}, false
	}
	// Every appeal is the administering agency's: refuse others before
	// saying whether the appeal exists.
	if !s.administers(w, r, access.DecideBenefit, s.opts.Welfare.Agency()) {
		return store.Appeal{}, false
	}
	id, ok := parseID(r, "appeal")
	if !ok {
		s.notFoundPage(w, r)
		return store.Appeal{}, false
	}
	a, err := s.st.Appeal(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, p, err)
		return store.Appeal{}, false
	}
	return a, true
}

// appealForm answers an open appeal: the text, the rule it cites, the
// outcome, and whether to re-decide the household first (an answer
// "changed" replaces the decision with the new one).
func (s *Server) appealForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(ctx)
	p := s.newPage(w, r)
	a, ok := s.ownAppeal(w, r, p)
	if !ok {
		return
	}
	f := answerForm{Text: strings.TrimSpace(r.PostFormValue("answer")), Rule: r.PostFormValue("rule"),
		Outcome: r.PostFormValue("outcome"), Redecide: r.PostFormValue("redecide") != ""}
	bad := func(status int, key string) {
		s.renderAppeal(w, r, status, appealData{Page: p, Form: f, Error: key})
	}
	switch {
	case !slices.Contains(appealOutcomes, f.Outcome):
		bad(http.StatusUnprocessableEntity, view.Msg("benefits.answer.outcome"))
		return
	case f.Text == "" || f.Rule == "":
		bad(http.StatusUnprocessableEntity, view.Msg("benefits.answer.incomplete"))
		return
	}
	_, err := s.opts.Welfare.AnswerAppeal(ctx, author(v), a.ID, welfare.Answer{Text: f.Text, RuleRef: f.Rule,
		Outcome: f.Outcome, Redecide: f.Redecide})
	switch {
	case errors.Is(err, store.ErrWrongState):
		bad(http.StatusConflict, view.Msg("benefits.answer.answered"))
		return
	case errors.Is(err, store.ErrInvalid):
		bad(http.StatusUnprocessableEntity, view.Msg("benefits.answer.invalid"))
		return
	case err != nil:
		s.errorPage(w, r, p, err)
		return
	}
	slog.InfoContext(ctx, "benefit appeal answered", "appeal", a.ID, "outcome", f.Outcome, "redecide", f.Redecide,
		"official", v.official().Login)
	http.Redirect(w, r, "/benefits/appeals/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

// appealDocument sends the officer the document the citizen attached to
// the appeal, recorded as a read of the citizen first.
func (s *Server) appealDocument(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	a, ok := s.ownAppeal(w, r, p)
	if !ok {
		return
	}
	name, ctype, data, err := s.st.AppealDocument(r.Context(), a.ID)
	if err != nil {
		s.errorPage(w, r, p, err)
		return
	}
	if len(data) == 0 {
		s.notFoundPage(w, r)
		return
	}
	if err := s.recordReads(r.Context(), readAppealDocument, []read{{Subject: a.AppellantIIN}}); err != nil {
		s.readsRefused(w, r, p, err)
		return
	}
	view.SendAttachment(w, name, ctype, data)
}
