package resolve

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ortaq/ortaq/internal/linkeval"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/synth"
)

// TestIdenticalRecordsLinkAsCompared links person records comparing one
// record of each group of identical ones, and again comparing every
// record: the entities are the same, for fewer comparisons. The synthetic
// nation's tax register repeats each person month after month; Splink's
// historical_50k (skipped when ../shared/datasets is absent) repeats
// people unevenly, so that clusters' cohesion must count the records a
// representative stands for.
func TestIdenticalRecordsLinkAsCompared(t *testing.T) {
	// Every block compared pair by pair: a window holds fewer records
	// when identical ones stand for each other.
	const unbounded = 1 << 30
	ctx := context.Background()
	nation := t.TempDir()
	if _, err := synth.Generate(ctx, synth.Options{People: 3000, Seed: 5, Out: nation}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, sources string
		fewer         int // comparing all compares at least this many times more
	}{
		{"synthetic nation", filepath.Join(nation, "sources.yaml"), 4},
		{"splink historical_50k", "../../bench/linkage/splink_historical_50k.yaml", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := source.Load(tc.sources)
			if err != nil {
				t.Fatal(err)
			}
			tables, _, err := LoadContract(ctx, c, nil)
			if errors.Is(err, fs.ErrNotExist) {
				t.Skipf("no dataset: %v", err)
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, tb := range tables {
				if tb.Kind != source.EntityPerson {
					continue
				}
				if id := identicalRecords(tb); id.reps == tb.Len() {
					t.Fatalf("no two of %d person records are identical: the test shows nothing", tb.Len())
				}
				collapsed, err := Link(ctx, tb, Options{Seed: 1, Window: unbounded})
				if err != nil {
					t.Fatal(err)
				}
				all, err := Link(ctx, tb, Options{Seed: 1, Window: unbounded, compareAll: true})
				if err != nil {
					t.Fatal(err)
				}
				if collapsed.Stats.Candidates*tc.fewer >= all.Stats.Candidates {
					t.Errorf("compared %d pairs collapsed, %d all: want %d times fewer", collapsed.Stats.Candidates, all.Stats.Candidates, tc.fewer)
				}
				if collapsed.Stats.Entities != all.Stats.Entities {
					t.Errorf("%d entities collapsed, %d comparing every record", collapsed.Stats.Entities, all.Stats.Entities)
				}
				if m := linkeval.Score(labels(all), labels(collapsed)); m.F1 < 0.9999 {
					t.Errorf("collapsed against every record compared: precision %.5f recall %.5f", m.Precision, m.Recall)
				}
			}
		})
	}
}

// labels are a result's entities as linkeval reads them.
func labels(r *Result) linkeval.Labels {
	out := make(linkeval.Labels, len(r.Entity))
	for i, e := range r.Entity {
		out[linkeval.Record{Source: r.Table.Sources[r.Table.Src[i]], ID: r.Table.IDs[i]}] = strconv.Itoa(int(e))
	}
	return out
}
