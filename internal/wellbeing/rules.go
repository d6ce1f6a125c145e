package wellbeing

import "slices"

// facts are what the rules read, gathered in one pass over the members.
type facts struct {
	n          uint64 // members
	income     uint64 // sum of monthly incomes, tiyn
	line       uint64 // poverty line per person, tiyn
	employed   uint64 // members with income from work
	idleWorker bool   // a working-age member expected to work who does not
	outOfSchl  bool   // a school-age member not in education
	neet       bool   // a young member neither in education nor employed
	disability uint8  // bit d set when a member has Disability d
	unattached uint64 // members not attached to a polyclinic
	livestock  uint64 // head owned by all members
}

func (m *Model) facts(h *Household, f *facts) {
	*f = facts{n: uint64(len(h.Members)), line: uint64(h.PovertyLine)}
	a := &m.Ages
	for i := range h.Members {
		p := &h.Members[i]
		f.income += uint64(p.MonthlyIncome)
		inEducation := p.Enrolled || p.Student
		if p.Employed {
			f.employed++
		}
		// Groups 1 and 2 are not expected to work; group 3 is.
		severe := p.Disability == DisabilityGroup1 || p.Disability == DisabilityGroup2
		if a.Working.Contains(p.Age) && !p.Employed && !p.Student && !severe {
			f.idleWorker = true
		}
		if a.School.Contains(p.Age) && !inEducation {
			f.outOfSchl = true
		}
		if a.Youth.Contains(p.Age) && !inEducation && !p.Employed {
			f.neet = true
		}
		f.disability |= 1 << p.Disability
		if !p.Attached {
			f.unattached++
		}
		f.livestock += uint64(p.Livestock)
	}
}

// rule is a compiled indicator. It is a plain value evaluated by a switch,
// not a closure, so that a household's facts stay on the stack.
type rule struct {
	kind     ruleKind
	num, den uint64 // multiple or max_ratio
	groups   uint8  // disability: bit d for each group that deprives
	all      bool   // no_polyclinic: scope all
	minHeads uint64 // no_livestock_no_earner
}

type ruleKind uint8

const (
	incomeBelowLine ruleKind = iota
	unemployedAdult
	dependencyRatio
	childNotEnrolled
	youthNEET
	disability
	noPolyclinic
	noLivestockNoEarner
)

// deprived reports whether facts f deprive the household.
func (r *rule) deprived(f *facts) bool {
	switch r.kind {
	case incomeBelowLine:
		// income / n ≤ num/den × line  ⇔  income × den ≤ num × line × n
		return cmpMul(f.income, r.den, r.num, f.line*f.n) <= 0
	case unemployedAdult:
		return f.idleWorker
	case dependencyRatio:
		// non-earners > num/den × earners
		return cmpMul(f.n-f.employed, r.den, r.num, f.employed) > 0
	case childNotEnrolled:
		return f.outOfSchl
	case youthNEET:
		return f.neet
	case disability:
		return f.disability&r.groups != 0
	case noPolyclinic:
		if r.all {
			return f.unattached == f.n
		}
		return f.unattached > 0
	case noLivestockNoEarner:
		return f.livestock < r.minHeads && f.employed == 0
	}
	return false
}

// ruleSpec describes one rule: its kind, the parameters it accepts and
// what it means.
type ruleSpec struct {
	kind   ruleKind
	params []string
	doc    string
}

// ruleSpecs are the computations an indicator may name; the configuration
// chooses among them and sets their parameters.
var ruleSpecs = map[string]ruleSpec{
	"income_below_line": {incomeBelowLine, []string{"multiple"},
		"per-capita monthly income ≤ multiple × the АСП poverty line (multiple default 1)"},
	"unemployed_adult": {unemployedAdult, nil,
		"a member of working age (ages.working), not a full-time student and without a group 1 or 2 disability, had no income from work in the last 3 months"},
	"dependency_ratio": {dependencyRatio, []string{"max_ratio"},
		"members without income from work > max_ratio × members with it, so always when no one works (max_ratio default 3)"},
	"child_not_enrolled": {childNotEnrolled, nil,
		"a member of school age (ages.school) is neither enrolled nor a full-time student"},
	"youth_neet": {youthNEET, nil,
		"a member of youth age (ages.youth) is neither in education nor had income from work in the last 3 months"},
	"disability": {disability, []string{"groups"},
		"a member has a disability of one of groups (1, 2, 3, child; default 1, 2, child)"},
	"no_polyclinic": {noPolyclinic, []string{"scope"},
		"scope any: a member is not attached to a polyclinic; scope all: no member is (default any)"},
	"no_livestock_no_earner": {noLivestockNoEarner, []string{"min_heads"},
		"the household owns fewer than min_heads head of livestock and no member had income from work in the last 3 months (min_heads default 1)"},
}

// compileRule builds the rule of an indicator with rule name and params p.
func compileRule(name string, p *Params) rule {
	r := rule{kind: ruleSpecs[name].kind, minHeads: uint64(p.MinHeads), all: p.Scope == "all"}
	switch r.kind {
	case incomeBelowLine:
		r.num, r.den = ratPair(p.Multiple)
	case dependencyRatio:
		r.num, r.den = ratPair(p.MaxRatio)
	}
	for _, g := range p.Groups {
		r.groups |= 1 << g
	}
	return r
}

// RuleInfo names a rule an indicator may use and says what it computes.
type RuleInfo struct {
	Name string
	Doc  string // English, for documentation and error hints
}

// Rules lists the rules an indicator may name, sorted by name.
func Rules() []RuleInfo {
	out := []RuleInfo{}
	for _, n := range ruleNames() {
		out = append(out, RuleInfo{Name: n, Doc: ruleSpecs[n].doc})
	}
	return out
}

func ruleNames() []string {
	names := make([]string, 0, len(ruleSpecs))
	for k := range ruleSpecs {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
