package benefits

import (
	"fmt"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/common/operators"
	"cel.dev/cel-go/common/overloads"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
)

// Names the engine binds in every expression. Step names may not reuse
// them.
const (
	varCtx     = "ctx"
	varD       = "D"
	varRegion  = "region"
	varMembers = "members"
	varPersons = "persons"
	varP       = "p"
)

var reserved = map[string]bool{varCtx: true, varD: true, varRegion: true, varMembers: true, varPersons: true, varP: true}

// ctxFunctions are written by rules without the context, which a macro
// passes: param('MRP') is bx_param(ctx, 'MRP'), so the lookup sees the
// decision date and records the parameter in the trace.
var ctxFunctions = map[string]string{"param": "bx_param", "table": "bx_table", "income": "bx_income"}

func ctxMacros() []cel.EnvOption {
	var out []cel.EnvOption
	for name, internal := range ctxFunctions {
		internal := internal
		out = append(out, cel.Macros(cel.GlobalVarArgMacro(name, func(eh cel.MacroExprFactory, _ ast.Expr, args []ast.Expr) (ast.Expr, *common.Error) {
			return eh.NewCall(internal, append([]ast.Expr{eh.NewIdent(varCtx)}, args...)...), nil
		})))
	}
	return out
}

func money(v ref.Val) Money { return Money(v.(moneyVal)) }

func moneyResult(m Money, err error) ref.Val {
	if err != nil {
		return types.NewErr("%v", err)
	}
	return moneyVal(m)
}

// baseEnv declares the types, functions and fixed variables of the rule
// language.
func baseEnv() (*cel.Env, error) {
	prov := newProvider()
	M, I, S, Dt, C := moneyType, cel.IntType, cel.StringType, dateType, ctxType
	// The standard operators dispatch to the operand's traits (moneyVal
	// implements Adder, Comparer...); these declarations only let the
	// checker accept money operands. The money operand comes first.
	mixed := func(op string) cel.EnvOption {
		return cel.Function(op,
			cel.Overload(op+"_money_money", []*cel.Type{M, M}, M),
			cel.Overload(op+"_money_int", []*cel.Type{M, I}, M))
	}
	cmp := func(op string) cel.EnvOption {
		return cel.Function(op,
			cel.Overload(op+"_money_money", []*cel.Type{M, M}, cel.BoolType),
			cel.Overload(op+"_date_date", []*cel.Type{Dt, Dt}, cel.BoolType))
	}
	pick := func(name string, less bool) cel.EnvOption {
		return cel.Function(name,
			cel.Overload(name+"_money_money", []*cel.Type{M, M}, M, cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				if (money(a).Cmp(money(b)) < 0) == less {
					return a
				}
				return b
			})),
			cel.Overload(name+"_int_int", []*cel.Type{I, I}, I, cel.BinaryBinding(func(a, b ref.Val) ref.Val {
				if (a.(types.Int) < b.(types.Int)) == less {
					return a
				}
				return b
			})))
	}
	opts := []cel.EnvOption{
		cel.CustomTypeProvider(prov),
		cel.CustomTypeAdapter(prov),
		cel.Variable(varCtx, C),
		cel.Variable(varD, Dt),
		cel.Variable(varRegion, S),
		cel.Variable(varMembers, I),
		cel.Variable(varPersons, cel.ListType(personType)),
		mixed(operators.Add),
		mixed(operators.Subtract),
		mixed(operators.Multiply),
		mixed(operators.Divide),
		cmp(operators.Less),
		cmp(operators.LessEquals),
		cmp(operators.Greater),
		cmp(operators.GreaterEquals),
		pick("min", true),
		pick("max", false),
		cel.Function("dec",
			cel.Overload("dec_string", []*cel.Type{S}, M, cel.UnaryBinding(func(v ref.Val) ref.Val {
				m, err := ParseMoney(string(v.(types.String)))
				return moneyResult(m, err)
			})),
			cel.Overload("dec_int", []*cel.Type{I}, M, cel.UnaryBinding(func(v ref.Val) ref.Val { return moneyVal(Tenge(int64(v.(types.Int)))) }))),
		cel.Function("round", cel.Overload("round_money", []*cel.Type{M}, M, cel.UnaryBinding(func(v ref.Val) ref.Val {
			return moneyVal(money(v).Round())
		}))),
		cel.Function("add_months", cel.Overload("add_months_date_int", []*cel.Type{Dt, I}, Dt, cel.BinaryBinding(func(d, n ref.Val) ref.Val {
			// A rule shifts a date by months or years; beyond a
			// thousand years the arithmetic would overflow into a wrong
			// date rather than fail.
			if k := int64(n.(types.Int)); k > maxMonthShift || k < -maxMonthShift {
				return types.NewErr("add_months: %d months is out of range (at most %d either way)", k, maxMonthShift)
			}
			return dateVal(Date(d.(dateVal)).AddMonths(int(n.(types.Int))))
		}))),
		cel.Function("quarter_before", cel.Overload("quarter_before_date", []*cel.Type{Dt}, S, cel.UnaryBinding(func(d ref.Val) ref.Val {
			return types.String(QuarterOf(Date(d.(dateVal))).Prev().String())
		}))),
		cel.Function("date", cel.Overload("date_string", []*cel.Type{S}, Dt, cel.UnaryBinding(func(v ref.Val) ref.Val {
			d, err := ParseDate(string(v.(types.String)))
			if err != nil {
				return types.NewErr("date(%q): %v", string(v.(types.String)), err)
			}
			return dateVal(d)
		}))),
		cel.Function(overloads.TypeConvertString, cel.Overload("string_money", []*cel.Type{M}, S, cel.UnaryBinding(func(v ref.Val) ref.Val {
			return types.String(money(v).String())
		}))),
		cel.Function("bx_param",
			cel.Overload("bx_param_ctx_string", []*cel.Type{C, S}, M, cel.BinaryBinding(func(c, name ref.Val) ref.Val {
				h := c.(*household)
				return h.param(string(name.(types.String)), h.date)
			})),
			cel.Overload("bx_param_ctx_string_date", []*cel.Type{C, S, Dt}, M, cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return args[0].(*household).param(string(args[1].(types.String)), Date(args[2].(dateVal)))
			}))),
		cel.Function("bx_table",
			cel.Overload("bx_table_ctx_string_dyn", []*cel.Type{C, S, cel.DynType}, M, cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return args[0].(*household).table(string(args[1].(types.String)), args[2:])
			})),
			cel.Overload("bx_table_ctx_string_dyn_dyn", []*cel.Type{C, S, cel.DynType, cel.DynType}, M, cel.FunctionBinding(func(args ...ref.Val) ref.Val {
				return args[0].(*household).table(string(args[1].(types.String)), args[2:])
			}))),
		cel.Function("bx_income", cel.Overload("bx_income_ctx_string", []*cel.Type{C, S}, M, cel.BinaryBinding(func(c, q ref.Val) ref.Val {
			return c.(*household).income(string(q.(types.String)))
		}))),
	}
	opts = append(opts, ctxMacros()...)
	return cel.NewEnv(opts...)
}

// keyString writes a table key as the YAML rows spell it.
func keyString(v ref.Val) (string, error) {
	switch v := v.(type) {
	case types.String:
		return string(v), nil
	case types.Int:
		return fmt.Sprint(int64(v)), nil
	}
	return "", fmt.Errorf("table key must be a string or an int, not %s", v.Type().TypeName())
}
