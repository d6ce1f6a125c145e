package quality

import (
	"github.com/ortaq/ortaq/internal/golden"
)

// groups finds the records of s (as filtered by c's where) that share a
// key with other records. key returns a record's key, or false for records
// not compared. It returns the groups of more than min records, in order of
// their first record, counting in res every record that had a key.
//
// Most keys are unique, so the records are counted first and only the
// members of large groups are collected: no slice per record, which at
// millions of records would be most of the work.
func groups(s *golden.Source, c *Check, res *Result, min int, key func(r *golden.Record) (string, bool)) (out [][]*golden.Record) {
	keys := make([]string, len(s.Records))
	has := make([]bool, len(s.Records))
	counts := make(map[string]int32, len(s.Records))
	for i := range s.Records {
		r := &s.Records[i]
		if !matches(r.Attrs, c.Where) {
			continue
		}
		k, ok := key(r)
		if !ok {
			continue
		}
		keys[i], has[i] = k, true
		counts[k]++
		res.count(s, r)
	}
	index := map[string]int{}
	for i := range s.Records {
		if !has[i] || int(counts[keys[i]]) <= min {
			continue
		}
		g, ok := index[keys[i]]
		if !ok {
			g = len(out)
			index[keys[i]] = g
			out = append(out, make([]*golden.Record, 0, counts[keys[i]]))
		}
		out[g] = append(out[g], &s.Records[i])
	}
	return out
}

// related lists the ids of group other than self, at most maxRelated.
func related(group []*golden.Record, self *golden.Record) []string {
	out := make([]string, 0, min(len(group)-1, maxRelated))
	for _, r := range group {
		if r != self && len(out) < maxRelated {
			out = append(out, r.RecordID)
		}
	}
	return out
}
