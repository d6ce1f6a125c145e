package store_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestPoolIsBounded: many concurrent readers and writers share a bounded
// number of connections. Before the bound, 500 concurrent reads opened a
// connection each (a thousand exchange clients held 900 SQLite
// connections) and SQLite's writers each held one while polling the lock.
func TestPoolIsBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		limit := store.DefaultMaxConns(st.Dialect())
		const readers, writers = 500, 50
		var (
			wg   sync.WaitGroup
			peak atomic.Int64
			stop = make(chan struct{})
		)
		go func() {
			for {
				r, w := store.Pools(st)
				n := int64(r.OpenConnections)
				if st.Dialect() == "sqlite" {
					n += int64(w.OpenConnections)
				}
				if n > peak.Load() {
					peak.Store(n)
				}
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Microsecond):
				}
			}
		}()
		errs := make(chan error, readers+writers)
		for i := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := st.GoldenByNationalID(ctx, fmt.Sprintf("%012d", i), 5); err != nil {
					errs <- err
				}
			}()
		}
		for i := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := st.AddSMS(ctx, store.SMS{Phone: fmt.Sprintf("+7700%07d", i), Body: "code", CreatedAt: time.Now()}); err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(stop)
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		want := int64(limit)
		if st.Dialect() == "sqlite" {
			want++ // the writer's connection
		}
		if p := peak.Load(); p > want {
			t.Errorf("%d connections open at once; want at most %d", p, want)
		}
		r, w := store.Pools(st)
		if r.MaxOpenConnections != limit {
			t.Errorf("read pool bound = %d; want %d", r.MaxOpenConnections, limit)
		}
		if st.Dialect() == "sqlite" && w.MaxOpenConnections != 1 {
			t.Errorf("write pool bound = %d; want 1", w.MaxOpenConnections)
		}
		sms, err := st.SMSOutbox(ctx, writers+1)
		if err != nil || len(sms) != writers {
			t.Fatalf("SMSOutbox = %d messages, %v; want %d", len(sms), err, writers)
		}
	})
}

// TestSetMaxConns: an operator's pool size replaces the default.
func TestSetMaxConns(t *testing.T) {
	st := storetest.SQLite(t)
	st.SetMaxConns(3)
	if r, _ := store.Pools(st); r.MaxOpenConnections != 3 {
		t.Fatalf("MaxOpenConnections = %d; want 3", r.MaxOpenConnections)
	}
	st.SetMaxConns(0)
	if r, _ := store.Pools(st); r.MaxOpenConnections != store.DefaultMaxConns("sqlite") {
		t.Fatalf("MaxOpenConnections = %d; want the default %d", r.MaxOpenConnections, store.DefaultMaxConns("sqlite"))
	}
}
