package benefits

import (
	"fmt"
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
)

// CEL types the rules see: money (exact), date, and the person.
var (
	moneyType   = types.NewOpaqueType("money")
	dateType    = types.NewOpaqueType("date")
	ctxType     = types.NewOpaqueType("benefits.context")
	personName  = "benefits.Person"
	personType  = types.NewObjectType(personName)
	moneyGoType = reflect.TypeOf(Money{})
	dateGoType  = reflect.TypeOf(Date(0))

	// The runtime types carry the traits the standard operators dispatch
	// on; the checker sees the opaque types above.
	moneyRuntime = types.NewObjectType("money", traits.AdderType|traits.SubtractorType|traits.MultiplierType|traits.DividerType|traits.ComparerType)
	dateRuntime  = types.NewObjectType("date", traits.ComparerType)
)

// moneyVal is Money as a CEL value.
type moneyVal Money

func (m moneyVal) ConvertToNative(t reflect.Type) (any, error) {
	if t == moneyGoType {
		return Money(m), nil
	}
	return nil, fmt.Errorf("money cannot become %v", t)
}
func (m moneyVal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.TypeType:
		return moneyType
	case types.StringType:
		return types.String(Money(m).String())
	}
	return types.NewErr("money cannot become %s", t.TypeName())
}
func (m moneyVal) Equal(o ref.Val) ref.Val {
	om, ok := o.(moneyVal)
	return types.Bool(ok && Money(m).Cmp(Money(om)) == 0)
}
func (m moneyVal) Type() ref.Type { return moneyRuntime }

// operand reads the right operand of a money operator: money or int.
func operand(o ref.Val) (Money, bool) {
	switch o := o.(type) {
	case moneyVal:
		return Money(o), true
	case types.Int:
		return Tenge(int64(o)), true
	}
	return Money{}, false
}

func (m moneyVal) op(o ref.Val, f func(a, b Money) (Money, error)) ref.Val {
	b, ok := operand(o)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return moneyResult(f(Money(m), b))
}

// Add implements traits.Adder.
func (m moneyVal) Add(o ref.Val) ref.Val { return m.op(o, Money.Add) }

// Subtract implements traits.Subtractor.
func (m moneyVal) Subtract(o ref.Val) ref.Val { return m.op(o, Money.Sub) }

// Multiply implements traits.Multiplier.
func (m moneyVal) Multiply(o ref.Val) ref.Val { return m.op(o, Money.Mul) }

// Divide implements traits.Divider.
func (m moneyVal) Divide(o ref.Val) ref.Val { return m.op(o, Money.Div) }

// Compare implements traits.Comparer.
func (m moneyVal) Compare(o ref.Val) ref.Val {
	b, ok := operand(o)
	if !ok {
		return types.MaybeNoSuchOverloadErr(o)
	}
	return types.Int(Money(m).Cmp(b))
}
func (m moneyVal) Value() any { return Money(m) }

// dateVal is Date as a CEL value.
type dateVal Date

func (d dateVal) ConvertToNative(t reflect.Type) (any, error) {
	if t == dateGoType {
		return Date(d), nil
	}
	return nil, fmt.Errorf("date cannot become %v", t)
}
func (d dateVal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.TypeType:
		return dateType
	case types.StringType:
		return types.String(Date(d).String())
	}
	return types.NewErr("date cannot become %s", t.TypeName())
}
func (d dateVal) Equal(o ref.Val) ref.Val {
	od, ok := o.(dateVal)
	return types.Bool(ok && d == od)
}
func (d dateVal) Type() ref.Type { return dateRuntime }

// Compare implements traits.Comparer.
func (d dateVal) Compare(o ref.Val) ref.Val {
	od, ok := o.(dateVal)
	switch {
	case !ok:
		return types.MaybeNoSuchOverloadErr(o)
	case d < od:
		return types.IntNegOne
	case d > od:
		return types.IntOne
	}
	return types.IntZero
}
func (d dateVal) Value() any { return Date(d) }

// personVal is one person of the household being decided, with the
// attributes rules read precomputed. Reading a field records it as a
// fact the decision used.
type personVal struct {
	st    *household
	i     int
	p     *Person
	age   int64
	order int64 // 1-based among children; 0 for others
	id    ref.Val
	role  ref.Val
	birth ref.Val
	avg   ref.Val
	cause ref.Val
}

func (p *personVal) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("person cannot become %v", t)
}
func (p *personVal) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return personType
	}
	return types.NewErr("person cannot become %s", t.TypeName())
}
func (p *personVal) Equal(o ref.Val) ref.Val {
	op, ok := o.(*personVal)
	return types.Bool(ok && op == p)
}
func (p *personVal) Type() ref.Type { return personType }
func (p *personVal) Value() any     { return p }

// personField is one attribute of a person a rule may read.
type personField struct {
	name string
	typ  *types.Type
	get  func(p *personVal) ref.Val
}

var personFields = []personField{
	{"id", types.StringType, func(p *personVal) ref.Val { return p.id }},
	{"role", types.StringType, func(p *personVal) ref.Val { return p.role }},
	{"birth_date", dateType, func(p *personVal) ref.Val { return p.birth }},
	{"age", types.IntType, func(p *personVal) ref.Val { return types.Int(p.age) }},
	{"order", types.IntType, func(p *personVal) ref.Val { return types.Int(p.order) }},
	{"student", types.BoolType, func(p *personVal) ref.Val { return types.Bool(p.p.Student) }},
	{"carer", types.BoolType, func(p *personVal) ref.Val { return types.Bool(p.p.Carer) }},
	{"insured", types.BoolType, func(p *personVal) ref.Val { return types.Bool(p.p.Insured) }},
	{"avg_income_24m", moneyType, func(p *personVal) ref.Val { return p.avg }},
	{"disabled", types.BoolType, func(p *personVal) ref.Val { return types.Bool(p.p.Disability != nil) }},
	{"disability_group", types.IntType, func(p *personVal) ref.Val {
		if p.p.Disability == nil {
			return types.IntZero
		}
		return types.Int(p.p.Disability.Group)
	}},
	{"disability_cause", types.StringType, func(p *personVal) ref.Val { return p.cause }},
}

// factFields names, for each person field, the Situation field it comes
// from, as the trace reports it.
var factFields = map[string]string{
	"age": "birth_date", "order": "birth_date", "disabled": "disability",
	"disability_group": "disability.group", "disability_cause": "disability.cause",
}

var (
	roleVals = map[string]ref.Val{RoleParent: types.String(RoleParent), RoleChild: types.String(RoleChild), RoleOther: types.String(RoleOther), "": types.String("")}
)

// provider tells the CEL checker and planner about benefits.Person, so a
// misspelt field fails when a programme is loaded and a field read is a
// direct function call at evaluation.
type provider struct {
	*types.Registry
	fields map[string]*types.FieldType
}

func newProvider() *provider {
	p := &provider{Registry: types.NewEmptyRegistry(), fields: map[string]*types.FieldType{}}
	for bit, f := range personFields {
		f, bit := f, uint32(1)<<bit
		p.fields[f.name] = &types.FieldType{
			Type:  f.typ,
			IsSet: func(any) bool { return true },
			GetFrom: func(o any) (any, error) {
				pv, ok := o.(*personVal)
				if !ok {
					return nil, fmt.Errorf("not a person")
				}
				pv.st.facts[pv.i] |= bit
				return f.get(pv), nil
			},
		}
	}
	return p
}

func (p *provider) FindStructType(name string) (*types.Type, bool) {
	if name == personName {
		return types.NewTypeTypeWithParam(personType), true
	}
	return p.Registry.FindStructType(name)
}

func (p *provider) FindStructFieldNames(name string) ([]string, bool) {
	if name == personName {
		var out []string
		for _, f := range personFields {
			out = append(out, f.name)
		}
		return out, true
	}
	return p.Registry.FindStructFieldNames(name)
}

func (p *provider) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	if name == personName {
		f, ok := p.fields[field]
		return f, ok
	}
	return p.Registry.FindStructFieldType(name, field)
}
