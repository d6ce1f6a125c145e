package source

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// benchRecords is the number of records each public benchmark file holds,
// from the READMEs under ../shared/datasets.
var benchRecords = map[string]int{
	"febrl1":                1000,
	"febrl2":                5000,
	"febrl3":                5000,
	"febrl4a":               5000,
	"febrl4b":               5000,
	"rldata500":             500,
	"rldata10000":           10000,
	"splink_fake_1000":      1000,
	"splink_historical_50k": 50578,
}

// TestBenchContracts loads every contract under bench/linkage and reads
// each dataset it names to the end: no row may be quarantined, since the
// accuracy benchmarks score every record. A dataset folder that is absent
// (the data live outside the repository) skips its source.
func TestBenchContracts(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "bench", "linkage", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no contracts in bench/linkage")
	}
	for _, path := range paths {
		c, err := Load(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		for _, src := range c.Sources {
			t.Run(filepath.Base(path)+"/"+src.Name, func(t *testing.T) {
				want, ok := benchRecords[src.Name]
				if !ok {
					t.Fatalf("source %s has no expected record count in benchRecords", src.Name)
				}
				if _, err := os.Stat(filepath.Dir(src.File)); errors.Is(err, os.ErrNotExist) {
					t.Skipf("dataset folder %s is absent", filepath.Dir(src.File))
				}
				f, err := os.Open(src.File)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				d, err := NewDecoder(src, f, filepath.Base(src.File))
				if err != nil {
					t.Fatal(err)
				}
				markers := map[string]bool{}
				for _, m := range src.Missing {
					markers[strings.ToLower(m)] = true
				}
				records := 0
				invalid := map[string]int{}
				for {
					rec, rej, err := d.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					if rej != nil {
						t.Fatalf("line %d quarantined: %s %s: %s", rej.Line, rej.Code, rej.Field, rej.Reason)
					}
					records++
					for _, a := range rec.Attrs {
						for _, part := range strings.Fields(a.Value) {
							if markers[strings.ToLower(part)] {
								t.Fatalf("line %d: %s = %q keeps a missing marker", rec.Line, a.Name, a.Value)
							}
						}
					}
					for _, is := range rec.Invalid {
						invalid[is.Field]++
					}
				}
				if records != want {
					t.Errorf("%d records, want %d", records, want)
				}
				fields := make([]string, 0, len(invalid))
				for f := range invalid {
					fields = append(fields, f)
				}
				sort.Strings(fields)
				for _, f := range fields {
					t.Logf("%s: %d values flagged invalid", f, invalid[f])
				}
			})
		}
	}
}
