package benefits

import "encoding/json"

// situationJSON is a situation in RULES.md's format, which
// ParseSituation reads back exactly.
type situationJSON struct {
	ID        string            `json:"id"`
	Date      Date              `json:"date"`
	Household Household         `json:"household"`
	Persons   []personJSON      `json:"persons"`
	Sources   map[string]Source `json:"sources,omitempty"`
	Conflicts []Conflict        `json:"conflicts,omitempty"`
}

type personJSON struct {
	ID           string           `json:"id"`
	Role         string           `json:"role"`
	BirthDate    Date             `json:"birth_date"`
	Carer        bool             `json:"carer,omitempty"`
	Insured      bool             `json:"insured,omitempty"`
	Student      bool             `json:"student,omitempty"`
	AvgIncome24m *Money           `json:"avg_income_24m,omitempty"`
	Income       map[string]Money `json:"income,omitempty"`
	Disability   *disabilityJSON  `json:"disability,omitempty"`
}

type disabilityJSON struct {
	Group *int   `json:"group"` // null when not set
	Cause string `json:"cause"`
}

// MarshalJSON writes s in RULES.md's format, which ParseSituation reads
// back exactly: incomes keyed by "YYYY-MM", a null disability group, map
// keys sorted, so the same situation always gives the same bytes.
func (s Situation) MarshalJSON() ([]byte, error) {
	j := situationJSON{ID: s.ID, Date: s.Date, Household: s.Household, Persons: make([]personJSON, len(s.Persons)),
		Sources: s.Sources, Conflicts: s.Conflicts}
	for i := range s.Persons {
		p := &s.Persons[i]
		pj := personJSON{ID: p.ID, Role: p.Role, BirthDate: p.BirthDate, Carer: p.Carer, Insured: p.Insured,
			Student: p.Student}
		if p.AvgIncome24m.Sign() != 0 {
			avg := p.AvgIncome24m
			pj.AvgIncome24m = &avg
		}
		if len(p.Income) > 0 {
			pj.Income = make(map[string]Money, len(p.Income))
			for m, v := range p.Income {
				pj.Income[m.String()] = v
			}
		}
		if d := p.Disability; d != nil {
			dj := &disabilityJSON{Cause: d.Cause}
			if d.Group != 0 {
				g := d.Group
				dj.Group = &g
			}
			pj.Disability = dj
		}
		j.Persons[i] = pj
	}
	return json.Marshal(j)
}
