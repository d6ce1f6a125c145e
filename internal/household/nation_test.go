package household

import (
	"context"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/synth"
)

// TestSynthNation builds the profiles of a synthetic nation and checks
// that every property the benefit rules turn on occurs, with provenance.
func TestSynthNation(t *testing.T) {
	if testing.Short() {
		t.Skip("synthesises a nation")
	}
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: 1000, Seed: 1, Out: dir}); err != nil {
		t.Fatal(err)
	}
	ds := synthDataset(t, dir)
	counts := map[string]int{}
	yearAgo, eighteen := asOf.AddDate(-1, 0, 0), addMonths(asOf, -18)
	for p := range Build(ds, asOf) {
		checkProvenance(t, p)
		counts["households"]++
		counts["region "+p.Region.Value]++
		kids, income := 0, false
		for _, m := range p.Members {
			age := func(years int) bool { return m.BirthDate.Value.AddDate(years, 0, 0).After(asOf) }
			if m.Role.Value == RoleChild && (age(18) || age(23) && m.Student.Value) {
				kids++
			}
			if m.BirthDate.Value.After(yearAgo) {
				counts["births in 12 months"]++
			}
			if m.BirthDate.Value.After(eighteen) {
				counts["children under 1.5"]++
			}
			if m.Student.Value && age(23) && !age(18) {
				counts["full-time students 18-22"]++
			}
			if d := m.Disability.Value; d != nil && age(18) && !age(7) && d.Group > 0 {
				counts["disabled children 7-17 with a group"]++
			}
			if d := m.Disability.Value; d != nil && age(7) && d.Group == 0 {
				counts["disabled children under 7"]++
			}
			if m.Carer.Value {
				counts["carers"]++
			}
			if m.Insured.Value {
				counts["insured"]++
			}
			if m.Income24m.Value != "0" {
				income = true
			}
		}
		if kids >= 4 {
			counts["large families"]++
		}
		if !income {
			counts["no income"]++
		}
	}
	t.Log(counts)
	for _, k := range []string{"region astana", "region almaty", "region pavlodar", "region turkistan", "large families",
		"births in 12 months", "children under 1.5", "full-time students 18-22", "disabled children 7-17 with a group",
		"carers", "insured", "no income"} {
		if counts[k] == 0 {
			t.Errorf("no %s among %d households", k, counts["households"])
		}
	}
}

// BenchmarkBuild measures building profiles from a dataset in memory:
//
//	ORTAQ_BENCH_PEOPLE=100000 go test -run '^$' -bench Build -benchtime 1x ./internal/household/
func BenchmarkBuild(b *testing.B) {
	people := benchPeople()
	dir := b.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: people, Seed: 1, Out: dir}); err != nil {
		b.Fatal(err)
	}
	ds := synthDataset(b, dir)
	b.ResetTimer()
	for b.Loop() {
		start, n := time.Now(), 0
		for range Build(ds, asOf) {
			n++
		}
		b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(n), "ns/household")
		b.ReportMetric(float64(n), "households")
	}
}
