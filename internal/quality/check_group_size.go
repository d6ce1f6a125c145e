package quality

import (
	"github.com/ortaq/ortaq/internal/golden"
)

// runGroupSize finds groups of records sharing a value of by that are
// larger than max: a herd no one could keep, a flat with fifty residents.
// Every record of such a group is a finding.
func runGroupSize(x *env, s *golden.Source, c *Check, res *Result) {
	gs := groups(s, c, res, c.MaxCount, func(r *golden.Record) (string, bool) {
		v := r.Attrs.Get(c.By)
		return v, v != ""
	})
	for _, g := range gs {
		v := g[0].Attrs.Get(c.By)
		reason := msg("q.group_size.reason", attrArg(c.By), v, len(g), c.MaxCount)
		for _, r := range g {
			f := finding(r, v, reason)
			f.Related = related(g, r)
			f.suggest(msg("q.group_size.fix", attrArg(c.By)))
			res.Findings = append(res.Findings, f)
		}
	}
}
