package benefits

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// DecidingKey hashes what decides in c: every programme's id, period and
// versions with their dates and expressions, and every parameter's dated
// values. Titles, explanation texts, law titles and words are left out:
// a corrected sentence must not make the decisions stored under the
// previous wording look as if other rules had made them, while any change
// to an expression or a value must.
func (c *Catalog) DecidingKey() (string, error) {
	type step struct{ Let, Expr, Each, Among, Where, Amount, Count, Sum string }
	type version struct {
		ID, Eligible, Change, Amount string
		From                         Date
		Steps, Then                  []step
	}
	type programme struct {
		ID, Period string
		Versions   []version
	}
	type value struct {
		From  Date
		Value *Money
		Rows  map[string]Money
	}
	type param struct {
		Name   string
		Values []value
	}
	steps := func(ss []Step) []step {
		out := make([]step, len(ss))
		for i, s := range ss {
			out[i] = step{s.Let, s.Expr, s.Each, s.Among, s.Where, s.Amount, s.Count, s.Sum}
		}
		return out
	}
	var doc struct {
		Programmes []programme
		Params     []param
	}
	for _, p := range c.Programmes {
		pr := programme{ID: p.ID, Period: p.Period}
		for _, v := range p.Versions {
			ver := version{ID: v.ID, Eligible: v.Eligible, Amount: v.Amount, From: v.From, Steps: steps(v.Steps), Then: steps(v.Then)}
			if v.Change != nil {
				ver.Change = v.Change.Expr
			}
			pr.Versions = append(pr.Versions, ver)
		}
		doc.Programmes = append(doc.Programmes, pr)
	}
	names := make([]string, 0, len(c.Params))
	for n := range c.Params {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		pa := param{Name: n}
		for _, v := range c.Params[n].Values {
			pa.Values = append(pa.Values, value{v.From, v.Value, v.Rows})
		}
		doc.Params = append(doc.Params, pa)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
