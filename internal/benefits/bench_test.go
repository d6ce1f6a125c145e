package benefits_test

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
)

// massHouseholds generates n realistic households in memory: 1–10
// members, adults with incomes over the last year, children of all
// ages, some disabilities, insured carers.
func massHouseholds(n int, seed uint64) []benefits.Situation {
	r := rand.New(rand.NewPCG(seed, 1))
	D := benefits.MakeDate(2026, 5, 10)
	regions := []string{"astana", "almaty", "pavlodar", "turkistan"}
	out := make([]benefits.Situation, n)
	for i := range out {
		size := 1 + min(r.IntN(6)+r.IntN(5), 9)
		s := benefits.Situation{ID: fmt.Sprint("h", i), Date: D, Household: benefits.Household{Region: regions[r.IntN(4)]}}
		adults := 1 + r.IntN(min(size, 2))
		for j := range size {
			p := benefits.Person{ID: fmt.Sprint("p", j)}
			if j < adults {
				p.Role = benefits.RoleParent
				p.BirthDate = D - benefits.Date(18*365+r.IntN(40*365))
				p.Income = map[benefits.Month]benefits.Money{}
				base := int64(r.IntN(400000))
				for m := benefits.MonthOf(2025, 5); m <= benefits.MonthOf(2026, 4); m++ {
					if r.IntN(4) > 0 {
						p.Income[m] = benefits.Tenge(base + int64(r.IntN(20000)))
					}
				}
				if j == 0 {
					p.Carer = true
				}
				if r.IntN(2) == 0 {
					p.Insured, p.AvgIncome24m = true, benefits.Tenge(base)
				}
			} else {
				p.Role = benefits.RoleChild
				p.BirthDate = D - benefits.Date(r.IntN(22*365))
				p.Student = r.IntN(4) == 0
			}
			if r.IntN(30) == 0 {
				p.Disability = &benefits.Disability{Group: r.IntN(4), Cause: []string{"general", "childhood"}[r.IntN(2)]}
			}
			s.Persons = append(s.Persons, p)
		}
		out[i] = s
	}
	return out
}

// BenchmarkCalculate is the batch throughput of Decide on one core.
func BenchmarkCalculate(b *testing.B) {
	e := mustEngine(b)
	hs := massHouseholds(10000, 7)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Decide(&hs[i%len(hs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "situations/s")
}

// BenchmarkCalculateNoTrace is BenchmarkCalculate without traces, as a
// mass run decides.
func BenchmarkCalculateNoTrace(b *testing.B) {
	e := mustEngine(b)
	hs := massHouseholds(10000, 7)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.DecideOpts(&hs[i%len(hs)], benefits.Options{NoTrace: true})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "situations/s")
}

// BenchmarkMass decides 200,000 generated households × 5 programmes on
// all cores and reports the time per household and the projection for
// the country's 6.3 million households.
func BenchmarkMass(b *testing.B) {
	e := mustEngine(b)
	n := 200_000
	if testing.Short() {
		n = 20_000
	}
	hs := massHouseholds(n, 11)
	workers := runtime.GOMAXPROCS(0)
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(256) - 256
					if i >= int64(len(hs)) {
						return
					}
					for j := i; j < min(i+256, int64(len(hs))); j++ {
						e.DecideOpts(&hs[j], benefits.Options{NoTrace: true})
					}
				}
			}()
		}
		wg.Wait()
	}
	per := time.Since(start) / time.Duration(b.N*len(hs))
	b.ReportMetric(float64(per.Nanoseconds()), "ns/household")
	b.ReportMetric(float64(per.Nanoseconds())*float64(workers), "ns/household/core")
	b.ReportMetric((per * 6_300_000).Seconds(), "s/6.3M")
}
