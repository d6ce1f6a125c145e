package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
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
