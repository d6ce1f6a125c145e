package ingest_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

// TestIngestSyntheticNation loads every extract of a synthetic nation and
// holds the outcome to its ground truth: every row is accounted for, the
// quarantine holds exactly the planted malformed rows with the right reason,
// and the stored versions flagged invalid are exactly the records with a
// planted field defect.
func TestIngestSyntheticNation(t *testing.T) {
	dir := t.TempDir()
	gen, err := synth.Generate(context.Background(), synth.Options{People: 3000, Seed: 7, Out: dir})
	if err != nil {
		t.Fatal(err)
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ source, line, code string }
	wantQuarantine := map[key]bool{}
	wantFlagged := map[string]map[string]bool{} // source -> record ids
	for _, d := range readCSV(t, filepath.Join(dir, "truth", "defects.csv")) {
		switch d[0] {
		case "malformed_row":
			line, reason, _ := strings.Cut(strings.TrimPrefix(d[3], "line "), ": ")
			wantQuarantine[key{d[1], line, reason}] = true
		case "iin_check_digit", "invalid_date":
			if wantFlagged[d[1]] == nil {
				wantFlagged[d[1]] = map[string]bool{}
			}
			wantFlagged[d[1]][d[2]] = true
		}
	}
	if len(wantQuarantine) < 3 {
		t.Fatalf("the nation has %d malformed rows; want every kind planted", len(wantQuarantine))
	}

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sums, err := ingest.Contract(ctx, st, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != len(c.Sources) {
			t.Fatalf("%d sources loaded; want %d", len(sums), len(c.Sources))
		}
		for _, s := range sums {
			rel, _ := filepath.Rel(dir, s.File)
			if s.Rows != gen.Files[rel] || s.Rows != s.Stored+s.Unchanged+s.Quarantined {
				t.Errorf("%s: %+v; want all %d rows of %s accounted for", s.Source, s, gen.Files[rel], rel)
			}
			if s.Flagged != len(wantFlagged[s.Source]) {
				t.Errorf("%s: %d rows flagged; truth plants %d field defects", s.Source, s.Flagged, len(wantFlagged[s.Source]))
			}
		}
		q, err := st.Quarantine(ctx, store.QuarantineFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		got := map[key]bool{}
		for _, r := range q {
			got[key{r.Source, strconv.Itoa(r.Line), r.Code}] = true
		}
		for k := range wantQuarantine {
			if !got[k] {
				t.Errorf("planted malformed row %+v is not in the quarantine", k)
			}
		}
		for k := range got {
			if !wantQuarantine[k] {
				t.Errorf("quarantined %+v, which the truth does not plant", k)
			}
		}
	})
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows[1:]
}
