package wallet

import (
	"context"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// benefitWords names what the benefits pages show, in the reader's
// language: programmes as the engine's catalogue titles them, amounts with
// ₸ and their period; ix names agencies and sources for explanations.
type benefitWords struct {
	l      view.Locale
	ix     view.SourceIndex
	titles map[string]string
}

// benefitNames reads the names the benefits pages need in l's language.
func (s *Server) benefitNames(ctx context.Context, l view.Locale) (benefitWords, error) {
	ix, err := view.LoadSources(ctx, s.st, l)
	if err != nil {
		return benefitWords{}, err
	}
	n := benefitWords{l: l, ix: ix, titles: map[string]string{}}
	for _, p := range s.opts.Welfare.Engine().Catalog().Programmes {
		n.titles[p.ID] = view.TextIn(p.Title, l.Lang, p.ID)
	}
	return n, nil
}

// programme is a programme's title; a programme the catalogue no longer
// has shows its id.
func (n benefitWords) programme(id string) string {
	if t, ok := n.titles[id]; ok {
		return t
	}
	return id
}

// agency is an agency's name as the registry gives it in the reader's
// language, or its code.
func (n benefitWords) agency(code string) string {
	if a := n.ix.Agency[code]; a != "" {
		return a
	}
	return code
}

// amount is whole tenge with ₸ and the period: "12 345 ₸ a month", or
// "76 000 ₸ once".
func (n benefitWords) amount(tenge int64, period string) string {
	key := view.Msg("wallet.ben.month")
	if period == "once" {
		key = view.Msg("wallet.ben.once")
	}
	return n.l.F(key, n.l.N(int(tenge)))
}

// decision is a stored decision with its programmes in words.
func (n benefitWords) decision(d store.BenefitDecision) decisionItem {
	it := decisionItem{BenefitDecision: d, Day: n.day(d.DecisionDate)}
	for _, o := range d.Outcomes {
		p := programmeItem{Programme: o.Programme, Title: n.programme(o.Programme), Eligible: o.Eligible,
			Explain: explainPath(d.ID, o.Programme)}
		if o.Eligible {
			p.Amount = n.amount(o.Amount, o.Period)
		}
		it.Programmes = append(it.Programmes, p)
	}
	return it
}

// appeal is an appeal with its programme's title and, while open, the
// days left until its answer is due.
func (n benefitWords) appeal(a store.Appeal, now time.Time) appealItem {
	it := appealItem{Appeal: a, Title: n.programme(a.Programme), Explain: explainPath(a.DecisionID, a.Programme)}
	if a.NewDecisionID != 0 {
		it.NewExplain = explainPath(a.NewDecisionID, a.Programme)
	}
	if a.Status == store.AppealOpen && a.Deadline.After(now) {
		it.DaysLeft = int((a.Deadline.Sub(now) + 24*time.Hour - 1) / (24 * time.Hour))
	}
	return it
}

// day is a stored YYYY-MM-DD day as the reader writes it.
func (n benefitWords) day(s string) string { return n.l.Day(s) }
