package console

import (
	"context"
	"net/http"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// queueRows is how many accepted offers and open appeals the queue shows
// of each: a day's work. The oldest come first, so none waits unseen.
const queueRows = 100

// readBenefits is the audit service of an official's read of a person
// through the benefits pages (the queue, an offer, an appeal), and
// readAppealDocument that of opening an appeal's document.
const (
	readBenefits       = "console-benefits"
	readAppealDocument = "console-appeal-document"
)

// personBrief is a citizen as the benefits pages name them.
type personBrief struct {
	IIN, Name, Entity string
}

// offerRow is an accepted offer waiting for an officer.
type offerRow struct {
	store.Offer
	Title  string
	Amount string
	Person personBrief
	// Waiting says how long the citizen has waited since accepting.
	Waiting string
}

// appealRow is an open appeal.
type appealRow struct {
	store.Appeal
	Title   string
	Person  personBrief
	Overdue bool
}

type queueData struct {
	view.Page
	Sub     string
	Offers  []offerRow
	Appeals []appealRow
}

// queuePage is the social-protection officer's queue: the offers citizens
// accepted, waiting longest first, and the open appeals, the nearest
// deadline first (those past it flagged). It names every citizen in it,
// so each is recorded as read under the official's case.
func (s *Server) queuePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := queueData{Page: s.newPage(w, r).Titled("benefits.queue.title")}
	d.Nav, d.Sub = "queue", "queue"
	svc := s.opts.Welfare
	if svc == nil {
		s.notFoundPage(w, r)
		return
	}
	if !s.administers(w, r, access.DecideBenefit, svc.Agency()) {
		return
	}
	fail := func(err error) { s.errorPage(w, r, d.Page, err) }
	offers, err := s.st.OfficerQueue(ctx, svc.Agency(), queueRows)
	if err != nil {
		fail(err)
		return
	}
	appeals, err := s.st.AppealQueue(ctx, queueRows)
	if err != nil {
		fail(err)
		return
	}
	var iins []string
	for _, o := range offers {
		iins = append(iins, o.RecipientIIN)
	}
	for _, a := range appeals {
		iins = append(iins, a.AppellantIIN)
	}
	people, err := s.people(ctx, iins)
	if err != nil {
		fail(err)
		return
	}
	now := time.Now()
	for _, o := range offers {
		d.Offers = append(d.Offers, offerRow{Offer: o, Title: s.programmeTitle(d.L, o.Programme),
			Amount: tenge(d.L, o.Amount), Person: people[o.RecipientIIN], Waiting: waiting(d.L, o.RespondedAt, now)})
	}
	for _, a := range appeals {
		d.Appeals = append(d.Appeals, appealRow{Appeal: a, Title: s.programmeTitle(d.L, a.Programme),
			Person: people[a.AppellantIIN], Overdue: overdue(a.Deadline, now)})
	}
	if err := s.recordReads(ctx, readBenefits, iinReads(iins)); err != nil {
		s.readsRefused(w, r, d.Page, err)
		return
	}
	s.render(w, r, http.StatusOK, "benefits_queue", d)
}

// people names the citizens with iins by their golden records; a citizen
// without one is shown by the IIN alone.
func (s *Server) people(ctx context.Context, iins []string) (map[string]personBrief, error) {
	out := make(map[string]personBrief, len(iins))
	for _, iin := range iins {
		if _, ok := out[iin]; ok || iin == "" {
			continue
		}
		p := personBrief{IIN: iin}
		gs, err := s.st.GoldenByNationalID(ctx, iin, 1)
		if err != nil {
			return nil, err
		}
		if len(gs) > 0 {
			p.Name, p.Entity = gs[0].Name, gs[0].EntityID
		}
		out[iin] = p
	}
	return out, nil
}

// iinReads are the reads of the citizens with iins, each once.
func iinReads(iins []string) []read {
	out := make([]read, 0, len(iins))
	for _, iin := range iins {
		if iin != "" {
			out = append(out, read{Subject: iin})
		}
	}
	return out
}

// waiting says how many days have passed since at, or that it was today.
func waiting(l view.Locale, at, now time.Time) string {
	if at.IsZero() {
		return ""
	}
	days := int(now.Sub(at).Hours() / 24)
	if days < 1 {
		return l.T("benefits.waiting.today")
	}
	return l.P("benefits.waiting.days", days)
}
