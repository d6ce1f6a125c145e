package console

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// cowSample is how many animals the virtual-cows page lists per check.
const cowSample = 25

// cowCheck is one check on an animal register with the animals it caught.
type cowCheck struct {
	Source, SourceTitle string
	Check, Kind         string
	Description         string
	Open, Failed, Total int
	Rows                []cowRow
	Href                string // the check's work list
}

// cowRow is one animal a check caught, with its owner.
type cowRow struct {
	findingRow
	Owner *store.GoldenRow
}

type cowsData struct {
	view.Page
	Run *store.QualityRun
	// Registers counts the animal sources; Total the open findings on them.
	Registers, Total int
	Animals          int
	Checks           []cowCheck
}

// cowsPage shows the "virtual cows": animals the registers count that
// cannot be there — owned by the dead, tagged twice, in impossible herds,
// too old to be alive, or owned by nobody the state knows. It lists every
// check on every animal register with its open findings, each animal
// linked to its golden record and its owner.
func (s *Server) cowsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d := cowsData{Page: s.newPage(w, r)}
	d.Title, d.Nav = d.L.T("cows.title"), "cows"
	fail := func(err error) { s.errorPage(w, r, d.Page, err) }
	ix, err := view.LoadSources(ctx, s.st, d.L)
	if err != nil {
		fail(err)
		return
	}
	qs, err := s.loadQuality(ctx)
	if err != nil {
		fail(err)
		return
	}
	d.Run = qs.Latest
	counts, err := s.st.FindingTally(ctx)
	if err != nil {
		fail(err)
		return
	}
	open := map[string]int{}
	for _, c := range counts {
		if ix.Animal(c.Source) {
			open[c.Source+"\x00"+c.Check] = c.Open
		}
	}
	var sample []store.Finding
	for name, src := range ix.ByName {
		if !ix.Animal(name) {
			continue
		}
		d.Registers++
		d.Animals += src.Live
		// One register in the demo and a handful in a real country: a
		// query per register is bounded by the registry, not the data.
		results, err := s.st.CheckResults(ctx, qs.runID(), name)
		if err != nil {
			fail(err)
			return
		}
		for _, c := range results {
			n := open[name+"\x00"+c.Name]
			d.Total += n
			v := url.Values{"source": {name}, "check": {c.Name}}
			d.Checks = append(d.Checks, cowCheck{Source: name, SourceTitle: ix.Title(name), Check: c.Name, Kind: c.Kind,
				Description: ix.Description(c), Open: n, Failed: c.Failed, Total: c.Total, Href: "/worklist?" + v.Encode()})
		}
		fs, err := s.st.FindingSample(ctx, store.FindingFilter{Source: name, Status: store.FindingOpen}, cowSample)
		if err != nil {
			fail(err)
			return
		}
		sample = append(sample, fs...)
	}
	rows, err := s.cowRows(r, ix, sample)
	if err != nil {
		fail(err)
		return
	}
	for i := range d.Checks {
		c := &d.Checks[i]
		for _, row := range rows {
			if row.Source == c.Source && row.Check == c.Check {
				c.Rows = append(c.Rows, row)
			}
		}
	}
	sortCows(d.Checks)
	s.render(w, r, http.StatusOK, "cows", d)
}

// cowRows names each animal and its owner: two queries for all of them.
func (s *Server) cowRows(r *http.Request, ix view.SourceIndex, fs []store.Finding) ([]cowRow, error) {
	ctx := r.Context()
	named, err := s.findingRows(ctx, ix, fs)
	if err != nil {
		return nil, err
	}
	var owners []string
	for _, f := range named {
		if f.Entity != nil && f.Entity.Owner != "" {
			owners = append(owners, f.Entity.Owner)
		}
	}
	byID, err := s.st.GoldenBrief(ctx, owners)
	if err != nil {
		return nil, err
	}
	out := make([]cowRow, len(named))
	for i, f := range named {
		out[i] = cowRow{findingRow: f}
		if f.Entity != nil {
			if o, ok := byID[f.Entity.Owner]; ok {
				out[i].Owner = &o
			}
		}
	}
	return out, nil
}

// sortCows lists the checks that caught most animals first, then passing
// checks by name, so the page reads as a list of problems.
func sortCows(cs []cowCheck) {
	slices.SortFunc(cs, func(a, b cowCheck) int {
		return cmp.Or(cmp.Compare(b.Open, a.Open), cmp.Compare(a.Source, b.Source), cmp.Compare(a.Check, b.Check))
	})
}
