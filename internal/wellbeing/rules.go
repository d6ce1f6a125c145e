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

// rule is a compiled indicator: whether a household's facts deprive it.
type rule func(f *facts) bool

// ruleSpec describes one rule: the parameters it accepts and how it
// compiles them.
type ruleSpec struct {
	params []string
	doc    string
	build  func(p *Params) rule
}

// Rules are the computations an indicator may name, with what each means;
// the configuration chooses among them and sets their parameters.
var ruleSpecs = map[string]ruleSpec{
	"income_below_line": {
		params: []string{"multiple"},
		doc:    "per-capita monthly income ≤ multiple × the АСП poverty line (multiple default 1)",
		build: func(p *Params) rule {
			num, den := ratPair(p.Multiple)
			// income / n ≤ num/den × line  ⇔  income × den ≤ num × line × n
			return func(f *facts) bool { return cmpMul(f.income, den, num, f.line*f.n) <= 0 }
		},
	},
	"unemployed_adult": {
		doc: "a member of working age (ages.working), not a full-time student and without a group 1 or 2 disability, had no income from work in the last 3 months",
		build: func(*Params) rule {
			return func(f *facts) bool { return f.idleWorker }
		},
	},
	"dependency_ratio": {
		params: []string{"max_ratio"},
		doc:    "members without income from work > max_ratio × members with it (so always when no one works; max_ratio default 3)",
		build: func(p *Params) rule {
			num, den := ratPair(p.MaxRatio)
			return func(f *facts) bool { return cmpMul(f.n-f.employed, den, num, f.employed) > 0 }
		},
	},
	"child_not_enrolled": {
		doc: "a member of school age (ages.school) is neither enrolled nor a full-time student",
		build: func(*Params) rule {
			return func(f *facts) bool { return f.outOfSchl }
		},
	},
	"youth_neet": {
		doc: "a member of youth age (ages.youth) is neither in education nor had income from work in the last 3 months",
		build: func(*Params) rule {
			return func(f *facts) bool { return f.neet }
		},
	},
	"disability": {
		params: []string{"groups"},
		doc:    "a member has a disability of one of groups (1, 2, 3, child; default 1, 2, child)",
		build: func(p *Params) rule {
			var mask uint8
			for _, g := range p.Groups {
				mask |= 1 << g
			}
			return func(f *facts) bool { return f.disability&mask != 0 }
		},
	},
	"no_polyclinic": {
		params: []string{"scope"},
		doc:    "scope any: a member is not attached to a polyclinic; scope all: no member is (default any)",
		build: func(p *Params) rule {
			if p.Scope == "all" {
				return func(f *facts) bool { return f.unattached == f.n }
			}
			return func(f *facts) bool { return f.unattached > 0 }
		},
	},
	"no_livestock_no_earner": {
		params: []string{"min_heads"},
		doc:    "the household owns fewer than min_heads head of livestock and no member had income from work in the last 3 months (min_heads default 1)",
		build: func(p *Params) rule {
			min := uint64(p.MinHeads)
			return func(f *facts) bool { return f.livestock < min && f.employed == 0 }
		},
	},
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
