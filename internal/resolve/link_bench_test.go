package resolve

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/synth"
)

// BenchmarkLinkSynth links a synthetic nation end to end, from reading
// the extracts to clusters. ORTAQ_BENCH_PEOPLE sets its size (default
// 20,000 people, about 70,000 person records); a nation of 285,000 people
// has about a million.
func BenchmarkLinkSynth(b *testing.B) {
	people := 20000
	if v, err := strconv.Atoi(os.Getenv("ORTAQ_BENCH_PEOPLE")); err == nil {
		people = v
	}
	dir := b.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: people, Seed: 1, Out: dir}); err != nil {
		b.Fatal(err)
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		results, _, err := LinkContract(context.Background(), c, Options{})
		if err != nil {
			b.Fatal(err)
		}
		records, cands := 0, 0
		for _, r := range results {
			records += r.Stats.Records
			cands += r.Stats.Candidates
		}
		b.ReportMetric(float64(records), "records")
		b.ReportMetric(float64(cands), "comparisons")
	}
}
