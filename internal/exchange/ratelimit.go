package exchange

import (
	"sync/atomic"
	"time"
)

// bucket is a member's token bucket, kept as the generic cell rate
// algorithm (GCRA): one atomic "theoretical arrival time" instead of a
// token count and a refill time, so that taking a token is a load and a
// compare-and-swap, with no lock on a path that runs thousands of times a
// second. The bucket holds one second's worth of requests: a member with a
// limit of N may send N at once, then N a second.
type bucket struct {
	// interval is the time one token takes to refill, in nanoseconds;
	// 0 means no limit.
	interval atomic.Int64
	// tat is when the bucket will be full again, in nanoseconds since the
	// Exchange's epoch.
	tat atomic.Int64
}

func (b *bucket) setRate(perSecond int) {
	if perSecond <= 0 {
		b.interval.Store(0)
		return
	}
	b.interval.Store(int64(time.Second) / int64(perSecond))
}

// take spends a token at now (nanoseconds since the epoch), or reports how
// long until one is available.
func (b *bucket) take(now int64) (ok bool, wait time.Duration) {
	iv := b.interval.Load()
	if iv == 0 {
		return true, 0
	}
	tolerance := int64(time.Second) - iv
	for {
		tat := b.tat.Load()
		t := max(tat, now)
		if t-now > tolerance {
			return false, time.Duration(t - tolerance - now)
		}
		if b.tat.CompareAndSwap(tat, t+iv) {
			return true, 0
		}
	}
}
