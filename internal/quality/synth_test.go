package quality_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

// The nation with planted defects is large enough that every defect kind
// occurs several times; the clean one, which only has to yield nothing,
// is smaller, because resolving a nation dominates the test's time under
// -race.
const (
	defectPeople = 5000
	cleanPeople  = 2000
)

// nation is a synthetic nation ingested, resolved and loaded.
type nation struct {
	once sync.Once
	dir  string
	ds   *golden.Dataset
	cfg  *quality.Config
	err  error
}

var (
	nations = map[bool]*nation{false: {}, true: {}}
	// nationsDir holds the nations' extracts for the whole test binary.
	nationsDir string
)

func TestMain(m *testing.M) {
	// The store and the resolver log every step; the tests' own logs say
	// what matters.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	var err error
	if nationsDir, err = os.MkdirTemp("", "quality-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(nationsDir)
	os.Exit(code)
}

// loadNation generates, ingests and resolves a nation (clean or with its
// planted defects) once per test binary, and parses its quality.yaml.
func loadNation(t *testing.T, clean bool) *nation {
	t.Helper()
	n := nations[clean]
	n.once.Do(func() {
		start := time.Now()
		n.err = n.build(t, clean)
		t.Logf("nation (clean %v) ready in %v", clean, time.Since(start))
	})
	if n.err != nil {
		t.Fatal(n.err)
	}
	return n
}

func (n *nation) build(t *testing.T, clean bool) error {
	ctx := context.Background()
	people := defectPeople
	if clean {
		people = cleanPeople
	}
	n.dir = filepath.Join(nationsDir, fmt.Sprintf("clean-%v", clean))
	if _, err := synth.Generate(ctx, synth.Options{People: people, Seed: 7, Out: n.dir, Clean: clean}); err != nil {
		return err
	}
	c, err := source.Load(filepath.Join(n.dir, "sources.yaml"))
	if err != nil {
		return err
	}
	st := storetest.SQLite(t)
	if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
		return err
	}
	if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
		return err
	}
	if n.ds, err = golden.Load(ctx, st); err != nil {
		return err
	}
	n.cfg, err = quality.LoadFile(filepath.Join(n.dir, "quality.yaml"))
	return err
}

// defectChecks maps each planted defect kind to the checks of the synth's
// quality.yaml that should find exactly its records, as "source/check".
var defectChecks = map[string][]string{
	"duplicate_card":         {"health_cards/one_patient_several_cards"},
	"name_typo":              {"health_cards/name_mismatch_full_name"},
	"name_upper":             {"health_cards/letter_case_full_name"},
	"kazakh_folded":          {"health_cards/kazakh_folded_full_name", "disability_register/kazakh_folded_full_name"},
	"latin_spelling":         {"health_cards/script_full_name"},
	"missing_iin":            {"health_cards/missing_national_id"},
	"iin_check_digit":        {"health_cards/valid_national_id", "social_benefits/valid_national_id"},
	"invalid_date":           {"health_cards/valid_birth_date"},
	"dead_active_health":     {"health_cards/active_card_of_dead"},
	"dead_owner":             {"livestock/dead_owner"},
	"duplicate_tag":          {"livestock/unique_tag"},
	"oversized_herd":         {"livestock/herd_size"},
	"impossible_age":         {"livestock/age_birth_date"},
	"dead_receiving_benefit": {"social_benefits/paid_after_death"},
	"income_for_dead":        {"tax_incomes/income_after_death"},
	"enrolled_twice":         {"education_students/enrolled_twice"},
	"malformed_row":          {"health_cards/quarantine"},
}

// TestSynthDefects runs the synth's quality.yaml over a nation with
// planted defects and scores each defect kind's checks against the truth:
// precision and recall must both reach 0.95. Malformed rows are matched by
// line, the rest by source and record id.
func TestSynthDefects(t *testing.T) {
	t.Parallel()
	n := loadNation(t, false)
	start := time.Now()
	rep, err := quality.Run(context.Background(), n.ds, n.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("quality.Run: %d checks over %d people's records in %v", len(rep.Results), defectPeople, time.Since(start))

	truth := readDefects(t, filepath.Join(n.dir, "truth", "defects.csv"))
	results := map[string]*quality.Result{}
	for i := range rep.Results {
		r := &rep.Results[i]
		results[r.Source+"/"+r.Name] = r
	}
	for _, kind := range synth.DefectKinds() {
		if defectChecks[kind] == nil {
			t.Errorf("defect kind %s has no check in the test's table", kind)
		}
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-24s %6s %6s %6s %9s %7s\n", "kind", "truth", "found", "right", "precision", "recall")
	for _, kind := range sortedKeys(defectChecks) {
		want := truth[kind]
		found := map[string]bool{}
		for _, name := range defectChecks[kind] {
			r := results[name]
			if r == nil {
				t.Errorf("%s: no result for check %s", kind, name)
				continue
			}
			src := strings.SplitN(name, "/", 2)[0]
			for _, f := range r.Findings {
				key := src + "/" + f.RecordID
				if kind == "malformed_row" {
					key = src + "/line " + strconv.Itoa(f.Line)
				}
				found[key] = true
				if r.Kind == "duplicates" {
					// One finding per cluster: its other records count too.
					for _, id := range f.Related {
						found[src+"/"+id] = true
					}
				}
			}
		}
		right := 0
		for k := range found {
			if want[k] {
				right++
			}
		}
		p, r := ratio(right, len(found)), ratio(right, len(want))
		fmt.Fprintf(&table, "%-24s %6d %6d %6d %9.3f %7.3f\n", kind, len(want), len(found), right, p, r)
		if len(want) == 0 {
			t.Errorf("%s: the nation has no planted defect of this kind", kind)
		}
		if p < 0.95 || r < 0.95 {
			t.Errorf("%s: precision %.3f, recall %.3f; want both >= 0.95", kind, p, r)
			logMisses(t, kind, found, want)
		}
	}
	t.Log(table.String())

	// The generic checks find nothing on a nation loaded once.
	for _, r := range rep.Results {
		switch r.Kind {
		case "freshness", "volume", "schema":
			if len(r.Findings) > 0 {
				t.Errorf("%s/%s: %d findings on a single fresh load, first %+v", r.Source, r.Name, len(r.Findings), r.Findings[0])
			}
		}
	}
}

// TestSynthClean runs the same quality.yaml over a nation without planted
// defects: no check may find anything.
func TestSynthClean(t *testing.T) {
	t.Parallel()
	n := loadNation(t, true)
	rep, err := quality.Run(context.Background(), n.ds, n.cfg)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range rep.Results {
		checked += r.Total
		for i, f := range r.Findings {
			if i == 3 {
				t.Errorf("%s/%s: … %d findings in all", r.Source, r.Name, len(r.Findings))
				break
			}
			t.Errorf("%s/%s: finding on a clean nation: %+v", r.Source, r.Name, f)
		}
	}
	if checked == 0 {
		t.Fatal("the checks checked nothing")
	}
}

// readDefects reads truth/defects.csv as kind -> "source/record_id", or
// "source/line N" for malformed rows.
func readDefects(t *testing.T, path string) map[string]map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]bool{}
	for _, row := range rows[1:] {
		kind, src, id, detail := row[0], row[1], row[2], row[3]
		key := src + "/" + id
		if kind == "malformed_row" {
			line, _, _ := strings.Cut(detail, ":")
			key = src + "/" + line
		}
		if out[kind] == nil {
			out[kind] = map[string]bool{}
		}
		out[kind][key] = true
	}
	return out
}

func logMisses(t *testing.T, kind string, found, want map[string]bool) {
	t.Helper()
	var fp, fn []string
	for k := range found {
		if !want[k] {
			fp = append(fp, k)
		}
	}
	for k := range want {
		if !found[k] {
			fn = append(fn, k)
		}
	}
	slices.Sort(fp)
	slices.Sort(fn)
	t.Logf("%s: false positives %v; missed %v", kind, fp[:min(len(fp), 10)], fn[:min(len(fn), 10)])
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
