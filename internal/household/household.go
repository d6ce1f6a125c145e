// Package household builds the profile of every household from golden
// records: its members with their roles, birth dates, disabilities, monthly
// incomes, insurance, study, care of infants and region, each value with
// the records it rests on (agency, source, record, date), and the places
// where sources disagree, flagged rather than silently resolved. Benefit
// rules decide on profiles; well-being levels score them.
//
// A household is a population-register family (its household_id) of the
// people living on the profile's date. How roles, disabilities, incomes
// and the rest are read is documented on Member and in doc.md.
package household

import "time"

// The sources profiles read, by their names in sources.yaml (as `ortaq
// synth` writes them; a deployment registers its agencies' extracts under
// these names).
const (
	SourcePopulation = "population_register"
	SourceCivil      = "civil_registry"
	SourceTax        = "tax_incomes"
	SourceEducation  = "education_students"
	SourceDisability = "disability_register"
	SourceHealth     = "health_cards"
	SourceLivestock  = "livestock"
)

// Roles of members, as the benefit rules name them.
const (
	RoleParent = "parent"
	RoleChild  = "child"
	RoleOther  = "other"
)

// Disability causes, as the benefit rules name them.
const (
	CauseGeneral   = "general"
	CauseChildhood = "childhood"
)

// Profile is one household on one date.
type Profile struct {
	// ID is the population register's household id.
	ID   string    `json:"id"`
	AsOf time.Time `json:"as_of"`
	// Region is the code of the household's region (kz.Region codes:
	// "astana", "almaty" for the city, "almaty_region", "pavlodar", …), or,
	// for a name no code matches, a stable slug "unknown:<folded name>".
	Region Fact[string] `json:"region"`
	// Members are the living members, the head first, then by birth date
	// and entity id.
	Members []Member `json:"members"`
	// Conflicts are the disagreements between sources found on the way,
	// each with the value the profile uses and why.
	Conflicts []Conflict `json:"conflicts,omitempty"`
	// Inputs is a hex SHA-256 of the values above (provenance aside):
	// two profiles with the same Inputs hold the same facts on the same
	// date, so a decision on one holds for the other.
	Inputs string `json:"inputs"`
}

// Member is one person of a household.
type Member struct {
	Entity string `json:"entity"`
	IIN    string `json:"iin"`
	// Role is parent, child or other: the register's tie to the head
	// (Tie) mapped as doc.md says, else the civil registry's births.
	Role Fact[string] `json:"role"`
	// Tie is the register's tie to the head of the family: head, spouse,
	// child, parent, or "" when the register gives none.
	Tie       Fact[string]    `json:"tie"`
	BirthDate Fact[time.Time] `json:"birth_date"`
	// Disability is the disability in force on the date (nil when none).
	Disability Fact[*Disability] `json:"disability"`
	// Income is the declared income of each of the 24 months before the
	// date's month with any, by "YYYY-MM", in tenge as an exact decimal.
	Income map[string]Fact[string] `json:"income"`
	// Income24m is the exact total of those months; AvgIncome24m is
	// Income24m / 24, exact when that ends within 8 decimals, else rounded
	// half up to 8 (which never changes a rounding to whole tenge of
	// 40 % of it, see doc.md).
	Income24m    Fact[string] `json:"income_24m"`
	AvgIncome24m Fact[string] `json:"avg_income_24m"`
	// Insured: an employer declared income for the member in one of the 24
	// months before the date (a participant of compulsory social
	// insurance, whose employer pays contributions).
	Insured Fact[bool] `json:"insured"`
	// Employed: an employer declared income in one of the 3 months before
	// the date's month.
	Employed Fact[bool] `json:"employed"`
	// Student: enrolled full-time at a university on the date.
	Student Fact[bool] `json:"student"`
	// Pupil: enrolled at a school on the date.
	Pupil Fact[bool] `json:"pupil"`
	// Carer: the mother named by the latest birth of a member under one
	// and a half, when she is a member.
	Carer Fact[bool] `json:"carer"`
	// HealthCard: attached to a polyclinic by an active card.
	HealthCard Fact[bool] `json:"health_card"`
	// Livestock is the number of farm animals the member owns.
	Livestock Fact[int] `json:"livestock"`
}

// Disability is a disability group and its cause.
type Disability struct {
	// Group is 1, 2 or 3; 0 when the register sets none (a disabled child).
	Group int    `json:"group,omitempty"`
	Cause string `json:"cause"` // general or childhood
}

// Fact is a value with the records it rests on.
type Fact[T any] struct {
	Value   T        `json:"value"`
	Sources []Source `json:"sources"`
}

// Source is one record a fact rests on. A fact that rests on the absence
// of a record (no disability, no income) names the source consulted with
// an empty RecordID, dated on the profile's date.
type Source struct {
	Agency   string    `json:"agency"`
	Source   string    `json:"source"`
	RecordID string    `json:"record_id,omitempty"`
	Version  int       `json:"version,omitempty"`
	Date     time.Time `json:"date"` // the record's observation date (the extract's as-of)
}

// Conflict is a disagreement between sources on one fact.
type Conflict struct {
	Entity string `json:"entity,omitempty"` // the member; "" for the household
	Field  string `json:"field"`            // birth_date, region, disability, role, income
	// Values are the distinct values, each with the records that hold it.
	Values []Alternative `json:"values"`
	Used   string        `json:"used"` // the value the profile uses
	Rule   string        `json:"rule"` // why that one: one of the Rule codes
}

// The rules by which a profile chooses between disagreeing sources, as
// codes: explanations say them in the reader's language.
const (
	// RuleReference: the population register is the reference for
	// identity (birth dates).
	RuleReference = "reference_register"
	// RuleSurvivor: with no population register record, the golden
	// record's surviving value.
	RuleSurvivor = "golden_survivor"
	// RuleInvalid: an invalid income declaration is not counted.
	RuleInvalid = "invalid_not_counted"
	// RuleLatestDisability: the latest disability established and still
	// in force.
	RuleLatestDisability = "latest_disability"
	// RuleHeadRegion: the household's region is its head's in the
	// population register.
	RuleHeadRegion = "head_region"
	// RuleRegisterTie: the population register's tie to the head decides
	// a member's role.
	RuleRegisterTie = "register_tie"
)

// Alternative is one of the values sources give.
type Alternative struct {
	Value   string   `json:"value"`
	Sources []Source `json:"sources"`
}
