package console

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// sourceRow is one source in an agency's table.
type sourceRow struct {
	store.SourceStats
	// Title is the source's title in the reader's language.
	Title string
	Score scoreView
	Open  int
}

// checkCount is one check of one source with its findings by status.
type checkCount struct {
	store.FindingCount
	SourceTitle string
	// Title says what the check judges, in the reader's language.
	Title string
	Href  string // the check's work list
}

type agencyData struct {
	view.Page
	Agency  store.AgencyStats
	Name    string
	Run     *store.QualityRun
	Score   scoreView
	Open    int
	Sources []sourceRow
	Checks  []checkCount
	// WorkList and CSV are the agency's work list and its export.
	WorkList, CSV string
}

// agencyPage shows one agency: its score over time, its sources with
// their scores, and its open findings per check, the check of most impact
// first.
func (s *Server) agencyPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	code := r.PathValue("agency")
	d := agencyData{Page: s.newPage(w, r)}
	fail := func(err error) { s.errorPage(w, r, d.Page, err) }
	agencies, err := s.st.Agencies(ctx)
	if err != nil {
		fail(err)
		return
	}
	found := false
	for _, a := range agencies {
		if a.Code == code {
			d.Agency, found = a, true
		}
	}
	if !found {
		fail(fmt.Errorf("no agency %q: %w", code, store.ErrNotFound))
		return
	}
	d.Name = d.L.Name(d.Agency.Name, d.Agency.Names)
	d.Title = d.Name
	q := url.Values{"agency": {code}}.Encode()
	d.WorkList, d.CSV = "/worklist?"+q, "/worklist.csv?"+q

	ix, err := view.LoadSources(ctx, s.st, d.L)
	if err != nil {
		fail(err)
		return
	}
	srcs := slices.SortedFunc(maps.Values(ix.ByName), func(a, b store.SourceStats) int { return cmp.Compare(a.Name, b.Name) })
	qs, err := s.loadQuality(ctx)
	if err != nil {
		fail(err)
		return
	}
	d.Run = qs.Latest
	var trends map[string][]store.Score
	if qs.Latest != nil {
		history, err := s.st.ScoreHistory(ctx, store.ScopeAgency, code, trendRuns)
		if err != nil {
			fail(err)
			return
		}
		d.Score = qs.score(d.L, history)
		if trends, err = s.st.ScoreTrends(ctx, store.ScopeSource, trendRuns); err != nil {
			fail(err)
			return
		}
	}
	// The checks of most impact (open findings times severity) first:
	// the agency's to-do list.
	checks, err := s.st.ChecksByImpact(ctx)
	if err != nil {
		fail(err)
		return
	}
	titles := map[string]string{}
	if qs.Latest != nil {
		results, err := s.st.CheckResults(ctx, qs.Latest.ID, "")
		if err != nil {
			fail(err)
			return
		}
		for _, c := range results {
			titles[c.Source+"\x00"+c.Name] = ix.CheckTitle(c)
		}
	}
	open := map[string]int{}
	for _, ci := range checks {
		c := ci.FindingCount
		if c.Agency != code {
			continue
		}
		open[c.Source] += c.Open
		d.Open += c.Open
		v := url.Values{"source": {c.Source}, "check": {c.Check}}
		d.Checks = append(d.Checks, checkCount{FindingCount: c, SourceTitle: ix.Title(c.Source),
			Title: cmp.Or(titles[c.Source+"\x00"+c.Check], view.Locale{Lang: ix.Lang}.Label("kind.", c.Kind)), Href: "/worklist?" + v.Encode()})
	}
	for _, src := range srcs {
		if src.AgencyCode == code {
			d.Sources = append(d.Sources, sourceRow{SourceStats: src, Title: ix.Title(src.Name), Score: qs.score(d.L, trends[src.Name]), Open: open[src.Name]})
		}
	}
	s.render(w, r, http.StatusOK, "agency", d)
}
