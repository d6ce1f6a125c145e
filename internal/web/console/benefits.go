package console

import (
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// benefitRuns is how many decision runs the ministry's page lists.
const benefitRuns = 10

// offerStatuses are an offer's statuses in the order of its life, as the
// take-up table lists them.
var offerStatuses = []string{store.OfferOffered, store.OfferAccepted, store.OfferDeclined, store.OfferExpired,
	store.OfferConfirmed, store.OfferRejected}

// appealColumns are the appeal table's columns: open, withdrawn, and an
// answered appeal by its outcome.
var appealColumns = []string{store.AppealOpen, store.AppealUpheld, store.AppealChanged, store.AppealRejected,
	store.AppealWithdrawn}

// programmeTotal is one programme's line of the ministry's totals.
type programmeTotal struct {
	ID, Title  string
	Households int
	Sum        string
}

// tally is one programme's offers by offerStatuses or appeals by
// appealColumns, or the nation's (ID "").
type tally struct {
	ID, Title string
	Counts    []int
	Total     int
	// Rate, for offers, is the share of those citizens answered or let
	// expire that they accepted; "" before any was answered.
	Rate string
}

// runLine is a decision run as the ministry's page lists it.
type runLine struct {
	store.BenefitRun
	Kind     string
	Duration string
}

type benefitsData struct {
	view.Page
	// Sub names the page among the benefits pages (see benefitsnav).
	Sub string
	// Enabled is false on a server without the benefits service.
	Enabled bool
	// Monthly are the monthly programmes; Once the one-time ones, whose
	// sums are paid once and are not added to the monthly total.
	Monthly, Once []programmeTotal
	MonthlySum    string
	// Offers and Appeals end with the national line, OfferTotal and
	// AppealTotal.
	Offers      []tally
	OfferTotal  tally
	Appeals     []tally
	AppealTotal tally
	Runs        []runLine
	// Statuses and AppealHeads label the tables' columns.
	Statuses, AppealHeads []string
}

// benefitsPage is the ministry's page: what the programmes pay and to how
// many households, how citizens take up the offers, the appeals and their
// outcomes, and the latest decision runs. It names no one.
func (s *Server) benefitsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := benefitsData{Page: s.newPage(w, r).Titled("benefits.title"), Enabled: s.opts.Welfare != nil}
	d.Nav, d.Sub = "benefits", "overview"
	for _, st := range offerStatuses {
		d.Statuses = append(d.Statuses, d.L.Label("benefits.offer.", st))
	}
	for _, c := range appealColumns {
		d.AppealHeads = append(d.AppealHeads, d.L.Label("benefits.appeal.", c))
	}
	if !d.Enabled {
		s.render(w, r, http.StatusOK, "benefits", d)
		return
	}
	fail := func(err error) { s.errorPage(w, r, d.Page, err) }
	totals, err := s.st.ProgrammeTotals(ctx)
	if err != nil {
		fail(err)
		return
	}
	var monthly int64
	for _, t := range totals {
		line := programmeTotal{ID: t.Programme, Title: s.programmeTitle(d.L, t.Programme), Households: t.Households,
			Sum: tenge(d.L, t.Sum)}
		if t.Period == "once" {
			d.Once = append(d.Once, line)
			continue
		}
		d.Monthly = append(d.Monthly, line)
		monthly += t.Sum
	}
	d.MonthlySum = tenge(d.L, monthly)
	offers, err := s.st.OfferCounts(ctx)
	if err != nil {
		fail(err)
		return
	}
	d.Offers, d.OfferTotal = s.takeUp(d.L, offers)
	d.Offers = append(d.Offers, d.OfferTotal)
	appeals, err := s.st.AppealCounts(ctx)
	if err != nil {
		fail(err)
		return
	}
	d.Appeals, d.AppealTotal = s.appealLines(d.L, appeals)
	d.Appeals = append(d.Appeals, d.AppealTotal)
	runs, err := s.st.BenefitRuns(ctx, benefitRuns)
	if err != nil {
		fail(err)
		return
	}
	for _, run := range runs {
		line := runLine{BenefitRun: run, Kind: d.L.Label("benefits.run.", run.Kind)}
		if !run.Finished.IsZero() {
			line.Duration = d.L.Duration(run.Started, run.Finished)
		}
		d.Runs = append(d.Runs, line)
	}
	s.render(w, r, http.StatusOK, "benefits", d)
}

// takeUp tallies offer counts by programme, with the national line and
// each line's acceptance rate.
func (s *Server) takeUp(l view.Locale, counts []store.StatusCount) ([]tally, tally) {
	out, total := s.tallies(l, counts, offerStatuses, func(c store.StatusCount) string { return c.Status })
	for i := range out {
		out[i].Rate = acceptance(l, out[i].Counts)
	}
	total.Rate = acceptance(l, total.Counts)
	return out, total
}

// tallies sums counts (ordered by programme) into one line per programme
// and the national line, in columns; column names the column a count
// belongs to, and a count of no column is left out.
func (s *Server) tallies(l view.Locale, counts []store.StatusCount, columns []string,
	column func(store.StatusCount) string) ([]tally, tally) {
	var out []tally
	total := tally{Title: l.T("benefits.all"), Counts: make([]int, len(columns))}
	for _, c := range counts {
		i := slices.Index(columns, column(c))
		if i < 0 {
			continue
		}
		if n := len(out); n == 0 || out[n-1].ID != c.Programme {
			out = append(out, tally{ID: c.Programme, Title: s.programmeTitle(l, c.Programme), Counts: make([]int, len(columns))})
		}
		t := &out[len(out)-1]
		t.Counts[i] += c.Count
		t.Total += c.Count
		total.Counts[i] += c.Count
		total.Total += c.Count
	}
	return out, total
}

// acceptance is the share of the answered or expired offers that were
// accepted (and then confirmed or rejected by an officer, or waiting for
// one), or "" when none was answered yet.
func acceptance(l view.Locale, counts []int) string {
	var accepted, answered int
	for i, st := range offerStatuses {
		switch st {
		case store.OfferOffered:
			continue
		case store.OfferAccepted, store.OfferConfirmed, store.OfferRejected:
			accepted += counts[i]
		}
		answered += counts[i]
	}
	if answered == 0 {
		return ""
	}
	return l.Percent(accepted, answered)
}

// appealLines tallies appeal counts by programme, with the national
// line: open and withdrawn by status, answered ones by outcome.
func (s *Server) appealLines(l view.Locale, counts []store.StatusCount) ([]tally, tally) {
	return s.tallies(l, counts, appealColumns, func(c store.StatusCount) string {
		if c.Status == store.AppealAnswered {
			return c.Outcome
		}
		return c.Status
	})
}

// catalog is the benefits service's catalogue of programmes and
// parameters, or nil without the service.
func (s *Server) catalog() *benefits.Catalog {
	if s.opts.Welfare == nil {
		return nil
	}
	return s.opts.Welfare.Engine().Catalog()
}

// programme returns the catalogue's programme id, or nil.
func (s *Server) programme(id string) *benefits.Programme {
	c := s.catalog()
	if c == nil {
		return nil
	}
	for _, p := range c.Programmes {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// programmeTitle names programme id in l's language, or shows the id.
func (s *Server) programmeTitle(l view.Locale, id string) string {
	if p := s.programme(id); p != nil {
		return view.TextIn(p.Title, l.Lang, id)
	}
	return id
}

// tenge shows a whole-tenge amount as readers of l write it, with the sign.
func tenge(l view.Locale, n int64) string {
	return l.Num(strconv.FormatInt(n, 10)) + "\u00a0₸"
}

// money shows an exact amount of the engine's (a parameter, a multiple).
func money(l view.Locale, m benefits.Money) string { return l.Num(m.String()) }

// administers reports whether the visit's official works for agency, the
// agency that administers the programmes, answering 403 itself when not.
func (s *Server) administers(w http.ResponseWriter, r *http.Request, a access.Action, agency string) bool {
	v := visitOf(r.Context())
	if access.Decide(v.principal(), a, agency) == access.Allow {
		return true
	}
	slog.WarnContext(r.Context(), "benefits of another agency refused", "official", v.official().Login, "action", a,
		"agency", agency, "path", r.URL.Path)
	s.refuse(w, r, http.StatusForbidden, view.Msg("officials.otheragency"))
	return false
}

// author is the visit's official as a benefits change records them.
func author(v *visit) store.Author {
	o := v.official()
	return store.Author{ID: o.ID, Name: decider(v)}
}

// parseID reads a numeric path value; ok is false for anything else.
func parseID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}

// overdue reports whether a deadline has passed at now.
func overdue(deadline, now time.Time) bool { return !deadline.IsZero() && now.After(deadline) }
