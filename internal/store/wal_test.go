package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestRestartWALGivesWayToReaders checks the bound on the WAL restart: a
// reader holding an old snapshot (a long quality scan) makes it give up
// within restartBusyTimeout instead of holding writers back for the whole
// busy timeout, and once the reader is gone the restart empties the WAL.
func TestRestartWALGivesWayToReaders(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "wal.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.stopCheckpoints() // this test checkpoints by hand
	s.stopCheckpoints = nil
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE t (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	write := func() {
		t.Helper()
		if _, err := s.db.ExecContext(ctx, `INSERT INTO t VALUES (?)`, "row"); err != nil {
			t.Fatal(err)
		}
	}
	write()
	// A reader on an old snapshot, then a write it cannot see.
	reader, err := s.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reader.ExecContext(ctx, `BEGIN`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	write()

	start := time.Now()
	if err := s.restartWAL(ctx); err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited > 10*restartBusyTimeout {
		t.Errorf("restart with an old reader took %s; want about %s", waited, restartBusyTimeout)
	}
	write() // writers go on after it gives up

	if _, err := reader.ExecContext(ctx, `COMMIT`); err != nil {
		t.Fatal(err)
	}
	reader.Close()
	if err := s.restartWAL(ctx); err != nil {
		t.Fatal(err)
	}
	write() // the first write after a restart starts the WAL over
	var busy, frames, copied int
	if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		t.Fatal(err)
	}
	if frames > 4 {
		t.Errorf("after a restart and one write the WAL holds %d frames; want it started over", frames)
	}
	var timeout int
	if err := s.db.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil {
		t.Fatal(err)
	}
	if timeout != int(busyTimeout.Milliseconds()) {
		t.Errorf("a pooled connection's busy timeout is %d ms after a restart; want %d", timeout, busyTimeout.Milliseconds())
	}
}
