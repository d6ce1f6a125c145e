package synth

import (
	"math"
	"math/rand/v2"

	"github.com/ortaq/ortaq/internal/kz"
)

// hhKind is the composition of a household.
type hhKind uint8

const (
	hhSingle        hhKind = iota // one adult under 60
	hhElderlySingle               // one person over 60, usually a widow
	hhCouple                      // a couple without children at home
	hhElderlyCouple               // a couple over 60
	hhFamily                      // a couple with 1-3 children
	hhLarge                       // a couple with 4 or more children
	hhSingleParent                // one parent with children
	hhMultigen                    // a family with the husband's parents
	numHHKinds
)

// hhKindWeights are the shares of household kinds (per cent). Together
// with the age draws below they give a young population like Kazakhstan's:
// about 30% children under 15 and 8% over 65.
var hhKindWeights = newWeighted([]float64{
	hhSingle: 15, hhElderlySingle: 10, hhCouple: 14, hhElderlyCouple: 9,
	hhFamily: 31, hhLarge: 6, hhSingleParent: 7, hhMultigen: 8,
})

// regionEthnicity adjusts the national mix per region: more Russians,
// Ukrainians and Germans in the north and east, Uzbeks in the south,
// Uyghurs and Koreans around Almaty, almost only Kazakhs in the west.
var regionEthnicity = func() map[string]weighted {
	boost := map[string][numEthnicities]float64{
		"akmola":           {1, 2.5, 0.2, 3, 0.2, 3, 1.5, 1},
		"kostanay":         {0.9, 3, 0.2, 4, 0.2, 3, 1.5, 1},
		"north_kazakhstan": {0.8, 3.5, 0.2, 3, 0.2, 3, 1.5, 1},
		"pavlodar":         {1, 2.5, 0.2, 3, 0.2, 3, 1.5, 1},
		"karaganda":        {1, 2.2, 0.2, 2.5, 0.2, 2.5, 1.5, 1.5},
		"east_kazakhstan":  {1, 2.5, 0.2, 1.5, 0.3, 1.5, 1.5, 0.5},
		"abai":             {1.2, 1, 0.2, 0.5, 0.3, 1, 1.5, 0.5},
		"astana":           {1.1, 1, 0.5, 1, 0.5, 1, 1.2, 1.2},
		"almaty":           {0.9, 1.3, 0.5, 0.6, 4, 0.6, 1.5, 3},
		"almaty_region":    {1, 0.8, 0.3, 0.5, 5, 0.5, 0.8, 1.5},
		"zhetysu":          {1, 0.7, 0.2, 0.4, 4, 0.4, 0.8, 0.8},
		"shymkent":         {1, 0.4, 6, 0.2, 0.3, 0.2, 0.5, 0.5},
		"turkistan":        {1, 0.15, 7, 0.1, 0.1, 0.1, 0.3, 0.3},
		"zhambyl":          {1, 0.6, 1, 0.3, 1, 0.8, 0.5, 2},
	}
	out := map[string]weighted{}
	for _, r := range kz.Regions() {
		b, ok := boost[r.Code]
		if !ok { // the west, Kyzylorda, Ulytau: mostly Kazakh
			b = [numEthnicities]float64{1.2, 0.25, 0.2, 0.2, 0.1, 0.2, 0.3, 0.3}
		}
		w := make([]float64, numEthnicities)
		for e := range w {
			w[e] = nationalWeights[e] * b[e]
		}
		out[r.Code] = newWeighted(w)
	}
	return out
}()

var nationalEthnicity = newWeighted(nationalWeights[:])

// chunkGen generates the households of one chunk from its own stream.
type chunkGen struct {
	r      *rand.Rand
	geo    *geo
	asOf   date
	people []person
	hhs    []household
}

// fill generates households until exactly quota people exist.
func (c *chunkGen) fill(quota int) {
	c.people = make([]person, 0, quota)
	for len(c.people) < quota {
		left := quota - len(c.people)
		kind := hhKind(hhKindWeights.pick(c.r))
		if left < 8 { // the last few people: small households only
			kind = hhSingle
			if left >= 2 && chance(c.r, 0.5) {
				kind = hhCouple
			}
		}
		c.household(kind, left)
	}
}

// birthAt returns a birth date for someone aged exactly years on asOf.
func (c *chunkGen) birthAt(years int) date {
	return dayBetween(c.r, c.asOf.addYears(-years-1)+1, c.asOf.addYears(-years))
}

// skewed returns lo + (hi-lo)*u^k: k > 1 favours lo.
func (c *chunkGen) skewed(lo, hi int, k float64) int {
	return lo + int(math.Pow(c.r.Float64(), k)*float64(hi-lo+1))
}

func (c *chunkGen) add(p person) int32 {
	p.spouse, p.father, p.mother = -1, -1, -1
	p.death = noDate
	p.hh = int32(len(c.hhs))
	c.people = append(c.people, p)
	return int32(len(c.people) - 1)
}

// adult adds an adult of group e with a surname (male form) and a
// patronymic formed from fatherName (a random name when empty).
func (c *chunkGen) adult(e ethnicity, sex kz.Sex, years int, surname, fatherName string, rl role) int32 {
	b := c.birthAt(years)
	if fatherName == "" {
		fatherName = e.firstName(c.r, kz.Male)
	}
	y, _, _ := b.ymd()
	return c.add(person{
		last:   genderSurname(surname, sex),
		first:  e.firstName(c.r, sex),
		middle: patronymic(fatherName, sex, pickStyle(c.r, e, y)),
		birth:  b,
		sex:    sex,
		eth:    e,
		role:   rl,
	})
}

// household generates one household of kind with at most limit members.
func (c *chunkGen) household(kind hhKind, limit int) {
	addr := c.geo.draw(c.r)
	eth := ethnicity(regionEthnicity[c.geo.region(addr).Code].pick(c.r))
	start := int32(len(c.people))
	surname := eth.surname(c.r)
	sex := func(pMale float64) kz.Sex {
		if chance(c.r, pMale) {
			return kz.Male
		}
		return kz.Female
	}
	switch kind {
	case hhSingle:
		c.adult(eth, sex(0.55), c.skewed(19, 59, 1), surname, "", roleHead)
	case hhElderlySingle:
		c.adult(eth, sex(0.3), c.skewed(60, 95, 1.8), surname, "", roleHead)
	case hhCouple, hhElderlyCouple:
		hAge := c.skewed(20, 36, 1)
		if chance(c.r, 0.5) { // children have left home
			hAge = c.skewed(45, 70, 1)
		}
		if kind == hhElderlyCouple {
			hAge = c.skewed(60, 92, 1.7)
		}
		h := c.adult(eth, kz.Male, hAge, surname, "", roleHead)
		c.wife(h, eth, max(18, hAge-between(c.r, -2, 6)), surname)
	case hhFamily, hhLarge, hhMultigen:
		kids := between(c.r, 1, 3)
		if kind == hhLarge {
			kids = 4 + c.skewed(0, 4, 2)
		}
		if kind == hhMultigen {
			kids = between(c.r, 1, 4)
		}
		kids = min(kids, limit-2-boolInt(kind == hhMultigen)*2)
		if kids < 1 {
			c.adult(eth, sex(0.55), c.skewed(19, 59, 1.6), surname, "", roleHead)
			break
		}
		ages := c.childAges(kids, kind == hhLarge)
		eldest := ages[len(ages)-1]
		mAge := eldest + between(c.r, 19, 29)
		if kind == hhLarge {
			mAge = eldest + between(c.r, 19, 25)
		}
		fAge := max(20, mAge+between(c.r, -2, 7))
		grandpa := ""
		if kind == hhMultigen {
			grandpa = eth.firstName(c.r, kz.Male)
		}
		h := c.adult(eth, kz.Male, fAge, surname, grandpa, roleHead)
		w := c.wife(h, eth, mAge, surname)
		c.children(eth, ages, surname, h, w)
		if kind == hhMultigen {
			gAge := fAge + between(c.r, 22, 32)
			if gAge <= 95 && chance(c.r, 0.65) {
				g := c.adult(eth, kz.Male, gAge, surname, "", roleParent)
				c.people[g].first = grandpa
				gm := c.wife(g, eth, min(95, gAge-between(c.r, 0, 5)), surname)
				c.people[gm].role = roleParent
				c.people[h].father, c.people[h].mother = g, gm
			} else { // a widowed grandmother
				own := surname
				if !chance(c.r, nameSets[eth].takesHusbandName) {
					own = eth.surname(c.r)
				}
				gm := c.adult(eth, kz.Female, min(95, gAge-between(c.r, 0, 5)), own, "", roleParent)
				c.people[h].mother = gm
			}
		}
	case hhSingleParent:
		kids := min(between(c.r, 1, 3), limit-1)
		ages := c.childAges(kids, false)
		pAge := ages[len(ages)-1] + between(c.r, 19, 32)
		ps := sex(0.15)
		par := c.adult(eth, ps, pAge, surname, "", roleHead)
		absent := eth.firstName(c.r, kz.Male)
		if ps == kz.Male {
			absent = c.people[par].first
		}
		c.kids(eth, ages, surname, absent)
		for i := par + 1; i < int32(len(c.people)); i++ {
			if ps == kz.Male {
				c.people[i].father = par
			} else {
				c.people[i].mother = par
			}
		}
	}
	c.hhs = append(c.hhs, household{first: start, n: int32(len(c.people)) - start, addr: addr, kind: kind})
	c.settle(start)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// twinRate is the share of children born a twin of their next elder
// sibling.
const twinRate = 0.02

// childAges returns the ages of kids children, youngest first, 1-4 years
// apart (0 for twins); children over 30 have left home and are dropped (keeping one).
func (c *chunkGen) childAges(kids int, large bool) []int {
	ages := []int{c.skewed(0, 22, 1.1)} // grown children often stay
	if large {
		ages[0] = c.skewed(0, 10, 1.3)
	}
	for len(ages) < kids {
		gap := between(c.r, 1, 4)
		if large {
			gap = between(c.r, 1, 3)
		}
		if chance(c.r, twinRate) {
			gap = 0 // twins: kids gives them one birth day
		}
		a := ages[len(ages)-1] + gap
		if a > 30 {
			break
		}
		ages = append(ages, a)
	}
	return ages
}

// wife adds the wife of husband h: of the same group mostly, bearing the
// husband's surname or her maiden one, with her own father's patronymic.
func (c *chunkGen) wife(h int32, eth ethnicity, years int, surname string) int32 {
	we := eth
	if chance(c.r, 0.04) {
		we = ethnicity(nationalEthnicity.pick(c.r))
	}
	own := we.surname(c.r)
	if chance(c.r, nameSets[we].takesHusbandName) {
		own = surname
	}
	w := c.adult(we, kz.Female, years, own, "", roleSpouse)
	c.people[w].spouse, c.people[h].spouse = h, w
	return w
}

// children adds the couple's children: the family surname, the father's
// patronymic (one style for all siblings) and distinct first names.
func (c *chunkGen) children(eth ethnicity, ages []int, surname string, father, mother int32) {
	first := len(c.people)
	c.kids(eth, ages, surname, c.people[father].first)
	for i := first; i < len(c.people); i++ {
		c.people[i].father, c.people[i].mother = father, mother
	}
}

func (c *chunkGen) kids(eth ethnicity, ages []int, surname, fatherName string) {
	eldest := c.birthAt(ages[len(ages)-1])
	y, _, _ := eldest.ymd()
	style := pickStyle(c.r, eth, y)
	used := map[string]bool{}
	var born date
	for i := len(ages) - 1; i >= 0; i-- {
		sex := kz.Male
		if chance(c.r, 0.487) {
			sex = kz.Female
		}
		name := eth.firstName(c.r, sex)
		for try := 0; used[name] && try < 5; try++ {
			name = eth.firstName(c.r, sex)
		}
		used[name] = true
		if i == len(ages)-1 || ages[i] != ages[i+1] {
			born = c.birthAt(ages[i])
		}
		c.add(person{
			last:   genderSurname(surname, sex),
			first:  name,
			middle: patronymic(fatherName, sex, style),
			birth:  born,
			sex:    sex,
			eth:    eth,
			role:   roleChild,
		})
	}
}
