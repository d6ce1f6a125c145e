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
			f := finding(r, v, msg("q.age.future", c.Field, v, x.asOf))
			f.suggest(msg("q.age.future.fix"))
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
			m := msg("q.age.old", c.Field, v, years, limit)
			if c.MaxYears.By != "" {
				m = msg("q.age.old.by", c.Field, v, years, limit, c.MaxYears.By, r.Attrs.Get(c.MaxYears.By))
			}
			f := finding(r, v, m)
			f.suggest(msg("q.age.old.fix"))
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
