package quality

import (
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
		res.count(s, r)
		if v > x.asOf {
			f := finding(r, v, msg("q.age.future", attrArg(c.Field), v, x.asOf))
			f.suggest(msg("q.age.future.fix"))
			res.Findings = append(res.Findings, f)
			res.dueOn(s, r, x.dueAfter(x.asOf)) // the reason names the as-of date
			continue
		}
		if c.MaxYears == nil {
			continue
		}
		limit, ok := c.MaxYears.of(r.Attrs)
		if !ok {
			continue
		}
		years := fullYears(v, x.asOf)
		x.dueAge(res, s, r, v, years, limit)
		if float64(years) > limit {
			m := msg("q.age.old", attrArg(c.Field), v, years, limit)
			if c.MaxYears.By != "" {
				m = msg("q.age.old.by", attrArg(c.Field), v, years, limit, attrArg(c.MaxYears.By), valueArg(c.MaxYears.By, r.Attrs.Get(c.MaxYears.By)))
			}
			f := finding(r, v, m)
			f.suggest(msg("q.age.old.fix"))
			res.Findings = append(res.Findings, f)
		}
	}
}

func describeAge(c *Check) Msg {
	if c.MaxYears == nil {
		return msg("q.desc.age", attrArg(c.Field))
	}
	if c.MaxYears.By == "" {
		return msg("q.desc.age.max", attrArg(c.Field), c.MaxYears.Default)
	}
	return msg("q.desc.age.by", attrArg(c.Field), attrArg(c.MaxYears.By))
}
