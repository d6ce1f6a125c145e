package audit

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// fileOptions are log options that keep the checkpoint file in dir and
// sign checkpoints only when asked (and on Close).
func fileOptions(dir string, v note.Verifier) Options {
	return Options{Origin: testOrigin, CheckpointInterval: time.Hour,
		CheckpointFile: CheckpointFile(filepath.Join(dir, "audit.key")), Verifier: v}
}

// mustGrow appends n records from record from and signs a checkpoint.
func mustGrow(t *testing.T, l *Log, from, n int) {
	t.Helper()
	ctx := context.Background()
	if _, err := l.Append(ctx, testRecords(from, n)...); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
}

// cutBack deletes, as an intruder with database access would, everything
// the log stored past size leaves: records, leaves, the tree nodes over
// them and the checkpoints signed since. What is left is a smaller log
// whose tree and latest stored checkpoint agree: only a checkpoint kept
// outside the database shows that it was longer.
func cutBack(t *testing.T, st *store.Store, size uint64) {
	t.Helper()
	for _, q := range []string{
		`DELETE FROM audit_records WHERE idx >= ?`,
		`DELETE FROM audit_leaves WHERE idx >= ?`,
		`DELETE FROM audit_nodes WHERE level = 8 AND (idx + 1) * 256 > ?`,
		`DELETE FROM audit_checkpoints WHERE size > ?`,
	} {
		mustExec(t, st, q, int64(size))
	}
	if n, err := storetest.Exec(t, st, `DELETE FROM audit_nodes WHERE level <> 8`); err != nil || n != 0 {
		t.Fatalf("nodes above level 8: %d, %v; cutBack handles level 8 only", n, err)
	}
}

// TestCheckpointFileCatchesCutBack is the attack of issue 14: with database
// access and without the signing key, the last records are erased back to
// an earlier stored checkpoint. The stored log is consistent with itself,
// so Verify alone finds nothing; the checkpoint kept beside the key makes
// Open refuse the log and CheckCheckpointFile (ortaq audit verify) report
// it, naming both sizes.
func TestCheckpointFileCatchesCutBack(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		s, v := mustKey(t, testOrigin)
		opts := fileOptions(dir, v)
		l, err := Open(ctx, st, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		mustGrow(t, l, 0, 300)
		mustGrow(t, l, 300, 700)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(opts.CheckpointFile)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("checkpoint file mode %v, want 0600", fi.Mode().Perm())
		}
		if size, err := CheckCheckpointFile(ctx, st, v, opts.CheckpointFile); err != nil || size != 1000 {
			t.Fatalf("CheckCheckpointFile of the untouched log = %d, %v; want 1000", size, err)
		}

		cutBack(t, st, 300)
		// The attack leaves a log that is consistent on its own.
		rep, err := Verify(ctx, st, v, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Leaves != 300 {
			t.Fatalf("the cut-back log is not self-consistent (%d leaves); the test attacks the wrong thing:\n%s", rep.Leaves, describe(rep))
		}

		_, err = Open(ctx, st, s, opts)
		if !errors.Is(err, ErrCheckpointFile) || !strings.Contains(err.Error(), "300 leaves") || !strings.Contains(err.Error(), "covers 1000") {
			t.Fatalf("Open of a log cut back from 1000 to 300 leaves = %v; want ErrCheckpointFile naming both sizes", err)
		}
		_, err = CheckCheckpointFile(ctx, st, v, opts.CheckpointFile)
		if !errors.Is(err, ErrCheckpointFile) || !strings.Contains(err.Error(), "300 leaves") || !strings.Contains(err.Error(), "covers 1000") {
			t.Fatalf("CheckCheckpointFile = %v; want ErrCheckpointFile naming both sizes", err)
		}
		cp, err := os.ReadFile(opts.CheckpointFile)
		if err != nil {
			t.Fatal(err)
		}
		if rep, err := Verify(ctx, st, v, [][]byte{cp}, nil); err != nil || rep.OK() {
			t.Fatalf("Verify with the file's checkpoint trusted found nothing: %v", err)
		}
		// The refused Open left the file as it was.
		if again, _ := os.ReadFile(opts.CheckpointFile); string(again) != string(cp) {
			t.Fatal("a refused Open rewrote the checkpoint file")
		}

		// Growing the cut log past the file's size, with the key, still
		// does not extend the checkpoint the file keeps.
		opts2 := opts
		opts2.CheckpointFile = ""
		l, err = Open(ctx, st, s, opts2)
		if err != nil {
			t.Fatal(err)
		}
		mustGrow(t, l, 5000, 900)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		_, err = Open(ctx, st, s, opts)
		if !errors.Is(err, ErrCheckpointFile) || !strings.Contains(err.Error(), "not consistent") ||
			!strings.Contains(err.Error(), "1200 leaves") || !strings.Contains(err.Error(), "1000 leaves") {
			t.Fatalf("Open of a rewritten log of 1200 leaves = %v; want an inconsistency with the file's 1000", err)
		}
	})
}

// TestCheckpointFileFollowsTheLog checks that the file keeps the latest
// checkpoint, that a log without one (an upgrade) gets it written at
// start-up, and that a file of another log or key is refused.
func TestCheckpointFileFollowsTheLog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		s, v := mustKey(t, testOrigin)
		opts := fileOptions(dir, v)

		// A log from before the file existed.
		l := mustOpen(t, st, s, Options{Origin: testOrigin})
		mustGrow(t, l, 0, 50)
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := CheckCheckpointFile(ctx, st, v, opts.CheckpointFile); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("CheckCheckpointFile without a file = %v, want fs.ErrNotExist", err)
		}
		l, err := Open(ctx, st, s, opts)
		if err != nil {
			t.Fatal(err)
		}
		if size, err := CheckCheckpointFile(ctx, st, v, opts.CheckpointFile); err != nil || size != 50 {
			t.Fatalf("file written at start-up: %d, %v; want 50", size, err)
		}
		// Each checkpoint reaches the file, without waiting for Close.
		mustGrow(t, l, 50, 10)
		deadline := time.Now().Add(10 * time.Second)
		for {
			size, err := CheckCheckpointFile(ctx, st, v, opts.CheckpointFile)
			if err == nil && size == 60 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("file after a checkpoint of 60: %d, %v", size, err)
			}
			time.Sleep(5 * time.Millisecond)
		}
		if _, err := l.Append(ctx, testRecords(60, 5)...); err != nil {
			t.Fatal(err)
		}
		if err := l.Close(); err != nil {
			t.Fatal(err)
		}
		if size, err := CheckCheckpointFile(ctx, st, v, opts.CheckpointFile); err != nil || size != 65 {
			t.Fatalf("file after Close: %d, %v; want the final checkpoint, 65", size, err)
		}
		if l, err = Open(ctx, st, s, opts); err != nil {
			t.Fatalf("reopening an untouched log: %v", err)
		}
		l.Close()
		if leftovers, _ := filepath.Glob(filepath.Join(dir, ".*")); len(leftovers) > 0 {
			t.Errorf("temporary files left beside the checkpoint file: %v", leftovers)
		}

		other, otherV := mustKey(t, testOrigin)
		for name, o := range map[string]Options{
			"another origin": {Origin: "elsewhere/audit", CheckpointFile: opts.CheckpointFile, Verifier: v},
			"no verifier":    {Origin: testOrigin, CheckpointFile: opts.CheckpointFile},
			"wrong verifier": {Origin: testOrigin, CheckpointFile: opts.CheckpointFile, Verifier: otherV},
		} {
			if l, err := Open(ctx, st, s, o); err == nil {
				l.Close()
				t.Errorf("%s: Open succeeded", name)
			}
		}
		// A file signed by another key is refused, not replaced.
		if _, err := Open(ctx, st, other, Options{Origin: testOrigin, CheckpointFile: opts.CheckpointFile, Verifier: otherV}); err == nil {
			t.Error("Open accepted a checkpoint file signed by another key")
		}
	})
}
