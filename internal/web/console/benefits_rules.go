package console

import (
	"cmp"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/welfare"
)

// ruleChanges is how many changes to the rules the rules page lists.
const ruleChanges = 20

// paramLine is a parameter with its dated values, newest first.
type paramLine struct {
	Name, Title string
	Values      []paramValue
}

// paramValue is one dated value: a number, or a table's rows.
type paramValue struct {
	From, Value, Law string
	Rows             []view.Option // Value: the key, Label: the value
}

// programmeLine is a programme with its dated versions, newest first.
type programmeLine struct {
	ID, Title, Description, Period string
	Versions                       []versionLine
}

type versionLine struct {
	ID, From, Law, LawTitle string
}

// changeForm is the rule-change form as sent, to show it again.
type changeForm struct {
	Kind, Name, From, Value, Law, Reason string
}

type rulesData struct {
	view.Page
	Sub        string
	Enabled    bool
	Programmes []programmeLine
	Params     []paramLine
	Changes    []store.RuleChange
	// CanChange shows the change forms: a policy officer of the
	// administering agency.
	CanChange bool
	// ParamOptions and ProgrammeOptions fill the forms' choices.
	ParamOptions, ProgrammeOptions []view.Option
	Form                           changeForm
	// Done says what the last change re-decided; Error is a message key,
	// Detail what the rules refused in the change.
	Done, Error, Detail string
}

// rulesPage lists the programmes and parameters with their dated versions
// and law references, and the changes made to them; a policy officer of
// the administering agency also gets the forms to change them.
func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) {
	d := rulesData{Page: s.newPage(w, r)}
	q := r.URL.Query()
	if n, err := strconv.Atoi(q.Get("decided")); err == nil && n >= 0 {
		changed, _ := strconv.Atoi(q.Get("changed"))
		d.Done = d.L.P("benefits.rules.done", n, d.L.P("benefits.rules.changed", max(changed, 0)))
	}
	s.renderRules(w, r, http.StatusOK, d)
}

func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, status int, d rulesData) {
	ctx := r.Context()
	d.Title, d.Nav, d.Sub, d.Enabled = d.L.T("benefits.rules.title"), "benefits", "rules", s.opts.Welfare != nil
	if !d.Enabled {
		s.render(w, r, status, "benefits_rules", d)
		return
	}
	v := visitOf(ctx)
	d.CanChange = access.Decide(v.principal(), access.ChangeRules, s.opts.Welfare.Agency()) == access.Allow
	c := s.catalog()
	for _, p := range c.Programmes {
		line := programmeLine{ID: p.ID, Title: view.TextIn(p.Title, d.L.Lang, p.ID), Description: view.TextIn(p.Description, d.L.Lang, ""),
			Period: d.L.Label("benefits.period.", p.Period)}
		for _, ver := range slices.Backward(p.Versions) {
			line.Versions = append(line.Versions, versionLine{ID: ver.ID, From: d.L.Day(ver.From.String()), Law: ver.Law.Ref,
				LawTitle: view.TextIn(ver.Law.Title, d.L.Lang, "")})
		}
		d.Programmes = append(d.Programmes, line)
		d.ProgrammeOptions = append(d.ProgrammeOptions, view.Option{Value: p.ID, Label: line.Title,
			Selected: d.Form.Kind == "programme" && d.Form.Name == p.ID})
	}
	for _, name := range paramNames(c) {
		p := c.Params[name]
		line := paramLine{Name: name, Title: view.TextIn(p.Title, d.L.Lang, name)}
		for _, pv := range slices.Backward(p.Values) {
			line.Values = append(line.Values, paramText(d.L, pv))
		}
		d.Params = append(d.Params, line)
		d.ParamOptions = append(d.ParamOptions, view.Option{Value: name, Label: line.Title,
			Selected: d.Form.Kind != "programme" && d.Form.Name == name})
	}
	changes, err := s.st.RuleChanges(ctx, ruleChanges)
	if err != nil {
		s.errorPage(w, r, d.Page, err)
		return
	}
	d.Changes = changes
	s.render(w, r, status, "benefits_rules", d)
}

// paramNames are the catalogue's parameters, the national ones (upper
// case: МРП, ПМ, МЗП) first, then by name.
func paramNames(c *benefits.Catalog) []string {
	names := make([]string, 0, len(c.Params))
	for n := range c.Params {
		names = append(names, n)
	}
	national := func(n string) bool { return n == strings.ToUpper(n) }
	slices.SortFunc(names, func(a, b string) int {
		if na, nb := national(a), national(b); na != nb {
			if na {
				return -1
			}
			return 1
		}
		return cmp.Compare(a, b)
	})
	return names
}

// paramText shows one dated value of a parameter.
func paramText(l view.Locale, pv benefits.ParamValue) paramValue {
	out := paramValue{From: l.Day(pv.From.String()), Law: pv.Law}
	if pv.Value != nil {
		out.Value = money(l, *pv.Value)
	}
	keys := make([]string, 0, len(pv.Rows))
	for k := range pv.Rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	for _, k := range keys {
		out.Rows = append(out.Rows, view.Option{Value: k, Label: money(l, pv.Rows[k])})
	}
	return out
}

// compareKeys orders a table's keys as numbers when both are ("4" before
// "10"), else as text.
func compareKeys(a, b string) int {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil {
		return cmp.Compare(x, y)
	}
	return cmp.Compare(a, b)
}

// rulesForm changes a programme or a parameter from a date, for the
// administering agency's policy officer: the service validates the change,
// stores it with the official as its author, and re-decides the
// households it affects; the page then says how many.
func (s *Server) rulesForm(w http.ResponseWriter, r *http.Request) {
	svc := s.opts.Welfare
	if svc == nil {
		s.notFoundPage(w, r)
		return
	}
	if !s.administers(w, r, access.ChangeRules, svc.Agency()) {
		return
	}
	ctx := r.Context()
	v := visitOf(ctx)
	f := changeForm{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), From: strings.TrimSpace(r.PostFormValue("from")),
		Value: strings.TrimSpace(r.PostFormValue("value")), Law: strings.TrimSpace(r.PostFormValue("law")),
		Reason: strings.TrimSpace(r.PostFormValue("reason"))}
	d := rulesData{Page: s.newPage(w, r), Form: f}
	if f.Kind != welfare.ChangeParameter && f.Kind != welfare.ChangeProgramme || f.Name == "" || f.From == "" || f.Value == "" ||
		f.Law == "" || f.Reason == "" {
		d.Error = view.Msg("benefits.rules.incomplete")
		s.renderRules(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	run, err := svc.ChangeRules(ctx, author(v), welfare.Change{Kind: f.Kind, Name: f.Name, From: f.From, Value: f.Value,
		LawRef: f.Law, Reason: f.Reason})
	if err != nil {
		if status, key := changeRefused(err); status != 0 {
			d.Error, d.Detail = key, err.Error()
			s.renderRules(w, r, status, d)
			return
		}
		s.errorPage(w, r, d.Page, err)
		return
	}
	slog.InfoContext(ctx, "benefit rules changed", "kind", f.Kind, "name", f.Name, "from", f.From, "official", v.official().Login,
		"run", run.ID, "households", run.Households)
	http.Redirect(w, r, "/benefits/rules?"+url.Values{"decided": {strconv.Itoa(run.Households)},
		"changed": {strconv.Itoa(run.Changed)}}.Encode(), http.StatusSeeOther)
}

// changeRefused tells a change the rules refused from a failure: its
// status and message key, or 0 for an error of the server's.
func changeRefused(err error) (int, string) {
	switch {
	case errors.Is(err, store.ErrExists):
		return http.StatusConflict, view.Msg("benefits.rules.exists")
	case errors.Is(err, welfare.ErrChange), errors.Is(err, store.ErrInvalid):
		return http.StatusUnprocessableEntity, view.Msg("benefits.rules.invalid")
	}
	return 0, ""
}
