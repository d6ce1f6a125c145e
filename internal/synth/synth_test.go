package synth

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/encoding/charmap"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/source"
)

const testPeople = 3000

// mustGenerate writes a nation of n people with seed into a fresh directory.
func mustGenerate(tb testing.TB, n int, seed int64) (string, Summary) {
	tb.Helper()
	dir := tb.TempDir()
	sum, err := Generate(context.Background(), Options{People: n, Seed: seed, Out: dir})
	if err != nil {
		tb.Fatalf("Generate: %v", err)
	}
	return dir, sum
}

// sharedNation is one nation generated once and shared by the read-only
// tests of this package.
type sharedNation struct {
	clean bool
	once  sync.Once
	dir   string
	sum   Summary
	err   error
}

var (
	normalNation = &sharedNation{}
	cleanNation  = &sharedNation{clean: true}
)

func (s *sharedNation) get(tb testing.TB) (string, Summary) {
	tb.Helper()
	s.once.Do(func() {
		s.dir, s.err = os.MkdirTemp("", "synth-test-")
		if s.err == nil {
			s.sum, s.err = Generate(context.Background(), Options{People: testPeople, Seed: 42, Out: s.dir, Clean: s.clean})
		}
	})
	if s.err != nil {
		tb.Fatalf("Generate: %v", s.err)
	}
	return s.dir, s.sum
}

// nation returns the normal nation shared by the read-only tests.
func nation(tb testing.TB) (string, Summary) {
	tb.Helper()
	return normalNation.get(tb)
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range []*sharedNation{normalNation, cleanNation} {
		if s.dir != "" {
			os.RemoveAll(s.dir)
		}
	}
	os.Exit(code)
}

// table is a parsed extract: header and rows, each row column -> value.
type testTable struct {
	header []string
	rows   []map[string]string
}

func (t testTable) column(name string) []string {
	out := make([]string, len(t.rows))
	for i, r := range t.rows {
		out[i] = r[name]
	}
	return out
}

// readSource parses one extract as its sources.yaml entry describes it.
func readSource(tb testing.TB, dir string, s sourceSpec) testTable {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, s.file))
	if err != nil {
		tb.Fatal(err)
	}
	if s.encoding == "windows-1251" {
		if raw, err = charmap.Windows1251.NewDecoder().Bytes(raw); err != nil {
			tb.Fatalf("%s: decode windows-1251: %v", s.file, err)
		}
	}
	var t testTable
	if s.format == "ndjson" {
		sc := bufio.NewScanner(bytes.NewReader(raw))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var obj map[string]any
			if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
				tb.Fatalf("%s: %v", s.file, err)
			}
			row := map[string]string{}
			for k, v := range obj {
				switch v := v.(type) {
				case string:
					row[k] = v
				case float64:
					row[k] = strconv.FormatFloat(v, 'f', -1, 64)
				}
			}
			if t.header == nil {
				for _, k := range s.header {
					if _, ok := obj[k]; ok {
						t.header = append(t.header, k)
					}
				}
			}
			t.rows = append(t.rows, row)
		}
		return t
	}
	r := csv.NewReader(bytes.NewReader(dropMalformed(tb, dir, s.name, raw)))
	r.Comma = rune(s.delimiter[0])
	recs, err := r.ReadAll()
	if err != nil {
		tb.Fatalf("%s: %v", s.file, err)
	}
	t.header = recs[0]
	for _, rec := range recs[1:] {
		row := make(map[string]string, len(rec))
		for i, v := range rec {
			row[t.header[i]] = v
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// dropMalformed removes the lines truth/defects.csv lists as malformed_row
// for the source: they are meant to be quarantined, not read as records.
func dropMalformed(tb testing.TB, dir, source string, raw []byte) []byte {
	tb.Helper()
	drop := map[int]bool{}
	for _, d := range readTruth(tb, dir, "defects.csv") {
		if d[0] != string(defMalformedRow) || d[1] != source {
			continue
		}
		n, err := strconv.Atoi(strings.TrimPrefix(strings.SplitN(d[3], ":", 2)[0], "line "))
		if err != nil {
			tb.Fatalf("malformed_row detail %q: %v", d[3], err)
		}
		drop[n] = true
	}
	if len(drop) == 0 {
		return raw
	}
	var out []byte
	for i, line := range bytes.SplitAfter(raw, []byte("\n")) {
		if !drop[i+1] {
			out = append(out, line...)
		}
	}
	return out
}

func readTruth(tb testing.TB, dir, name string) [][]string {
	tb.Helper()
	f, err := os.Open(filepath.Join(dir, "truth", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatalf("truth/%s: %v", name, err)
	}
	return recs[1:]
}

func specOf(name string) sourceSpec {
	for _, e := range extracts {
		if e.spec.name == name {
			return e.spec
		}
	}
	panic("no source " + name)
}

func TestGenerateDeterministic(t *testing.T) {
	prev := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(prev)
	runtime.GOMAXPROCS(1)
	a, _ := mustGenerate(t, 2000, 7)
	runtime.GOMAXPROCS(4)
	b, _ := mustGenerate(t, 2000, 7)
	c, _ := mustGenerate(t, 2000, 8)
	fa, fb, fc := readTree(t, a), readTree(t, b), readTree(t, c)
	if len(fa) < 15 {
		t.Fatalf("only %d files written", len(fa))
	}
	for name, want := range fa {
		if !bytes.Equal(fb[name], want) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	if len(fb) != len(fa) {
		t.Errorf("runs wrote %d and %d files", len(fa), len(fb))
	}
	if bytes.Equal(fa["population/register.csv"], fc["population/register.csv"]) {
		t.Errorf("different seeds gave the same population register")
	}
}

func readTree(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		rel, _ := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func TestGenerateOptions(t *testing.T) {
	if _, err := Generate(context.Background(), Options{People: 0, Out: t.TempDir()}); !errors.Is(err, ErrNoPeople) {
		t.Errorf("People 0: err = %v; want ErrNoPeople", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, Options{People: 100, Out: t.TempDir()}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v; want context.Canceled", err)
	}
	for _, n := range []int{1, 2, 5, 17, 101} { // tiny nations must not break
		if _, err := Generate(context.Background(), Options{People: n, Seed: int64(n), Out: t.TempDir()}); err != nil {
			t.Errorf("People %d: %v", n, err)
		}
	}
	dir := t.TempDir()
	asOf := time.Date(2020, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, err := Generate(context.Background(), Options{People: 50, Seed: 3, Out: dir, AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(filepath.Join(dir, "sources.yaml"))
	if err != nil || !bytes.Contains(y, []byte("as_of: 2020-03-01")) {
		t.Errorf("sources.yaml does not carry the as-of date (err %v)", err)
	}
}

func TestSummary(t *testing.T) {
	dir, sum := nation(t)
	if sum.People != testPeople || sum.Households == 0 || sum.Animals == 0 {
		t.Errorf("summary %+v", sum)
	}
	malformed := map[string]int{}
	for _, d := range readTruth(t, dir, "defects.csv") {
		if d[0] == string(defMalformedRow) {
			malformed[d[1]]++
		}
	}
	for _, e := range extracts {
		tab := readSource(t, dir, e.spec)
		if got, want := sum.Files[e.spec.file], len(tab.rows)+malformed[e.spec.name]; got != want || got == 0 {
			t.Errorf("%s: summary says %d rows, file has %d", e.spec.file, got, want)
		}
	}
	if got := len(readTruth(t, dir, "persons.csv")); sum.Files["truth/persons.csv"] != got {
		t.Errorf("truth/persons.csv: summary %d, file %d", sum.Files["truth/persons.csv"], got)
	}
}

func TestPopulationRegister(t *testing.T) {
	dir, _ := nation(t)
	reg := readSource(t, dir, specOf("population_register"))
	seen := map[string]bool{}
	kazakhLetters := 0
	for _, row := range reg.rows {
		iin := row["IIN"]
		p, err := kz.ParseIIN(iin)
		if err != nil {
			t.Fatalf("invalid IIN %q: %v", iin, err)
		}
		if seen[iin] {
			t.Fatalf("IIN %s twice", iin)
		}
		seen[iin] = true
		if got := p.BirthDate.Format("02.01.2006"); got != row["DATA_ROZHD"] {
			t.Errorf("IIN %s: birth date %s, IIN says %s", iin, row["DATA_ROZHD"], got)
		}
		if want := map[kz.Sex]string{kz.Male: "1", kz.Female: "2"}[p.Sex]; row["POL"] != want {
			t.Errorf("IIN %s: POL %s, IIN says %s", iin, row["POL"], want)
		}
		if strings.ContainsAny(row["FAMILIYA"]+row["IMYA"]+row["OTCHESTVO"], "әғқңөұүһіӘҒҚҢӨҰҮҺІ") {
			kazakhLetters++
		}
		for _, c := range []string{"FAMILIYA", "IMYA", "ID_SEMYA", "OBLAST", "NAS_PUNKT", "ULITSA", "DOM", "INDEKS"} {
			if row[c] == "" {
				t.Fatalf("IIN %s: empty %s", iin, c)
			}
		}
		if len(row["INDEKS"]) != 6 {
			t.Errorf("postcode %q", row["INDEKS"])
		}
	}
	if kazakhLetters < len(reg.rows)/3 {
		t.Errorf("only %d of %d names have Kazakh letters", kazakhLetters, len(reg.rows))
	}

	// Every dead person is absent from the register.
	civil := readSource(t, dir, specOf("civil_registry"))
	deaths := 0
	for _, row := range civil.rows {
		if row["event_type"] == "СМЕРТЬ" {
			deaths++
			if seen[row["iin"]] {
				t.Errorf("dead person %s is in the population register", row["iin"])
			}
		}
	}
	if deaths == 0 {
		t.Errorf("no deaths")
	}
	if got, want := len(reg.rows)+deaths, testPeople; got != want {
		t.Errorf("living %d + dead %d = %d; want %d people", len(reg.rows), deaths, got, want)
	}
}

func TestTruthCoversEveryRecord(t *testing.T) {
	dir, _ := nation(t)
	persons := readTruth(t, dir, "persons.csv")
	animals := readTruth(t, dir, "animals.csv")
	events := readTruth(t, dir, "events.csv")
	truth := map[string]map[string]int{} // source -> record -> rows
	count := func(rows [][]string) {
		for _, r := range rows {
			if truth[r[0]] == nil {
				truth[r[0]] = map[string]int{}
			}
			truth[r[0]][r[1]]++
		}
	}
	count(persons)
	count(animals)
	registered := map[string]bool{}
	for _, r := range readSource(t, dir, specOf("population_register")).rows {
		registered[r["IIN"]] = true
	}
	for _, r := range persons {
		if !kz.ValidIIN(r[2]) {
			t.Fatalf("person_id %q is not a valid IIN", r[2])
		}
	}
	eventRows := map[string]int{}
	for _, r := range events {
		eventRows[r[1]]++
	}
	for _, e := range extracts {
		t.Run(e.spec.name, func(t *testing.T) {
			tab := readSource(t, dir, e.spec)
			ids := tab.column(e.spec.id)
			unique := map[string]bool{}
			for _, id := range ids {
				if unique[id] {
					t.Fatalf("record id %q twice", id)
				}
				unique[id] = true
			}
			if e.spec.entity == "event" {
				for _, id := range ids {
					if eventRows[id] == 0 {
						t.Errorf("event %s has no truth row", id)
					}
				}
				return
			}
			got := truth[e.spec.name]
			for _, id := range ids {
				if got[id] != 1 {
					t.Errorf("record %s has %d truth rows; want 1", id, got[id])
				}
			}
			if len(got) != len(ids) {
				t.Errorf("truth has %d records, extract %d", len(got), len(ids))
			}
		})
	}
	hh := readTruth(t, dir, "households.csv")
	if len(hh) != len(registered) {
		t.Errorf("households.csv has %d people; register %d", len(hh), len(registered))
	}
	for _, r := range hh {
		if !registered[r[1]] {
			t.Errorf("household member %s not in the register", r[1])
		}
	}
}

func TestLargeFamilies(t *testing.T) {
	dir, _ := nation(t)
	kids := map[string]int{}
	homes := map[string]bool{}
	for _, r := range readTruth(t, dir, "households.csv") {
		homes[r[0]] = true
		if r[2] == "child" {
			kids[r[0]]++
		}
	}
	large := 0
	for _, n := range kids {
		if n >= 4 {
			large++
		}
	}
	if share := float64(large) / float64(len(homes)); share < 0.02 {
		t.Errorf("%d of %d households (%.1f%%) have 4+ children; want several percent", large, len(homes), 100*share)
	}
}

func TestWindows1251(t *testing.T) {
	dir, _ := nation(t)
	raw, err := os.ReadFile(filepath.Join(dir, "disability", "register.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("ИИН")) {
		t.Errorf("disability register is UTF-8, not windows-1251")
	}
	dec, err := charmap.Windows1251.NewDecoder().Bytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := bytes.Cut(dec, []byte("\n"))
	if got, want := string(first), strings.Join(specOf("disability_register").header, ";"); got != want {
		t.Errorf("decoded header %q; want %q", got, want)
	}
	if bytes.ContainsAny(dec, "әғқңөұүһіӘҒҚҢӨҰҮҺІ") {
		t.Errorf("Kazakh letters survived in a windows-1251 file")
	}
}

// contractFile mirrors docs/sources.md closely enough to check what synth
// writes.
type contractFile struct {
	Agencies []struct {
		Code  string            `yaml:"code"`
		Name  string            `yaml:"name"`
		Names map[string]string `yaml:"names"`
	} `yaml:"agencies"`
	Sources []struct {
		Name       string               `yaml:"name"`
		Agency     string               `yaml:"agency"`
		Title      map[string]string    `yaml:"title"`
		Desc       map[string]string    `yaml:"description"`
		Entity     string               `yaml:"entity"`
		File       string               `yaml:"file"`
		Format     string               `yaml:"format"`
		Delimiter  string               `yaml:"delimiter"`
		Encoding   string               `yaml:"encoding"`
		Mode       string               `yaml:"mode"`
		ID         string               `yaml:"id"`
		DateFormat string               `yaml:"date_format"`
		Trust      int                  `yaml:"trust"`
		AsOf       string               `yaml:"as_of"`
		Fields     map[string]yaml.Node `yaml:"fields"`
	} `yaml:"sources"`
}

type longField struct {
	Column  string            `yaml:"column"`
	Label   map[string]string `yaml:"label"`
	Columns []string          `yaml:"columns"`
	Type    string            `yaml:"type"`
	Format  string            `yaml:"format"`
	Values  map[string]string `yaml:"values"`
	Allowed []string          `yaml:"allowed"`
}

func TestSourcesYAML(t *testing.T) {
	dir, _ := nation(t)
	raw, err := os.ReadFile(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var c contractFile
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("sources.yaml: %v", err)
	}
	agencies := map[string]bool{}
	for _, a := range c.Agencies {
		if a.Name == "" || a.Names["kk"] == "" || a.Names["ru"] == "" {
			t.Errorf("agency %q lacks names", a.Code)
		}
		agencies[a.Code] = true
	}
	if len(c.Sources) != len(extracts) {
		t.Fatalf("%d sources; want %d", len(c.Sources), len(extracts))
	}
	formats := map[string]bool{}
	delims := map[string]bool{}
	for i, s := range c.Sources {
		t.Run(s.Name, func(t *testing.T) {
			if !agencies[s.Agency] || s.Mode != "full" || s.AsOf != "2026-11-01" || s.Title["en"] != extracts[i].spec.title {
				t.Errorf("bad source header %+v", s)
			}
			if !slices.Contains([]string{"person", "animal", "event"}, s.Entity) {
				t.Errorf("entity %q", s.Entity)
			}
			formats[s.Format] = true
			delims[s.Delimiter] = true
			spec := extracts[i].spec
			tab := readSource(t, dir, spec)
			if diff := cmp.Diff(spec.header, tab.header); diff != "" {
				t.Errorf("file header differs from the layout (-want +got):\n%s", diff)
			}
			has := func(col string) {
				if !slices.Contains(tab.header, col) {
					t.Errorf("column %q not in the header of %s", col, s.File)
				}
			}
			has(s.ID)
			for attr, node := range s.Fields {
				switch node.Kind {
				case yaml.ScalarNode:
					has(node.Value)
				case yaml.SequenceNode:
					for _, n := range node.Content {
						has(n.Value)
					}
				case yaml.MappingNode:
					var lf longField
					if err := node.Decode(&lf); err != nil {
						t.Errorf("field %s: %v", attr, err)
					}
					if lf.Column != "" {
						has(lf.Column)
					}
					for _, c := range lf.Columns {
						has(c)
					}
					if lf.Values != nil && lf.Allowed != nil {
						for _, row := range tab.rows {
							v, ok := lf.Values[row[lf.Column]]
							if !ok || !slices.Contains(lf.Allowed, v) {
								t.Fatalf("field %s: value %q not mapped to an allowed value", attr, row[lf.Column])
							}
						}
					}
				}
			}
		})
	}
	if !formats["ndjson"] || !delims[";"] || !delims[","] {
		t.Errorf("want an NDJSON, a ';' and a ',' source; got formats %v delimiters %v", formats, delims)
	}
}

// TestIdentifiers checks every IIN and BIN column outside the sources that
// plant IIN defects: all must be valid.
func TestIdentifiers(t *testing.T) {
	dir, _ := nation(t)
	for _, tt := range []struct {
		source string
		iins   []string
		bins   []string
	}{
		{"civil_registry", []string{"iin", "mother_iin", "father_iin", "spouse_iin"}, nil},
		{"livestock", []string{"OwnerIIN"}, nil},
		{"tax_incomes", []string{"IIN"}, []string{"EMPLOYER_BIN"}},
		{"education_students", []string{"iin"}, nil},
		{"disability_register", []string{"ИИН"}, nil},
	} {
		t.Run(tt.source, func(t *testing.T) {
			for _, row := range readSource(t, dir, specOf(tt.source)).rows {
				for _, c := range tt.iins {
					if v := row[c]; v != "" && !kz.ValidIIN(v) {
						t.Fatalf("%s %q invalid", c, v)
					}
				}
				for _, c := range tt.bins {
					if err := kz.CheckBIN(row[c]); err != nil {
						t.Fatalf("%s %q: %v", c, row[c], err)
					}
				}
			}
		})
	}
}

// TestSourcesYAMLLabels checks that a reader in any language sees words:
// every source's title and description, every attribute ortaq does not
// label itself and every coded value the extracts hold are labelled in
// kk, ru and en.
func TestSourcesYAMLLabels(t *testing.T) {
	dir, _ := nation(t)
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range c.Sources {
		t.Run(s.Name, func(t *testing.T) {
			if len(s.Description) == 0 {
				t.Error("no description")
			}
			if m := s.MissingLabels(); len(m) > 0 {
				t.Errorf("labels missing:\n%s", strings.Join(m, "\n"))
			}
			tab := readSource(t, dir, extracts[i].specFor(false))
			for _, f := range s.Fields {
				// Sex values are normalised to M and F, which ortaq labels.
				if len(f.Columns) != 1 || f.Type != source.TypeString || len(f.ValueLabels) == 0 {
					continue
				}
				seen := map[string]bool{}
				for _, raw := range tab.column(f.Columns[0]) {
					v := strings.TrimSpace(raw)
					if canon, ok := f.Values[strings.ToLower(v)]; ok {
						v = canon
					}
					if v == "" || seen[v] || (len(f.Allowed) > 0 && !slices.Contains(f.Allowed, v)) {
						continue // empty, or a planted defect the checks report
					}
					seen[v] = true
					if f.Name == "disability_term" && strings.ContainsAny(v, ".0123456789") {
						continue // a date, not a code
					}
					for _, lang := range source.Languages {
						if l := s.ValueLabel(f.Name, v, lang); l == "" || (l == v && lang == "en") {
							t.Errorf("field %s value %q has no %s label", f.Name, v, lang)
						}
					}
				}
				if len(seen) == 0 {
					t.Errorf("field %s: no values read; the test reads the wrong column", f.Name)
				}
			}
		})
	}
}
