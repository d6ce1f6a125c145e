package quality

import (
	"github.com/ortaq/ortaq/internal/golden"
)

// valueSet returns the valid values of attr in the register's records.
func (x *env) valueSet(register, attr string) map[string]bool {
	return shared(x, "values\x1f"+register+"\x1f"+attr, func() map[string]bool {
		reg := x.ds.Source(register)
		out := make(map[string]bool, len(reg.Records))
		for i := range reg.Records {
			if v, ok := value(&reg.Records[i], attr); ok {
				out[v] = true
			}
		}
		return out
	})
}

// runReference finds values that name no record of any register: an
// owner IIN the population register does not know. Empty and invalid
// values are left to the missing and valid checks.
func runReference(x *env, s *golden.Source, c *Check, res *Result) {
	sets := make([]map[string]bool, len(c.Register))
	for i, reg := range c.Register {
		sets[i] = x.valueSet(reg, c.attribute())
	}
	regs := sourceArg(c.Register...)
records:
	for r := range records(s, c) {
		v, ok := value(r, c.Field)
		if !ok {
			continue
		}
		res.count(s, r)
		for _, set := range sets {
			if set[v] {
				continue records
			}
		}
		f := finding(r, v, msg("q.reference.reason", attrArg(c.Field), v, regs, attrArg(c.attribute())))
		f.suggest(msg("q.reference.fix", attrArg(c.Field), regs))
		res.Findings = append(res.Findings, f)
	}
}
