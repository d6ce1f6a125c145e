package quality

import (
	"math"

	"github.com/ortaq/ortaq/internal/golden"
)

// Checks judged against the as-of date ("today") say, for every record,
// when their judgement of it can next change (Result.Due), so that a run
// at a later as-of date redoes only those records (scorecard's
// incremental runs):
//
//   - age: a date in the future is found with the as-of date in its
//     reason, so it is due the next day; with max_years, a date is due on
//     the anniversary past the limit, or, once found, on the next one
//     (the reason names the age);
//   - dead_active and dead_reference: a death on or after the as-of date
//     counts from the day after it;
//   - range with a bound "today": a date after today is due on that date
//     (max: today), one on or after today the day after it (min: today);
//   - freshness judges a whole source, which every run judges again.
//
// No other check reads the as-of date.

// dueAfter returns the day after s (YYYY-MM-DD), or, when s is no day of
// the calendar, the day after the as-of date: looked at again every day.
func (x *env) dueAfter(s string) string {
	if d, ok := dayAfter(s); ok {
		return d
	}
	d, _ := dayAfter(x.asOf)
	return d
}

// dueAge lists r, a record of s dated v (on or before the as-of date,
// years old in full years then), as due when an age check with limit
// judges it next differently: when it first exceeds the limit, or, once
// past it, when its age in the reason changes.
// A date that is no day of the calendar is looked at again every day.
func (x *env) dueAge(res *Result, s *golden.Source, r *golden.Record, v string, years int, limit float64) {
	if _, ok := dayAfter(v); !ok {
		res.dueOn(s, r, x.dueAfter(x.asOf))
		return
	}
	next := years + 1
	if float64(years) <= limit {
		if limit >= maxYear {
			return
		}
		next = int(math.Floor(limit)) + 1
	}
	if d, ok := anniversary(v, next); ok {
		res.dueOn(s, r, d)
	}
}
