package quality

import (
	"fmt"

	"github.com/ortaq/ortaq/internal/golden"
)

// runAge finds dates in the future and, with max_years, dates more years
// back than anything of the kind lives: a cow born 40 years ago, an animal
// born next spring.
func runAge(x *env, s *golden.Source, c *Check, res *Result) {
	for r := range records(s, c) {
		v, ok := value(r, c.Field)
		if !ok || !isoDate(v) {
			continue
		}
		res.Total++
		if v > x.asOf {
			f := finding(r, v, fmt.Sprintf("%s %s is after %s, the data's date", c.Field, v, x.asOf))
			f.Suggestion = "correct the date; a digit of the year is probably mistyped"
			res.Findings = append(res.Findings, f)
			continue
		}
		if c.MaxYears == nil {
			continue
		}
		limit, ok := c.MaxYears.of(r.Attrs)
		if !ok {
			continue
		}
		if years := fullYears(v, x.asOf); float64(years) > limit {
			what := ""
			if c.MaxYears.By != "" {
				what = fmt.Sprintf(" for %s %s", c.MaxYears.By, r.Attrs.Get(c.MaxYears.By))
			}
			f := finding(r, v, fmt.Sprintf("%s %s means an age of %d years, above the %v%s", c.Field, v, years, limit, what))
			f.Suggestion = "correct the date, or close the record if it outlived its subject"
			res.Findings = append(res.Findings, f)
		}
	}
}

func describeAge(c *Check) string {
	if c.MaxYears == nil {
		return c.Field + " is not in the future"
	}
	if c.MaxYears.By == "" {
		return fmt.Sprintf("%s is not in the future nor more than %v years back", c.Field, c.MaxYears.Default)
	}
	return fmt.Sprintf("%s is not in the future nor more years back than the limit for its %s", c.Field, c.MaxYears.By)
}
