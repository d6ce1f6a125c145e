package benefits_test

import (
	"encoding/json"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/benefits/benefitstest"
)

// massDate is the mass benchmarks' decision date; its preceding quarter
// (2026Q1) has АСП figures for every region.
var massDate = benefits.MakeDate(2026, 5, 10)

const (
	// country is the number of households the target decides:
	// the 6.3 million families of the Digital Family Card.
	country = 6_300_000
	// massPool bounds the distinct households a mass benchmark holds in
	// memory (about 2.5 KB each, some 500 MB at most; the oracle's copy
	// about twice that); a run of more households cycles over the pool.
	massPool = 200_000
)

// massSize is the number of households the mass benchmarks decide per
// iteration: ORTAQ_BENCH_HOUSEHOLDS (6300000 for the country), by default
// 20,000, so that a plain -bench run stays short.
func massSize(tb testing.TB) int {
	tb.Helper()
	v := os.Getenv("ORTAQ_BENCH_HOUSEHOLDS")
	if v == "" {
		return 20_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		tb.Fatalf("ORTAQ_BENCH_HOUSEHOLDS=%q: want a positive number", v)
	}
	return n
}

// BenchmarkCalculate is the batch throughput of Decide on one core.
func BenchmarkCalculate(b *testing.B) {
	e := mustEngine(b)
	hs := benefitstest.Households(10000, 7, massDate)
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
	hs := benefitstest.Households(10000, 7, massDate)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.DecideOpts(&hs[i%len(hs)], benefits.Options{NoTrace: true})
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "situations/s")
}

// BenchmarkMass decides ORTAQ_BENCH_HOUSEHOLDS households (default
// 20,000; 6300000 for the country) × 5 programmes without traces on all
// cores (GOMAXPROCS), as a mass run does. To keep memory bounded it holds
// at most 200,000 distinct generated households (benchmarks' households,
// see benefitstest) and cycles over them; generating them is not timed.
// It reports the seconds per run (s), households/s, ns/household,
// ns/household/core (to compare with BenchmarkOracle on one core) and
// the projection for the country's 6.3 million households (s/6.3M):
//
//	ORTAQ_BENCH_HOUSEHOLDS=6300000 go test -run '^$' -bench 'Mass$' -benchtime 1x -cpu 2 ./internal/benefits/
func BenchmarkMass(b *testing.B) {
	e := mustEngine(b)
	total := massSize(b)
	hs := benefitstest.Households(min(total, massPool), 11, massDate)
	workers := runtime.GOMAXPROCS(0)
	const chunk = 256
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
					i := next.Add(chunk) - chunk
					if i >= int64(total) {
						return
					}
					for j := i; j < min(i+chunk, int64(total)); j++ {
						e.DecideOpts(&hs[j%int64(len(hs))], benefits.Options{NoTrace: true})
					}
				}
			}()
		}
		wg.Wait()
	}
	elapsed := time.Since(start)
	reportMass(b, elapsed, total, workers)
}

// BenchmarkOracle decides the same households as BenchmarkMass (its pool
// of at most 200,000, once per iteration) with the reference
// implementation of oracle_test.go, on one core: hand-written Go with
// math/big.Rat, against which BenchmarkMass's programmes-as-CEL-data are
// a ratio. Converting the households to the oracle's input is not timed.
//
//	go test -run '^$' -bench 'Oracle$' -benchtime 1x ./internal/benefits/
func BenchmarkOracle(b *testing.B) {
	n := min(massSize(b), massPool)
	hs := benefitstest.Households(n, 11, massDate)
	os := make([]Situation, n)
	for i := range hs {
		os[i] = oracleSituation(b, &hs[i])
		hs[i] = benefits.Situation{} // hold one copy at a time
	}
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		for i := range os {
			decide(os[i])
		}
	}
	reportMass(b, time.Since(start), n, 1)
}

// reportMass reports a mass benchmark's figures: b.N runs of n
// households each took elapsed on workers cores.
func reportMass(b *testing.B, elapsed time.Duration, n, workers int) {
	per := float64(elapsed.Nanoseconds()) / float64(b.N) / float64(n)
	b.ReportMetric(elapsed.Seconds()/float64(b.N), "s")
	b.ReportMetric(1e9/per, "households/s")
	b.ReportMetric(per, "ns/household")
	b.ReportMetric(per*float64(workers), "ns/household/core")
	b.ReportMetric(per*country/1e9, "s/6.3M")
}

// oracleSituation converts s to the oracle's input through its JSON, as
// an integrator would send it.
func oracleSituation(tb testing.TB, s *benefits.Situation) Situation {
	tb.Helper()
	raw, err := json.Marshal(s)
	if err != nil {
		tb.Fatal(err)
	}
	var o Situation
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&o); err != nil {
		tb.Fatal(err)
	}
	return o
}
