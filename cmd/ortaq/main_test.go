package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func runCLI(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, &out)
	return out.String(), err
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		hint string
	}{
		{nil, "ortaq help"},
		{[]string{"frobnicate"}, "ortaq help"},
		{[]string{"synth", "--peeple", "5"}, "ortaq help synth"},
		{[]string{"ingest"}, "--sources"},
		{[]string{"version", "extra"}, "ortaq help version"},
		{[]string{"help", "nope"}, "ortaq help"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := runCLI(t, tt.args...)
			var ue usageError
			if !errors.As(err, &ue) {
				t.Fatalf("run(%q) = %v; want a usage error", tt.args, err)
			}
			if !strings.Contains(ue.hint+ue.msg, tt.hint) {
				t.Fatalf("usage error %q / %q does not mention %q", ue.msg, ue.hint, tt.hint)
			}
		})
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			out, err := runCLI(t, "help", c.name)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out, "usage: ortaq "+c.name) || !strings.Contains(out, c.summary) {
				t.Fatalf("help %s =\n%s", c.name, out)
			}
			if _, err := runCLI(t, c.name, "-h"); !errors.Is(err, errHelpShown) {
				t.Fatalf("%s -h = %v; want help shown", c.name, err)
			}
		})
	}
	out, err := runCLI(t, "help")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !strings.Contains(out, c.name) {
			t.Errorf("help does not list %s", c.name)
		}
	}
}

func TestVersion(t *testing.T) {
	out, err := runCLI(t, "version")
	if err != nil || !strings.HasPrefix(out, "ortaq ") {
		t.Fatalf("version = %q, %v", out, err)
	}
}

// dsns gives a fresh database of each dialect for commands that open their own.
func dsns(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "o.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	}
}

func TestIngestJSON(t *testing.T) {
	for name, dsn := range dsns(t) {
		t.Run(name, func(t *testing.T) {
			db := dsn(t)
			out, err := runCLI(t, "ingest", "--db", db, "--sources", "testdata/ingest/sources.yaml", "--json")
			if err != nil {
				t.Fatal(err)
			}
			var sum struct {
				Source                               string
				Rows, Stored, Unchanged, Quarantined int
				Flagged                              int
			}
			if err := json.Unmarshal([]byte(out), &sum); err != nil {
				t.Fatalf("ingest --json printed %q: %v", out, err)
			}
			// KZ002 has an impossible date and KZ004 an unknown species: flagged, stored.
			if sum.Source != "livestock" || sum.Rows != 4 || sum.Stored != 4 || sum.Quarantined != 0 || sum.Flagged != 2 {
				t.Fatalf("summary = %+v", sum)
			}
			out, err = runCLI(t, "ingest", "--db", db, "--sources", "testdata/ingest/sources.yaml", "--json")
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Unchanged != 4 || sum.Stored != 0 {
				t.Fatalf("second ingest = %+v, %v; want all unchanged", sum, err)
			}
			out, err = runCLI(t, "migrate", "--db", db, "--status")
			var cur, latest int
			_, rest, _ := strings.Cut(out, "schema ")
			if _, serr := fmt.Sscanf(rest, "%d of %d", &cur, &latest); err != nil || serr != nil || cur != latest || cur < 2 {
				t.Fatalf("migrate --status = %q, %v", out, err)
			}
		})
	}
}

func TestIngestUnknownSource(t *testing.T) {
	_, err := runCLI(t, "ingest", "--db", "sqlite:"+filepath.Join(t.TempDir(), "o.db"), "--sources", "testdata/ingest/sources.yaml", "--only", "nope")
	var ue usageError
	if !errors.As(err, &ue) {
		t.Fatalf("ingest --only nope = %v; want usage error", err)
	}
}

func TestServeRefusesOutdatedSchema(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "o.db")
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, err = runCLI(t, "serve", "--db", db, "--migrate=false", "--addr", "127.0.0.1:0")
	if !errors.Is(err, store.ErrSchemaOutdated) {
		t.Fatalf("serve on an unmigrated database = %v; want ErrSchemaOutdated", err)
	}
}

// TestMemoryLimit: ortaq keeps its heap within half the memory it may use,
// unless the operator set GOMEMLIMIT, which then stands.
func TestMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	total, err := memlimit.ApplyFallback(memlimit.FromCgroup, memlimit.FromSystem)()
	if err != nil {
		t.Skipf("the memory available is unknown here: %v", err)
	}

	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("AUTOMEMLIMIT", "") // restored after the test; unset for it:
	os.Unsetenv("AUTOMEMLIMIT")
	debug.SetMemoryLimit(math.MaxInt64)
	limitMemory()
	if got, want := debug.SetMemoryLimit(-1), int64(float64(total)*memoryShare); got != want {
		t.Errorf("limit %d bytes, want %d (half of %d)", got, want, total)
	}

	t.Setenv("GOMEMLIMIT", "3GiB")
	debug.SetMemoryLimit(3 << 30)
	limitMemory()
	if got := debug.SetMemoryLimit(-1); got != 3<<30 {
		t.Errorf("with GOMEMLIMIT=3GiB the limit became %d bytes", got)
	}
}
