package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

var (
	benchNationOnce sync.Once
	benchNation     *source.Contract
	benchNationErr  error
)

// benchContract synthesises a nation once per process (ORTAQ_BENCH_PEOPLE,
// default 100000) and returns its contract.
func benchContract(b *testing.B) *source.Contract {
	b.Helper()
	benchNationOnce.Do(func() {
		people := 100000
		if v, err := strconv.Atoi(os.Getenv("ORTAQ_BENCH_PEOPLE")); err == nil && v > 0 {
			people = v
		}
		dir, err := os.MkdirTemp("", "ortaq-bench-")
		if err != nil {
			benchNationErr = err
			return
		}
		if _, err := synth.Generate(context.Background(), synth.Options{People: people, Seed: 1, Out: dir}); err != nil {
			benchNationErr = err
			return
		}
		benchNation, benchNationErr = source.Load(filepath.Join(dir, "sources.yaml"))
	})
	if benchNationErr != nil {
		b.Fatal(benchNationErr)
	}
	return benchNation
}

// BenchmarkIngestHealth loads the synthetic health extract into a fresh
// store per iteration and reports rows/s; the "again" cases load it a second
// time, when every row is unchanged (the daily full extract). Run with
// go test ./internal/source -run '^$' -bench IngestHealth -benchtime 3x
func BenchmarkIngestHealth(b *testing.B) {
	for _, again := range []bool{false, true} {
		benchmarkIngestHealth(b, again)
	}
}

func benchmarkIngestHealth(b *testing.B, again bool) {
	suffix := ""
	if again {
		suffix = "/again"
	}
	for _, db := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(db.name+suffix, func(b *testing.B) {
			c := benchContract(b)
			src := c.Source("health_cards")
			ctx := context.Background()
			rows := 0
			for b.Loop() {
				b.StopTimer()
				st := db.open(b)
				ids, err := ingest.Register(ctx, st, c)
				if err != nil {
					b.Fatal(err)
				}
				if again {
					if _, err := ingest.File(ctx, st, src, ids[src.Name], nil); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				sum, err := ingest.File(ctx, st, src, ids[src.Name], nil)
				if err != nil {
					b.Fatal(err)
				}
				rows += sum.Rows
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
