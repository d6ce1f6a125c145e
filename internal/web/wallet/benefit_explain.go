package wallet

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/welfare"
)

// explainData is the explanation of one programme of a decision, in the
// page's language: the rule, the facts with where each came from, the
// figures set by law, the arithmetic and what would change the outcome.
type explainData struct {
	walletPage
	Decision           int64
	Programme, Heading string
	Eligible           bool
	Amount             string
	// Day is the decision date, Created when the decision was made.
	Day     string
	Created time.Time
	Summary string
	// Rule is the programme version with its legal basis, in words.
	Rule   string
	Facts  []explainFact
	Params []explainParam
	Steps  []string
	Change string
	// Appeals are the citizen's appeals of this programme's decision.
	Appeals []appealItem
	// CanAppeal shows the appeal button: within the window (until Until)
	// and with no appeal of the citizen's open. Late says the window
	// has passed.
	CanAppeal, Late bool
	Until           time.Time
}

// explainFact is one fact a decision read, with its provenance: the
// agency and its source as the registry names them, and the date.
type explainFact struct {
	What, Value          string
	Agency, Source, Date string
}

// explainParam is one figure set by law that a decision read.
type explainParam struct {
	Name, Value, From, Law string
}

// walletExplain explains one programme of a decision on the citizen's
// household, eligible or not, in the page's language, with a way to
// appeal it while the window is open.
func (s *Server) walletExplain(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	d := explainData{walletPage: wp}
	d.Title, d.WNav = d.L.T("wallet.ben.explain.title"), "benefits"
	if s.opts.Welfare == nil {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.ben.off"))
		return
	}
	ctx := r.Context()
	dec, err := s.ownDecision(ctx, r, sess.IIN)
	programme := r.PathValue("programme")
	i := slices.IndexFunc(dec.Outcomes, func(o store.BenefitOutcome) bool { return o.Programme == programme })
	if view.IsNotFound(err) || (err == nil && i < 0) {
		s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.ben.nodecision"))
		return
	}
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	names, err := s.benefitNames(ctx, d.L)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	out := dec.Outcomes[i]
	d.Decision, d.Programme, d.Heading, d.Eligible = dec.ID, programme, names.programme(programme), out.Eligible
	d.Day, d.Created = names.day(dec.DecisionDate), dec.CreatedAt
	if out.Eligible {
		d.Amount = names.amount(out.Amount, out.Period)
	}
	e, err := s.opts.Welfare.Explain(ctx, dec, programme, d.L.Lang)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	d.lines(e)
	// The facts and the figures come from the trace itself, so that the
	// agencies and sources are named as the registry names them in the
	// reader's language, with the household's people by name.
	res, err := s.opts.Welfare.Result(ctx, dec)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	sit, err := welfare.DecodeSituation(dec.Inputs)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	people, err := s.householdNames(ctx, sess.IIN)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	if j := slices.IndexFunc(res.Programmes, func(p benefits.Decision) bool { return p.Programme == programme }); j >= 0 && res.Programmes[j].Trace != nil {
		tr := res.Programmes[j].Trace
		d.Facts = names.facts(tr, &sit, people)
		d.Params = names.params(tr, s.opts.Welfare.Engine().Catalog())
	}
	appeals, err := s.st.AppealsFor(ctx, sess.IIN)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	now := time.Now()
	open := false
	for _, a := range appeals {
		if a.DecisionID == dec.ID && a.Programme == programme {
			d.Appeals = append(d.Appeals, names.appeal(a, now))
			open = open || a.Status == store.AppealOpen
		}
	}
	d.Until = s.opts.Welfare.AppealUntil(dec)
	d.Late = now.After(d.Until)
	d.CanAppeal = !d.Late && !open
	s.render(w, r, http.StatusOK, "explain", d)
}

// lines lays out the engine's explanation: the rule, the steps and the
// arithmetic in order, what would change the outcome, and the outcome as
// the summary. Its facts and parameters are shown from the trace instead
// (see walletExplain).
func (d *explainData) lines(e benefits.Explanation) {
	if e.Title != "" {
		d.Heading = e.Title
	}
	for _, l := range e.Lines {
		switch l.Kind {
		case "rule":
			d.Rule = l.Text
		case "step", "arithmetic":
			d.Steps = append(d.Steps, l.Text)
		case "change":
			d.Change = l.Text
		case "outcome", "error":
			d.Summary = l.Text
		}
	}
}

// householdNames maps the entities of the citizen's household (and the
// citizen) to their names, for the facts of an explanation.
func (s *Server) householdNames(ctx context.Context, iin string) (map[string]string, error) {
	out := map[string]string{}
	p, err := s.opts.Wallet.Profile(ctx, iin)
	if view.IsNotFound(err) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out[p.Golden.EntityID] = p.Golden.Name
	for _, g := range p.Household {
		out[g.EntityID] = g.Name
	}
	return out, nil
}
