package console

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// sampleRows is how many failing rows the source page shows per check; the
// work list has the rest.
const sampleRows = 5

// checkRow is one check's result on a source, with a sample of the rows it
// failed.
type checkRow struct {
	store.CheckResult
	// Description says what passing means, in the reader's language.
	Description string
	Bar         bar
	Open        int
	Samples     []findingRow
	Href        string // the check's work list
}

type sourceData struct {
	view.Page
	Source          store.SourceStats
	AgencyName      string
	Run             *store.QualityRun
	Score           scoreView
	Checks          []checkRow
	Failing         int // checks that failed at least one row
	Open            int
	Sample          int // failing rows shown per check
	WorkList        string
	Runs            []store.RunInfo
	Quarantine      []store.Quarantined
	QuarantineTotal int
	ShowSource      bool
}

// sourcePage shows one source: its score, its latest check results with
// the rows that failed them, its runs and its quarantine.
func (s *Server) sourcePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("source")
	d := sourceData{Page: s.newPage(w, r), Sample: sampleRows}
	fail := func(err error) { s.errorPage(w, r, d.Page, err) }
	ix, err := view.LoadSources(ctx, s.st, d.L)
	if err != nil {
		fail(err)
		return
	}
	src, ok := ix.ByName[name]
	if !ok {
		fail(view.UnknownSource(name))
		return
	}
	d.Source, d.Title = src, ix.Title(name)
	d.AgencyName = ix.Agency[src.AgencyCode]
	d.WorkList = "/worklist?" + url.Values{"source": {name}}.Encode()
	if d.Runs, err = s.st.Runs(ctx, name, pageRuns); err != nil {
		fail(err)
		return
	}
	d.QuarantineTotal = src.Quarantined
	// Quarantined rows are an agency's raw records: only the agency that
	// keeps the source sees them; others see how many there are.
	if d.QuarantineTotal > 0 && access.Decide(visitOf(ctx).principal(), access.ViewSource, src.AgencyCode) == access.Allow {
		if d.Quarantine, err = s.st.Quarantine(ctx, store.QuarantineFilter{Source: name, Limit: pageQuarantineRows}); err != nil {
			fail(err)
			return
		}
	}
	qs, err := s.loadQuality(ctx)
	if err != nil {
		fail(err)
		return
	}
	if d.Run = qs.Latest; d.Run != nil {
		if err := s.sourceQuality(r, ix, &d, qs); err != nil {
			s.readsRefused(w, r, d.Page, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "source", d)
}

// sourceQuality fills in the source's score and check results of the
// latest quality run, with a few failing rows of each check: four queries
// however many checks the source has.
func (s *Server) sourceQuality(r *http.Request, ix view.SourceIndex, d *sourceData, qs qualityState) error {
	ctx := r.Context()
	name := d.Source.Name
	history, err := s.st.ScoreHistory(ctx, store.ScopeSource, name, trendRuns)
	if err != nil {
		return err
	}
	d.Score = qs.score(d.L, history)
	results, err := s.st.CheckResults(ctx, qs.Latest.ID, name)
	if err != nil {
		return err
	}
	// The failing rows name people: only an official who may read the
	// agency's people, under a stated case, sees them, and each is a read
	// in the audit log. Everyone else sees the counts.
	var rows []findingRow
	if v := visitOf(ctx); access.Decide(v.principal(), access.ReadPerson, d.Source.AgencyCode) == access.Allow &&
		v.sess.Case.Ref != "" {
		sample, err := s.st.FindingSample(ctx, store.FindingFilter{Source: name, Status: store.FindingOpen}, sampleRows)
		if err != nil {
			return err
		}
		if rows, err = s.findingRows(ctx, ix, sample); err != nil {
			return err
		}
		if err := s.recordReads(ctx, readSource, findingReads(rows)); err != nil {
			return err
		}
	}
	counts, err := s.st.FindingTally(ctx)
	if err != nil {
		return err
	}
	open := map[string]int{}
	for _, c := range counts {
		if c.Source == name {
			open[c.Check] = c.Open
			d.Open += c.Open
		}
	}
	byCheck := map[string][]findingRow{}
	for _, f := range rows {
		byCheck[f.Check] = append(byCheck[f.Check], f)
	}
	for _, c := range results {
		if c.Failed > 0 {
			d.Failing++
		}
		v := url.Values{"source": {name}, "check": {c.Name}}
		d.Checks = append(d.Checks, checkRow{CheckResult: c, Description: ix.Description(c), Bar: passBar(c.Failed, c.Total), Open: open[c.Name],
			Samples: byCheck[c.Name], Href: "/worklist?" + v.Encode()})
	}
	// Failing checks first, worst first: the table is read top down.
	slices.SortStableFunc(d.Checks, func(a, b checkRow) int {
		if (a.Failed > 0) != (b.Failed > 0) {
			if a.Failed > 0 {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Bar.Fill, b.Bar.Fill)
	})
	return nil
}
