package console

import (
	"testing"
	"time"
)

// TestReadLimiter spends an official's hourly allowance, refuses beyond
// it without spending, refills with time, and keeps officials apart.
func TestReadLimiter(t *testing.T) {
	l := newReadLimiter(100)
	t0 := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		official int64
		n        int
		at       time.Duration
		want     bool
	}{
		{1, 60, 0, true},
		{1, 50, 0, false}, // 40 left: refused whole
		{1, 40, 0, true},
		{2, 100, 0, true}, // another official's own allowance
		{1, 1, 0, false},
		{1, 25, 15 * time.Minute, true}, // a quarter hour refills 25
		{1, 1, 15 * time.Minute, false},
		{1, 100, 3 * time.Hour, true}, // never more than the hour's worth
		{1, 1, 3 * time.Hour, false},
	}
	for i, s := range steps {
		if got := l.take(s.official, s.n, t0.Add(s.at)); got != s.want {
			t.Errorf("step %d: take(%d, %d) = %v; want %v", i, s.official, s.n, got, s.want)
		}
	}
}
