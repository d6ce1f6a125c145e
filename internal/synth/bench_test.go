package synth

import (
	"context"
	"strconv"
	"testing"
)

// BenchmarkGenerate measures a whole generation, files included. The
// million-person case is the scale target (under 60 s on two cores):
//
//	go test -run '^$' -bench 'Generate/people=1000000' -benchtime 1x ./internal/synth/
func BenchmarkGenerate(b *testing.B) {
	for _, n := range []int{20_000, 1_000_000} {
		b.Run("people="+strconv.Itoa(n), func(b *testing.B) {
			dir := b.TempDir()
			for b.Loop() {
				sum, err := Generate(context.Background(), Options{People: n, Seed: 1, Out: dir})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(sum.Files["truth/persons.csv"]), "records")
			}
		})
	}
}
