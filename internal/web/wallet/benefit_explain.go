package wallet

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// explainData is the explanation of one programme of a decision, in the
// page's language (the shared view.BenefitExplanation), with the way to
// appeal it.
type explainData struct {
	walletPage
	Decision  int64
	Programme string
	Amount    string
	// Day is the decision date, Created when the decision was made.
	Day     string
	Created time.Time
	Explain view.BenefitExplanation
	// Appeals are the citizen's appeals of this programme's decision.
	Appeals []appealItem
	// CanAppeal shows the appeal button: within the window (until Until)
	// and with no appeal of the citizen's open. Late says the window
	// has passed.
	CanAppeal, Late bool
	Until           time.Time
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
	d.Decision, d.Programme = dec.ID, programme
	d.Day, d.Created = names.day(dec.DecisionDate), dec.CreatedAt
	if out.Eligible {
		d.Amount = names.amount(out.Amount, out.Period)
	}
	people, err := s.householdNames(ctx, sess.IIN)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	e, err := s.opts.Welfare.ExplainFor(ctx, dec, programme, d.L.Lang, people)
	if err != nil {
		s.errorPage(w, r, wp, err)
		return
	}
	d.Explain = view.ExplainBenefit(d.L, names.ix, view.BenefitInput{Catalog: e.Catalog, Decision: e.Decision,
		Situation: &e.Situation, Explanation: e.Explanation}, people)
	d.Explain.FactsHelp = d.L.T("wallet.ben.explain.wrong")
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
