package quality

import (
	"fmt"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
)

// runMissing finds records whose field is empty. When the record's entity
// has the value from another source, it is the suggested fix.
func runMissing(x *env, s *golden.Source, c *Check, res *Result) {
	for r := range records(s, c) {
		res.Total++
		if strings.TrimSpace(r.Attrs.Get(c.Field)) != "" {
			continue
		}
		f := finding(r, "", c.Field+" is empty")
		if v := x.entityValue(r, c.Field); v != "" {
			f.Suggestion = fmt.Sprintf("fill in %s %s, which the other records of %s hold", c.Field, v, r.EntityID)
		} else {
			f.Suggestion = "fill in " + c.Field + " from the source document"
		}
		res.Findings = append(res.Findings, f)
	}
}
