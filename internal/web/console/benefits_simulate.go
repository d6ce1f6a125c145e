package console

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// simulateForm's modes: a new value, or a change by a percentage.
const (
	modeValue   = "value"
	modePercent = "percent"
)

// reformForm is the simulator's form as sent.
type reformForm struct {
	Name, Mode, Value, From string
}

type simulateData struct {
	view.Page
	Sub     string
	Enabled bool
	Params  []view.Option
	Form    reformForm
	// Error is a message key, Detail what was wrong.
	Error, Detail string
	// Change says in words what was simulated; Result what it would do.
	Change string
	Result *simulationView
}

// simulatePage shows the reform simulator's form.
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
			d.Params = append(d.Params, view.Option{Value: name, Label: textIn(c.Params[name].Title, d.L.Lang, name),
				Selected: name == d.Form.Name})
		}
	}
	s.render(w, r, status, "benefits_simulate", d)
}

// simulateForm runs the simulator on a changed parameter: the monthly
// cost before and after, and who gains and loses, by region and by
// well-being level, over the households of the latest decisions. It
// stores nothing but the simulation's record: the law in force decides.
func (s *Server) simulateForm(w http.ResponseWriter, r *http.Request) {
	svc := s.opts.Welfare
	if svc == nil {
		s.notFoundPage(w, r)
		return
	}
	f := reformForm{Name: r.PostFormValue("name"), Mode: r.PostFormValue("mode"),
		Value: strings.TrimSpace(r.PostFormValue("value")), From: strings.TrimSpace(r.PostFormValue("from"))}
	d := simulateData{Page: s.newPage(w, r), Form: f}
	change, date, err := s.reform(f)
	if err != nil {
		d.Error, d.Detail = view.Msg("benefits.simulate.invalid"), err.Error()
		s.renderSimulate(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	sim, err := s.simulate(r.Context(), change, date)
	if err != nil {
		if errors.Is(err, store.ErrInvalid) || errors.Is(err, errWelfareInvalid) {
			d.Error, d.Detail = view.Msg("benefits.simulate.invalid"), err.Error()
			s.renderSimulate(w, r, http.StatusUnprocessableEntity, d)
			return
		}
		s.errorPage(w, r, d.Page, err)
		return
	}
	d.Change = d.L.F("benefits.simulate.change", textIn(s.catalog().Params[f.Name].Title, d.L.Lang, f.Name),
		d.L.Num(change.Value), change.From)
	d.Result = s.simulationView(d.L, sim)
	s.renderSimulate(w, r, http.StatusOK, d)
}

// reform turns the form into the change to simulate and its date: a new
// value as given, or the value in force on the date changed by the
// percentage, exactly, rounded half up to whole tenge when the value in
// force is whole.
func (s *Server) reform(f reformForm) (welfareChange, benefits.Date, error) {
	date, err := benefits.ParseDate(f.From)
	if err != nil {
		return welfareChange{}, 0, fmt.Errorf("from: %w", err)
	}
	p := s.catalog().Params[f.Name]
	if p == nil {
		return welfareChange{}, 0, fmt.Errorf("no parameter %q", f.Name)
	}
	c := welfareChange{Kind: store.RuleParameter, Name: f.Name, From: date.String(), Value: f.Value,
		LawRef: "simulation", Reason: "simulation"}
	v, err := benefits.ParseMoney(strings.TrimSuffix(strings.ReplaceAll(f.Value, ",", "."), "%"))
	if err != nil {
		return welfareChange{}, 0, fmt.Errorf("value %q: %w", f.Value, err)
	}
	switch f.Mode {
	case modeValue:
		c.Value = v.String()
	case modePercent:
		cur, ok := p.At(date)
		if !ok || cur.Value == nil {
			return welfareChange{}, 0, fmt.Errorf("%s has no single value in force on %s to change by a percentage", f.Name, date)
		}
		factor, err := benefits.Tenge(100).Add(v)
		if err == nil {
			factor, err = factor.Div(benefits.Tenge(100))
		}
		var nv benefits.Money
		if err == nil {
			nv, err = cur.Value.Mul(factor)
		}
		if err != nil {
			return welfareChange{}, 0, fmt.Errorf("value %q: %w", f.Value, err)
		}
		if cur.Value.IsWhole() {
			nv = nv.Round()
		}
		c.Value = nv.String()
	default:
		return welfareChange{}, 0, fmt.Errorf("mode %q", f.Mode)
	}
	return c, date, nil
}

// simulationView is a simulation's result as the page shows it.
type simulationView struct{}

func (s *Server) simulationView(l view.Locale, sim welfareSimulation) *simulationView {
	return &simulationView{}
}
