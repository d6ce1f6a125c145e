package quality

import (
	"fmt"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
)

// runFreshness compares the newest observation in the source (or the end
// of its latest load, with since: run) with the report's date. One item is
// checked: the source.
func runFreshness(x *env, s *golden.Source, c *Check, res *Result) {
	var newest time.Time
	key := "q.freshness.observed"
	if c.Since == "run" {
		key = "q.freshness.run"
		if len(s.Runs) > 0 {
			newest = s.Runs[0].FinishedAt
		}
	} else {
		newest = s.Newest()
	}
	if newest.IsZero() {
		return
	}
	res.Total = 1
	asOf, _ := time.Parse(time.DateOnly, x.asOf)
	age := asOf.Sub(newest)
	if age <= c.MaxAge {
		return
	}
	f := Finding{Value: dayString(newest)}
	f.because(msg(key, dayString(newest), int(age/(24*time.Hour)), x.asOf, ageArg(c.MaxAge)))
	f.suggest(msg("q.freshness.fix", agencyArg(s.AgencyCode), sourceArg(s.Name)))
	res.Findings = append(res.Findings, f)
}

func describeFreshness(c *Check) Msg {
	if c.Since == "run" {
		return msg("q.desc.freshness.run", ageArg(c.MaxAge))
	}
	return msg("q.desc.freshness", ageArg(c.MaxAge))
}

// runVolume compares the latest load's row count with the median of the
// loads before it: a full extract that halves or doubles overnight is more
// often a broken export than a change in the world. It compares like with
// like (golden.Source.Loads): full extracts with full extracts, so that a
// one-row push is never measured against a whole register. It needs two
// loads.
func runVolume(x *env, s *golden.Source, c *Check, res *Result) {
	loads := s.Loads
	if len(loads) < 2 {
		return
	}
	res.Total = 1
	prev := make([]int, 0, len(loads)-1)
	for _, r := range loads[1:] {
		prev = append(prev, r.Rows)
	}
	slices.Sort(prev)
	median := float64(prev[len(prev)/2])
	if len(prev)%2 == 0 {
		median = (median + float64(prev[len(prev)/2-1])) / 2
	}
	rows := float64(loads[0].Rows)
	var change float64
	switch {
	case median > 0:
		change = (rows - median) / median
	case rows > 0:
		change = 1e9 // from nothing to something
	}
	if abs(change) <= c.MaxChange {
		return
	}
	f := Finding{Value: fmt.Sprint(loads[0].Rows)}
	f.because(msg("q.volume.reason", loads[0].ID, loads[0].Rows, signedPercent(change), median, len(prev)))
	f.suggest(msg("q.volume.fix", agencyArg(s.AgencyCode)))
	res.Findings = append(res.Findings, f)
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// percent writes a fraction as a percentage: 0.5 → "50%".
func percent(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }

func signedPercent(f float64) string {
	if f >= 1e9 {
		return "up from none"
	}
	if f >= 0 {
		return "+" + percent(f)
	}
	return percent(f)
}

// ageArg is a freshness limit as a message argument: whole days in the
// reader's words ("30 days", "30 күн"), else the duration as Go writes it.
func ageArg(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return msgArg(msg("q.days", int(d/(24*time.Hour))))
	}
	return d.String()
}
