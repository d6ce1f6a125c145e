package audit

import (
	"cmp"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// writeSynthetic appends n synthetic records to l through the writer in
// batches of batch records, from a few goroutines so that hashing overlaps
// the commits: the fast way to build a large log for measurements.
func writeSynthetic(tb testing.TB, l *Log, n, batch int) {
	tb.Helper()
	ctx := context.Background()
	const workers = 4
	var wg sync.WaitGroup
	next := make(chan int)
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := range next {
				if _, err := l.Append(ctx, testRecords(from, min(batch, n-from))...); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	go func() {
		defer close(next)
		for from := 0; from < n; from += batch {
			select {
			case next <- from:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		tb.Fatal(err)
	}
}

// TestScale measures writing and verifying a large log. It runs
// only when ORTAQ_AUDIT_SCALE gives the number of records, for example
//
//	ORTAQ_AUDIT_SCALE=1000000 go test -run TestScale -v -timeout 1h ./internal/audit
//
// ORTAQ_AUDIT_SCALE_DB keeps the database at that path (reused when it
// already holds the log, to time Verify alone) and the key at PATH.key;
// ORTAQ_AUDIT_SCALE_DSN measures on that database instead (a postgres://
// URL), still keeping the key at PATH.key.
func TestScale(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ORTAQ_AUDIT_SCALE"))
	if n <= 0 {
		t.Skip("set ORTAQ_AUDIT_SCALE=N to measure an N-record log")
	}
	ctx := context.Background()
	path := os.Getenv("ORTAQ_AUDIT_SCALE_DB")
	if path == "" {
		path = filepath.Join(t.TempDir(), "scale.db")
	}
	dsn := cmp.Or(os.Getenv("ORTAQ_AUDIT_SCALE_DSN"), "sqlite:"+path)
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	signer, verifier, err := LoadOrCreateKey(path+".key", testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	l, err := Open(ctx, st, signer, Options{Origin: testOrigin, MaxBatch: 1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("open at size %d: %s", l.Size(), time.Since(start))
	if have := int(l.Size()); have < n {
		start = time.Now()
		writeSynthetic(t, l, n-have, 1<<15)
		el := time.Since(start)
		t.Logf("wrote %d records in %s: %.0f records/s", n-have, el.Round(time.Millisecond), float64(n-have)/el.Seconds())
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	l, err = Open(ctx, st, signer, Options{Origin: testOrigin})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("reopen at size %d: %s", l.Size(), time.Since(start))
	measureAppends(t, l)
	l.Close()
	if err := st.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}

	start = time.Now()
	rep, err := Verify(ctx, st, verifier, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	t.Logf("verified %d records, %d checkpoints in %s: %.0f records/s", rep.Records, rep.Checkpoints,
		el.Round(time.Millisecond), float64(rep.Records)/el.Seconds())
	if !rep.OK() {
		t.Fatalf("problems: %+v", rep.Problems)
	}
}

// measureAppends times single-record Appends from many goroutines, as the
// exchange makes them.
func measureAppends(t *testing.T, l *Log) {
	ctx := context.Background()
	const goroutines, each = 64, 200
	start := time.Now()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if _, err := l.Append(ctx, testRecord(g*each+i)); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	t.Logf("%d single-record appends from %d goroutines in %s: %.0f appends/s", goroutines*each, goroutines,
		el.Round(time.Millisecond), float64(goroutines*each)/el.Seconds())
}

// BenchmarkAppend measures single-record Appends from parallel goroutines
// on SQLite (synchronous=FULL): the group commit's throughput, with the
// checkpoint file kept as serve keeps it.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s, v := mustKey(b, testOrigin)
	opts := Options{Origin: testOrigin, CheckpointFile: CheckpointFile(filepath.Join(b.TempDir(), "audit.key")), Verifier: v}
	l, err := Open(ctx, st, s, opts)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if _, err := l.Append(ctx, testRecord(i)); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
}
