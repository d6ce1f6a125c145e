package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/synth"
)

// TestProgressLines: off a terminal, ingest names each source's place in
// the run, and resolve and quality print a line as every stage starts and
// one as it ends, so that a log shows where the time went.
func TestProgressLines(t *testing.T) {
	dir := t.TempDir()
	if _, err := synth.Generate(context.Background(), synth.Options{People: 400, Seed: 7, Out: dir}); err != nil {
		t.Fatal(err)
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, s := range c.Sources {
		if s.File != "" {
			files = append(files, s.Name)
		}
	}
	db := "sqlite:" + filepath.Join(dir, "ortaq.db")

	var ingestWant []string
	for i, name := range files {
		ingestWant = append(ingestWant, fmt.Sprintf("ingest %s (source %d of %d)", name, i+1, len(files)))
	}
	var stages []string
	for _, kind := range []string{"animal", "person"} {
		stages = append(stages, "read "+kind+" records", "compare "+kind+" pairs", "train "+kind+" model",
			"score "+kind+" pairs", "cluster "+kind+" records", "match "+kind+" clusters to stored entities",
			"store "+kind+" entities, members and keys")
	}
	tests := []struct {
		args   []string
		stages []string
	}{
		{[]string{"ingest", "--db", db, "--sources", filepath.Join(dir, "sources.yaml")}, ingestWant},
		{[]string{"resolve", "--db", db}, stages},
		{[]string{"quality", "--db", db, "--checks", filepath.Join(dir, "quality.yaml")}, []string{
			"read live records", "build golden records", "store golden records", "store search terms",
			"run quality checks", "count each entity's results", "compare findings with the last run",
			"store quality run and findings"}},
	}
	old := progressOut
	defer func() { progressOut = old }()
	for _, tt := range tests {
		var buf bytes.Buffer
		progressOut = &buf
		if out, err := runCLI(t, tt.args...); err != nil {
			t.Fatalf("%s: %v\n%s", tt.args[0], err, out)
		}
		lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
		if strings.ContainsAny(buf.String(), "\r\033") {
			t.Errorf("%s: terminal controls in plain output:\n%q", tt.args[0], buf.String())
		}
		// Each stage starts (a line with no time taken yet) and ends (a
		// line saying how long it took), in order.
		at := 0
		for _, stage := range tt.stages {
			start, end := -1, -1
			for i := at; i < len(lines); i++ {
				if !strings.HasPrefix(lines[i], stage+":") && !strings.HasPrefix(lines[i], stage+"...") {
					continue
				}
				if start < 0 {
					start = i
				}
				if tookTime.MatchString(lines[i]) {
					end = i
					break
				}
			}
			if start < 0 || end < 0 || start == end {
				t.Errorf("%s: stage %q has no start and end lines after line %d:\n%s", tt.args[0], stage, at+1, buf.String())
				break
			}
			at = end + 1
		}
	}
}

// tookTime matches a stage's end line, which says how long it took ("in
// 15ms", "in 1m2s"); a start line may say how long is left in all, and
// does not match.
var tookTime = regexp.MustCompile(` in [0-9][0-9.]*[µmhs][0-9.µmhs]*$`)
