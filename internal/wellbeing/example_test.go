package wellbeing

import (
	"fmt"
	"math/big"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// workedExample is the example docs/wellbeing.md works by hand; keep them
// in step.
func workedExample() []Household {
	pavlodar := Tenge(43_330)  // max(0.35 × 123,800, 0.70 × 54,300)
	turkistan := Tenge(36_330) // max(0.35 × 88,000, 0.70 × 51,900)
	return []Household{
		{ID: "h1", Region: "pavlodar", PovertyLine: pavlodar, Members: []Member{
			{Age: 40, MonthlyIncome: Tenge(120_000), Employed: true, Attached: true},
			{Age: 38, Attached: true},
			{Age: 10, Enrolled: true, Attached: true},
			{Age: 16, Attached: true},
		}},
		{ID: "h2", Region: "pavlodar", PovertyLine: pavlodar, Members: []Member{
			{Age: 70, MonthlyIncome: Tenge(60_000), Attached: true, Livestock: 12},
		}},
		{ID: "h3", Region: "turkistan", PovertyLine: turkistan, Members: []Member{
			{Age: 30, Disability: DisabilityGroup2, Attached: true},
			{Age: 20, Attached: true},
			{Age: 5},
		}},
		{ID: "h4", Region: "turkistan", PovertyLine: turkistan, Members: []Member{
			{Age: 35, MonthlyIncome: Tenge(250_000), Employed: true, Attached: true},
			{Age: 33, MonthlyIncome: Tenge(150_000), Employed: true, Attached: true},
			{Age: 8, Enrolled: true, Attached: true},
			{Age: 12, Enrolled: true, Attached: true},
		}},
	}
}

func deprivedIDs(m *Model, s Score) []string {
	var out []string
	for j, ind := range m.Indicators {
		if s.DeprivedIn(j) {
			out = append(out, ind.ID)
		}
	}
	return out
}

func TestWorkedExampleScores(t *testing.T) {
	m := Default()
	tests := []struct {
		id       string
		deprived []string
		c        string
		level    string
		poor     bool
	}{
		{"h1", []string{"income_poverty", "income_low", "unemployed_adult", "child_not_enrolled"}, "2/5", "D", true},
		{"h2", []string{"income_low", "dependency"}, "1/5", "C", false},
		{"h3", []string{"income_poverty", "income_low", "unemployed_adult", "dependency", "youth_neet",
			"severe_disability", "no_polyclinic", "no_livestock_no_earner"}, "9/10", "E", true},
		{"h4", nil, "0", "A", false},
	}
	hs := workedExample()
	for i, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			s, err := m.Score(&hs[i])
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.deprived, deprivedIDs(m, s)); diff != "" {
				t.Errorf("deprivations (-want +got):\n%s", diff)
			}
			if got := s.C().RatString(); got != tt.c {
				t.Errorf("c = %s, want %s", got, tt.c)
			}
			if s.Level != tt.level || s.Poor != tt.poor {
				t.Errorf("level %s poor %v, want %s %v", s.Level, s.Poor, tt.level, tt.poor)
			}
		})
	}
}

func TestWorkedExampleAggregate(t *testing.T) {
	m := Default()
	agg := NewAggregator(m)
	var scores []Score
	for _, h := range workedExample() {
		s, err := agg.Add(&h)
		if err != nil {
			t.Fatal(err)
		}
		scores = append(scores, s)
	}
	res := agg.Result()
	rats := func(b Breakdown) []string { return []string{b.H.RatString(), b.A.RatString(), b.M0.RatString()} }
	if diff := cmp.Diff([]string{"1/2", "13/20", "13/40"}, rats(res.Total)); diff != "" {
		t.Errorf("H, A, M0 (-want +got):\n%s", diff)
	}
	if got := res.Total.M0.FloatString(3); got != "0.325" {
		t.Errorf("M0 = %s, want 0.325", got)
	}
	var levels []int64
	for _, l := range res.Total.Levels {
		levels = append(levels, l.Households)
	}
	if diff := cmp.Diff([]int64{1, 0, 1, 1, 1}, levels); diff != "" {
		t.Errorf("levels A..E (-want +got):\n%s", diff)
	}
	wantContrib := map[string]string{
		"income_poverty": "2/13", "income_low": "2/13", "unemployed_adult": "2/13",
		"dependency": "1/13", "child_not_enrolled": "1/13", "youth_neet": "1/13",
		"severe_disability": "1/13", "no_polyclinic": "1/13", "no_livestock_no_earner": "2/13",
	}
	wantCensored := map[string]int64{"income_poverty": 2, "income_low": 2, "unemployed_adult": 2,
		"dependency": 1, "child_not_enrolled": 1, "youth_neet": 1, "severe_disability": 1,
		"no_polyclinic": 1, "no_livestock_no_earner": 1}
	sum := new(big.Rat)
	for _, ir := range res.Total.Indicators {
		if got := ir.Contribution.RatString(); got != wantContrib[ir.ID] {
			t.Errorf("%s contribution = %s, want %s", ir.ID, got, wantContrib[ir.ID])
		}
		if ir.Censored != wantCensored[ir.ID] {
			t.Errorf("%s censored = %d, want %d", ir.ID, ir.Censored, wantCensored[ir.ID])
		}
		sum.Add(sum, ir.Contribution)
	}
	if sum.Cmp(big.NewRat(1, 1)) != 0 {
		t.Errorf("contributions sum to %s", sum.RatString())
	}
	if got := res.Total.Indicators[1].Deprived; got != 3 {
		t.Errorf("income_low uncensored = %d, want 3", got)
	}
	var regions [][]string
	for _, r := range res.Regions {
		regions = append(regions, append([]string{r.Region}, rats(r)...))
	}
	want := [][]string{{"pavlodar", "1/2", "2/5", "1/5"}, {"turkistan", "1/2", "9/10", "9/20"}}
	if diff := cmp.Diff(want, regions); diff != "" {
		t.Errorf("regions (-want +got):\n%s", diff)
	}
	slices.SortFunc(scores, Priority)
	var order []string
	for _, s := range scores {
		order = append(order, s.ID)
	}
	if diff := cmp.Diff([]string{"h3", "h1", "h2", "h4"}, order); diff != "" {
		t.Errorf("priority (-want +got):\n%s", diff)
	}
}

func ExampleAggregator() {
	m := Default()
	agg := NewAggregator(m)
	for _, h := range workedExample() {
		s, err := agg.Add(&h)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s c=%s level %s poor %v\n", s.ID, s.C().RatString(), s.Level, s.Poor)
	}
	t := agg.Result().Total
	fmt.Printf("H=%s A=%s M0=%s (%s)\n", t.H.RatString(), t.A.RatString(), t.M0.RatString(), t.M0.FloatString(3))
	// Output:
	// h1 c=2/5 level D poor true
	// h2 c=1/5 level C poor false
	// h3 c=9/10 level E poor true
	// h4 c=0 level A poor false
	// H=1/2 A=13/20 M0=13/40 (0.325)
}
