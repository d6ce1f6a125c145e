package console

import (
	"context"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// qualityState is the newest quality runs, which every score on a page is
// read against: a score belongs to the latest run or it is stale.
type qualityState struct {
	Latest *store.QualityRun // nil before the first quality run
	dates  map[int64]time.Time
}

// loadQuality reads the newest trendRuns quality runs.
func (s *Server) loadQuality(ctx context.Context) (qualityState, error) {
	runs, err := s.st.QualityRuns(ctx, trendRuns)
	if err != nil {
		return qualityState{}, err
	}
	q := qualityState{dates: make(map[int64]time.Time, len(runs))}
	for _, r := range runs {
		q.dates[r.ID] = r.FinishedAt
	}
	if len(runs) > 0 {
		q.Latest = &runs[0]
	}
	return q, nil
}

// runID is the latest run's id, 0 before the first run.
func (q qualityState) runID() int64 {
	if q.Latest == nil {
		return 0
	}
	return q.Latest.ID
}

// scoreView is one scope's score in the latest quality run, with its
// change since the run before and its history drawn large and small.
type scoreView struct {
	Has      bool // the latest run scored this scope
	Run      *store.QualityRun
	Score    float64
	Delta    float64
	HasDelta bool
	Trend    trend // the large chart, with axis labels
	Spark    trend // the sparkline for tables
}

// Score thresholds for colour: what a ministry would call good, and what
// needs a look.
const (
	scoreGood = 90
	scoreFair = 75
)

// Class is the score's colour class: good, warn or bad.
func (v scoreView) Class() string {
	switch {
	case v.Score >= scoreGood:
		return "good"
	case v.Score >= scoreFair:
		return "warn"
	}
	return "bad"
}

// DeltaClass colours a change: up, down or flat.
func (v scoreView) DeltaClass() string {
	switch {
	case v.Delta >= 0.05:
		return "up"
	case v.Delta <= -0.05:
		return "down"
	}
	return "flat"
}

// score builds the view of one scope from its history, oldest first.
func (q qualityState) score(l view.Locale, history []store.Score) scoreView {
	if len(history) == 0 || q.Latest == nil {
		return scoreView{}
	}
	last := history[len(history)-1]
	v := scoreView{Has: last.RunID == q.Latest.ID, Run: q.Latest, Score: last.Score,
		Trend: newTrend(l, history, q.dates, 640, 180, true),
		Spark: newTrend(l, history, q.dates, 96, 26, false)}
	if len(history) > 1 {
		v.Delta, v.HasDelta = last.Score-history[len(history)-2].Score, true
	}
	return v
}
