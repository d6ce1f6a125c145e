package benefits

// Situation is one household on one decision date: the input of RULES.md.
type Situation struct {
	ID        string    `json:"id"`
	Date      Date      `json:"date"`
	Household Household `json:"household"`
	Persons   []Person  `json:"persons"`
	// Sources optionally says where facts came from, keyed by
	// "<person id>.<field>" ("a1.birth_date", "a1.income.2025-10") or
	// "household.region". Explain shows them; decisions never read them.
	Sources map[string]Source `json:"sources,omitempty"`
	// Conflicts are the facts on which sources disagree, each with the
	// value used and why. Explain shows those a decision read;
	// decisions never read them.
	Conflicts []Conflict `json:"conflicts,omitempty"`
}

// Conflict is a fact sources disagree on: Person ("household" for the
// household's own facts) and Field as Sources keys them ("birth_date",
// "region", "disability", "role", "income"), the values with the records
// holding each, the value used and the rule that chose it (a code:
// ConflictRules lists them).
type Conflict struct {
	Person string          `json:"person"`
	Field  string          `json:"field"`
	Values []ConflictValue `json:"values"`
	Used   string          `json:"used"`
	Rule   string          `json:"rule"`
}

// ConflictValue is one of the values sources give, with where from.
type ConflictValue struct {
	Value   string   `json:"value"`
	Sources []Source `json:"sources,omitempty"`
}

// Household holds the facts of the household as a whole.
type Household struct {
	Region string `json:"region"`
}

// Person is one member of the household. Every person listed lives in
// the household and counts as a member, unless born after the decision
// date.
type Person struct {
	ID        string `json:"id"`
	Role      string `json:"role"` // parent, child or other
	BirthDate Date   `json:"birth_date"`
	Carer     bool   `json:"carer,omitempty"`
	Insured   bool   `json:"insured,omitempty"`
	Student   bool   `json:"student,omitempty"`
	// AvgIncome24m is the average monthly income over the last 24 months
	// of an insured person.
	AvgIncome24m Money `json:"avg_income_24m,omitzero"`
	// Income is countable monthly income by month; a missing month is 0.
	Income     map[Month]Money `json:"income,omitempty"`
	Disability *Disability     `json:"disability,omitempty"`
}

// Disability is a person's established disability.
type Disability struct {
	Group int    `json:"group,omitempty"` // 1, 2 or 3; 0 when not set (null)
	Cause string `json:"cause"`           // general or childhood
}

// Source is the provenance of one fact: the agency, its source and
// record, and the date the fact was true as of.
type Source struct {
	Agency string `json:"agency"`
	Source string `json:"source"`
	Record string `json:"record,omitempty"`
	AsOf   string `json:"as_of,omitempty"`
}

// Roles a person may have.
const (
	RoleParent = "parent"
	RoleChild  = "child"
	RoleOther  = "other"
)
