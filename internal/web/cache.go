package web

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// regionTTL bounds how stale the cached region table may be when findings
// change behind this server's back (another server, a script on the
// database); changes through this server and new quality runs show at
// once.
const regionTTL = 5 * time.Minute

// regionCache keeps the overview's table of regions, which reads every
// golden record and finding, between the events that change it: a quality
// run (which rebuilds golden records and findings) and a finding status
// set through this server.
type regionCache struct {
	mu   sync.Mutex
	run  int64  // the quality run the rows were read after
	gen  uint64 // the status generation they were read at
	at   time.Time
	rows []store.RegionCount
}

// statusGen counts finding status changes made through a server; the
// cache compares it to know its rows are out of date.
type statusGen struct{ n atomic.Uint64 }

func (g *statusGen) bump()       { g.n.Add(1) }
func (g *statusGen) get() uint64 { return g.n.Load() }

// regions returns the region counts, from the cache when they are still
// those of the latest quality run. Concurrent callers wait for one read
// rather than each scanning the store.
func (s *Server) regions(ctx context.Context, run int64) ([]store.RegionCount, error) {
	c := &s.regionCache
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := s.statusGen.get()
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
