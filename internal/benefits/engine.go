package benefits

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// CostLimit bounds the work of one expression, so a faulty rule cannot
// loop over a household for long. It is enforced when a programme is
// compiled, on CEL's static worst-case estimate with at most MaxPersons
// persons, rather than tracked during evaluation: tracking doubled the
// time of a decision, and a bound known before any run is the stronger
// guarantee.
const CostLimit = 100_000

// MaxPersons is the largest household the engine decides.
const MaxPersons = 100

// sizes tells CEL's cost estimator how large the inputs can be.
type sizes struct{}

func (sizes) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	if p := n.Path(); len(p) == 1 && p[0] == varPersons {
		return &cost.SizeEstimate{Min: 0, Max: MaxPersons}
	}
	if n.Type().IsExactType(cel.StringType) {
		return &cost.SizeEstimate{Min: 0, Max: 256}
	}
	return nil
}

func (sizes) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}

// Engine decides situations with a compiled catalog. It is safe for
// concurrent use.
type Engine struct {
	cat   *Catalog
	progs []*compiledProgramme
	pool  sync.Pool
}

type compiledProgramme struct {
	p        *Programme
	versions []*compiledVersion
}

type compiledVersion struct {
	v        *Version
	slots    map[string]int // step variable → index in household.vals
	steps    []compiledStep
	eligible cel.Program
	change   cel.Program
	then     []compiledStep
	amount   cel.Program
}

type compiledStep struct {
	s          Step
	expr       cel.Program // let
	where      cel.Program // each
	amount     cel.Program // each, optional
	slot       int         // let, or count of each
	sumSlot    int         // each with sum; −1 otherwise
	countSlot  int         // each with count; −1 otherwise
	valueIsInt bool
	among      func(*Person) bool
}

// amongSets are the persons a per-person step may be limited to before
// its where is evaluated: a step over children skips the adults in Go.
var amongSets = map[string]func(*Person) bool{
	"":         func(*Person) bool { return true },
	"all":      func(*Person) bool { return true },
	"children": func(p *Person) bool { return p.Role == RoleChild },
	"parents":  func(p *Person) bool { return p.Role == RoleParent },
	"disabled": func(p *Person) bool { return p.Disability != nil },
}

// NewEngine compiles and type-checks every version of every programme
// in c. It fails on the first expression that does not compile, names an
// unknown variable or field, or has the wrong type.
func NewEngine(c *Catalog) (*Engine, error) {
	base, err := baseEnv()
	if err != nil {
		return nil, fmt.Errorf("benefits: rule language: %w", err)
	}
	e := &Engine{cat: c}
	for _, p := range c.Programmes {
		cp := &compiledProgramme{p: p}
		for _, v := range p.Versions {
			cv, err := compileVersion(base, v)
			if err != nil {
				return nil, fmt.Errorf("%s: version %s: %w", p.ID, v.ID, err)
			}
			cp.versions = append(cp.versions, cv)
		}
		e.progs = append(e.progs, cp)
	}
	e.pool.New = func() any { return &household{e: e} }
	return e, nil
}

// Catalog returns the catalog the engine was built from.
func (e *Engine) Catalog() *Catalog { return e.cat }

type compiler struct {
	env   *cel.Env
	slots map[string]int
}

func (c *compiler) program(what, src string, want *cel.Type, perPerson bool) (cel.Program, *cel.Type, error) {
	env := c.env
	if perPerson {
		var err error
		if env, err = env.Extend(cel.Variable(varP, personType)); err != nil {
			return nil, nil, err
		}
	}
	ast, iss := env.Compile(src)
	if iss.Err() != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, iss.Err())
	}
	if want != nil && !ast.OutputType().IsExactType(want) {
		return nil, nil, fmt.Errorf("%s: is %s, want %s", what, ast.OutputType(), want)
	}
	est, err := env.EstimateCost(ast, sizes{})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: cost: %w", what, err)
	}
	if est.Max > CostLimit {
		return nil, nil, fmt.Errorf("%s: may cost %d, more than the limit %d", what, est.Max, CostLimit)
	}
	prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", what, err)
	}
	return prg, ast.OutputType(), nil
}

func (c *compiler) declare(name string, t *cel.Type) error {
	if name == "" {
		return nil
	}
	if reserved[name] || ctxFunctions[name] != "" {
		return fmt.Errorf("step name %q is reserved", name)
	}
	if _, dup := c.slots[name]; dup {
		return fmt.Errorf("step name %q used twice", name)
	}
	env, err := c.env.Extend(cel.Variable(name, t))
	if err != nil {
		return err
	}
	c.env = env
	c.slots[name] = len(c.slots)
	return nil
}

func (c *compiler) steps(steps []Step) ([]compiledStep, error) {
	var out []compiledStep
	for _, s := range steps {
		cs := compiledStep{s: s, slot: -1, sumSlot: -1, countSlot: -1}
		switch {
		case s.Let != "" && s.Each == "" && s.Expr != "" && s.Where == "":
			prg, t, err := c.program(s.Let, s.Expr, nil, false)
			if err != nil {
				return nil, err
			}
			if err := c.declare(s.Let, t); err != nil {
				return nil, err
			}
			cs.expr, cs.slot, cs.valueIsInt = prg, c.slots[s.Let], t.IsExactType(cel.IntType)
		case s.Each != "" && s.Let == "" && s.Where != "" && s.Expr == "":
			var ok bool
			if cs.among, ok = amongSets[s.Among]; !ok {
				return nil, fmt.Errorf("%s: among must be all, children, parents or disabled, not %q", s.Each, s.Among)
			}
			var err error
			if cs.where, _, err = c.program(s.Each+".where", s.Where, cel.BoolType, true); err != nil {
				return nil, err
			}
			if s.Amount != "" {
				if cs.amount, _, err = c.program(s.Each+".amount", s.Amount, moneyType, true); err != nil {
					return nil, err
				}
			} else if s.Sum != "" {
				return nil, fmt.Errorf("%s: sum needs an amount", s.Each)
			}
			if err := c.declare(s.Count, cel.IntType); err != nil {
				return nil, err
			}
			if err := c.declare(s.Sum, moneyType); err != nil {
				return nil, err
			}
			if s.Count != "" {
				cs.countSlot = c.slots[s.Count]
			}
			if s.Sum != "" {
				cs.sumSlot = c.slots[s.Sum]
			}
		default:
			return nil, fmt.Errorf("step %q: needs let and expr, or each and where", s.Name())
		}
		out = append(out, cs)
	}
	return out, nil
}

func compileVersion(base *cel.Env, v *Version) (*compiledVersion, error) {
	c := &compiler{env: base, slots: map[string]int{}}
	cv := &compiledVersion{v: v}
	var err error
	if cv.steps, err = c.steps(v.Steps); err != nil {
		return nil, err
	}
	if cv.eligible, _, err = c.program("eligible", v.Eligible, cel.BoolType, false); err != nil {
		return nil, err
	}
	if v.Change != nil {
		if cv.change, _, err = c.program("change", v.Change.Expr, nil, false); err != nil {
			return nil, err
		}
	}
	if cv.then, err = c.steps(v.Then); err != nil {
		return nil, err
	}
	if cv.amount, _, err = c.program("amount", v.Amount, moneyType, false); err != nil {
		return nil, err
	}
	cv.slots = c.slots
	return cv, nil
}

// household is the evaluation state of one situation: its persons (born
// on D) as CEL values, the step variables of the programme being decided,
// and what that programme read. It is the CEL activation, so evaluation
// allocates no map, and the hidden ctx variable of param/table/income.
type household struct {
	e       *Engine
	s       *Situation
	date    Date
	persons []personVal
	list    ref.Val
	refs    []ref.Val
	facts   []uint32
	region  bool
	incomeQ []Month
	params  []ParamUse
	cv      *compiledVersion
	vals    []ref.Val
	p       ref.Val
	dateV   ref.Val
	regionV ref.Val
	members ref.Val
	trace   bool
	scratch Trace // the trace nobody keeps, when tracing is off
}

// ResolveName implements interpreter.Activation.
func (h *household) ResolveName(name string) (any, bool) {
	switch name {
	case varP:
		return h.p, h.p != nil
	case varCtx:
		return h, true
	case varD:
		return h.dateV, true
	case varRegion:
		h.region = true
		return h.regionV, true
	case varMembers:
		return h.members, true
	case varPersons:
		return h.list, true
	}
	if i, ok := h.cv.slots[name]; ok && h.vals[i] != nil {
		return h.vals[i], true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (h *household) Parent() interpreter.Activation { return nil }

// ref.Val for the ctx variable.
func (h *household) ConvertToNative(reflect.Type) (any, error) { return nil, errors.New("context") }

// household is an opaque CEL value only so that functions can reach it.
func (h *household) ConvertToType(ref.Type) ref.Val { return types.NewErr("context") }
func (h *household) Equal(o ref.Val) ref.Val        { return types.Bool(o == h) }
func (h *household) Type() ref.Type                 { return ctxType }
func (h *household) Value() any                     { return h }

func (h *household) useParam(u ParamUse) {
	for _, x := range h.params {
		if x.Name == u.Name && x.Key == u.Key && x.From == u.From {
			return
		}
	}
	h.params = append(h.params, u)
}

func (h *household) param(name string, on Date) ref.Val {
	p := h.e.cat.Params[name]
	if p == nil {
		return types.NewErr("no parameter %s", name)
	}
	v, ok := p.At(on)
	if !ok || v.Value == nil {
		return types.NewErr("no value of %s in force on %s", name, on)
	}
	h.useParam(ParamUse{Name: name, Value: *v.Value, From: v.From, Law: v.Law, LawID: v.LawID})
	return moneyVal(*v.Value)
}

func (h *household) table(name string, keys []ref.Val) ref.Val {
	p := h.e.cat.Params[name]
	if p == nil {
		return types.NewErr("no table %s", name)
	}
	v, ok := p.At(h.date)
	if !ok || v.Rows == nil {
		return types.NewErr("no table %s in force on %s", name, h.date)
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		s, err := keyString(k)
		if err != nil {
			return types.NewErr("table %s: %v", name, err)
		}
		parts[i] = s
	}
	key := strings.Join(parts, "/")
	m, ok := v.Rows[key]
	if !ok {
		return types.NewErr("no figures in %s for %s", name, strings.Join(parts, " "))
	}
	h.useParam(ParamUse{Name: name, Key: key, Value: m, From: v.From, Law: v.Law, LawID: v.LawID})
	return moneyVal(m)
}

func (h *household) income(q string) ref.Val {
	qq, err := ParseQuarter(q)
	if err != nil {
		return types.NewErr("income: %v", err)
	}
	months := qq.Months()
	h.incomeQ = append(h.incomeQ[:0], months[:]...)
	total := Money{}
	for i := range h.persons {
		for _, m := range months {
			if v, ok := h.persons[i].p.Income[m]; ok {
				if total, err = total.Add(v); err != nil {
					return types.NewErr("income: %v", err)
				}
			}
		}
	}
	return moneyVal(total)
}

// reset prepares h for situation s on its date.
func (h *household) reset(s *Situation) {
	h.s, h.date = s, s.Date
	h.dateV, h.regionV = dateVal(s.Date), types.String(s.Household.Region)
	h.persons = h.persons[:0]
	for i := range s.Persons {
		p := &s.Persons[i]
		if p.BirthDate > s.Date {
			continue // not yet born: counts for nothing
		}
		h.persons = append(h.persons, personVal{st: h, i: len(h.persons), p: p, age: int64(p.BirthDate.AgeOn(s.Date))})
	}
	// Children in order: by birth date, then by position in persons.
	kids := make([]int, 0, len(h.persons))
	for i := range h.persons {
		if h.persons[i].p.Role == RoleChild {
			kids = append(kids, i)
		}
	}
	slices.SortStableFunc(kids, func(a, b int) int { return int(h.persons[a].p.BirthDate) - int(h.persons[b].p.BirthDate) })
	for k, i := range kids {
		h.persons[i].order = int64(k + 1)
	}
	h.refs = h.refs[:0]
	for i := range h.persons {
		pv := &h.persons[i]
		pv.id = types.String(pv.p.ID)
		if r, ok := roleVals[pv.p.Role]; ok {
			pv.role = r
		} else {
			pv.role = types.String(pv.p.Role)
		}
		pv.birth = dateVal(pv.p.BirthDate)
		pv.avg = moneyVal(pv.p.AvgIncome24m)
		pv.cause = types.String("")
		if pv.p.Disability != nil {
			pv.cause = types.String(pv.p.Disability.Cause)
		}
		h.refs = append(h.refs, pv)
	}
	h.list = types.NewRefValList(types.DefaultTypeAdapter, h.refs)
	h.members = types.Int(len(h.persons))
	if cap(h.facts) < len(h.persons) {
		h.facts = make([]uint32, len(h.persons))
	}
	h.facts = h.facts[:len(h.persons)]
}

// beginProgramme clears what the previous programme read.
func (h *household) beginProgramme(cv *compiledVersion) {
	h.cv, h.p, h.region, h.incomeQ = cv, nil, false, h.incomeQ[:0]
	if h.trace {
		h.params = nil // the trace keeps it
	} else {
		h.params = h.params[:0]
	}
	clear(h.facts)
	n := len(cv.slots)
	if cap(h.vals) < n {
		h.vals = make([]ref.Val, n)
	}
	h.vals = h.vals[:n]
	clear(h.vals)
}

// Decide decides every programme of the catalog for s. Programmes that
// cannot be decided carry Err; the others are decided regardless. The
// same situation and catalog always give the same result and trace.
func (e *Engine) Decide(s *Situation) Result { return e.DecideOpts(s, Options{}) }

// Options change how Decide works, never what it decides.
type Options struct {
	// NoTrace leaves Decision.Trace nil, for mass runs: the decision
	// (eligibility, amount, versions) is the same, and Decide with the
	// same situation and catalog reproduces the trace exactly on demand.
	NoTrace bool
}

// DecideOpts is Decide with options.
func (e *Engine) DecideOpts(s *Situation, o Options) Result {
	h := e.pool.Get().(*household)
	h.trace = !o.NoTrace
	defer func() { h.s, h.list, h.cv, h.p = nil, nil, nil, nil; e.pool.Put(h) }()
	h.reset(s)
	r := Result{ID: s.ID, Date: s.Date, Programmes: make([]Decision, 0, len(e.progs))}
	if len(h.persons) > MaxPersons {
		for _, cp := range e.progs {
			r.Programmes = append(r.Programmes, Decision{Programme: cp.p.ID, Period: cp.p.Period,
				Err: fmt.Sprintf("%s: more than %d persons", cp.p.ID, MaxPersons)})
		}
		return r
	}
	for _, cp := range e.progs {
		r.Programmes = append(r.Programmes, h.decide(cp))
	}
	return r
}

func (h *household) decide(cp *compiledProgramme) Decision {
	d := Decision{Programme: cp.p.ID, Period: cp.p.Period}
	tr := &h.scratch
	if h.trace {
		tr = &Trace{Members: len(h.persons), Steps: []TraceStep{}}
		d.Trace = tr
	}
	var cv *compiledVersion
	for _, v := range cp.versions {
		if v.v.From <= h.date {
			cv = v
		}
	}
	if cv == nil {
		d.Err = fmt.Sprintf("%s: no version in force on %s", cp.p.ID, h.date)
		return d
	}
	h.beginProgramme(cv)
	d.Versions.Programme = cv.v.ID
	err := h.run(cv, &d, tr)
	if err != nil {
		d.Err = fmt.Sprintf("%s: %v", cp.p.ID, err)
		d.Eligible, d.Amount = false, Money{}
	}
	if h.trace {
		h.finishTrace(&d)
	} else {
		d.Versions = versionsOf(d.Versions.Programme, h.params)
	}
	return d
}

func (h *household) run(cv *compiledVersion, d *Decision, tr *Trace) error {
	if err := h.runSteps(cv.steps, tr); err != nil {
		return err
	}
	el, err := h.eval(cv.eligible)
	if err != nil {
		return fmt.Errorf("eligible: %w", err)
	}
	d.Eligible = el == types.True
	if h.trace {
		tr.Steps = append(tr.Steps, TraceStep{Name: "eligible", Rule: cv.v.Eligible, Value: Value{d.Eligible}})
	}
	if cv.change != nil && h.trace {
		if v, err := h.eval(cv.change); err == nil {
			cvv := toValue(v)
			tr.Change = &cvv
		}
	}
	if !d.Eligible {
		return nil
	}
	if err := h.runSteps(cv.then, tr); err != nil {
		return err
	}
	a, err := h.eval(cv.amount)
	if err != nil {
		return fmt.Errorf("amount: %w", err)
	}
	d.Amount = money(a)
	if !d.Amount.IsWhole() {
		return fmt.Errorf("amount %s is not whole tenge: the rule must round", d.Amount)
	}
	if h.trace {
		tr.Steps = append(tr.Steps, TraceStep{Name: "amount", Rule: cv.v.Amount, Value: Value{d.Amount}})
	}
	return nil
}

func (h *household) eval(p cel.Program) (ref.Val, error) {
	v, _, err := p.Eval(h)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func (h *household) runSteps(steps []compiledStep, tr *Trace) error {
	for i := range steps {
		cs := &steps[i]
		if cs.expr != nil {
			v, err := h.eval(cs.expr)
			if err != nil {
				return fmt.Errorf("%s: %w", cs.s.Let, err)
			}
			h.vals[cs.slot] = v
			if h.trace {
				tr.Steps = append(tr.Steps, TraceStep{Name: cs.s.Let, Rule: cs.s.Expr, Value: toValue(v)})
			}
			continue
		}
		st := TraceStep{Name: cs.s.Each, Rule: cs.s.Where}
		var n int64
		sum := Money{}
		for j := range h.persons {
			if !cs.among(h.persons[j].p) {
				continue
			}
			h.p = &h.persons[j]
			ok, err := h.eval(cs.where)
			if err != nil {
				h.p = nil
				return fmt.Errorf("%s (person %s): %w", cs.s.Each, h.persons[j].p.ID, err)
			}
			if ok != types.True {
				continue
			}
			n++
			var use PersonUse
			if cs.amount != nil {
				a, err := h.eval(cs.amount)
				if err != nil {
					h.p = nil
					return fmt.Errorf("%s (person %s): %w", cs.s.Each, h.persons[j].p.ID, err)
				}
				m := money(a)
				if h.trace {
					use.Amount = &m
				}
				if sum, err = sum.Add(m); err != nil {
					h.p = nil
					return fmt.Errorf("%s: %w", cs.s.Each, err)
				}
			}
			if h.trace {
				use.Person = h.persons[j].p.ID
				st.Persons = append(st.Persons, use)
			}
		}
		h.p = nil
		if cs.countSlot >= 0 {
			h.vals[cs.countSlot] = types.Int(n)
		}
		if cs.sumSlot >= 0 {
			h.vals[cs.sumSlot] = moneyVal(sum)
			st.Value = Value{sum}
		} else {
			st.Value = Value{n}
		}
		if h.trace {
			if cs.s.Amount != "" {
				st.Rule += " → " + cs.s.Amount
			}
			tr.Steps = append(tr.Steps, st)
		}
	}
	return nil
}

func toValue(v ref.Val) Value {
	switch v := v.(type) {
	case moneyVal:
		return Value{Money(v)}
	case dateVal:
		return Value{Date(v)}
	case *personVal:
		return Value{v.p.ID}
	case types.Int:
		return Value{int64(v)}
	case types.Bool:
		return Value{bool(v)}
	case types.String:
		return Value{string(v)}
	}
	return Value{fmt.Sprint(v.Value())}
}

// finishTrace turns what the programme read into the trace's facts,
// parameters and versions.
func (h *household) finishTrace(d *Decision) {
	tr := d.Trace
	tr.Parameters = h.params
	d.Versions = versionsOf(d.Versions.Programme, h.params)
	// The trace owns the slice now: a household back in the pool must not
	// append over it when it next decides without a trace.
	h.params = nil
	if h.region {
		tr.Facts = append(tr.Facts, FactUse{Person: "household", Fields: []string{"region"}})
	}
	for i := range h.persons {
		bits := h.facts[i]
		var fields []string
		for b, f := range personFields {
			if bits&(1<<b) == 0 {
				continue
			}
			name := f.name
			if alt, ok := factFields[name]; ok {
				name = alt
			}
			if !slices.Contains(fields, name) {
				fields = append(fields, name)
			}
		}
		for _, m := range h.incomeQ {
			if _, ok := h.persons[i].p.Income[m]; ok {
				fields = append(fields, "income."+m.String())
			}
		}
		if len(fields) > 0 {
			tr.Facts = append(tr.Facts, FactUse{Person: h.persons[i].p.ID, Fields: fields})
		}
	}
	sortFacts(tr.Facts)
	if len(h.s.Sources) > 0 {
		for _, f := range tr.Facts {
			for _, field := range f.Fields {
				if src, ok := h.s.Sources[f.Person+"."+field]; ok {
					if tr.Sources == nil {
						tr.Sources = map[string]Source{}
					}
					tr.Sources[f.Person+"."+field] = src
				}
			}
		}
	}
	for _, c := range h.s.Conflicts {
		if readsConflict(tr.Facts, c) {
			tr.Conflicts = append(tr.Conflicts, c)
		}
	}
}

// readsConflict reports whether facts include the field conflict c is
// about: the field itself or one of its parts ("income" covers
// "income.2026-07", "disability" covers "disability.group").
func readsConflict(facts []FactUse, c Conflict) bool {
	for _, f := range facts {
		if f.Person != c.Person {
			continue
		}
		for _, field := range f.Fields {
			if field == c.Field || strings.HasPrefix(field, c.Field+".") {
				return true
			}
		}
	}
	return false
}
