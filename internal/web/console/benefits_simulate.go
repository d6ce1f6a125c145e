package console

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/welfare"
)

// The simulator's modes: a change by a percentage, or a new value.
const (
	modePercent = "percent"
	modeValue   = "value"
)

// reformForm is the simulator's form as sent.
type reformForm struct {
	Name, Mode, Value, From string
}

type simulateData struct {
	view.Page
	Sub     string
	Enabled bool
	// Params are what a reform may change: every parameter, and every
	// programme's parameters at once (by a percentage).
	Params []view.Option
	Form   reformForm
	// Error is a message key, Detail what was wrong.
	Error, Detail string
	Result        *simulationView
}

// simulatePage shows the reform simulator's form, set to the МРП +5 %
// from today.
func (s *Server) simulatePage(w http.ResponseWriter, r *http.Request) {
	d := simulateData{Page: s.newPage(w, r), Form: reformForm{Name: "MRP", Mode: modePercent, Value: "5",
		From: time.Now().Format(time.DateOnly)}}
	s.renderSimulate(w, r, http.StatusOK, d)
}

func (s *Server) renderSimulate(w http.ResponseWriter, r *http.Request, status int, d simulateData) {
	d.Title, d.Nav, d.Sub, d.Enabled = d.L.T("benefits.simulate.title"), "benefits", "simulate", s.opts.Welfare != nil
	if d.Enabled {
		c := s.catalog()
		for _, name := range paramNames(c) {
			d.Params = append(d.Params, view.Option{Value: name, Label: view.TextIn(c.Params[name].Title, d.L.Lang, name),
				Selected: name == d.Form.Name})
		}
		for _, p := range c.Programmes {
			if !hasParams(c, p.ID) {
				continue
			}
			d.Params = append(d.Params, view.Option{Value: p.ID,
				Label: d.L.F("benefits.simulate.all", view.TextIn(p.Title, d.L.Lang, p.ID)), Selected: p.ID == d.Form.Name})
		}
	}
	s.render(w, r, status, "benefits_simulate", d)
}

// hasParams reports whether programme has parameters of its own
// ("large_family.mrp_multiple").
func hasParams(c *benefits.Catalog, programme string) bool {
	for name := range c.Params {
		if strings.HasPrefix(name, programme+".") {
			return true
		}
	}
	return false
}

// simulateForm runs the simulator on the form's change: the monthly cost
// before and after, and who gains and loses, by region and by well-being
// level, over the households of the current decisions (a sample of them
// in a large country, which the page says). It stores nothing but the
// simulation's record: the law in force still decides.
func (s *Server) simulateForm(w http.ResponseWriter, r *http.Request) {
	svc := s.opts.Welfare
	if svc == nil {
		s.notFoundPage(w, r)
		return
	}
	f := reformForm{Name: r.PostFormValue("name"), Mode: r.PostFormValue("mode"),
		Value: strings.TrimSpace(r.PostFormValue("value")), From: strings.TrimSpace(r.PostFormValue("from"))}
	d := simulateData{Page: s.newPage(w, r), Form: f}
	change, date, err := reform(f)
	if err != nil {
		d.Error, d.Detail = view.Msg("benefits.simulate.invalid"), err.Error()
		s.renderSimulate(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	sim, err := svc.Simulate(r.Context(), change, date)
	switch {
	case errors.Is(err, welfare.ErrChange):
		d.Error, d.Detail = view.Msg("benefits.simulate.invalid"), err.Error()
		s.renderSimulate(w, r, http.StatusUnprocessableEntity, d)
		return
	case errors.Is(err, welfare.ErrNoRun):
		d.Error = view.Msg("benefits.norun")
		s.renderSimulate(w, r, http.StatusConflict, d)
		return
	case err != nil:
		s.errorPage(w, r, d.Page, err)
		return
	}
	d.Result = s.simulationView(d.L, f, sim)
	s.renderSimulate(w, r, http.StatusOK, d)
}

// reform turns the form into the change to simulate and its date: a new
// value of a parameter, or the values in force on the date (of one
// parameter, or all of a programme's) scaled by the percentage, exactly.
func reform(f reformForm) (welfare.Change, benefits.Date, error) {
	date, err := benefits.ParseDate(f.From)
	if err != nil {
		return welfare.Change{}, 0, fmt.Errorf("from %q: %w", f.From, err)
	}
	if f.Name == "" {
		return welfare.Change{}, 0, errors.New("no parameter")
	}
	c := welfare.Change{Name: f.Name, From: date.String()}
	switch f.Mode {
	case modeValue:
		c.Kind, c.Value = welfare.ChangeParameter, strings.ReplaceAll(f.Value, ",", ".")
	case modePercent:
		pct, err := benefits.ParseMoney(strings.TrimSpace(strings.TrimSuffix(strings.ReplaceAll(
			strings.ReplaceAll(f.Value, "−", "-"), ",", "."), "%")))
		if err != nil {
			return welfare.Change{}, 0, fmt.Errorf("percentage %q: %w", f.Value, err)
		}
		factor, err := benefits.Tenge(100).Add(pct)
		if err == nil {
			factor, err = factor.Div(benefits.Tenge(100))
		}
		if err != nil {
			return welfare.Change{}, 0, fmt.Errorf("percentage %q: %w", f.Value, err)
		}
		c.Kind, c.Value = welfare.ChangeScale, factor.String()
	default:
		return welfare.Change{}, 0, fmt.Errorf("mode %q", f.Mode)
	}
	return c, date, nil
}

// simulationView is a simulation's result as the page shows it.
type simulationView struct {
	// Change says in words what was simulated, and Sample over which
	// households and how long it took.
	Change, Sample string
	Total          costLine
	// Programmes are the monthly programmes, then the one-time ones
	// (marked: their sums are paid once).
	Programmes []costLine
	Regions    []costLine
	Levels     []costLine
}

// costLine is the monthly cost of one programme, region or level before
// and after the change, and the households it moves.
type costLine struct {
	Name                  string
	Before, After, Delta  string
	Gaining, Losing       int
	NewlyEligible, NoMore int
}

func costOf(l view.Locale, name string, b welfare.Breakdown) costLine {
	delta := b.After - b.Before
	return costLine{Name: name, Before: tenge(l, b.Before), After: tenge(l, b.After), Delta: signedTenge(l, delta),
		Gaining: int(b.Gaining), Losing: int(b.Losing),
		NewlyEligible: int(b.NewlyEligible), NoMore: int(b.NoLonger)}
}

func (s *Server) simulationView(l view.Locale, f reformForm, sim welfare.Simulation) *simulationView {
	v := &simulationView{Total: costOf(l, l.T("benefits.all"), sim.Total)}
	name := f.Name
	if p := s.catalog().Params[f.Name]; p != nil {
		name = view.TextIn(p.Title, l.Lang, f.Name)
	} else if p := s.programme(f.Name); p != nil {
		name = l.F("benefits.simulate.all", view.TextIn(p.Title, l.Lang, f.Name))
	}
	change := f.Value
	if f.Mode == modePercent {
		change = strings.TrimSuffix(f.Value, "%") + "\u00a0%"
		if !strings.HasPrefix(change, "-") && !strings.HasPrefix(change, "−") && !strings.HasPrefix(change, "+") {
			change = "+" + change
		}
	}
	v.Change = l.F("benefits.simulate.change", name, change, l.Day(sim.Change.From))
	if sim.Sampled {
		v.Sample = l.P("benefits.simulate.sampled", sim.Decided, l.N(int(sim.Households)), l.N(int(sim.Scale)),
			elapsed(l, sim.Elapsed))
	} else {
		v.Sample = l.P("benefits.simulate.every", sim.Decided, elapsed(l, sim.Elapsed))
	}
	for _, p := range sim.Programmes {
		v.Programmes = append(v.Programmes, costOf(l, s.programmeTitle(l, p.Programme), p.Breakdown))
	}
	for _, p := range sim.Once {
		v.Programmes = append(v.Programmes, costOf(l, s.programmeTitle(l, p.Programme)+" ("+l.T("benefits.once")+")", p.Breakdown))
	}
	for _, region := range slices.SortedFunc(maps.Keys(sim.Regions), func(a, b string) int {
		return cmp.Compare(l.Region(a), l.Region(b))
	}) {
		v.Regions = append(v.Regions, costOf(l, l.Region(region), *sim.Regions[region]))
	}
	for _, level := range slices.Sorted(maps.Keys(sim.Levels)) {
		label := level
		if level == "" {
			label = l.T("benefits.simulate.nolevel")
		}
		v.Levels = append(v.Levels, costOf(l, label, *sim.Levels[level]))
	}
	return v
}

// signedTenge shows a change of whole tenge with its sign.
func signedTenge(l view.Locale, n int64) string {
	switch {
	case n > 0:
		return "+" + tenge(l, n)
	case n < 0:
		return tenge(l, n)
	}
	return tenge(l, 0)
}

// elapsed shows how long something took, as Locale.Duration does.
func elapsed(l view.Locale, d time.Duration) string {
	start := time.Unix(1, 0)
	return l.Duration(start, start.Add(d))
}
