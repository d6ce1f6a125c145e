package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/synth"
)

// TestQualityCommand runs ingest, resolve, quality and worklist as a data
// officer would, on a small synthetic nation.
func TestQualityCommand(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: 1200, Seed: 5, Out: dir}); err != nil {
		t.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(dir, "ortaq.db")
	for _, args := range [][]string{
		{"ingest", "--db", db, "--sources", filepath.Join(dir, "sources.yaml")},
		{"resolve", "--db", db},
	} {
		if out, err := runCLI(t, args...); err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, out)
		}
	}

	out, err := runCLI(t, "quality", "--db", db, "--checks", filepath.Join(dir, "quality.yaml"), "--json")
	if err != nil {
		t.Fatalf("quality: %v\n%s", err, out)
	}
	var got struct {
		Checks []struct {
			Name, Source, Kind string
			Failed, Total      int
			Sample             []string
		}
		Agencies []struct {
			Agency string
			Score  float64
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("quality --json: %v\n%s", err, out)
	}
	failing := map[string]bool{}
	for _, c := range got.Checks {
		if c.Failed > 0 {
			failing[c.Source+"/"+c.Kind] = true
			if len(c.Sample) == 0 || len(c.Sample) > 10 || c.Total < c.Failed {
				t.Errorf("check %s/%s: failed %d of %d, sample %v", c.Source, c.Name, c.Failed, c.Total, c.Sample)
			}
		}
	}
	for _, want := range []string{"health_cards/duplicates", "health_cards/missing", "livestock/dead_reference"} {
		if !failing[want] {
			t.Errorf("no failing %s check; failing: %v", want, failing)
		}
	}
	if len(got.Agencies) != 6 {
		t.Errorf("%d agencies scored, want 6", len(got.Agencies))
	}

	// The checks are stored: a run without --checks runs them again.
	if out, err := runCLI(t, "quality", "--db", db); err != nil || !strings.Contains(out, "national score") {
		t.Fatalf("second quality run: %v\n%s", err, out)
	}

	csvPath := filepath.Join(dir, "moh.csv")
	if out, err := runCLI(t, "worklist", "--db", db, "--agency", "moh", "--out", csvPath); err != nil {
		t.Fatalf("worklist: %v\n%s", err, out)
	}
	rows := readRows(t, csvPath)
	if len(rows) < 2 || rows[0][0] != "\ufefffinding_id" {
		t.Fatalf("work list: %d rows, header %v", len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		if r[1] != "moh" || (r[13] != "open" && r[13] != "fixed") {
			t.Fatalf("work list row of another agency or status: %v", r)
		}
	}

	// The same list in Russian: headers, reasons, fixes and statuses.
	ruPath := filepath.Join(dir, "moh-ru.csv")
	if out, err := runCLI(t, "worklist", "--db", db, "--agency", "moh", "--lang", "ru", "--out", ruPath); err != nil {
		t.Fatalf("worklist --lang ru: %v\n%s", err, out)
	}
	ru := readRows(t, ruPath)
	if len(ru) != len(rows) || ru[0][0] != "\ufeffНомер замечания" {
		t.Fatalf("Russian work list: %d rows (English %d), header %v", len(ru), len(rows), ru[0])
	}
	missing := false
	for _, r := range ru[1:] {
		if r[13] != "открыто" && r[13] != "исправлено" {
			t.Fatalf("Russian status %q", r[13])
		}
		if strings.HasPrefix(r[10], "Поле national_id не заполнено") && strings.HasPrefix(r[11], "заполните national_id") {
			missing = true
		}
	}
	if !missing {
		t.Error("no Russian reason and fix for a missing IIN in the work list")
	}
}

func TestQualityErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "quality.yaml")
	if err := os.WriteFile(bad, []byte("sources:\n  health_cards:\n    - {kind: misssing, field: national_id}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(dir, "ortaq.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"quality", "--db", db, "--checks", bad}, "quality.yaml:3"},
		{[]string{"quality", "--db", db, "--checks", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{[]string{"worklist", "--db", db, "--status", "done"}, `unknown status "done"`},
		{[]string{"worklist", "--db", db, "--lang", "de"}, `unknown language "de"`},
		{[]string{"quality", "--db", db, "extra"}, "extra"},
	} {
		out, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error()+out, tc.want) {
			t.Errorf("%v: err %v, output %q; want an error naming %q", tc.args, err, out, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "ortaq.db")); err == nil {
		t.Error("a bad checks file still created the store")
	}
}
