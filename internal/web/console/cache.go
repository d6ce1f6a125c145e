package console

import (
	"context"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// regionTTL bounds how stale the cached region table may be when findings
// change behind this process's back (another server, a script on the
// database); changes through this process's store and new quality runs
// show at once.
const regionTTL = 5 * time.Minute

// regionCache keeps the overview's table of regions, which reads every
// golden record and finding, between the events that change it: a quality
// run (which rebuilds golden records and findings) and a change through
// the store (store.Changes).
type regionCache struct {
	mu   sync.Mutex
	run  int64  // the quality run the rows were read after
	gen  uint64 // the store's Changes they were read at
	at   time.Time
	rows []store.RegionCount
}

// regions returns the region counts, from the cache when they are still
// those of the latest quality run. Concurrent callers wait for one read
// rather than each scanning the store.
func (s *Server) regions(ctx context.Context, run int64) ([]store.RegionCount, error) {
	c := &s.regionCache
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := s.st.Changes()
	if c.rows != nil && c.run == run && c.gen == gen && time.Since(c.at) < regionTTL {
		return c.rows, nil
	}
	rows, err := s.st.RegionCounts(ctx)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = []store.RegionCount{}
	}
	c.rows, c.run, c.gen, c.at = rows, run, gen, time.Now()
	return rows, nil
}
