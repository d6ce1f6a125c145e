package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBenefitsCalculate(t *testing.T) {
	batch := filepath.Join("testdata", "benefits", "batch.ndjson")
	out, err := runCLI(t, "benefits", "calculate", "--situations", batch, "--json")
	if !errors.Is(err, errSomeFailed) {
		t.Fatalf("want errSomeFailed, got %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d results:\n%s", len(lines), out)
	}
	type result struct {
		ID         string `json:"id"`
		Error      string `json:"error"`
		Programmes []struct {
			Programme string          `json:"programme"`
			Amount    int64           `json:"amount"`
			Trace     json.RawMessage `json:"trace"`
		} `json:"programmes"`
	}
	var got []result
	for _, l := range lines {
		var r result
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if got[0].ID != "ok1" || got[1].ID != "bad" || got[2].ID != "ok2" {
		t.Fatalf("order: %+v", got)
	}
	if got[1].Error != `bad: persons[0].birth_date: not a date "2026-02-30"` {
		t.Errorf("error: %q", got[1].Error)
	}
	if lf := got[2].Programmes[1]; lf.Programme != "large_family" || lf.Amount != 121360 || len(lf.Trace) == 0 {
		t.Errorf("large family: %+v", lf)
	}

	// From standard input, as a table.
	b, err := os.ReadFile(batch)
	if err != nil {
		t.Fatal(err)
	}
	withStdin(t, strings.SplitN(string(b), "\n", 2)[0])
	out, err = runCLI(t, "benefits", "calculate", "--situations", "-")
	if err != nil || !strings.Contains(out, "childcare") || !strings.Contains(out, "ok1") {
		t.Fatalf("%v\n%s", err, out)
	}

	if _, err := runCLI(t, "benefits", "calculate"); err == nil {
		t.Error("no --situations accepted")
	}
	if _, err := runCLI(t, "benefits", "frobnicate"); err == nil {
		t.Error("unknown subcommand accepted")
	}
}

// TestBenefitsCalculateSharedExamples runs RULES.md's twelve examples
// through the CLI and requires exactly their expected results, in order.
// It skips when the shared folder is not beside the repository.
func TestBenefitsCalculateSharedExamples(t *testing.T) {
	dir := cmp.Or(os.Getenv("BENEFITS_EXAMPLES"), filepath.Join("..", "..", "..", "shared", "benefits", "examples"))
	situations := filepath.Join(dir, "situations.ndjson")
	expected, err := os.ReadFile(filepath.Join(dir, "expected.ndjson"))
	if _, serr := os.Stat(situations); err != nil || serr != nil {
		t.Skipf("no shared examples in %s", dir)
	}
	out, err := runCLI(t, "benefits", "calculate", "--situations", situations, "--json")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	type outcome struct {
		Programme string `json:"programme"`
		Eligible  bool   `json:"eligible"`
		Amount    int64  `json:"amount"`
		Period    string `json:"period"`
	}
	type result struct {
		ID         string    `json:"id"`
		Programmes []outcome `json:"programmes"`
	}
	read := func(s string) []result {
		var rs []result
		for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
			var r result
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatal(err)
			}
			rs = append(rs, r)
		}
		return rs
	}
	got, want := read(out), read(string(expected))
	if len(want) != 12 || len(got) != len(want) {
		t.Fatalf("%d results for %d expected", len(got), len(want))
	}
	for i := range want {
		if got[i].ID != want[i].ID || !slices.Equal(got[i].Programmes, want[i].Programmes) {
			t.Errorf("%s:\n got %+v\nwant %+v", want[i].ID, got[i], want[i])
		}
	}
}
