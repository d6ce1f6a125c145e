package wallet

import (
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
)

// facts lists every fact a decision's trace read, one per person and
// field, with its value from the decision's recorded situation and the
// agency, source and date it came from, named as the registry names them
// in the reader's language. people names the household's members by
// entity id; one the wallet cannot name is "a member of the household".
func (n benefitWords) facts(tr *benefits.Trace, sit *benefits.Situation, people map[string]string) []explainFact {
	persons := map[string]*benefits.Person{}
	for i := range sit.Persons {
		persons[sit.Persons[i].ID] = &sit.Persons[i]
	}
	var out []explainFact
	for _, f := range tr.Facts {
		who := n.l.T("wallet.ben.household")
		if f.Person != "household" {
			who = people[f.Person]
			if who == "" {
				who = n.l.T("wallet.ben.member")
			}
		}
		for _, field := range f.Fields {
			if field == "id" {
				continue
			}
			fact := explainFact{What: who + " · " + n.fieldLabel(field), Value: n.factValue(field, persons[f.Person], sit)}
			if src, ok := tr.Sources[f.Person+"."+field]; ok {
				fact.Agency, fact.Source = n.agency(src.Agency), n.ix.Title(src.Source)
				fact.Date = n.day(src.AsOf)
			}
			out = append(out, fact)
		}
	}
	return out
}

// fieldLabel names a situation field: "income.2025-10" is the income
// for 10.2025.
func (n benefitWords) fieldLabel(field string) string {
	if month, ok := strings.CutPrefix(field, "income."); ok {
		if t, err := time.Parse("2006-01", month); err == nil {
			month = t.Format("01.2006")
		}
		return n.l.F("wallet.ben.income", month)
	}
	return n.l.Label("wallet.ben.field.", field)
}

// factValue is the value of field of p (or of the household) in the
// decision's situation, in words; "" when there is none to show.
func (n benefitWords) factValue(field string, p *benefits.Person, sit *benefits.Situation) string {
	if field == "region" {
		return n.l.Region(sit.Household.Region)
	}
	if p == nil {
		return ""
	}
	yes := func(b bool) string {
		if b {
			return n.l.T("wallet.ben.yes")
		}
		return n.l.T("wallet.ben.no")
	}
	switch field {
	case "role":
		return n.l.Label("wallet.ben.role.", p.Role)
	case "birth_date":
		return n.day(p.BirthDate.String())
	case "student":
		return yes(p.Student)
	case "carer":
		return yes(p.Carer)
	case "insured":
		return yes(p.Insured)
	case "avg_income_24m":
		return n.money(p.AvgIncome24m)
	case "disability":
		return yes(p.Disability != nil)
	case "disability.group":
		if p.Disability != nil && p.Disability.Group > 0 {
			return strconv.Itoa(p.Disability.Group)
		}
	case "disability.cause":
		if p.Disability != nil {
			return n.l.Label("wallet.ben.cause.", p.Disability.Cause)
		}
	}
	if month, ok := strings.CutPrefix(field, "income."); ok {
		if m, err := benefits.ParseMonth(month); err == nil {
			return n.money(p.Income[m])
		}
	}
	return ""
}

// params lists the figures set by law a decision read, each titled as the
// catalogue titles it, with its value, the date it is in force from and
// its law's title in the reader's language.
func (n benefitWords) params(tr *benefits.Trace, cat *benefits.Catalog) []explainParam {
	out := make([]explainParam, 0, len(tr.Parameters))
	for _, p := range tr.Parameters {
		name := p.Name
		if par := cat.Params[p.Name]; par != nil {
			name = textIn(par.Title, n.l.Lang, p.Name)
		}
		if p.Key != "" {
			// A table's row: its keys, a region, a quarter or a cause, in
			// the reader's language ("pavlodar/2025Q4", "childhood/3").
			name += " — " + cat.KeyWords(p.Key, n.l.Lang)
		}
		out = append(out, explainParam{Name: name, Value: n.l.Num(p.Value.String()), From: n.day(p.From.String()), Law: cat.LawTitle(p.LawID, p.Law, n.l.Lang)})
	}
	return out
}

// money is an exact amount with ₸, its fraction kept.
func (n benefitWords) money(m benefits.Money) string {
	return n.l.Num(m.String()) + "\u00a0₸"
}
