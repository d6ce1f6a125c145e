package scorecard_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/synth"
)

// nation is a synthetic nation's extracts, written to a temporary
// directory, with its contract and checks.
type nation struct {
	dir string
	c   *source.Contract
	cfg *quality.Config
}

// mustNation synthesises people people with seed.
func mustNation(t *testing.T, people int, seed int64) nation {
	t.Helper()
	n := nation{dir: t.TempDir()}
	if _, err := synth.Generate(context.Background(), synth.Options{People: people, Seed: seed, Out: n.dir}); err != nil {
		t.Fatal(err)
	}
	var err error
	if n.c, err = source.Load(filepath.Join(n.dir, "sources.yaml")); err != nil {
		t.Fatal(err)
	}
	if n.cfg, err = quality.LoadFile(filepath.Join(n.dir, "quality.yaml")); err != nil {
		t.Fatal(err)
	}
	return n
}
