package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/linkeval"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/synth"
)

// TestLinkSynthesisedNation runs link, eval and explain as a user would on
// the output of synth.
func TestLinkSynthesisedNation(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: 1500, Seed: 3, Out: dir}); err != nil {
		t.Fatal(err)
	}
	sources := filepath.Join(dir, "sources.yaml")
	clusters, pairs := filepath.Join(dir, "clusters.csv"), filepath.Join(dir, "pairs.csv")
	out, err := runCLI(t, "link", "--sources", sources, "--out", clusters, "--pairs", pairs)
	if err != nil {
		t.Fatalf("link: %v\n%s", err, out)
	}
	if !strings.Contains(out, "population_register") || !strings.Contains(out, "entities") {
		t.Errorf("link summary lacks the sources or the entity counts:\n%s", out)
	}

	// Every record of every source exactly once, singletons and events too.
	rows := readRows(t, clusters)
	if got := strings.Join(rows[0], ","); got != "source,record_id,entity_id" {
		t.Fatalf("clusters header %q", got)
	}
	seen := map[string]bool{}
	perSource := map[string]int{}
	for _, r := range rows[1:] {
		key := r[0] + ":" + r[1]
		if seen[key] {
			t.Fatalf("record %s written twice", key)
		}
		seen[key] = true
		perSource[r[0]]++
	}
	for _, f := range []string{"population/register.csv", "civil/events.csv", "agriculture/livestock.csv"} {
		lines := len(readRows(t, filepath.Join(dir, f))) - 1
		name := map[string]string{"population/register.csv": "population_register", "civil/events.csv": "civil_registry", "agriculture/livestock.csv": "livestock"}[f]
		if perSource[name] != lines {
			t.Errorf("%s: %d records in clusters, %d in the extract", name, perSource[name], lines)
		}
	}
	if h := readRows(t, pairs)[0]; strings.Join(h, ",") != "source_l,record_id_l,source_r,record_id_r,probability" {
		t.Errorf("pairs header %v", h)
	}

	for _, truth := range []string{"persons.csv", "animals.csv"} {
		out, err = runCLI(t, "eval", "--json", "--truth", filepath.Join(dir, "truth", truth), "--clusters", clusters)
		if err != nil {
			t.Fatalf("eval %s: %v", truth, err)
		}
		var res linkeval.Result
		if err := json.Unmarshal([]byte(out), &res); err != nil {
			t.Fatal(err)
		}
		if res.F1 < 0.98 || res.Missing != 0 {
			t.Errorf("%s: F1 %.4f, %d records missing; want F1 >= 0.98 and none missing", truth, res.F1, res.Missing)
		}
	}

	// The explanation of a health card against its owner's register entry.
	card, person := firstPair(t, filepath.Join(dir, "truth", "persons.csv"), "health_cards", "population_register")
	out, err = runCLI(t, "link", "--sources", sources, "--json", "--explain", card, person)
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	var e resolve.Explanation
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("explain --json: %v\n%s", err, out)
	}
	if e.Left != card || e.Right != person || len(e.Terms) < 5 || e.Probability < 0.5 {
		t.Errorf("explanation of a true match: %+v", e)
	}
	out, err = runCLI(t, "link", "--sources", sources, "--explain", card, person)
	if err != nil || !strings.Contains(out, "match weight") || !strings.Contains(out, "birth_date") {
		t.Errorf("explain as text: %v\n%s", err, out)
	}
}

// TestLinkMissingColumn: a contract naming a column the extract lacks
// fails before anything is written, naming the file and the column.
func TestLinkMissingColumn(t *testing.T) {
	out := filepath.Join(t.TempDir(), "clusters.csv")
	_, err := runCLI(t, "link", "--sources", "testdata/link/missing_column.yaml", "--out", out)
	if err == nil || !strings.Contains(err.Error(), `"name"`) || !strings.Contains(err.Error(), "patients.csv") {
		t.Fatalf("error %v; want one naming column \"name\" and patients.csv", err)
	}
	if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
		t.Errorf("link wrote %s although the contract was wrong", out)
	}
}

func TestLinkUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"link"},
		{"link", "--sources", "s.yaml"},
		{"link", "--sources", "s.yaml", "--out", "c.csv", "--threshold", "1.5"},
		{"link", "--sources", "s.yaml", "--explain", "a:1"},
		{"link", "--sources", "s.yaml", "--out", "c.csv", "extra"},
	} {
		if _, err := runCLI(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		} else if _, ok := err.(usageError); !ok {
			t.Errorf("%v: %v is not a usage error", args, err)
		}
	}
}

func readRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	if strings.HasSuffix(path, "register.csv") {
		r.Comma = ';'
	}
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// firstPair finds a person with a record in both sources, as source:id.
func firstPair(t *testing.T, truth, a, b string) (string, string) {
	t.Helper()
	byPerson := map[string]map[string]string{}
	for _, r := range readRows(t, truth)[1:] {
		if byPerson[r[2]] == nil {
			byPerson[r[2]] = map[string]string{}
		}
		byPerson[r[2]][r[0]] = r[1]
	}
	for _, recs := range byPerson {
		if recs[a] != "" && recs[b] != "" {
			return a + ":" + recs[a], b + ":" + recs[b]
		}
	}
	t.Fatalf("no person in both %s and %s", a, b)
	return "", ""
}
