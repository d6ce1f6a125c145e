package web

import (
	"context"
	"time"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
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
func (q qualityState) score(l locale, history []store.Score) scoreView {
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

// sourceIndex finds sources by name, and their agencies' names in the
// reader's language.
type sourceIndex struct {
	agencies []store.AgencyStats // by code
	byName   map[string]store.SourceStats
	byID     map[int64]store.SourceStats
	agency   map[string]string // agency code -> name in the reader's language
}

// loadSources reads every source and agency: two queries whatever the page
// shows, instead of one per row.
func (s *Server) loadSources(ctx context.Context, l locale) (sourceIndex, error) {
	srcs, err := s.st.Sources(ctx)
	if err != nil {
		return sourceIndex{}, err
	}
	agencies, err := s.st.Agencies(ctx)
	if err != nil {
		return sourceIndex{}, err
	}
	ix := sourceIndex{agencies: agencies, byName: map[string]store.SourceStats{}, byID: map[int64]store.SourceStats{},
		agency: map[string]string{}}
	for _, src := range srcs {
		ix.byName[src.Name] = src
		ix.byID[src.ID] = src
	}
	for _, a := range agencies {
		ix.agency[a.Code] = l.Name(a.Name, a.Names)
	}
	return ix, nil
}

// title is a source's title, or its name when it has none.
func (ix sourceIndex) title(name string) string {
	if src, ok := ix.byName[name]; ok && src.Title != "" {
		return src.Title
	}
	return name
}

// animal reports whether a source holds animals: its findings are the
// virtual cows.
func (ix sourceIndex) animal(name string) bool {
	return ix.byName[name].Entity == source.EntityAnimal
}
