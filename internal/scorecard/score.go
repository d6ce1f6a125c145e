// Package scorecard turns quality check results into the "data
// effectiveness" rating: a score per source, per agency and for the nation,
// kept per run so that a trend shows, with alerts when a metric jumps
// against its history, and the data officers' work lists of findings that
// survive from run to run with their status.
//
// Scoring (docs/quality.md): a check's pass rate is 1 − failed/total. A
// source's score is 100 times the mean, over the quality dimensions its
// checks cover (completeness, validity, uniqueness, consistency,
// timeliness, integrity), of the mean pass rate of the dimension's checks,
// so that ten validity checks do not outweigh one uniqueness check. An
// agency's score is the mean of its sources' scores weighted by their live
// records, and the nation's the same over every source.
package scorecard

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/ortaq/ortaq/internal/store"
)

// sourceScore is a source's score and its weight.
type sourceScore struct {
	source, agency string
	score          float64
	records        int
}

// scoreSources computes every source's score from its check results and
// the agencies' and the nation's from those. Sources with no result that
// checked anything get no score.
func scoreSources(results []store.CheckResult, live map[string]int) []store.Score {
	type dim struct {
		sum float64
		n   int
	}
	bySource := map[string]map[string]*dim{}
	agencyOf := map[string]string{}
	for _, r := range results {
		if r.Total <= 0 {
			continue
		}
		dims := bySource[r.Source]
		if dims == nil {
			dims = map[string]*dim{}
			bySource[r.Source] = dims
		}
		d := dims[r.Dimension]
		if d == nil {
			d = &dim{}
			dims[r.Dimension] = d
		}
		d.sum += 1 - math.Min(1, float64(r.Failed)/float64(r.Total))
		d.n++
		agencyOf[r.Source] = r.Agency
	}
	var srcs []sourceScore
	for name, dims := range bySource {
		var sum float64
		for _, d := range dims {
			sum += d.sum / float64(d.n)
		}
		srcs = append(srcs, sourceScore{source: name, agency: agencyOf[name], score: round1(100 * sum / float64(len(dims))),
			records: live[name]})
	}
	slices.SortFunc(srcs, func(a, b sourceScore) int { return cmp.Compare(a.source, b.source) })
	var out []store.Score
	agencies := map[string][]sourceScore{}
	for _, s := range srcs {
		out = append(out, store.Score{Scope: store.ScopeSource, Key: s.source, Score: s.score, Records: s.records})
		agencies[s.agency] = append(agencies[s.agency], s)
	}
	codes := make([]string, 0, len(agencies))
	for code := range agencies {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		sc, n := weighted(agencies[code])
		out = append(out, store.Score{Scope: store.ScopeAgency, Key: code, Score: sc, Records: n})
	}
	if len(srcs) > 0 {
		sc, n := weighted(srcs)
		out = append(out, store.Score{Scope: store.ScopeNation, Score: sc, Records: n})
	}
	return out
}

// weighted is the mean score weighted by records; sources with no live
// records count as one record, so that an empty source still shows.
func weighted(srcs []sourceScore) (score float64, records int) {
	var sum, weight float64
	for _, s := range srcs {
		w := float64(max(1, s.records))
		sum += s.score * w
		weight += w
		records += s.records
	}
	return round1(sum / weight), records
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// Alert thresholds: a check's failure share must rise by at least
// alertRise (absolute) and to at least alertFactor times its median over
// the previous runs; a score must fall by at least alertScoreDrop points
// against the previous run.
const (
	alertRise      = 0.02
	alertFactor    = 2.0
	alertScoreDrop = 5.0
	// alertMinFailed keeps a check that fails 3 rows of 10 million from
	// alerting when it had none before.
	alertMinFailed = 5
	historyRuns    = 10
)

// alerts compares this run's results and scores with the previous runs'.
// history holds the previous runs' results by "source/check", oldest first;
// prevScores the previous run's scores.
func alerts(results []store.CheckResult, scores []store.Score, history map[string][]store.CheckResult, prevScores []store.Score) []store.Alert {
	var out []store.Alert
	for _, r := range results {
		past := history[r.Source+"/"+r.Name]
		if len(past) == 0 || r.Total == 0 {
			continue
		}
		shares := make([]float64, 0, len(past))
		for _, p := range past {
			if p.Total > 0 {
				shares = append(shares, float64(p.Failed)/float64(p.Total))
			}
		}
		if len(shares) == 0 {
			continue
		}
		base := median(shares)
		now := float64(r.Failed) / float64(r.Total)
		if r.Failed >= alertMinFailed && now-base >= alertRise && now >= alertFactor*base {
			out = append(out, store.Alert{Scope: store.ScopeSource, Key: r.Source, Check: r.Name, Value: now, Baseline: base,
				Message: fmt.Sprintf("%s: %s fails %.1f%% of %d rows, against %.1f%% before", r.Source, r.Name,
					100*now, r.Total, 100*base)})
		}
	}
	prev := map[string]float64{}
	for _, s := range prevScores {
		prev[s.Scope+"/"+s.Key] = s.Score
	}
	for _, s := range scores {
		p, ok := prev[s.Scope+"/"+s.Key]
		if ok && p-s.Score >= alertScoreDrop {
			name := s.Key
			if s.Scope == store.ScopeNation {
				name = "national"
			}
			out = append(out, store.Alert{Scope: s.Scope, Key: s.Key, Value: s.Score, Baseline: p,
				Message: fmt.Sprintf("%s score fell from %.1f to %.1f", name, p, s.Score)})
		}
	}
	return out
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
