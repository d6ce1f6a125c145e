// The oracle: an independent implementation of RULES.md's five
// programmes with math/big.Rat, written apart from the engine and checked
// against the twelve examples. The differential test below holds the
// engine to it. Only change: the 2023 national parameters were added, as
// in parameters.yaml, so birth windows reaching into 2023 are decided.
package benefits_test

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"time"
)

type Situation struct {
	ID        string `json:"id"`
	Date      string `json:"date"`
	Household struct {
		Region string `json:"region"`
	} `json:"household"`
	Persons []Person `json:"persons"`
}

type Person struct {
	ID           string                 `json:"id"`
	Role         string                 `json:"role"`
	BirthDate    string                 `json:"birth_date"`
	Carer        bool                   `json:"carer"`
	Insured      bool                   `json:"insured"`
	AvgIncome24m json.Number            `json:"avg_income_24m"`
	Income       map[string]json.Number `json:"income"`
	Student      bool                   `json:"student"`
	Disability   *struct {
		Group *int
		Cause string
	} `json:"disability"`
}

type Result struct {
	ID         string `json:"id"`
	Date       string `json:"date"`
	Programmes []Prog `json:"programmes"`
}
type Prog struct {
	Programme string `json:"programme"`
	Eligible  bool   `json:"eligible"`
	Amount    int64  `json:"amount"`
	Period    string `json:"period"`
	Err       string `json:"error,omitempty"`
}

func d(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic(s)
	}
	return r
}
func num(n json.Number) *big.Rat {
	if n == "" {
		return new(big.Rat)
	}
	return rat(string(n))
}

// roundHalfUp rounds a non-negative (or any) rational half up to an integer.
func roundHalfUp(r *big.Rat) int64 {
	// floor(r + 1/2)
	x := new(big.Rat).Add(r, big.NewRat(1, 2))
	q := new(big.Int).Div(x.Num(), x.Denom()) // Euclidean: floor for positive denom
	return q.Int64()
}

func age(birth, on time.Time) int {
	a := on.Year() - birth.Year()
	if on.Month() < birth.Month() || on.Month() == birth.Month() && on.Day() < birth.Day() {
		a--
	}
	return a
}

func addMonths(t time.Time, n int) time.Time {
	y, m := t.Year(), int(t.Month())-1+n
	y += m / 12
	m %= 12
	if m < 0 {
		m += 12
		y--
	}
	last := time.Date(y, time.Month(m+2), 0, 0, 0, 0, 0, time.UTC).Day()
	day := min(t.Day(), last)
	return time.Date(y, time.Month(m+1), day, 0, 0, 0, 0, time.UTC)
}

type dated struct {
	from string
	v    string
}

var mrp = []dated{{"2023-01-01", "3450"}, {"2024-01-01", "3692"}, {"2025-01-01", "3932"}, {"2026-01-01", "4325"}}
var pm = []dated{{"2023-01-01", "40567"}, {"2024-01-01", "43407"}, {"2025-01-01", "46228"}, {"2026-01-01", "50851"}}
var mzp = []dated{{"2023-01-01", "70000"}, {"2024-01-01", "85000"}, {"2025-01-01", "85000"}, {"2026-01-01", "85000"}}

func at(p []dated, t time.Time) *big.Rat {
	var v string
	for _, x := range p {
		if !t.Before(d(x.from)) {
			v = x.v
		}
	}
	if v == "" {
		panic("no parameter")
	}
	return rat(v)
}

var regional = map[string]map[string][2]string{}

func init() {
	add := func(region string, qs []string, med, pm []string) {
		if regional[region] == nil {
			regional[region] = map[string][2]string{}
		}
		for i, q := range qs {
			regional[region][q] = [2]string{med[i], pm[i]}
		}
	}
	q := []string{"2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1", "2026Q2", "2026Q3"}
	add("astana", q, []string{"172000", "174500", "178000", "181200", "184000", "187900", "191300", "194400"}, []string{"58900", "59800", "60900", "61700", "62500", "63800", "64900", "65800"})
	add("almaty", q, []string{"165000", "167300", "170100", "172900", "175600", "179200", "182500", "185300"}, []string{"57800", "58600", "59500", "60300", "61200", "62400", "63300", "64100"})
	add("pavlodar", q, []string{"118000", "119600", "121900", "123800", "125500", "128300", "130700", "132600"}, []string{"52100", "52800", "53700", "54300", "55000", "56100", "56900", "57600"})
	add("turkistan", q, []string{"84000", "85100", "86700", "88000", "89300", "91200", "92900", "94300"}, []string{"49800", "50400", "51200", "51900", "52500", "53600", "54400", "55100"})
}

func mul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }

func decide(s Situation) Result {
	D := d(s.Date)
	res := Result{ID: s.ID, Date: s.Date}
	var alive []Person
	for _, p := range s.Persons {
		if !d(p.BirthDate).After(D) {
			alive = append(alive, p)
		}
	}
	// children in order
	var kids []int
	for i, p := range alive {
		if p.Role == "child" {
			kids = append(kids, i)
		}
	}
	sort.SliceStable(kids, func(a, b int) bool { return d(alive[kids[a]].BirthDate).Before(d(alive[kids[b]].BirthDate)) })
	order := map[int]int{}
	for k, i := range kids {
		order[i] = k + 1
	}
	// asp
	{
		qy, qn := D.Year(), (int(D.Month())-1)/3+1
		qn--
		if qn == 0 {
			qn, qy = 4, qy-1
		}
		qk := fmt.Sprintf("%dQ%d", qy, qn)
		reg, ok := regional[s.Household.Region][qk]
		pr := Prog{Programme: "asp", Period: "month"}
		if !ok {
			pr.Err = "no regional figures for " + s.Household.Region + " " + qk
		} else {
			total := new(big.Rat)
			for m := 0; m < 3; m++ {
				key := fmt.Sprintf("%d-%02d", qy, (qn-1)*3+m+1)
				for _, p := range alive {
					total.Add(total, num(p.Income[key]))
				}
			}
			members := big.NewRat(int64(len(alive)), 1)
			line := mul(rat("0.35"), rat(reg[0]))
			if l2 := mul(rat("0.70"), rat(reg[1])); l2.Cmp(line) > 0 {
				line = l2
			}
			// per capita = total/3/members <= line  <=> total <= line*3*members
			if total.Cmp(mul(mul(line, big.NewRat(3, 1)), members)) <= 0 {
				pr.Eligible = true
				amt := new(big.Rat).Sub(mul(line, members), new(big.Rat).Quo(total, big.NewRat(3, 1)))
				a := roundHalfUp(amt)
				for _, i := range kids {
					if g := age(d(alive[i].BirthDate), D); g >= 1 && g <= 6 {
						a += roundHalfUp(mul(rat("1.5"), at(mrp, D)))
					}
				}
				pr.Amount = a
			}
		}
		res.Programmes = append(res.Programmes, pr)
	}
	// large family
	{
		n := 0
		for _, i := range kids {
			g := age(d(alive[i].BirthDate), D)
			if g < 18 || g < 23 && alive[i].Student {
				n++
			}
		}
		pr := Prog{Programme: "large_family", Period: "month"}
		if n >= 4 {
			m := map[int]string{4: "16.03", 5: "20.04", 6: "24.05", 7: "28.06"}[n]
			mm := rat(fmt.Sprint(4 * n))
			if m != "" {
				mm = rat(m)
			}
			pr.Eligible, pr.Amount = true, roundHalfUp(mul(mm, at(mrp, D)))
		}
		res.Programmes = append(res.Programmes, pr)
	}
	// birth
	{
		pr := Prog{Programme: "birth", Period: "once"}
		from := addMonths(D, -12)
		for _, i := range kids {
			b := d(alive[i].BirthDate)
			if b.After(from) && !b.After(D) {
				m := "38"
				if order[i] >= 4 {
					m = "63"
				}
				pr.Eligible = true
				pr.Amount += roundHalfUp(mul(rat(m), at(mrp, b)))
			}
		}
		res.Programmes = append(res.Programmes, pr)
	}
	// childcare
	{
		pr := Prog{Programme: "childcare", Period: "month"}
		carer := -1
		for i, p := range alive {
			if p.Carer {
				carer = i
				break
			}
		}
		if carer < 0 {
			for i, p := range alive {
				if p.Role == "parent" {
					carer = i
					break
				}
			}
		}
		if carer >= 0 {
			for _, i := range kids {
				b := d(alive[i].BirthDate)
				if !b.After(D) && D.Before(addMonths(b, 18)) {
					m := map[int]string{1: "5.76", 2: "6.81", 3: "7.85"}[order[i]]
					if m == "" {
						m = "8.90"
					}
					bb := roundHalfUp(mul(rat(m), at(mrp, D)))
					pay := bb
					c := alive[carer]
					if c.Insured {
						ins := roundHalfUp(mul(rat("0.40"), num(c.AvgIncome24m)))
						capv := roundHalfUp(mul(rat("0.40"), mul(big.NewRat(7, 1), at(mzp, D))))
						pay = min(max(ins, bb), capv)
					}
					pr.Eligible = true
					pr.Amount += pay
				}
			}
		}
		res.Programmes = append(res.Programmes, pr)
	}
	// disability
	{
		pr := Prog{Programme: "disability", Period: "month"}
		for _, p := range alive {
			if p.Disability == nil {
				continue
			}
			g := age(d(p.BirthDate), D)
			var m string
			grp := 0
			if p.Disability.Group != nil {
				grp = *p.Disability.Group
			}
			switch {
			case g < 7:
				m = "1.61"
			case g < 18 || p.Disability.Cause == "childhood":
				m = map[int]string{1: "2.2", 2: "1.83", 3: "1.61"}[grp]
			default:
				m = map[int]string{1: "2.2", 2: "1.76", 3: "1.2"}[grp]
			}
			if m == "" {
				continue
			}
			pr.Eligible = true
			pr.Amount += roundHalfUp(mul(rat(m), at(pm, D)))
		}
		res.Programmes = append(res.Programmes, pr)
	}
	return res
}
