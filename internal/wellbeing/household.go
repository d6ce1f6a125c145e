package wellbeing

import (
	"errors"
	"fmt"
)

// Household is what the model reads about one household: facts the caller
// derives from golden records on its decision date. The model does not read
// dates, registers or the store; the caller computes ages and the
// three-month employment flag, and passes the АСП poverty line of the
// household's region and quarter.
type Household struct {
	ID     string // stable identifier; orders ties in Priority
	Region string // region code, e.g. "pavlodar"; the breakdown key
	// PovertyLine is the АСП poverty line per person per month for the
	// household's region and quarter (max(35 % median income, 70 % regional
	// ПМ)), as the benefits parameters give it. Must be positive.
	PovertyLine Money
	Members     []Member // everyone living in the household; at least one
}

// Member is one person in a household.
type Member struct {
	Age int // full years on the decision date
	// MonthlyIncome is this person's average countable monthly income over
	// the period the caller uses for АСП (the preceding quarter). The
	// household's per-capita income is the sum over members divided by
	// their number.
	MonthlyIncome Money
	Employed      bool       // had income from work (wages, self-employment) in the last 3 months
	Enrolled      bool       // enrolled in a school, college or other education institution
	Student       bool       // full-time student (counts as in education too)
	Disability    Disability // disability group, if any
	Attached      bool       // attached to a polyclinic (primary health care provider)
	Livestock     int        // head of livestock registered to this person
}

// Disability is a person's disability group.
type Disability uint8

// Disability groups. DisabilityChild is a child with a disability whose
// group is not set (under 7, the registers give no group).
const (
	DisabilityNone Disability = iota
	DisabilityGroup1
	DisabilityGroup2
	DisabilityGroup3
	DisabilityChild
)

// String names the group as the configuration does: "none", "1", "2", "3",
// "child".
func (d Disability) String() string {
	switch d {
	case DisabilityNone:
		return "none"
	case DisabilityGroup1, DisabilityGroup2, DisabilityGroup3:
		return fmt.Sprint(int(d))
	case DisabilityChild:
		return "child"
	}
	return fmt.Sprintf("Disability(%d)", int(d))
}

// ErrHousehold is wrapped by every error about a household's facts (a
// negative age, no members, no poverty line). A caller feeding a whole
// nation skips such a household and reports it; it maps to HTTP 422.
var ErrHousehold = errors.New("invalid household")

// Limits that keep every product in exact integer arithmetic inside 128
// bits; no real household comes near them.
const (
	MaxMembers   = 1000
	MaxAge       = 150
	maxIncome    = Money(1e12) // 10 billion tenge a month, per person
	maxLine      = Money(1e10) // 100 million tenge a month
	maxLivestock = 10_000_000
)

// validate reports the first impossible fact, naming the household and
// the field.
func (h *Household) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("household %q: %s: %w", h.ID, fmt.Sprintf(format, args...), ErrHousehold)
	}
	switch {
	case h.ID == "":
		return fmt.Errorf("household: id: empty: %w", ErrHousehold)
	case len(h.Members) == 0:
		return bad("members: none (a household has at least one member)")
	case len(h.Members) > MaxMembers:
		return bad("members: %d (at most %d)", len(h.Members), MaxMembers)
	case h.PovertyLine <= 0 || h.PovertyLine > maxLine:
		return bad("poverty_line: %s (must be positive)", h.PovertyLine)
	}
	for i := range h.Members {
		m := &h.Members[i]
		switch {
		case m.Age < 0 || m.Age > MaxAge:
			return bad("member %d: age %d (must be 0..%d)", i+1, m.Age, MaxAge)
		case m.MonthlyIncome < 0 || m.MonthlyIncome > maxIncome:
			return bad("member %d: monthly_income %s (must be 0..%s)", i+1, m.MonthlyIncome, maxIncome)
		case m.Disability > DisabilityChild:
			return bad("member %d: disability %s (want none, 1, 2, 3 or child)", i+1, m.Disability)
		case m.Livestock < 0 || m.Livestock > maxLivestock:
			return bad("member %d: livestock %d (must be 0..%d)", i+1, m.Livestock, maxLivestock)
		}
	}
	return nil
}
