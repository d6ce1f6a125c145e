package quality

import (
	"fmt"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
)

// runUnique finds records sharing the value (or combination of values) of
// fields with another record of the source; every record of such a group
// is a finding. Records with an empty field are not compared.
func runUnique(x *env, s *golden.Source, c *Check, res *Result) {
	fields := c.fields()
	var parts []string
	gs, total := groups(s, c, 1, func(r *golden.Record) (string, bool) {
		if len(fields) == 1 {
			v := r.Attrs.Get(fields[0])
			return v, v != ""
		}
		parts = parts[:0]
		for _, f := range fields {
			v := r.Attrs.Get(f)
			if v == "" {
				return "", false
			}
			parts = append(parts, v)
		}
		return strings.Join(parts, "\x1f"), true
	})
	res.Total = total
	what := strings.Join(fields, " and ")
	for _, g := range gs {
		v := g[0].Attrs.Get(fields[0])
		for _, f := range fields[1:] {
			v += " " + g[0].Attrs.Get(f)
		}
		for _, r := range g {
			f := finding(r, v, fmt.Sprintf("%s %s is shared by %d records", what, v, len(g)))
			f.Related = related(g, r)
			f.Suggestion = "keep one record for " + v + " and delete or correct the others"
			res.Findings = append(res.Findings, f)
		}
	}
}

// runDuplicates finds entities with several records in the source: one
// patient with several cards, one pupil enrolled at two schools. Every
// record of such an entity is a finding. It depends on entity resolution:
// records that were never resolved are not counted.
func runDuplicates(x *env, s *golden.Source, c *Check, res *Result) {
	gs, total := groups(s, c, 1, func(r *golden.Record) (string, bool) { return r.EntityID, r.EntityID != "" })
	res.Total = total
	for _, g := range gs {
		keep := g[0] // the most recently observed record, else the first by id
		for _, r := range g[1:] {
			if r.ObservedAt.After(keep.ObservedAt) {
				keep = r
			}
		}
		for _, r := range g {
			f := finding(r, "", fmt.Sprintf("one of %d records of %s in %s", len(g), r.EntityID, s.Name))
			f.Related = related(g, r)
			f.Suggestion = fmt.Sprintf("merge the records into %s", keep.RecordID)
			res.Findings = append(res.Findings, f)
		}
	}
}
