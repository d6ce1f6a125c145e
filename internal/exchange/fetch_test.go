package exchange

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

var (
	nationOnce sync.Once
	nationDir  string
	nationErr  error
)

// smallNation synthesises one small nation for every test in the package.
func smallNation(tb testing.TB) string {
	tb.Helper()
	nationOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ortaq-exchange-")
		if err != nil {
			nationErr = err
			return
		}
		nationDir = dir
		_, nationErr = synth.Generate(context.Background(), synth.Options{People: 400, Seed: 9, Out: dir})
	})
	if nationErr != nil {
		tb.Fatalf("synthesise: %v", nationErr)
	}
	return nationDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if nationDir != "" {
		os.RemoveAll(nationDir)
	}
	os.Exit(code)
}

// loadNation ingests, resolves and builds the golden records of the small
// nation in st.
func loadNation(tb testing.TB, st *store.Store) string {
	tb.Helper()
	ctx := context.Background()
	dir := smallNation(tb)
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
		tb.Fatal(err)
	}
	if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
		tb.Fatal(err)
	}
	ds, err := golden.Load(ctx, st)
	if err != nil {
		tb.Fatal(err)
	}
	if err := ds.Save(ctx, st); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// column reads one column of an extract.
func column(tb testing.TB, path string, comma rune, col int) []string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma, r.FieldsPerRecord, r.LazyQuotes = comma, -1, true
	rows, err := r.ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, row := range rows[1:] {
		if col < len(row) {
			out = append(out, row[col])
		}
	}
	return out
}

func TestFetch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		dir := loadNation(t, st)
		x := mustExchange(t, st, Options{})
		gfc := mustClient(t, x, "gfc", "benefit-desk")
		vet := mustClient(t, x, "moa", "vet-service")
		decide := func(c Client, clientID, service, purpose, basis, key string, fields ...string) Grant {
			t.Helper()
			g, err := x.Decide(ctx, Request{Client: c, ClientID: clientID, Service: service, Keys: []string{key}, Purpose: purpose,
				LegalBasis: basis, User: "u", RequestID: "r", Fields: fields})
			if err != nil {
				t.Fatal(err)
			}
			return g
		}

		// A taxpayer with income records and a golden record.
		var (
			iin    string
			income map[string]any
		)
		for _, k := range column(t, filepath.Join(dir, "tax", "incomes.csv"), ',', 1) {
			if !kz.ValidIIN(k) {
				continue
			}
			g := decide(gfc, "gfc/benefit-desk", "person-income", "social-benefit-eligibility", "social-code-art-11", k)
			got, err := x.Fetch(ctx, g, k)
			if err != nil {
				continue
			}
			if recs := got["records"].([]map[string]any); len(recs) > 0 {
				iin, income = k, got
				break
			}
		}
		if iin == "" {
			t.Fatal("no taxpayer with income records found")
		}
		for _, r := range income["records"].([]map[string]any) {
			for f := range r {
				if f != "period" && f != "income" {
					t.Errorf("income record carries %s, outside social-code-art-11", f)
				}
			}
			if r["period"] == nil || r["income"] == nil {
				t.Errorf("income record %v lacks period or income", r)
			}
		}

		g := decide(gfc, "gfc/benefit-desk", "person-basic", "social-benefit-eligibility", "social-code-art-11", iin)
		person, err := x.Fetch(ctx, g, iin)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := st.GoldenByNationalID(ctx, iin, 1)
		if err != nil || len(rows) != 1 {
			t.Fatalf("golden record of %s: %v, %v", iin, rows, err)
		}
		doc, err := golden.DecodeDoc(rows[0].Doc)
		if err != nil {
			t.Fatal(err)
		}
		if person["last_name"] != doc.Value("last_name") || person["last_name"] == "" || person["birth_date"] != doc.Value("birth_date") {
			t.Fatalf("person %v, golden last name %q", person, doc.Value("last_name"))
		}
		for f := range person {
			if !slices.Contains(g.Fields, f) {
				t.Errorf("person-basic returned %s, not granted", f)
			}
		}
		if _, ok := person["phone"]; ok {
			t.Error("phone returned under a basis that does not allow it")
		}
		g = decide(gfc, "gfc/benefit-desk", "person-basic", "social-benefit-eligibility", "social-code-art-11", iin, "last_name")
		if only, err := x.Fetch(ctx, g, iin); err != nil || len(only) != 1 || only["last_name"] != doc.Value("last_name") {
			t.Fatalf("asked for last_name only: %v, %v", only, err)
		}

		// An animal by its tag, in either case.
		tags := column(t, filepath.Join(dir, "agriculture", "livestock.csv"), ',', 1)
		var animal map[string]any
		for _, tag := range tags[:min(len(tags), 20)] {
			g := decide(vet, "moa/vet-service", "animal-by-tag", "veterinary-control", "vet-law-art-8", strings.ToLower(tag))
			if animal, err = x.Fetch(ctx, g, strings.ToLower(tag)); err == nil {
				if !strings.EqualFold(animal["tag"].(string), tag) || animal["species"] == nil {
					t.Fatalf("animal %s: %v", tag, animal)
				}
				break
			}
		}
		if animal == nil {
			t.Fatalf("no animal found by tag among %d", min(len(tags), 20))
		}
		if _, ok := animal["owner_name"]; ok {
			t.Error("owner_name returned under vet-law-art-8, which does not allow it")
		}

		// Unknown subjects.
		absent := mustIIN(t, 9999)
		g = decide(gfc, "gfc/benefit-desk", "person-basic", "social-benefit-eligibility", "social-code-art-11", absent)
		_, err = x.Fetch(ctx, g, absent)
		wantRefusal(t, err, 404, CodeNotFound)
		g = decide(vet, "moa/vet-service", "animal-by-tag", "veterinary-control", "vet-law-art-8", "KZ9999999999")
		_, err = x.Fetch(ctx, g, "KZ9999999999")
		wantRefusal(t, err, 404, CodeNotFound)
	})
}
