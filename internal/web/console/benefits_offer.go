package console

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// decisionView is a stored decision on a household as an officer reads
// it: the household's members, and one programme's explanation.
type decisionView struct {
	Decision store.BenefitDecision
	Members  []personBrief
	Explain  view.BenefitExplanation
}

type offerData struct {
	view.Page
	Sub    string
	Offer  offerRow
	Status string
	D      decisionView
	// Error is a message key; Note the note the form carried.
	Error, Note string
}

// offerPage shows an officer an offer a citizen accepted: the household's
// decision on the programme explained (the rule, the facts with where
// they came from, the parameters with their law, the arithmetic) and the
// form to confirm or reject it. Every member of the household it shows is
// recorded as read.
func (s *Server) offerPage(w http.ResponseWriter, r *http.Request) {
	s.renderOffer(w, r, http.StatusOK, offerData{Page: s.newPage(w, r)})
}

func (s *Server) renderOffer(w http.ResponseWriter, r *http.Request, status int, d offerData) {
	ctx := r.Context()
	d.Title, d.Nav, d.Sub = d.L.T("benefits.offer.title"), "queue", "queue"
	o, ok := s.ownOffer(w, r, d.Page)
	if !ok {
		return
	}
	dv, reads, err := s.decisionView(ctx, d.L, o.DecisionID, o.Programme, o.RecipientIIN)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	people, err := s.people(ctx, []string{o.RecipientIIN})
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	d.D = dv
	d.Offer = offerRow{Offer: o, Title: s.programmeTitle(d.L, o.Programme), Amount: tenge(d.L, o.Amount), Person: people[o.RecipientIIN]}
	d.Status = d.L.Label("benefits.offer.", o.Status)
	if err := s.recordReads(ctx, readBenefits, reads); err != nil {
		s.readsRefused(w, r, d.Page, err)
		return
	}
	s.render(w, r, status, "benefits_offer", d)
}

// ownOffer reads the offer of the path, answering itself when there is
// none, no service, or when it is not the visit's agency's to decide.
func (s *Server) ownOffer(w http.ResponseWriter, r *http.Request, p view.Page) (store.Offer, bool) {
	if s.opts.Welfare == nil {
		s.notFoundPage(w, r)
		return store.Offer{}, false
	}
	id, ok := parseID(r, "offer")
	if !ok {
		s.notFoundPage(w, r)
		return store.Offer{}, false
	}
	o, err := s.st.Offer(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, p, err)
		return store.Offer{}, false
	}
	if !s.administers(w, r, access.DecideBenefit, o.Agency) {
		return store.Offer{}, false
	}
	return o, true
}

// decisionView reads decision id with its household's members and
// explains programme in l's language: the facts with the people by name,
// agencies and sources as the registry names them, the figures with their
// law. reads are the people it shows: every member, and also (who may
// have left the household since) the citizen the offer or appeal is of
// and the people the decision counted.
func (s *Server) decisionView(ctx context.Context, l view.Locale, id int64, programme, citizen string) (decisionView, []read, error) {
	var dv decisionView
	dec, err := s.st.BenefitDecision(ctx, id)
	if err != nil {
		return dv, nil, err
	}
	dv.Decision = dec
	members, err := s.st.HouseholdMembers(ctx, dec.Household)
	if err != nil {
		return dv, nil, err
	}
	iins := []string{citizen}
	for _, m := range members {
		iins = append(iins, m.IIN)
	}
	people, err := s.people(ctx, iins)
	if err != nil {
		return dv, nil, err
	}
	names := map[string]string{}
	for _, p := range people {
		if p.Entity != "" && p.Name != "" {
			names[p.Entity] = p.Name
		}
	}
	for _, m := range members {
		p := people[m.IIN]
		if m.IIN == "" {
			p = personBrief{Entity: m.Person}
		}
		if p.Name != "" {
			names[m.Person] = p.Name
		}
		dv.Members = append(dv.Members, p)
	}
	e, err := s.opts.Welfare.ExplainFor(ctx, dec, programme, l.Lang, names)
	if err != nil {
		return dv, nil, err
	}
	ix, err := view.LoadSources(ctx, s.st, l)
	if err != nil {
		return dv, nil, err
	}
	// The explanation gives the facts of the people the decision
	// counted, some of whom may have left the household since: each is
	// read too, and named.
	reads := iinReads(iins)
	var left []string
	for _, p := range e.Situation.Persons {
		if !slices.ContainsFunc(members, func(m store.HouseholdMember) bool { return m.Person == p.ID }) {
			left = append(left, p.ID)
		}
	}
	if len(left) > 0 {
		gs, err := s.st.GoldenBrief(ctx, left)
		if err != nil {
			return dv, nil, err
		}
		for _, id := range left {
			g, ok := gs[id]
			if !ok {
				g = store.GoldenRow{EntityID: id}
			}
			if g.Name != "" {
				names[id] = g.Name
			}
			reads = append(reads, read{Subject: personSubject(g)})
		}
	}
	dv.Explain = view.ExplainBenefit(l, ix, view.BenefitInput{Catalog: e.Catalog, Decision: e.Decision,
		Situation: &e.Situation, Explanation: e.Explanation}, names)
	return dv, reads, nil
}

// offerForm confirms or rejects an accepted offer of the visit's agency,
// with the officer's note, and returns to the offer.
func (s *Server) offerForm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := visitOf(ctx)
	p := s.newPage(w, r)
	o, ok := s.ownOffer(w, r, p)
	if !ok {
		return
	}
	note := r.PostFormValue("note")
	var confirm bool
	switch r.PostFormValue("action") {
	case "confirm":
		confirm = true
	case "reject":
		if note == "" {
			s.renderOffer(w, r, http.StatusUnprocessableEntity, offerData{Page: p, Error: view.Msg("benefits.offer.why")})
			return
		}
	default:
		s.renderOffer(w, r, http.StatusUnprocessableEntity, offerData{Page: p, Error: view.Msg("benefits.offer.choose"), Note: note})
		return
	}
	_, err := s.opts.Welfare.ConfirmOffer(ctx, author(v), o.ID, confirm, note)
	switch {
	case errors.Is(err, store.ErrWrongState):
		s.renderOffer(w, r, http.StatusConflict, offerData{Page: p, Error: view.Msg("benefits.offer.decided")})
		return
	case err != nil:
		s.errorPage(w, r, p, err)
		return
	}
	slog.InfoContext(ctx, "benefit offer decided", "offer", o.ID, "confirm", confirm, "official", v.official().Login)
	http.Redirect(w, r, "/benefits/offers/"+strconv.FormatInt(o.ID, 10), http.StatusSeeOther)
}
