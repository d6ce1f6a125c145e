package console

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// trafficWindow is how many of the latest audit records the exchange page
// counts: enough for a day of a ministry's traffic, few enough to count
// on every view.
const trafficWindow = 100000

// trafficLine is one client member's use of one service.
type trafficLine struct {
	Member, MemberTitle string
	Service             string
	Allowed, Refused    int
}

// statusCount is how many refusals carried one HTTP status.
type statusCount struct {
	Status, Count int
}

type exchangeData struct {
	view.Page
	// Enabled is false on a server started without the exchange.
	Enabled bool
	// LogSize is every record in the audit log; Window the latest ones
	// counted here.
	LogSize          int
	Window           store.Traffic
	Allowed, Refused int
	Lines            []trafficLine
	Refusals         []statusCount
	Members          []exchange.Member
	Services         []exchange.Service
	Bases            []exchange.LegalBasis
	// Purposes titles each purpose code, for the legal bases' lists.
	Purposes map[string]exchange.Title
	Rights   int
	// Sources titles the sources services read, in the reader's language.
	Sources map[string]string
}

// exchangePage shows the exchange to the people who run it: how much
// traffic each agency's systems make on each service, what is refused and
// why, and the registry those decisions follow. It names no citizen: the
// audit records behind it stay behind the audit scope.
func (s *Server) exchangePage(w http.ResponseWriter, r *http.Request) {
	d := exchangeData{Page: s.newPage(w, r)}
	d.Title, d.Nav = d.L.T("exchange.title"), "exchange"
	x := s.opts.Exchange
	if x == nil || s.opts.Audit == nil {
		s.render(w, r, http.StatusOK, "exchange", d)
		return
	}
	d.Enabled, d.LogSize = true, int(s.opts.Audit.Size())
	t, err := s.st.ExchangeTraffic(r.Context(), trafficWindow)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	d.Window = t
	d.Members, d.Services, d.Bases, d.Rights = x.Members(), x.Services(), x.LegalBases(), len(x.Rights())
	ix, err := view.LoadSources(r.Context(), s.st, d.L)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	d.Sources = map[string]string{}
	for _, sv := range d.Services {
		if sv.Source != "" {
			d.Sources[sv.Source] = ix.Title(sv.Source)
		}
	}
	d.Purposes = map[string]exchange.Title{}
	for _, p := range x.Purposes() {
		d.Purposes[p.Code] = p.Title
	}
	titles := map[string]exchange.Title{}
	for _, m := range d.Members {
		titles[m.Code] = m.Title
	}
	lines := map[[2]string]*trafficLine{}
	refusals := map[int]int{}
	for _, row := range t.Rows {
		k := [2]string{row.Member, row.Service}
		l := lines[k]
		if l == nil {
			l = &trafficLine{Member: row.Member, MemberTitle: d.L.Name(row.Member, titles[row.Member]), Service: row.Service}
			lines[k] = l
		}
		if row.Decision == audit.Allowed {
			l.Allowed += row.Count
			d.Allowed += row.Count
		} else {
			l.Refused += row.Count
			d.Refused += row.Count
			refusals[row.Status] += row.Count
		}
	}
	for _, l := range lines {
		d.Lines = append(d.Lines, *l)
	}
	slices.SortFunc(d.Lines, func(a, b trafficLine) int {
		return cmp.Or(cmp.Compare(b.Allowed+b.Refused, a.Allowed+a.Refused), cmp.Compare(a.Member, b.Member),
			cmp.Compare(a.Service, b.Service))
	})
	for status, n := range refusals {
		d.Refusals = append(d.Refusals, statusCount{Status: status, Count: n})
	}
	slices.SortFunc(d.Refusals, func(a, b statusCount) int { return cmp.Compare(a.Status, b.Status) })
	s.render(w, r, http.StatusOK, "exchange", d)
}
