package wellbeing

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// well is a member deprived in nothing: an attached, employed adult with
// a high income.
func well() Member {
	return Member{Age: 40, MonthlyIncome: Tenge(1_000_000), Employed: true, Attached: true}
}

func household(ms ...Member) Household {
	return Household{ID: "x", Region: "astana", PovertyLine: Tenge(50_000), Members: ms}
}

func TestRuleBoundaries(t *testing.T) {
	m := Default()
	with := func(f func(*Member)) Member { w := well(); f(&w); return w }
	tests := []struct {
		name string
		h    Household
		want []string
	}{
		{"nothing", household(well()), nil},
		{"income at the line is deprived", household(
			with(func(p *Member) { p.MonthlyIncome = Tenge(100_000) }), with(func(p *Member) { p.MonthlyIncome = 0 })),
			[]string{"income_poverty", "income_low"}},
		{"income one tiyn above the line", household(
			with(func(p *Member) { p.MonthlyIncome = Tenge(100_000) + 2 }), with(func(p *Member) { p.MonthlyIncome = 0 })),
			[]string{"income_low"}},
		{"income at twice the line", household(with(func(p *Member) { p.MonthlyIncome = Tenge(100_000) })),
			[]string{"income_low"}},
		{"income just above twice the line", household(with(func(p *Member) { p.MonthlyIncome = Tenge(100_000) + 1 })), nil},
		{"fractional tenge", household(with(func(p *Member) { p.MonthlyIncome = 5_000_001 }),
			with(func(p *Member) { p.MonthlyIncome = 4_999_999 })), []string{"income_poverty", "income_low"}},
		{"unemployed at 18", household(well(), with(func(p *Member) { p.Age, p.Employed = 18, false })),
			[]string{"unemployed_adult", "youth_neet"}},
		{"unemployed at 17 is not working age but out of school", household(well(), with(func(p *Member) { p.Age, p.Employed = 17, false })),
			[]string{"child_not_enrolled"}},
		{"unemployed at 62", household(well(), with(func(p *Member) { p.Age, p.Employed = 62, false })),
			[]string{"unemployed_adult"}},
		{"not working at 63", household(well(), with(func(p *Member) { p.Age, p.Employed = 63, false })), nil},
		{"student adult is not unemployed", household(well(), with(func(p *Member) { p.Age, p.Employed, p.Student = 22, false, true })), nil},
		{"group 2 adult is not expected to work", household(well(), with(func(p *Member) { p.Employed, p.Disability = false, DisabilityGroup2 })),
			[]string{"severe_disability"}},
		{"group 3 adult is expected to work and not severe", household(well(), with(func(p *Member) { p.Employed, p.Disability = false, DisabilityGroup3 })),
			[]string{"unemployed_adult"}},
		{"child with a disability", household(well(), with(func(p *Member) { p.Age, p.Employed, p.Enrolled, p.Disability = 4, false, false, DisabilityChild })),
			[]string{"severe_disability"}},
		{"group 1", household(well(), with(func(p *Member) { p.Disability = DisabilityGroup1 })), []string{"severe_disability"}},
		{"3 to 1 dependency is not deprived", household(well(), kid(8), kid(9), kid(10)), nil},
		{"4 to 1 dependency is", household(well(), kid(8), kid(9), kid(10), kid(11)), []string{"dependency"}},
		{"no earner", household(with(func(p *Member) { p.Age, p.Employed = 70, false })),
			[]string{"dependency", "no_livestock_no_earner"}},
		{"no earner with a cow", household(with(func(p *Member) { p.Age, p.Employed, p.Livestock = 70, false, 1 })),
			[]string{"dependency"}},
		{"school age from 7", household(well(), with(func(p *Member) { p.Age, p.Employed = 7, false })),
			[]string{"child_not_enrolled"}},
		{"6 is not school age", household(well(), with(func(p *Member) { p.Age, p.Employed = 6, false })), nil},
		{"college student of 17", household(well(), with(func(p *Member) { p.Age, p.Employed, p.Student = 17, false, true })), nil},
		{"neet at 24", household(well(), with(func(p *Member) { p.Age, p.Employed, p.Disability = 24, false, DisabilityGroup1 })),
			[]string{"youth_neet", "severe_disability"}},
		{"not neet at 25", household(well(), with(func(p *Member) { p.Age, p.Employed, p.Disability = 25, false, DisabilityGroup1 })),
			[]string{"severe_disability"}},
		{"one member not attached", household(well(), with(func(p *Member) { p.Attached = false })), []string{"no_polyclinic"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := m.Score(&tt.h)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, deprivedIDs(m, s)); diff != "" {
				t.Errorf("deprivations (-want +got):\n%s", diff)
			}
		})
	}
}

func kid(age int) Member { return Member{Age: age, Enrolled: true, Attached: true} }

func TestLevelsAndCutoff(t *testing.T) {
	m := Default()
	// Each extra 1/10 indicator raises the score by one unit of 1/10.
	levels := []struct {
		units int64
		level string
		poor  bool
	}{{0, "A", false}, {1, "B", false}, {2, "C", false}, {3, "C", false}, {4, "D", true}, {5, "E", true}, {10, "E", true}}
	for _, tt := range levels {
		s := Score{Units: tt.units, Den: m.den}
		got := ""
		for i := len(m.levelMin) - 1; i >= 0; i-- {
			if s.Units >= m.levelMin[i] {
				got = m.Levels[i].ID
				break
			}
		}
		if got != tt.level || (s.Units >= m.poorUnits) != tt.poor {
			t.Errorf("units %d: level %s poor %v, want %s %v", tt.units, got, s.Units >= m.poorUnits, tt.level, tt.poor)
		}
	}
}

func TestScopeAll(t *testing.T) {
	y := strings.Replace(string(defaultYAML), "params: {scope: any}", "params: {scope: all}", 1)
	m, err := Parse([]byte(y), "all.yaml")
	if err != nil {
		t.Fatal(err)
	}
	one := household(well(), Member{Age: 30, Employed: true, MonthlyIncome: Tenge(1_000_000)})
	none := household(Member{Age: 30, Employed: true, MonthlyIncome: Tenge(1_000_000)})
	for _, tt := range []struct {
		h    Household
		want bool
	}{{one, false}, {none, true}} {
		s, err := m.Score(&tt.h)
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Contains(deprivedIDs(m, s), "no_polyclinic"); got != tt.want {
			t.Errorf("%d members, deprived %v, want %v", len(tt.h.Members), got, tt.want)
		}
	}
}

func TestHouseholdErrors(t *testing.T) {
	m := Default()
	tests := []struct {
		name string
		edit func(*Household)
		want string
	}{
		{"no id", func(h *Household) { h.ID = "" }, "household: id: empty"},
		{"no members", func(h *Household) { h.Members = nil }, `household "x": members: none`},
		{"no line", func(h *Household) { h.PovertyLine = 0 }, `household "x": poverty_line: 0.00`},
		{"negative age", func(h *Household) { h.Members[0].Age = -1 }, `household "x": member 1: age -1`},
		{"negative income", func(h *Household) { h.Members[0].MonthlyIncome = -5 }, `member 1: monthly_income -0.05`},
		{"bad group", func(h *Household) { h.Members[0].Disability = 9 }, `member 1: disability Disability(9)`},
		{"negative livestock", func(h *Household) { h.Members[0].Livestock = -1 }, `member 1: livestock -1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := household(well())
			tt.edit(&h)
			_, err := m.Score(&h)
			if err == nil || !errors.Is(err, ErrHousehold) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrHousehold containing %q", err, tt.want)
			}
		})
	}
}

func TestPriorityTies(t *testing.T) {
	m := Default()
	a := Score{ID: "b", Level: "D", Units: 4, Den: m.den}
	b := Score{ID: "a", Level: "D", Units: 4, Den: m.den}
	c := Score{ID: "c", Level: "D", Units: 5, Den: m.den} // not a real model's level for 5, but order by score within
	e := Score{ID: "z", Level: "E", Units: 5, Den: m.den}
	got := []Score{a, b, c, e}
	slices.SortFunc(got, Priority)
	var ids []string
	for _, s := range got {
		ids = append(ids, s.ID)
	}
	if diff := cmp.Diff([]string{"z", "c", "a", "b"}, ids); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
