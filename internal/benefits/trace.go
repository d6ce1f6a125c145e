package benefits

import (
	"encoding/json"
	"sort"
)

// Result is the decision on one situation: every programme of the
// catalog, in catalog order. Err is set, and Programmes empty, when the
// situation itself could not be read.
type Result struct {
	ID         string     `json:"id"`
	Date       Date       `json:"date"`
	Programmes []Decision `json:"programmes"`
	Err        string     `json:"error,omitempty"`
}

// MarshalJSON writes r as RULES.md's result; a situation that could not
// be read has no date to give, and says so by leaving it out rather than
// by a made-up one.
func (r Result) MarshalJSON() ([]byte, error) {
	type plain Result
	if r.Err != "" && len(r.Programmes) == 0 {
		return json.Marshal(struct {
			ID         string     `json:"id"`
			Programmes []Decision `json:"programmes"`
			Err        string     `json:"error"`
		}{r.ID, []Decision{}, r.Err})
	}
	return json.Marshal(plain(r))
}

// Decision is one programme's outcome for one situation. When Err is set
// the programme could not be decided (Eligible false, Amount 0), and the
// trace shows the steps up to the failure.
type Decision struct {
	Programme string   `json:"programme"`
	Eligible  bool     `json:"eligible"`
	Amount    Money    `json:"amount"`
	Period    string   `json:"period"`
	Err       string   `json:"error,omitempty"`
	Versions  Versions `json:"versions"`
	Trace     *Trace   `json:"trace,omitempty"`
}

// Versions names what a decision was computed with: the programme
// version, and each parameter with the date its value is in force from.
type Versions struct {
	Programme  string          `json:"programme"`
	Parameters map[string]Date `json:"parameters,omitempty"`
}

// Trace is how a decision was reached: the steps in order with their
// values, the parameters read, and the facts of each person read. Same
// situation and catalog give the same trace, byte for byte.
type Trace struct {
	// Members is the number of persons counted (born on the date).
	Members    int         `json:"members"`
	Steps      []TraceStep `json:"steps"`
	Parameters []ParamUse  `json:"parameters,omitempty"`
	Facts      []FactUse   `json:"facts,omitempty"`
	// Sources carries the situation's provenance for the facts listed,
	// when the situation had any.
	Sources map[string]Source `json:"sources,omitempty"`
	// Conflicts are the situation's conflicts about facts listed: where
	// sources disagree on something the decision read.
	Conflicts []Conflict `json:"conflicts,omitempty"`
	// Change is the "what would change the outcome" figure, when the
	// version defines one and it could be computed.
	Change *Value `json:"change,omitempty"`
}

// TraceStep is one step's name, rule text and value. A per-person step
// lists the persons it kept, with their amounts when it sums.
type TraceStep struct {
	Name    string      `json:"step"`
	Rule    string      `json:"rule"`
	Value   Value       `json:"value"`
	Persons []PersonUse `json:"persons,omitempty"`
}

// PersonUse is one person a per-person step kept.
type PersonUse struct {
	Person string `json:"person"`
	Amount *Money `json:"amount,omitempty"`
}

// ParamUse is one parameter value a decision read.
type ParamUse struct {
	Name  string `json:"name"`
	Key   string `json:"key,omitempty"`
	Value Money  `json:"value"`
	From  Date   `json:"from"`
	Law   string `json:"law"`
	// LawID is the catalog law Law cites; empty for a free-text one.
	LawID string `json:"law_id,omitempty"`
}

// FactUse lists the fields of one person (or "household") a decision
// read, in situation field names.
type FactUse struct {
	Person string   `json:"person"`
	Fields []string `json:"fields"`
}

// Value is a step's value: Money, int64, bool, string or Date; a person
// appears as their id.
type Value struct{ V any }

// MarshalJSON writes the value as JSON.
func (v Value) MarshalJSON() ([]byte, error) { return json.Marshal(v.V) }

func versionsOf(prog string, ps []ParamUse) Versions {
	v := Versions{Programme: prog}
	if len(ps) > 0 {
		v.Parameters = make(map[string]Date, len(ps))
		for _, p := range ps {
			v.Parameters[p.Name] = p.From
		}
	}
	return v
}

func sortFacts(fs []FactUse) {
	for _, f := range fs {
		sort.Strings(f.Fields)
	}
}
