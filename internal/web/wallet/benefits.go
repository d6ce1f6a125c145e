package wallet

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// walletBenefitsData is the citizen's benefits page: the offers made to
// them, the current decisions on their households and their appeals.
type walletBenefitsData struct {
	walletPage
	// Off is true when the server decides no benefits.
	Off bool
	// Notice is the message key of what the last form did, or "".
	Notice string
	// Waiting counts the offers waiting for the citizen's answer.
	Waiting   int
	Offers    []offerItem
	Decisions []decisionItem
	Appeals   []appealItem
}

// offerItem is an offer as the citizen reads it.
type offerItem struct {
	store.Offer
	Title, Amount, Agency string
	// Open is true while the citizen can still accept or decline it.
	Open bool
	// Explain is the path of the explanation of the decision it rests on.
	Explain string
}

// decisionItem is one household's current decision.
type decisionItem struct {
	store.BenefitDecision
	// Day is the decision date as the reader writes it.
	Day        string
	Programmes []programmeItem
}

// programmeItem is one programme of a decision.
type programmeItem struct {
	Programme, Title string
	Eligible         bool
	// Amount is the amount with ₸ and its period, "" when not eligible.
	Amount string
	// Explain is the path of its explanation.
	Explain string
}

// appealItem is an appeal with the words that tell its state.
type appealItem struct {
	store.Appeal
	Title string
	// DaysLeft is the days until the answer is due, for an open appeal.
	DaysLeft int
	// Explain is the path of the appealed decision's explanation;
	// NewExplain that of the decision an answer made, or "".
	Explain, NewExplain string
}

// benefitNotices are the notices a redirect after a benefits form may ask
// the list page to show (?done=...); anything else shows none.
var benefitNotices = map[string]string{
	"accepted": view.Msg("wallet.ben.done.accepted"),
	"declined": view.Msg("wallet.ben.done.declined"),
	"appealed": view.Msg("wallet.ben.done.appealed"),
}

// walletBenefits lists the citizen's offers (open ones first), the
// current decisions on the households they belong to, and their appeals.
func (s *Server) walletBenefits(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
	d := walletBenefitsData{walletPage: wp, Notice: benefitNotices[r.URL.Query().Get("done")]}
	d.Title, d.WNav = d.L.T("wallet.ben.title"), "benefits"
	if s.opts.Welfare == nil {
		d.Off = true
		s.render(w, r, http.StatusOK, "benefits", d)
		return
	}
	ctx := r.Context()
	now := time.Now()
	names, err := s.benefitNames(ctx, d.L)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	offers, err := s.st.OffersFor(ctx, sess.IIN)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	for _, o := range offers {
		it := offerItem{Offer: o, Title: names.programme(o.Programme), Amount: names.amount(o.Amount, o.Period),
			Agency: names.agency(o.Agency), Open: o.Status == store.OfferOffered && now.Before(o.ExpiresAt),
			Explain: explainPath(o.DecisionID, o.Programme)}
		if o.Status == store.OfferOffered && !it.Open {
			// Not yet swept by ExpireOffers, but past its time: it reads
			// as what it is.
			it.Status = store.OfferExpired
		}
		if it.Open {
			d.Waiting++
		}
		d.Offers = append(d.Offers, it)
	}
	// Open offers first, then the rest, newest first within each.
	slices.SortStableFunc(d.Offers, func(a, b offerItem) int {
		if a.Open != b.Open {
			if a.Open {
				return -1
			}
			return 1
		}
		return b.CreatedAt.Compare(a.CreatedAt)
	})
	decisions, err := s.st.DecisionsOfPerson(ctx, sess.IIN)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	for _, dec := range decisions {
		d.Decisions = append(d.Decisions, names.decision(dec))
	}
	appeals, err := s.st.AppealsFor(ctx, sess.IIN)
	if err != nil {
		s.errorPage(w, r, d.walletPage, err)
		return
	}
	for _, a := range appeals {
		d.Appeals = append(d.Appeals, names.appeal(a, now))
	}
	s.render(w, r, http.StatusOK, "benefits", d)
}

// walletRespondOffer records the citizen's answer to an offer made to
// them: accept (their consent to apply, which an officer then confirms)
// or decline. Another person's offer, or none, is answered as missing;
// an offer already answered or expired is refused with the page.
func (s *Server) walletRespondOffer(accept bool) func(http.ResponseWriter, *http.Request, walletPage, wallet.Session) {
	return func(w http.ResponseWriter, r *http.Request, wp walletPage, sess wallet.Session) {
		if !s.checkForm(w, r, sess.CSRF, maxWalletForm) {
			return
		}
		if s.opts.Welfare == nil {
			s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.ben.off"))
			return
		}
		id, err := strconv.ParseInt(r.PathValue("offer"), 10, 64)
		if err != nil || id <= 0 {
			s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.ben.nooffer"))
			return
		}
		o, err := s.opts.Welfare.RespondOffer(r.Context(), sess.IIN, id, accept)
		switch {
		case errors.Is(err, store.ErrNotFound):
			s.walletRefused(w, r, http.StatusNotFound, view.Msg("wallet.ben.nooffer"))
			return
		case errors.Is(err, store.ErrWrongState) || errors.Is(err, store.ErrTooLate):
			s.walletRefused(w, r, http.StatusConflict, view.Msg("wallet.ben.answered"))
			return
		case err != nil:
			s.errorPage(w, r, wp, err)
			return
		}
		done := "declined"
		if accept {
			done = "accepted"
		}
		http.Redirect(w, r, "/wallet/benefits?done="+done+"#offer-"+strconv.FormatInt(o.ID, 10), http.StatusSeeOther)
	}
}

// ownDecision reads the decision the request's path names if it concerns
// the citizen: one on a household they belong to that counted them, or
// one they appealed or were offered something on. Anything else is
// store.ErrNotFound, so that a stranger learns nothing of whether it
// exists.
func (s *Server) ownDecision(ctx context.Context, r *http.Request, iin string) (store.BenefitDecision, error) {
	id, err := strconv.ParseInt(r.PathValue("decision"), 10, 64)
	if err != nil || id <= 0 {
		return store.BenefitDecision{}, store.ErrNotFound
	}
	d, err := s.st.BenefitDecision(ctx, id)
	if err != nil {
		return d, err
	}
	if ok, err := s.opts.Welfare.Concerns(ctx, iin, d); err != nil || !ok {
		return store.BenefitDecision{}, cmp.Or(err, store.ErrNotFound)
	}
	return d, nil
}

// explainPath is the path of the explanation of a decision's programme.
func explainPath(decision int64, programme string) string {
	return "/wallet/benefits/" + strconv.FormatInt(decision, 10) + "/" + programme
}
