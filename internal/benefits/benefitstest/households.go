// Package benefitstest generates realistic households for benchmarks and
// load tests of the benefits engine, the way storetest opens stores for
// tests: the mass-decision benchmarks and bench/benefitsgen share one
// model of the country's households, so that the figures they give are of
// the same work. Nothing in the ortaq binary imports it.
package benefitstest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ortaq/ortaq/internal/benefits"
)

// Regions are the regions RULES.md gives АСП figures for, weighted by a
// rough share of the country's households (the south is larger and
// poorer): cumulative weights out of 100.
var regions = []struct {
	name   string
	cum    int
	median float64 // a typical monthly wage there, tenge
}{
	{"almaty", 30, 320000},
	{"astana", 50, 380000},
	{"pavlodar", 65, 260000},
	{"turkistan", 100, 170000},
}

// Households returns n households decided on D, generated from seed (the
// same arguments give the same households). Their mix is meant to give
// every programme of RULES.md eligible and ineligible households in
// realistic proportions:
//
//   - singles, couples, families of one to three children, large families
//     of four to nine, single parents, and three generations with a
//     grandparent (role other) on a pension;
//   - wages spread log-normally around the region's typical wage, a
//     quarter of working-age adults without work, some months missing and
//     some with half a tenge, over the twelve months before D (so the
//     quarter preceding D, which АСП reads, is always covered);
//   - infants (newborns within the last 18 months in about one family with
//     children in six, twins now and then) with a carer, insured when
//     working, with a 24-month average income;
//   - children of 18 to 22 studying full time in half the cases;
//   - disabilities for about one person in 30, from childhood or general,
//     with the group unset for some children under 7.
//
// D should be a date whose preceding quarter has regional figures
// (2025-01-01 to 2026-12-31), or every household gets an АСП error.
func Households(n int, seed uint64, D benefits.Date) []benefits.Situation {
	g := newGen(seed)
	out := make([]benefits.Situation, n)
	for i := range out {
		out[i] = g.household(fmt.Sprint("h", i), D)
	}
	return out
}

// Generator makes households one at a time, for a stream of any length
// that need not be held in memory.
type Generator struct{ g *gen }

// NewGenerator returns a generator seeded with seed.
func NewGenerator(seed uint64) *Generator { return &Generator{newGen(seed)} }

// Next returns the next household, with the given id, decided on D.
func (g *Generator) Next(id string, D benefits.Date) benefits.Situation { return g.g.household(id, D) }

type gen struct {
	r    *rand.Rand
	half benefits.Money
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, 0x6f72746171)), half: benefits.MustMoney("0.5")}
}

// chance reports true with probability p.
func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// born returns a birth date between minYears and maxYears (fractional)
// before D, so that birthdays spread over the calendar.
func (g *gen) born(D benefits.Date, minYears, maxYears float64) benefits.Date {
	y := minYears + g.r.Float64()*(maxYears-minYears)
	return D - benefits.Date(y*365.25)
}

func (g *gen) household(id string, D benefits.Date) benefits.Situation {
	x := g.r.IntN(100)
	reg := regions[len(regions)-1]
	for _, rg := range regions {
		if x < rg.cum {
			reg = rg
			break
		}
	}
	s := benefits.Situation{ID: id, Date: D, Household: benefits.Household{Region: reg.name}}
	var adults, kids, elders int
	switch k := g.r.IntN(100); {
	case k < 14: // one person
		adults = 1
	case k < 28: // a couple without children at home
		adults = 2
	case k < 66: // a couple with one to three children
		adults, kids = 2, 1+g.r.IntN(3)
	case k < 74: // a large family
		adults, kids = 2, 4+min(g.r.IntN(4)+g.r.IntN(3), 5)
	case k < 84: // a single parent
		adults, kids = 1, 1+g.r.IntN(3)
	default: // three generations
		adults, kids, elders = 2, g.r.IntN(5), 1+g.r.IntN(2)
	}
	// The parents' age sets the children's: the eldest is born when the
	// mother is 20 to 32, the others one to four years apart.
	parentAge := 20 + g.r.Float64()*35
	if kids > 0 {
		parentAge = 22 + g.r.Float64()*25
	}
	for j := range adults {
		p := benefits.Person{ID: fmt.Sprint("a", j+1), Role: benefits.RoleParent, BirthDate: g.born(D, parentAge-1, parentAge+3)}
		g.work(&p, D, reg.median, 0.75)
		s.Persons = append(s.Persons, p)
	}
	// Children are spaced evenly from the eldest down to a youngest of
	// at least 18 months, unless the family has an infant.
	eldest := max(parentAge-20-g.r.Float64()*12, 1.5+1.5*float64(kids))
	gap := 0.0
	if kids > 1 {
		gap = min(1+g.r.Float64()*3, (eldest-1.5)/float64(kids-1))
	}
	infant := kids > 0 && g.chance(0.17)
	var last benefits.Date
	for j := range kids {
		var b benefits.Date
		switch age := eldest - gap*float64(j); {
		case j > 0 && g.chance(0.02): // twins
			b = last
		case infant && j == kids-1: // the youngest is under 18 months
			b = D - benefits.Date(g.r.IntN(548))
		default:
			b = g.born(D, age, age+0.5)
		}
		last = b
		p := benefits.Person{ID: fmt.Sprint("c", j+1), Role: benefits.RoleChild, BirthDate: b}
		if a := b.AgeOn(D); a >= 18 {
			p.Student = a <= 22 && g.chance(0.5)
			if !p.Student {
				g.work(&p, D, reg.median*0.6, 0.6)
			}
		}
		s.Persons = append(s.Persons, p)
	}
	for j := range elders {
		p := benefits.Person{ID: fmt.Sprint("o", j+1), Role: benefits.RoleOther, BirthDate: g.born(D, 60, 88)}
		g.pension(&p, D)
		s.Persons = append(s.Persons, p)
	}
	if infant && len(s.Persons) > 0 {
		// The mother (the second parent when there are two) cares for the
		// infant; in one family in ten nobody is marked and the first
		// parent is taken.
		if g.chance(0.9) {
			s.Persons[min(adults, 2)-1].Carer = true
		}
	}
	for j := range s.Persons {
		p := &s.Persons[j]
		if !g.chance(0.035) {
			continue
		}
		age := p.BirthDate.AgeOn(D)
		d := &benefits.Disability{Group: 1 + min(g.r.IntN(4), 2), Cause: "general"}
		if age < 18 || g.chance(0.3) {
			d.Cause = "childhood"
		}
		if age < 7 && g.chance(0.5) {
			d.Group = 0 // not set under 7
		}
		p.Disability = d
	}
	return s
}

// work gives p a job with probability employed: a wage around median,
// paid over the twelve months before D, some months missing, and
// insurance with a 24-month average close to the wage.
func (g *gen) work(p *benefits.Person, D benefits.Date, median, employed float64) {
	if !g.chance(employed) {
		return
	}
	wage := median * math.Exp(0.65*g.r.NormFloat64())
	y, m, _ := D.YMD()
	now := benefits.MonthOf(y, m)
	p.Income = make(map[benefits.Month]benefits.Money, 12)
	for k := benefits.Month(1); k <= 12; k++ {
		if g.chance(0.12) { // a month without pay
			continue
		}
		p.Income[now-k] = g.money(wage * (0.9 + 0.2*g.r.Float64()))
	}
	if g.chance(0.85) {
		p.Insured, p.AvgIncome24m = true, g.money(wage*(0.85+0.2*g.r.Float64()))
	}
}

// pension gives an elder a pension over the twelve months before D.
func (g *gen) pension(p *benefits.Person, D benefits.Date) {
	amount := 70000 + g.r.Float64()*80000
	y, m, _ := D.YMD()
	now := benefits.MonthOf(y, m)
	p.Income = make(map[benefits.Month]benefits.Money, 12)
	for k := benefits.Month(1); k <= 12; k++ {
		p.Income[now-k] = g.money(amount)
	}
}

// money rounds v to whole tenge, with half a tenge in one case in eight
// (incomes may carry fractions).
func (g *gen) money(v float64) benefits.Money {
	m := benefits.Tenge(int64(max(v, 0)))
	if g.chance(0.125) {
		m, _ = m.Add(g.half)
	}
	return m
}
