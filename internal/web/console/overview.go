package console

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// overviewAlerts is how many of the latest run's alerts the overview lists.
const overviewAlerts = 20

// totals are the overview's headline numbers.
type totals struct {
	Agencies, Sources, Live, Quarantined int
	People, Animals                      int
	Open, Duplicates, Cows, Alerts       int
}

// agencyRow is one agency in the overview's table.
type agencyRow struct {
	Code, Name                       string
	Sources, Live, Quarantined, Open int
	Score                            scoreView
}

// alertView is an alert told in the reader's language, with a link to
// where it happened.
type alertView struct {
	Text, Href string
}

type indexData struct {
	view.Page
	Empty    bool
	Totals   totals
	Run      *store.QualityRun
	Nation   scoreView
	Agencies []agencyRow
	Regions  []regionRow
	Alerts   []alertView
	// MoreAlerts counts the alerts not listed.
	MoreAlerts int
}

// indexPage is the national overview: the score and its trend, the
// headline numbers, every agency with its score (the agency of most
// impact first), the regions and the latest alerts. It costs a fixed number of queries, whatever the size of
// the nation or the number of agencies.
func (s *Server) indexPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := indexData{Page: s.newPage(w, r)}
	d.Title, d.Nav = d.L.T("index.title"), "overview"
	fail := func(err error) { s.errorPage(w, r, d.Page, err) }

	ix, err := view.LoadSources(ctx, s.st, d.L)
	if err != nil {
		fail(err)
		return
	}
	agencies := ix.Agencies
	d.Empty = len(agencies) == 0 && len(ix.ByName) == 0
	if d.Empty {
		s.render(w, r, http.StatusOK, "index", d)
		return
	}
	d.Totals.Agencies, d.Totals.Sources = len(agencies), len(ix.ByName)
	for _, src := range ix.ByName {
		d.Totals.Live += src.Live
		d.Totals.Quarantined += src.Quarantined
	}
	q, err := s.loadQuality(ctx)
	if err != nil {
		fail(err)
		return
	}
	d.Run = q.Latest
	open := map[string]int{} // by agency
	counts, err := s.st.ChecksByImpact(ctx)
	if err != nil {
		fail(err)
		return
	}
	for _, c := range counts {
		open[c.Agency] += c.Open
		d.Totals.Open += c.Open
		if c.Kind == "duplicates" {
			d.Totals.Duplicates += c.Open
		}
		if ix.Animal(c.Source) {
			d.Totals.Cows += c.Open
		}
	}
	var trends map[string][]store.Score
	if q.Latest != nil {
		nation, err := s.st.ScoreHistory(ctx, store.ScopeNation, "", trendRuns)
		if err != nil {
			fail(err)
			return
		}
		d.Nation = q.score(d.L, nation)
		if trends, err = s.st.ScoreTrends(ctx, store.ScopeAgency, trendRuns); err != nil {
			fail(err)
			return
		}
		alerts, err := s.st.Alerts(ctx, q.Latest.ID)
		if err != nil {
			fail(err)
			return
		}
		d.Totals.Alerts = len(alerts)
		if len(alerts) > overviewAlerts {
			d.MoreAlerts = len(alerts) - overviewAlerts
			alerts = alerts[:overviewAlerts]
		}
		checks := map[string]string{}
		if len(alerts) > 0 {
			results, err := s.st.CheckResults(ctx, q.Latest.ID, "")
			if err != nil {
				fail(err)
				return
			}
			for _, c := range results {
				checks[c.Source+"\x00"+c.Name] = ix.CheckTitle(c)
			}
		}
		for _, a := range alerts {
			d.Alerts = append(d.Alerts, alertText(d.L, ix, checks, a))
		}
	}
	for _, a := range agencies {
		d.Agencies = append(d.Agencies, agencyRow{Code: a.Code, Name: d.L.Name(a.Name, a.Names), Sources: a.Sources,
			Live: a.Live, Quarantined: a.Quarantined, Open: open[a.Code], Score: q.score(d.L, trends[a.Code])})
	}
	// Most impact first (open findings times their severity), then the
	// weakest score: the table is a to-do list for the ministries.
	impact := map[string]int{}
	for _, c := range counts {
		impact[c.Agency] += c.Impact
	}
	slices.SortStableFunc(d.Agencies, func(a, b agencyRow) int {
		if c := cmp.Compare(impact[b.Code], impact[a.Code]); c != 0 {
			return c
		}
		if a.Score.Has != b.Score.Has {
			if a.Score.Has {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Score.Score, b.Score.Score), cmp.Compare(a.Code, b.Code))
	})
	regions, err := s.regions(ctx, q.runID())
	if err != nil {
		fail(err)
		return
	}
	for _, rc := range regions {
		d.Totals.People += rc.People
		d.Totals.Animals += rc.Animals
	}
	d.Regions = regionRows(d.L, regions)
	s.render(w, r, http.StatusOK, "index", d)
}

// alertText tells an alert in the reader's language from its numbers; the
// stored message is English, for logs. checks titles the checks by source
// and name.
func alertText(l view.Locale, ix view.SourceIndex, checks map[string]string, a store.Alert) alertView {
	switch {
	case a.Check != "":
		return alertView{Href: "/sources/" + a.Key, Text: l.F("alert.check", ix.Title(a.Key), cmp.Or(checks[a.Key+"\x00"+a.Check], a.Check),
			l.Dec(100*a.Value, 1)+"\u00a0%", l.Dec(100*a.Baseline, 1)+"\u00a0%")}
	case a.Scope == store.ScopeNation:
		return alertView{Href: "/", Text: l.F("alert.nation", l.Dec(a.Baseline, 1), l.Dec(a.Value, 1))}
	case a.Scope == store.ScopeAgency:
		return alertView{Href: "/agencies/" + a.Key, Text: l.F("alert.score", cmp.Or(ix.Agency[a.Key], a.Key),
			l.Dec(a.Baseline, 1), l.Dec(a.Value, 1))}
	}
	return alertView{Href: "/sources/" + a.Key, Text: l.F("alert.score", ix.Title(a.Key), l.Dec(a.Baseline, 1), l.Dec(a.Value, 1))}
}
