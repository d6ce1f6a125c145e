package officials

import (
	"sync"
	"time"
)

// limiter is a token bucket per client address, in memory: each address
// may try burst sign-ins at once and perMinute a minute after that.
type limiter struct {
	perMinute int
	burst     int
	mu        sync.Mutex
	buckets   map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the limiter's memory: past it, full buckets (addresses
// that have not tried for a while) are forgotten.
const maxBuckets = 10000

func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	rate := float64(l.perMinute) / 60 // tokens a second
	refill := func(b *bucket) {
		b.tokens = min(float64(l.burst), b.tokens+now.Sub(b.at).Seconds()*rate)
		b.at = now
	}
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			for k, o := range l.buckets {
				if refill(o); o.tokens >= float64(l.burst) {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{tokens: float64(l.burst), at: now}
		l.buckets[key] = b
	}
	refill(b)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// AllowAttempt takes one sign-in attempt from the budget of the client
// address ip and reports whether it may go ahead: by default 10 at once and
// 10 a minute after that (Options.AttemptsPerMinute, AttemptBurst). The web
// layer asks it before SignIn, so that guessing passwords from one address
// is slow whatever logins are tried; the per-account lockout stops guessing
// one login from many. Budgets live in memory and start afresh when the
// server restarts.
func (d *Directory) AllowAttempt(ip string) bool {
	return d.limiter.allow(ip, d.now())
}
