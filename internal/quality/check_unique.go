package quality

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
)

// runUnique finds records sharing the value (or combination of values) of
// fields with another record of the source; every record of such a group
// is a finding. Records with an empty field are not compared.
func runUnique(x *env, s *golden.Source, c *Check, res *Result) {
	fields := c.fields()
	var parts []string
	gs := groups(s, c, res, 1, func(r *golden.Record) (string, bool) {
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
	what := attrArg(fields...)
	for _, g := range gs {
		v := g[0].Attrs.Get(fields[0])
		for _, f := range fields[1:] {
			v += " " + g[0].Attrs.Get(f)
		}
		for _, r := range g {
			f := finding(r, v, msg("q.unique.reason", what, v, len(g)))
			f.Related = related(g, r)
			f.suggest(msg("q.unique.fix", v))
			res.Findings = append(res.Findings, f)
		}
	}
}

// runDuplicates finds entities with several records in the source: one
// patient with several cards, one pupil enrolled at two schools. Each such
// cluster is one finding, about the record to keep, with the others to
// merge into it as Related; its Key is the entity, so that its status
// survives a change of the record kept. Every record of a cluster fails
// the check. It depends on entity resolution: records that were never
// resolved are not counted.
//
// The record to keep is, in this order of preference: the one whose
// national id is filled in and valid, the most complete (the most
// attributes filled in and valid), the most recently observed, the first
// by record id; the finding names the rule that decided.
func runDuplicates(x *env, s *golden.Source, c *Check, res *Result) {
	gs := groups(s, c, res, 1, func(r *golden.Record) (string, bool) { return r.EntityID, r.EntityID != "" })
	for _, g := range gs {
		ranked := slices.Clone(g)
		slices.SortStableFunc(ranked, compareKeep)
		keep := ranked[0]
		others := make([]string, 0, len(ranked)-1)
		for _, r := range ranked[1:] {
			others = append(others, r.RecordID)
		}
		slices.Sort(others)
		f := finding(keep, "", msg("q.duplicates.reason", len(g), keep.EntityID, sourceArg(s.Name), keep.RecordID))
		f.Key = "entity:" + keep.EntityID
		f.Related = others[:min(len(others), maxRelated)]
		f.suggest(msg("q.duplicates.fix", strings.Join(f.Related, ", "), keep.RecordID, "@q.keep."+keepRule(ranked[0], ranked[1])))
		f.Records = len(g)
		res.Findings = append(res.Findings, f)
		res.Failed += len(g)
	}
}

// keepScore is what decides which record of a duplicate cluster to keep.
type keepScore struct {
	validIIN bool
	filled   int
}

func scoreKeep(r *golden.Record) keepScore {
	var k keepScore
	for a, v := range r.Attrs.All() {
		if r.Invalid[a] == "" && strings.TrimSpace(v) != "" {
			k.filled++
			if a == "national_id" {
				k.validIIN = true
			}
		}
	}
	return k
}

// compareKeep orders the records of a cluster, the one to keep first.
func compareKeep(a, b *golden.Record) int {
	ka, kb := scoreKeep(a), scoreKeep(b)
	switch {
	case ka.validIIN != kb.validIIN:
		if ka.validIIN {
			return -1
		}
		return 1
	case ka.filled != kb.filled:
		return kb.filled - ka.filled
	}
	return cmp.Or(b.ObservedAt().Compare(a.ObservedAt()), cmp.Compare(a.RecordID, b.RecordID))
}

// keepRule names the rule by which keep was preferred to the runner-up.
func keepRule(keep, next *golden.Record) string {
	kk, kn := scoreKeep(keep), scoreKeep(next)
	switch {
	case kk.validIIN != kn.validIIN:
		return "valid_iin"
	case kk.filled != kn.filled:
		return "complete"
	case !keep.ObservedAt().Equal(next.ObservedAt()):
		return "recent"
	}
	return "first"
}
