package resolve_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

// BenchmarkResolveOneRecord measures incremental linking: a nation of
// ORTAQ_BENCH_PEOPLE people (default 20,000) is stored and resolved, all
// but its last heldOut+oneShot health cards. A Resolver held across the
// runs, as a server holds it, builds its blocking indexes (index-s); then
// each of heldOut cards is pushed alone and resolved by it, and the times
// are reported as p50, p99 and max. Each of the last oneShot cards is then
// resolved by a new Resolver, as the command line does, which builds its
// index first (oneshot-ms, the median). On SQLite by default;
// ORTAQ_BENCH_DB=postgres uses the test PostgreSQL server.
func BenchmarkResolveOneRecord(b *testing.B) {
	const heldOut, oneShot = 400, 5
	people := 20000
	if v, err := strconv.Atoi(os.Getenv("ORTAQ_BENCH_PEOPLE")); err == nil {
		people = v
	}
	ctx := context.Background()
	dir := b.TempDir()
	if _, err := synth.Generate(ctx, synth.Options{People: people, Seed: 1, Out: dir}); err != nil {
		b.Fatal(err)
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	var st *store.Store
	if os.Getenv("ORTAQ_BENCH_DB") == "postgres" {
		st = storetest.Postgres(b)
	} else {
		st = storetest.SQLite(b)
	}
	cards := c.Source("health_cards")
	lines := readLinesB(b, cards.File)
	header, rows := lines[0], lines[1:]
	ids, err := ingest.Register(ctx, st, c)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for _, s := range c.Sources {
		body := ""
		if s.Name == cards.Name {
			body = header + "\n" + strings.Join(rows[:len(rows)-heldOut-oneShot], "\n") + "\n"
		} else {
			raw, err := os.ReadFile(s.File)
			if err != nil {
				b.Fatal(err)
			}
			body = string(raw)
		}
		if _, err := ingest.Extract(ctx, st, s, ids[s.Name], strings.NewReader(body), s.File, source.ModeDelta); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("ingested %d people in %s", people, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
		b.Fatal(err)
	}
	b.Logf("resolved in %s", time.Since(start).Round(time.Millisecond))
	if err := st.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}

	// The held-out cards can be linked once, so the benchmark measures
	// them all whatever b.N is; run it with -benchtime=1x.
	b.ResetTimer()
	rv := resolve.NewResolver(st)
	start = time.Now()
	if err := rv.LoadIndexes(ctx, nil); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(time.Since(start).Seconds(), "index-s")
	push := func(row string) {
		b.StopTimer()
		defer b.StartTimer()
		if _, err := ingest.Extract(ctx, st, cards, ids[cards.Name], strings.NewReader(header+"\n"+row+"\n"), cards.File, source.ModeDelta); err != nil {
			b.Fatal(err)
		}
	}
	var took []time.Duration
	for _, row := range rows[len(rows)-heldOut-oneShot : len(rows)-oneShot] {
		push(row)
		t0 := time.Now()
		if _, err := rv.Resolve(ctx, resolve.StoreOptions{}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")

	took = took[:0]
	for _, row := range rows[len(rows)-oneShot:] {
		push(row)
		t0 := time.Now()
		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "oneshot-ms")
}

func readLinesB(b *testing.B, path string) []string {
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
}
