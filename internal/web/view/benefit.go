package view

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
)

// BenefitExplanation is one programme of a benefits decision explained
// for a reader, as the wallet and the console show it (the shared
// template "benefitexplain"): the rule, the facts with the people by
// name and where each came from, the figures set by law with their law,
// the steps and arithmetic, and what would change the outcome.
type BenefitExplanation struct {
	Programme, Title string
	Eligible         bool
	// Rule names the programme version and its legal basis; Summary is
	// the outcome (or why it could not be decided); Change what would
	// change it, when the rule says.
	Rule, Summary, Change string
	// Steps are the rule's steps and the arithmetic, in order.
	Steps []string
	Facts []BenefitFact
	// Conflicts are the facts read on which sources disagree.
	Conflicts []BenefitConflict
	Params    []BenefitParam
	// Laws are the titles of the laws the decision rests on, each once.
	Laws []string
	// FactsHelp, when set, follows the facts: how the reader gets a
	// wrong one corrected.
	FactsHelp string
}

// BenefitFact is one fact a decision read: whose and what, its value in
// words, and the agency and source it came from as the registry names
// them, with the date it held on.
type BenefitFact struct {
	What, Value          string
	Agency, Source, Date string
}

// BenefitConflict is a fact sources disagree on: whose and what, each
// value with where it came from, the value used and why.
type BenefitConflict struct {
	What      string
	Values    []BenefitFact
	Used, Why string
}

// BenefitParam is one figure set by law that a decision read, with the
// date it is in force from and its law's title.
type BenefitParam struct {
	Name, Value, From, Law string
}

// BenefitInput is what a decision's explanation is built from: the
// catalog the decision was made with, the decision of one programme with
// its trace, the situation it read, and the engine's explanation of it.
type BenefitInput struct {
	Catalog     *benefits.Catalog
	Decision    benefits.Decision
	Situation   *benefits.Situation
	Explanation benefits.Explanation
}

// ExplainBenefit lays in out in l's language. ix names agencies and
// sources; names maps the household's entities to people's names, and a
// person it lacks is "a member of the household".
func ExplainBenefit(l Locale, ix SourceIndex, in BenefitInput, names map[string]string) BenefitExplanation {
	e := BenefitExplanation{Programme: in.Decision.Programme, Title: in.Explanation.Title, Eligible: in.Decision.Eligible}
	if e.Title == "" {
		e.Title = e.Programme
	}
	for _, line := range in.Explanation.Lines {
		switch line.Kind {
		case "rule":
			e.Rule = line.Text
		case "step", "arithmetic":
			e.Steps = append(e.Steps, line.Text)
		case "change":
			e.Change = line.Text
		case "outcome", "error":
			e.Summary = line.Text
		}
		// Facts and parameters are laid out from the trace below.
		if line.Law != "" && !slices.Contains(e.Laws, line.Law) {
			e.Laws = append(e.Laws, line.Law)
		}
	}
	if tr := in.Decision.Trace; tr != nil && in.Situation != nil {
		w := benefitWords{l: l, ix: ix}
		e.Facts = w.facts(tr, in.Situation, names)
		e.Conflicts = w.conflicts(tr, in.Catalog, names)
		if in.Catalog != nil {
			e.Params = w.params(tr, in.Catalog)
		}
	}
	return e
}

// TextIn picks a catalogue text (a programme's or parameter's title) in
// lang, else in English as the engine does, else in any language the
// ministry wrote it in, else fallback.
func TextIn(t map[string]string, lang, fallback string) string {
	for _, l := range []string{lang, "en", "ru", "kk"} {
		if s := t[l]; s != "" {
			return s
		}
	}
	return fallback
}

// Day is a YYYY-MM-DD day as readers of l write it; anything else is
// shown as it is.
func (l Locale) Day(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return l.Date(t)
}

// benefitWords names a decision's facts and figures in the reader's
// language.
type benefitWords struct {
	l  Locale
	ix SourceIndex
}

// facts lists every fact a trace read, one per person and field, with its
// value from the situation and the agency, source and date it came from.
func (w benefitWords) facts(tr *benefits.Trace, sit *benefits.Situation, names map[string]string) []BenefitFact {
	persons := map[string]*benefits.Person{}
	for i := range sit.Persons {
		persons[sit.Persons[i].ID] = &sit.Persons[i]
	}
	var out []BenefitFact
	for _, f := range tr.Facts {
		who := w.who(f.Person, names)
		for _, field := range f.Fields {
			if field == "id" {
				continue
			}
			fact := BenefitFact{What: who + " · " + w.fieldLabel(field), Value: w.factValue(field, persons[f.Person], sit)}
			if src, ok := tr.Sources[f.Person+"."+field]; ok {
				w.from(&fact, src)
			}
			out = append(out, fact)
		}
	}
	return out
}

// who names a person of a decision, or the household itself.
func (w benefitWords) who(person string, names map[string]string) string {
	if person == "household" {
		return w.l.T("benefit.household")
	}
	if n := names[person]; n != "" {
		return n
	}
	return w.l.T("benefit.member")
}

// from sets where fact came from: the agency and source as the registry
// names them, and the date.
func (w benefitWords) from(fact *BenefitFact, src benefits.Source) {
	fact.Agency = src.Agency
	if a := w.ix.Agency[src.Agency]; a != "" {
		fact.Agency = a
	}
	fact.Source, fact.Date = w.ix.Title(src.Source), w.l.Day(src.AsOf)
}

// conflicts lists the facts read on which sources disagree, with every
// value and its sources, the value used and the rule that chose it in
// words (the catalog's "conflict.<rule>").
func (w benefitWords) conflicts(tr *benefits.Trace, cat *benefits.Catalog, names map[string]string) []BenefitConflict {
	out := make([]BenefitConflict, 0, len(tr.Conflicts))
	for _, c := range tr.Conflicts {
		bc := BenefitConflict{What: w.who(c.Person, names) + " · " + w.fieldLabel(c.Field), Used: w.l.Day(c.Used), Why: c.Rule}
		if cat != nil {
			if t, ok := cat.Words["conflict."+c.Rule]; ok {
				bc.Why = TextIn(t, w.l.Lang, c.Rule)
			}
		}
		for _, v := range c.Values {
			fact := BenefitFact{Value: w.l.Day(v.Value)}
			for i, src := range v.Sources {
				if i == 0 {
					w.from(&fact, src)
					continue
				}
				var more BenefitFact
				w.from(&more, src)
				fact.Source += "; " + more.Agency + " · " + more.Source
			}
			bc.Values = append(bc.Values, fact)
		}
		out = append(out, bc)
	}
	return out
}

// fieldLabel names a situation field: "income.2025-10" is the income for
// 10.2025.
func (w benefitWords) fieldLabel(field string) string {
	if month, ok := strings.CutPrefix(field, "income."); ok {
		if t, err := time.Parse("2006-01", month); err == nil {
			month = t.Format("01.2006")
		}
		return w.l.F("benefit.income", month)
	}
	return w.l.Label("benefit.field.", field)
}

// factValue is the value of field of p (or of the household) in the
// situation, in words; "" when there is none to show.
func (w benefitWords) factValue(field string, p *benefits.Person, sit *benefits.Situation) string {
	if field == "region" {
		return w.l.Region(sit.Household.Region)
	}
	if p == nil {
		return ""
	}
	yes := func(b bool) string {
		if b {
			return w.l.T("benefit.yes")
		}
		return w.l.T("benefit.no")
	}
	switch field {
	case "role":
		return w.l.Label("benefit.role.", p.Role)
	case "birth_date":
		return w.l.Day(p.BirthDate.String())
	case "student":
		return yes(p.Student)
	case "carer":
		return yes(p.Carer)
	case "insured":
		return yes(p.Insured)
	case "avg_income_24m":
		return w.money(p.AvgIncome24m)
	case "disability":
		return yes(p.Disability != nil)
	case "disability.group":
		if p.Disability != nil && p.Disability.Group > 0 {
			return strconv.Itoa(p.Disability.Group)
		}
	case "disability.cause":
		if p.Disability != nil {
			return w.l.Label("benefit.cause.", p.Disability.Cause)
		}
	}
	if month, ok := strings.CutPrefix(field, "income."); ok {
		if m, err := benefits.ParseMonth(month); err == nil {
			return w.money(p.Income[m])
		}
	}
	return ""
}

// params lists the figures set by law a trace read, each titled as the
// catalogue titles it, with its value, the date it is in force from and
// its law's title.
func (w benefitWords) params(tr *benefits.Trace, cat *benefits.Catalog) []BenefitParam {
	out := make([]BenefitParam, 0, len(tr.Parameters))
	for _, p := range tr.Parameters {
		name := p.Name
		if par := cat.Params[p.Name]; par != nil {
			name = TextIn(par.Title, w.l.Lang, p.Name)
		}
		if p.Key != "" {
			// A table's row: its keys, a region, a quarter or a cause, in
			// the reader's language ("pavlodar/2025Q4", "childhood/3").
			name += " — " + cat.KeyWords(p.Key, w.l.Lang)
		}
		out = append(out, BenefitParam{Name: name, Value: w.l.Num(p.Value.String()), From: w.l.Day(p.From.String()),
			Law: cat.LawTitle(p.LawID, p.Law, w.l.Lang)})
	}
	return out
}

// money is an exact amount with ₸, its fraction kept.
func (w benefitWords) money(m benefits.Money) string {
	return w.l.Num(m.String()) + "\u00a0₸"
}

// BenefitSample is an explanation with every part filled, for the
// samples pages hand Templates.Check, so that a mistake in any part of
// the shared template stops start-up.
var BenefitSample = BenefitExplanation{Programme: "p", Title: "p", Rule: "r", Summary: "s", Change: "c", Steps: []string{"s"},
	Facts:     []BenefitFact{{What: "w", Value: "v", Agency: "a", Source: "s", Date: "d"}, {What: "w"}},
	Conflicts: []BenefitConflict{{What: "w", Used: "u", Why: "y", Values: []BenefitFact{{Value: "v", Agency: "a", Source: "s"}, {Value: "v"}}}},
	Params:    []BenefitParam{{Name: "n", Value: "v", From: "f", Law: "l"}}, Laws: []string{"l"}, FactsHelp: "h"}
