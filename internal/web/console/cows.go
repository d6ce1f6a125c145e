package console

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// cowCheck is one check on an animal register with the animals it caught.
type cowCheck struct {
	Source, SourceTitle string
	Check, Kind         string
	Description         string
	Open, Failed, Total int
	Href                string // the check's work list
}

// cowGroupsPerPage is how many owner-and-herd groups one page lists.
const cowGroupsPerPage = 50

// cowGroup is the animals of one owner in one herd with open findings,
// one line however many there are; More counts those not named as
// examples.
type cowGroup struct {
	store.CowGroup
	More int
}

type cowsData struct {
	view.Page
	Run *store.QualityRun
	// Registers counts the animal sources; Total the open findings on them.
	Registers, Total int
	Animals          int
	Checks           []cowCheck
	// Groups is one page of the owners and herds with open findings, of
	// GroupsTotal; GroupPage of GroupPages, with links to the others.
	Groups                []cowGroup
	GroupsTotal           int
	GroupPage, GroupPages int
	GroupPrev, GroupNext  string
}

// cowsPage shows the "virtual cows": animals the registers count that
// cannot be there — owned by the dead, tagged twice, in impossible herds,
// too old to be alive, or owned by nobody the state knows. It lists every
// check on every animal register with its open findings and a link to
// their work list, then the animals grouped by owner and herd, one line
// per group and a page of groups at a time: a herd of five hundred is one
// line, not five hundred.
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
	}
	sortCows(d.Checks)
	var keepers []string
	for name, src := range ix.ByName {
		if ix.Animal(name) {
			keepers = append(keepers, src.AgencyCode)
		}
	}
	// The groups name the animals' owners: only the agencies that keep an
	// animal register see them; others see the checks' counts.
	if access.Decide(visitOf(ctx).principal(), access.ReadPerson, keepers...) == access.Allow {
		if err := s.cowGroups(r, &d); err != nil {
			fail(err)
			return
		}
		reads := make([]read, 0, len(d.Groups))
		for _, g := range d.Groups {
			if g.OwnerIIN != "" {
				reads = append(reads, read{Subject: g.OwnerIIN})
			}
		}
		if err := s.recordReads(ctx, readAnimals, reads); err != nil {
			s.readsRefused(w, r, d.Page, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "cows", d)
}

// cowGroups reads the page of owner-and-herd groups the query asks for
// (?page=), largest first.
func (s *Server) cowGroups(r *http.Request, d *cowsData) error {
	d.GroupPage = 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 {
		d.GroupPage = n
	}
	gs, total, err := s.st.CowGroups(r.Context(), store.CowFilter{Limit: cowGroupsPerPage,
		Offset: (d.GroupPage - 1) * cowGroupsPerPage})
	if err != nil {
		return err
	}
	d.GroupsTotal = total
	d.GroupPages = max(1, (total+cowGroupsPerPage-1)/cowGroupsPerPage)
	page := func(n int) string {
		return "/virtual-cows?" + url.Values{"page": {strconv.Itoa(n)}}.Encode() + "#groups"
	}
	if d.GroupPage > 1 {
		d.GroupPrev = page(min(d.GroupPage-1, d.GroupPages))
	}
	if d.GroupPage < d.GroupPages {
		d.GroupNext = page(d.GroupPage + 1)
	}
	for _, g := range gs {
		d.Groups = append(d.Groups, cowGroup{CowGroup: g, More: max(0, g.Animals-len(g.Examples))})
	}
	return nil
}

// sortCows lists the checks that caught most animals first, then passing
// checks by name, so the page reads as a list of problems.
func sortCows(cs []cowCheck) {
	slices.SortFunc(cs, func(a, b cowCheck) int {
		return cmp.Or(cmp.Compare(b.Open, a.Open), cmp.Compare(a.Source, b.Source), cmp.Compare(a.Check, b.Check))
	})
}
