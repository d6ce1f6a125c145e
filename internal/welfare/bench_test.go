package welfare

import (
	"context"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/household"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

// benchNation returns the extracts of the benchmarks' nation:
// ORTAQ_BENCH_PEOPLE people (bench/benefits.sh's PEOPLE), by default the
// tests' nation of 1,500.
func benchNation(b *testing.B) string {
	b.Helper()
	v := os.Getenv("ORTAQ_BENCH_PEOPLE")
	if v == "" {
		return nationExtracts(b)
	}
	people, err := strconv.Atoi(v)
	if err != nil || people <= 0 {
		b.Fatalf("ORTAQ_BENCH_PEOPLE=%q: want a positive number", v)
	}
	benchOnce.Do(func() {
		if benchDir, benchErr = tempDir(); benchErr == nil {
			_, benchErr = synth.Generate(context.Background(), synth.Options{People: people, Seed: 7, Out: benchDir})
		}
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDir
}

// benchStore is a SQLite store holding the benchmarks' nation.
func benchStore(b *testing.B) (*store.Store, *Service) {
	b.Helper()
	st := storetest.SQLite(b)
	fillNationFrom(b, st, benchNation(b))
	s := newService(b, st, &outbox{}, &clock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)})
	return st, s
}

// BenchmarkRun measures a mass run end to end (golden records, profiles,
// decisions, well-being, storing, offers):
//
//	go test -run '^$' -bench 'Run$' -benchtime 1x ./internal/welfare/
func BenchmarkRun(b *testing.B) {
	_, s := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		start := time.Now()
		run, err := s.Run(ctx, runDate, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(run.Households)/time.Since(start).Seconds(), "households/s")
		b.ReportMetric(float64(run.Households), "households")
	}
}

// BenchmarkDecide measures deciding households alone: situation,
// all programmes, decision encoding and well-being score, from profiles
// in memory, on one core.
func BenchmarkDecide(b *testing.B) {
	st, s := benchStore(b)
	ds, err := golden.Load(context.Background(), st)
	if err != nil {
		b.Fatal(err)
	}
	profiles := slices.Collect(household.Build(ds, timeOf(runDate)))
	r := s.rules()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		p := &profiles[n%len(profiles)]
		if d := s.decide(r, p, runDate); d.err != nil {
			b.Fatal(d.err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "households/s")
}

// BenchmarkUpdateOne measures one household re-decided after its data
// changed, as Update does it once the changed entities are known: its
// profile read from the store (household.ForPersons), compared with its
// current decision, decided and stored with its events and offers. Each
// iteration moves the decision date by a day, so that every one really
// re-decides and stores (every programme, the worst case).
func BenchmarkUpdateOne(b *testing.B) {
	st, s := benchStore(b)
	ctx := context.Background()
	if _, err := s.Run(ctx, runDate, nil); err != nil {
		b.Fatal(err)
	}
	var hh string
	_ = st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		if hh == "" && len(c.Outcomes) > 0 {
			hh = c.Household
		}
		return nil
	})
	var lat []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		run, err := s.updateHouseholds(ctx, runDate+1+benefits.Date(i%2), []string{hh})
		if err != nil {
			b.Fatal(err)
		}
		if run.Changed != 1 {
			b.Fatalf("run %+v: want one decision stored", run)
		}
		lat = append(lat, time.Since(start))
		i++
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
