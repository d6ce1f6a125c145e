package benefits_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
)

// genSituation writes a random situation as JSON, biased towards every
// boundary RULES.md names: birthdays on D, the ends of the 12- and
// 18-month windows, month ends and leap days, quarter and year starts,
// parameter change dates, twins, persons born after D, incomes around
// the poverty line with fractions of a tenge.
func genSituation(r *rand.Rand, id int) []byte {
	days := []string{"2025-01-01", "2025-01-10", "2025-02-28", "2025-03-31", "2025-04-01", "2025-06-30",
		"2025-07-01", "2025-08-31", "2025-09-30", "2025-10-01", "2025-12-31", "2026-01-01", "2026-02-28",
		"2026-03-01", "2026-03-31", "2026-04-01", "2026-08-31", "2026-09-30", "2026-10-01", "2024-02-29",
		"2024-12-31", "2028-02-29", "2027-01-01"}
	var D time.Time
	if r.IntN(3) == 0 {
		D, _ = time.Parse(time.DateOnly, days[r.IntN(len(days))])
	} else {
		D = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(1000))
	}
	regions := []string{"astana", "almaty", "pavlodar", "turkistan", "astana", "pavlodar", "nowhere"}
	addM := func(t time.Time, n int) time.Time { return addMonths(t, n) }
	birth := func(child bool) time.Time {
		switch r.IntN(9) {
		case 0: // a birthday on D, or the day before or after
			years := r.IntN(25)
			if !child {
				years = 18 + r.IntN(60)
			}
			return D.AddDate(-years, 0, r.IntN(3)-1)
		case 1: // the birth window's start
			return addM(D, -12).AddDate(0, 0, r.IntN(3)-1)
		case 2: // the childcare window's end
			return addM(D, -18).AddDate(0, 0, r.IntN(3)-1)
		case 3: // born after D
			return D.AddDate(0, 0, 1+r.IntN(60))
		case 4: // month ends
			t := D.AddDate(-r.IntN(3), -r.IntN(24), 0)
			return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC)
		case 5: // on a parameter change date
			return time.Date(2024+r.IntN(3), 1, 1, 0, 0, 0, 0, time.UTC)
		}
		if child {
			return D.AddDate(0, 0, -r.IntN(25*366))
		}
		return D.AddDate(0, 0, -(18*365 + r.IntN(60*365)))
	}
	var persons []string
	n := 1 + r.IntN(10)
	twin := ""
	for i := 0; i < n; i++ {
		role := []string{"parent", "child", "child", "child", "other"}[r.IntN(5)]
		b := birth(role == "child")
		bs := b.Format(time.DateOnly)
		if role == "child" && twin != "" && r.IntN(3) == 0 {
			bs = twin
		}
		if role == "child" {
			twin = bs
		}
		f := []string{fmt.Sprintf(`"id":"p%d"`, i), fmt.Sprintf(`"role":%q`, role), fmt.Sprintf(`"birth_date":%q`, bs)}
		if r.IntN(5) == 0 {
			f = append(f, `"carer":true`)
		}
		if r.IntN(3) == 0 {
			f = append(f, `"student":true`)
		}
		if r.IntN(2) == 0 {
			f = append(f, `"insured":true`, fmt.Sprintf(`"avg_income_24m":%s`, amount(r, []int{0, 50000, 150000, 595000, 600000, 1500000}[r.IntN(6)])))
		}
		if r.IntN(4) == 0 {
			g := []string{"null", "1", "2", "3"}[r.IntN(4)]
			cause := []string{"general", "childhood"}[r.IntN(2)]
			f = append(f, fmt.Sprintf(`"disability":{"group":%s,"cause":%q}`, g, cause))
		}
		if r.IntN(2) == 0 {
			var inc []string
			for m := -12; m <= 0; m++ {
				if r.IntN(3) > 0 {
					inc = append(inc, fmt.Sprintf(`%q:%s`, addM(D, m).Format("2006-01"), amount(r, []int{0, 20000, 40000, 60000, 150000}[r.IntN(5)])))
				}
			}
			f = append(f, `"income":{`+strings.Join(inc, ",")+`}`)
		}
		persons = append(persons, "{"+strings.Join(f, ",")+"}")
	}
	return []byte(fmt.Sprintf(`{"id":"h%d","date":%q,"household":{"region":%q},"persons":[%s]}`,
		id, D.Format(time.DateOnly), regions[r.IntN(len(regions))], strings.Join(persons, ",")))
}

func amount(r *rand.Rand, base int) string {
	v := base + r.IntN(40000)
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%d.5", v)
	case 1:
		return fmt.Sprintf("%d.25", v)
	}
	return fmt.Sprint(v)
}

// compare decides one situation with the engine and the oracle.
func compare(t *testing.T, e *benefits.Engine, b []byte) {
	t.Helper()
	s, err := benefits.ParseSituation(b)
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	got := e.Decide(&s)
	var os Situation
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&os); err != nil {
		t.Fatal(err)
	}
	want := decide(os)
	if strings.Count(string(b), `"role"`) == 0 || allUnborn(s) {
		return // no members: the engine refuses АСП to nobody, the oracle pays 0
	}
	for i, w := range want.Programmes {
		g := got.Programmes[i]
		if g.Programme != w.Programme || g.Eligible != w.Eligible || g.Amount.Cmp(benefits.Tenge(w.Amount)) != 0 ||
			g.Period != w.Period || (g.Err != "") != (w.Err != "") {
			t.Fatalf("%s\n%s: engine eligible %v amount %s err %q; oracle %v %d %q", b, w.Programme, g.Eligible, g.Amount, g.Err, w.Eligible, w.Amount, w.Err)
		}
	}
}

func TestDifferential(t *testing.T) {
	e := mustEngine(t)
	r := rand.New(rand.NewPCG(15, 2026))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := range n {
		compare(t, e, genSituation(r, i))
	}
}

func FuzzDifferential(f *testing.F) {
	e := mustEngine(f)
	for i := range uint64(8) {
		f.Add(i)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		compare(t, e, genSituation(rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), int(seed%1000)))
	})
}

func mustEngine(tb testing.TB) *benefits.Engine {
	tb.Helper()
	c, err := benefits.DefaultCatalog()
	if err != nil {
		tb.Fatal(err)
	}
	e, err := benefits.NewEngine(c)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func allUnborn(s benefits.Situation) bool {
	for _, p := range s.Persons {
		if p.BirthDate <= s.Date {
			return false
		}
	}
	return true
}
