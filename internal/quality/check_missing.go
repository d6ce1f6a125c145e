package quality

import (
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
)

// runMissing finds records whose field is empty. When the record's entity
// has the value from another source, it is the suggested fix.
func runMissing(x *env, s *golden.Source, c *Check, res *Result) {
	for r := range records(s, c) {
		res.count(s, r)
		if strings.TrimSpace(r.Attrs.Get(c.Field)) != "" {
			continue
		}
		f := finding(r, "", msg("q.missing.reason", attrArg(c.Field)))
		if v := x.entityValue(r, c.Field); v != "" {
			f.suggest(msg("q.missing.fix.entity", attrArg(c.Field), v, r.EntityID))
		} else {
			f.suggest(msg("q.missing.fix", attrArg(c.Field)))
		}
		res.Findings = append(res.Findings, f)
	}
}
