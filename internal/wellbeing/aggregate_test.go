package wellbeing

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// randomHousehold draws a household whose facts straddle every cut-off.
func randomHousehold(r *rand.Rand, i int) Household {
	regions := []string{"astana", "almaty", "pavlodar", "turkistan", ""}
	h := Household{
		ID:          fmt.Sprintf("h%07d", i),
		Region:      regions[r.IntN(len(regions))],
		PovertyLine: Money(r.Int64N(6_000_000) + 1),
	}
	n := 1 + r.IntN(8)
	for range n {
		m := Member{
			Age:       r.IntN(90),
			Employed:  r.IntN(2) == 0,
			Enrolled:  r.IntN(3) > 0,
			Student:   r.IntN(6) == 0,
			Attached:  r.IntN(8) > 0,
			Livestock: max(0, r.IntN(6)-4),
		}
		if r.IntN(2) == 0 {
			m.MonthlyIncome = Money(r.Int64N(int64(h.PovertyLine) * 3))
		}
		if r.IntN(6) == 0 {
			m.Disability = Disability(1 + r.IntN(4))
		}
		h.Members = append(h.Members, m)
	}
	return h
}

// refDeprived evaluates every indicator by its definition, in big.Rat,
// independently of facts and the compiled rules.
func refDeprived(m *Model, h *Household) []bool {
	n := int64(len(h.Members))
	income, employed, unattached, livestock := new(big.Rat), int64(0), int64(0), 0
	for _, p := range h.Members {
		income.Add(income, big.NewRat(int64(p.MonthlyIncome), 1))
		if p.Employed {
			employed++
		}
		if !p.Attached {
			unattached++
		}
		livestock += p.Livestock
	}
	perCapita := new(big.Rat).Quo(income, big.NewRat(n, 1))
	any := func(f func(p Member) bool) bool { return slices.ContainsFunc(h.Members, f) }
	var out []bool
	for _, ind := range m.Indicators {
		pr := ind.Params
		var d bool
		switch ind.Rule {
		case "income_below_line":
			line := new(big.Rat).Mul(pr.Multiple, big.NewRat(int64(h.PovertyLine), 1))
			d = perCapita.Cmp(line) <= 0
		case "unemployed_adult":
			d = any(func(p Member) bool {
				return p.Age >= m.Ages.Working.Min && p.Age <= m.Ages.Working.Max && !p.Employed && !p.Student &&
					p.Disability != DisabilityGroup1 && p.Disability != DisabilityGroup2
			})
		case "dependency_ratio":
			d = big.NewRat(n-employed, 1).Cmp(new(big.Rat).Mul(pr.MaxRatio, big.NewRat(employed, 1))) > 0
		case "child_not_enrolled":
			d = any(func(p Member) bool {
				return p.Age >= m.Ages.School.Min && p.Age <= m.Ages.School.Max && !p.Enrolled && !p.Student
			})
		case "youth_neet":
			d = any(func(p Member) bool {
				return p.Age >= m.Ages.Youth.Min && p.Age <= m.Ages.Youth.Max && !p.Enrolled && !p.Student && !p.Employed
			})
		case "disability":
			d = any(func(p Member) bool { return slices.Contains(pr.Groups, p.Disability) })
		case "no_polyclinic":
			d = unattached > 0 && (pr.Scope == "any" || unattached == n)
		case "no_livestock_no_earner":
			d = livestock < pr.MinHeads && employed == 0
		default:
			panic(ind.Rule)
		}
		out = append(out, d)
	}
	return out
}

// bruteForce computes the national index from every household's
// deprivations in big.Rat, as the formulas read.
func bruteForce(t *testing.T, m *Model, hs []Household) (h, a, m0 *big.Rat, contrib []*big.Rat, levels map[string]int64) {
	t.Helper()
	levels = map[string]int64{}
	q, sumC := int64(0), new(big.Rat)
	censored := make([]int64, len(m.Indicators))
	for i := range hs {
		dep := refDeprived(m, &hs[i])
		c := new(big.Rat)
		for j, d := range dep {
			if d {
				c.Add(c, m.Indicators[j].Weight)
			}
		}
		poor := c.Cmp(m.Cutoff) >= 0
		level := ""
		for _, l := range m.Levels {
			if c.Cmp(l.From) >= 0 {
				level = l.ID
			}
		}
		levels[level]++
		s, err := m.Score(&hs[i])
		if err != nil {
			t.Fatal(err)
		}
		if s.C().Cmp(c) != 0 || s.Poor != poor || s.Level != level {
			t.Fatalf("%s: score %s poor %v level %s, want %s %v %s", s.ID, s.C().RatString(), s.Poor, s.Level, c.RatString(), poor, level)
		}
		for j, d := range dep {
			if d != s.DeprivedIn(j) {
				t.Fatalf("%s: %s deprived %v, want %v", s.ID, m.Indicators[j].ID, s.DeprivedIn(j), d)
			}
		}
		if poor {
			q++
			sumC.Add(sumC, c)
			for j, d := range dep {
				if d {
					censored[j]++
				}
			}
		}
	}
	n := big.NewRat(int64(len(hs)), 1)
	h = new(big.Rat).Quo(big.NewRat(q, 1), n)
	a = new(big.Rat)
	if q > 0 {
		a.Quo(sumC, big.NewRat(q, 1))
	}
	m0 = new(big.Rat).Mul(h, a)
	for j, ind := range m.Indicators {
		x := new(big.Rat)
		if m0.Sign() > 0 {
			ch := new(big.Rat).Quo(big.NewRat(censored[j], 1), n)
			x.Quo(new(big.Rat).Mul(ind.Weight, ch), m0)
		}
		contrib = append(contrib, x)
	}
	return h, a, m0, contrib, levels
}

func ratStrings(rs ...*big.Rat) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.RatString())
	}
	return out
}

func TestAggregatorEqualsBruteForce(t *testing.T) {
	cfgs := map[string]*Model{"default": Default()}
	if m, err := Parse(edit(t, "weight: 1/5\n", "weight: 1/15\n", "    weight: 1/10\n    params: {max_ratio: 3}", "    weight: 7/30\n    params: {max_ratio: 2.5}",
		"poverty_cutoff: 1/3", "poverty_cutoff: 0.3", "scope: any", "scope: all", "groups: [1, 2, child]", "groups: [3]"), ""); err != nil {
		t.Fatal(err)
	} else {
		cfgs["thirtieths"] = m
	}
	for name, m := range cfgs {
		for seed := range uint64(5) {
			t.Run(fmt.Sprintf("%s/seed%d", name, seed), func(t *testing.T) {
				r := rand.New(rand.NewPCG(seed, 7))
				hs := make([]Household, 500+r.IntN(1500))
				for i := range hs {
					hs[i] = randomHousehold(r, i)
				}
				agg := NewAggregator(m)
				for i := range hs {
					if _, err := agg.Add(&hs[i]); err != nil {
						t.Fatal(err)
					}
				}
				res := agg.Result()
				h, a, m0, contrib, levels := bruteForce(t, m, hs)
				if diff := cmp.Diff(ratStrings(h, a, m0), ratStrings(res.Total.H, res.Total.A, res.Total.M0)); diff != "" {
					t.Errorf("H, A, M0 (-brute +aggregator):\n%s", diff)
				}
				var got []*big.Rat
				for _, ir := range res.Total.Indicators {
					got = append(got, ir.Contribution)
				}
				if diff := cmp.Diff(ratStrings(contrib...), ratStrings(got...)); diff != "" {
					t.Errorf("contributions (-brute +aggregator):\n%s", diff)
				}
				for _, lc := range res.Total.Levels {
					if lc.Households != levels[lc.Level] {
						t.Errorf("level %s: %d, want %d", lc.Level, lc.Households, levels[lc.Level])
					}
				}
				// Each region equals the brute force over its households.
				for _, rb := range res.Regions {
					var sub []Household
					for _, x := range hs {
						if x.Region == rb.Region {
							sub = append(sub, x)
						}
					}
					h, a, m0, _, _ := bruteForce(t, m, sub)
					if diff := cmp.Diff(ratStrings(h, a, m0), ratStrings(rb.H, rb.A, rb.M0)); diff != "" {
						t.Errorf("region %q (-brute +aggregator):\n%s", rb.Region, diff)
					}
				}
				// Split in two, merged, and in reverse order: the same result.
				x, y := NewAggregator(m), NewAggregator(m)
				for i := len(hs) - 1; i >= 0; i-- {
					dst := x
					if i%3 == 0 {
						dst = y
					}
					if _, err := dst.Add(&hs[i]); err != nil {
						t.Fatal(err)
					}
				}
				if err := x.Merge(y); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(res, x.Result(), cmp.Comparer(func(a, b *big.Rat) bool { return a.Cmp(b) == 0 })); diff != "" {
					t.Errorf("merged (-one pass +merged):\n%s", diff)
				}
			})
		}
	}
}

func TestAggregatorEmpty(t *testing.T) {
	res := NewAggregator(Default()).Result()
	if res.Total.Households != 0 || res.Total.M0.Sign() != 0 || res.Total.A.Sign() != 0 || len(res.Regions) != 0 {
		t.Errorf("empty result: %+v", res.Total)
	}
	for _, ir := range res.Total.Indicators {
		if ir.Contribution.Sign() != 0 {
			t.Errorf("%s: contribution %s", ir.ID, ir.Contribution.RatString())
		}
	}
}

func TestAggregatorRefuses(t *testing.T) {
	m := Default()
	other, err := Parse(DefaultYAML(), "copy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	agg := NewAggregator(m)
	if _, err := agg.Add(&Household{ID: "bad"}); !errors.Is(err, ErrHousehold) {
		t.Errorf("bad household: %v", err)
	}
	for _, s := range []Score{{ID: "den", Den: 30, Level: "A"}, {ID: "level", Den: 10, Level: "F"},
		{ID: "mask", Den: 10, Level: "A", Mask: 1 << 9}, {ID: "units", Den: 10, Level: "A", Units: 11}} {
		if err := agg.AddScore(s); !errors.Is(err, ErrModelMismatch) {
			t.Errorf("%s: %v", s.ID, err)
		}
	}
	if err := agg.Merge(NewAggregator(other)); !errors.Is(err, ErrModelMismatch) {
		t.Errorf("merge of another model: %v", err)
	}
	if got := agg.Result().Total.Households; got != 0 {
		t.Errorf("counted %d refused households", got)
	}
	for i := range MaxRegions {
		if err := agg.AddScore(Score{ID: "r", Region: fmt.Sprint(i), Den: 10, Level: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := agg.AddScore(Score{ID: "r", Region: "one too many", Den: 10, Level: "A"}); !errors.Is(err, ErrHousehold) {
		t.Errorf("region %d: %v", MaxRegions+1, err)
	}
}

// BenchmarkAggregatorAdd measures scoring and counting one household.
func BenchmarkAggregatorAdd(b *testing.B) {
	m := Default()
	r := rand.New(rand.NewPCG(1, 2))
	hs := make([]Household, 4096)
	for i := range hs {
		hs[i] = randomHousehold(r, i)
	}
	agg := NewAggregator(m)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := agg.Add(&hs[i%len(hs)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/household")
}
