package welfare

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/household"
)

// Situation converts a household profile into the engine's situation on
// date: every value the rules read, with the provenance of each in
// Sources under "<person>.<field>" (and "household.region"), where
// person is the member's entity id. Nothing is lost that a rule reads:
// incomes are exact decimals of all 24 months the profile holds.
func Situation(p *household.Profile, date benefits.Date) (benefits.Situation, error) {
	s := benefits.Situation{ID: p.ID, Date: date, Household: benefits.Household{Region: p.Region.Value},
		Persons: make([]benefits.Person, 0, len(p.Members)), Sources: map[string]benefits.Source{}}
	src := func(key string, ss []household.Source) {
		if len(ss) > 0 {
			s.Sources[key] = sourceOf(ss[0])
		}
	}
	src("household.region", p.Region.Sources)
	for i := range p.Members {
		m := &p.Members[i]
		id := m.Entity
		per := benefits.Person{ID: id, Role: m.Role.Value, BirthDate: dateOf(m.BirthDate.Value), Carer: m.Carer.Value,
			Insured: m.Insured.Value, Student: m.Student.Value}
		if per.Role == "" {
			per.Role = benefits.RoleOther
		}
		if m.Insured.Value && m.AvgIncome24m.Value != "" {
			avg, err := benefits.ParseMoney(m.AvgIncome24m.Value)
			if err != nil {
				return s, fmt.Errorf("household %s: member %s: avg_income_24m %q: %w", p.ID, id, m.AvgIncome24m.Value, err)
			}
			per.AvgIncome24m = avg
			src(id+".avg_income_24m", m.AvgIncome24m.Sources)
		}
		if len(m.Income) > 0 {
			per.Income = make(map[benefits.Month]benefits.Money, len(m.Income))
			for k, f := range m.Income {
				mo, err := benefits.ParseMonth(k)
				if err != nil {
					return s, fmt.Errorf("household %s: member %s: income month %q: %w", p.ID, id, k, err)
				}
				v, err := benefits.ParseMoney(f.Value)
				if err != nil {
					return s, fmt.Errorf("household %s: member %s: income %s %q: %w", p.ID, id, k, f.Value, err)
				}
				per.Income[mo] = v
				src(id+".income."+k, f.Sources)
			}
		}
		if d := m.Disability.Value; d != nil {
			per.Disability = &benefits.Disability{Group: d.Group, Cause: d.Cause}
			for _, f := range []string{"disability", "disability.group", "disability.cause"} {
				src(id+"."+f, m.Disability.Sources)
			}
		}
		src(id+".role", m.Role.Sources)
		src(id+".birth_date", m.BirthDate.Sources)
		src(id+".carer", m.Carer.Sources)
		src(id+".insured", m.Insured.Sources)
		src(id+".student", m.Student.Sources)
		s.Persons = append(s.Persons, per)
	}
	for _, c := range p.Conflicts {
		s.Conflicts = append(s.Conflicts, conflictOf(c))
	}
	return s, nil
}

// conflictOf is a profile's conflict as the engine carries it to
// explanations: the household's own facts under "household".
func conflictOf(c household.Conflict) benefits.Conflict {
	out := benefits.Conflict{Person: c.Entity, Field: c.Field, Used: c.Used, Rule: c.Rule}
	if out.Person == "" {
		out.Person = "household"
	}
	for _, v := range c.Values {
		cv := benefits.ConflictValue{Value: v.Value}
		for _, src := range v.Sources {
			cv.Sources = append(cv.Sources, sourceOf(src))
		}
		out.Values = append(out.Values, cv)
	}
	return out
}

func sourceOf(s household.Source) benefits.Source {
	out := benefits.Source{Agency: s.Agency, Source: s.Source, Record: s.RecordID}
	if !s.Date.IsZero() {
		out.AsOf = s.Date.Format(time.DateOnly)
	}
	return out
}

func dateOf(t time.Time) benefits.Date {
	if t.IsZero() {
		return 0
	}
	return benefits.MakeDate(t.Year(), int(t.Month()), t.Day())
}

// timeOf is the start of d in UTC.
func timeOf(d benefits.Date) time.Time {
	y, m, dd := d.YMD()
	return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
}

// EncodeSituation writes s as the engine reads it back (RULES.md's JSON,
// map keys sorted, so the same situation always gives the same bytes);
// DecodeSituation reads it.
func EncodeSituation(s *benefits.Situation) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("encode situation %s: %w", s.ID, err)
	}
	return b, nil
}

// DecodeSituation reads a situation EncodeSituation wrote (or any situation
// in RULES.md's format).
func DecodeSituation(b []byte) (benefits.Situation, error) {
	s, err := benefits.ParseSituation(b)
	if err != nil {
		return s, fmt.Errorf("decode situation: %w", err)
	}
	return s, nil
}

// inputsHash is the stored hash of a decision's inputs: the profile's
// Inputs (a SHA-256 of its values and provenance on its date).
func inputsHash(p *household.Profile) []byte {
	b, err := hex.DecodeString(p.Inputs)
	if err != nil || len(b) == 0 {
		return []byte(p.Inputs)
	}
	return b
}
