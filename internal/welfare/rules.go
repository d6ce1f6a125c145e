package welfare

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
)

// Kinds of Change.
const (
	// ChangeParameter sets parameter Name from date From to Value: a
	// decimal ("4500") or, for a table, a YAML or JSON mapping of rows
	// ({"4": "17.63", "5": "22.04"}).
	ChangeParameter = "parameter"
	// ChangeScale multiplies by Value (a decimal, "1.10") the values in
	// force on From of parameter Name, or of every parameter whose name
	// starts with "Name." when Name is a programme ("large_family").
	ChangeScale = "scale"
	// ChangeProgramme adds or replaces versions of programme Name: Value
	// is a programme file (YAML) with id Name.
	ChangeProgramme = "programme"
)

// Change is a change to the rules: a parameter's value from a date, a
// scaling of parameters, or a programme version. LawRef and Reason are
// required to store it (ChangeRules), not to simulate it.
type Change struct{ Kind, Name, From, Value, LawRef, Reason string }

// ErrChange is wrapped by the errors of a change that cannot be applied
// (malformed, unknown parameter, rules that do not compile or cannot
// decide). HTTP handlers map it to 422.
var ErrChange = errors.New("invalid rule change")

// file turns c into a catalog file over cat, with the parameters and
// programmes it touches.
func (c Change) file(cat *benefits.Catalog) (benefits.File, []string, []string, error) {
	bad := func(format string, args ...any) (benefits.File, []string, []string, error) {
		return benefits.File{}, nil, nil, fmt.Errorf("%s %s: %s: %w", c.Kind, c.Name, fmt.Sprintf(format, args...), ErrChange)
	}
	if c.Name == "" {
		return bad("no name")
	}
	law := c.LawRef
	if law == "" {
		law = "simulation"
	}
	switch c.Kind {
	case ChangeParameter, ChangeScale:
		from, err := benefits.ParseDate(c.From)
		if err != nil {
			return bad("from %q: %v", c.From, err)
		}
		type value struct {
			From  string            `yaml:"from"`
			Value *string           `yaml:"value,omitempty"`
			Rows  map[string]string `yaml:"rows,omitempty"`
			Law   string            `yaml:"law"`
		}
		type param struct {
			Values []value `yaml:"values"`
		}
		body := map[string]param{}
		if c.Kind == ChangeParameter {
			if cat.Params[c.Name] == nil {
				return bad("no such parameter")
			}
			v := value{From: from.String(), Law: law}
			if s := strings.TrimSpace(c.Value); strings.HasPrefix(s, "{") {
				if err := yaml.Unmarshal([]byte(s), &v.Rows); err != nil {
					return bad("rows: %v", err)
				}
				for k, r := range v.Rows {
					if _, err := benefits.ParseMoney(r); err != nil {
						return bad("row %s: %q: %v", k, r, err)
					}
				}
			} else {
				if _, err := benefits.ParseMoney(s); err != nil {
					return bad("value %q: %v", s, err)
				}
				v.Value = &s
			}
			body[c.Name] = param{Values: []value{v}}
		} else {
			factor, err := benefits.ParseMoney(c.Value)
			if err != nil || factor.Sign() <= 0 {
				return bad("factor %q: want a positive decimal", c.Value)
			}
			for _, name := range slices.Sorted(maps.Keys(cat.Params)) {
				if name != c.Name && !strings.HasPrefix(name, c.Name+".") {
					continue
				}
				pv, ok := cat.Params[name].At(from)
				if !ok {
					continue
				}
				v := value{From: from.String(), Law: law}
				if pv.Value != nil {
					m, err := pv.Value.Mul(factor)
					if err != nil {
						return bad("%s: %v", name, err)
					}
					s := m.String()
					v.Value = &s
				} else {
					v.Rows = map[string]string{}
					for k, r := range pv.Rows {
						m, err := r.Mul(factor)
						if err != nil {
							return bad("%s: %v", name, err)
						}
						v.Rows[k] = m.String()
					}
				}
				body[name] = param{Values: []value{v}}
			}
			if len(body) == 0 {
				return bad("no parameter in force on %s", from)
			}
		}
		b, err := yaml.Marshal(body)
		if err != nil {
			return bad("%v", err)
		}
		return benefits.File{Name: "parameters-change.yaml", Data: b}, slices.Sorted(maps.Keys(body)), nil, nil
	case ChangeProgramme:
		var head struct {
			ID       string `yaml:"id"`
			Versions []struct {
				ID   string `yaml:"id"`
				From string `yaml:"from"`
			} `yaml:"versions"`
		}
		if err := yaml.Unmarshal([]byte(c.Value), &head); err != nil || head.ID != c.Name {
			return bad("the programme file must have id %s", c.Name)
		}
		if len(head.Versions) == 0 {
			return bad("the programme file holds no version: a change adds one")
		}
		// A version may not take effect before the change's date, nor
		// replace one already in force: either would change decisions
		// before the date the change is stored under.
		if c.From != "" {
			from, err := benefits.ParseDate(c.From)
			if err != nil {
				return bad("from %q: %v", c.From, err)
			}
			var old []*benefits.Version
			if i := slices.IndexFunc(cat.Programmes, func(p *benefits.Programme) bool { return p.ID == c.Name }); i >= 0 {
				old = cat.Programmes[i].Versions
			}
			for _, v := range head.Versions {
				d, err := benefits.ParseDate(v.From)
				if err != nil || d < from {
					return bad("version %s from %q: not on or after %s", v.ID, v.From, from)
				}
				if i := slices.IndexFunc(old, func(o *benefits.Version) bool { return o.ID == v.ID }); i >= 0 && old[i].From < from {
					return bad("version %s is in force from %s: give the new one another id", v.ID, old[i].From)
				}
			}
		}
		return benefits.File{Name: "programme-change.yaml", Data: []byte(c.Value)}, nil, []string{c.Name}, nil
	}
	return bad("kind must be %s, %s or %s", ChangeParameter, ChangeScale, ChangeProgramme)
}

// apply compiles the catalog r with c laid over it, and returns it with
// the programmes c affects and the file it adds.
func (c Change) apply(r *rules) (*rules, []string, benefits.File, error) {
	f, params, progs, err := c.file(r.eng.Catalog())
	if err != nil {
		return nil, nil, f, err
	}
	cat, err := r.eng.Catalog().With(f)
	if err != nil {
		return nil, nil, f, fmt.Errorf("%w: %v", ErrChange, err)
	}
	if _, err := cat.Validate(); err != nil {
		return nil, nil, f, fmt.Errorf("%w: %v", ErrChange, err)
	}
	nr, err := newRules(cat, r.key+"+change", r.ids)
	if err != nil {
		return nil, nil, f, fmt.Errorf("%w: %v", ErrChange, err)
	}
	affected := slices.Clone(progs)
	for _, p := range params {
		affected = append(affected, nr.index.Reading(p)...)
	}
	slices.Sort(affected)
	return nr, slices.Compact(affected), f, nil
}

// ChangeRules validates a change, stores it as a rule version (with its
// author, reason and law reference, which the store's audit of rule
// changes keeps), and re-decides from their stored inputs the households
// whose current decisions it affects: those decided on or after its date
// by a programme that reads the changed parameters (or the changed
// programme). Only decisions whose outcome changed are stored, in a run of
// kind incremental; events and offers follow. Validation: the catalog with
// the change compiles and type-checks, and decides every stored situation
// without an error the rules in force did not have.
func (s *Service) ChangeRules(ctx context.Context, by store.Author, c Change) (store.BenefitRun, error) {
	if strings.TrimSpace(c.LawRef) == "" || strings.TrimSpace(c.Reason) == "" {
		return store.BenefitRun{}, fmt.Errorf("%s %s: a law reference and a reason are required: %w", c.Kind, c.Name, ErrChange)
	}
	from, err := benefits.ParseDate(c.From)
	if err != nil {
		return store.BenefitRun{}, fmt.Errorf("%s %s: from %q: %w", c.Kind, c.Name, c.From, ErrChange)
	}
	r := s.rules()
	nr, affected, f, err := c.apply(r)
	if err != nil {
		return store.BenefitRun{}, err
	}
	// Decide the stored situations with the new rules before storing them.
	if err := s.eachAffected(ctx, from, affected, func(cd store.CurrentDecision, sit *benefits.Situation) error {
		for _, p := range affected {
			after := nr.single[p].DecideOpts(sit, benefits.Options{NoTrace: true})
			before := r.single[p].DecideOpts(sit, benefits.Options{NoTrace: true})
			if e := after.Programmes[0].Err; e != "" && before.Programmes[0].Err == "" {
				return fmt.Errorf("household %s: %s: %w", cd.Household, e, ErrChange)
			}
		}
		return nil
	}); err != nil {
		return store.BenefitRun{}, err
	}
	kind := store.RuleParameter
	if c.Kind == ChangeProgramme {
		kind = store.RuleProgramme
	}
	id, err := s.st.AddRuleVersion(ctx, store.RuleVersion{Kind: kind, Name: c.Name, EffectiveFrom: from.String(),
		Body: string(f.Data), LawRef: c.LawRef, Reason: c.Reason, Author: by, CreatedAt: s.now()})
	if err != nil {
		return store.BenefitRun{}, err
	}
	slog.InfoContext(ctx, "benefit rules changed", "version", id, "kind", kind, "name", c.Name, "from", from.String(),
		"law", c.LawRef, "official", by.ID, "affects", strings.Join(affected, ","))
	if err := s.reload(ctx); err != nil {
		return store.BenefitRun{}, err
	}
	return s.redecideStored(ctx, from, affected)
}

// eachAffected streams the current decisions made on or after from with
// their situations.
func (s *Service) eachAffected(ctx context.Context, from benefits.Date, affected []string,
	fn func(store.CurrentDecision, *benefits.Situation) error) error {
	if len(affected) == 0 {
		return nil
	}
	return s.st.CurrentDecisions(ctx, 1, func(cd store.CurrentDecision) error {
		if cd.DecisionDate < from.String() {
			return nil
		}
		sit, err := DecodeSituation(cd.Inputs)
		if err != nil {
			return fmt.Errorf("household %s: %w", cd.Household, err)
		}
		return fn(cd, &sit)
	})
}

// redecideStored re-decides, with the rules in force, the current
// decisions on or after from, from their stored inputs, and stores those
// whose outcome changed. The situations are read first and the writer
// begun after, so that no read waits on the writer's lock.
func (s *Service) redecideStored(ctx context.Context, from benefits.Date, affected []string) (store.BenefitRun, error) {
	start := time.Now()
	r := s.rules()
	var changed []store.BenefitDecision
	n := 0
	err := s.eachAffected(ctx, from, affected, func(cd store.CurrentDecision, sit *benefits.Situation) error {
		n++
		res := r.eng.DecideOpts(sit, benefits.Options{NoTrace: true})
		outs := outcomes(&res)
		if slices.Equal(outs, cd.Outcomes) {
			return nil
		}
		members, err := s.st.HouseholdMembers(ctx, cd.Household)
		if err != nil {
			return err
		}
		changed = append(changed, store.BenefitDecision{Household: cd.Household, DecisionDate: cd.DecisionDate,
			Inputs: cd.Inputs, InputsHash: cd.InputsHash, Versions: encodeVersions(r, &res), Outcomes: outs, Members: members})
		return nil
	})
	if err != nil {
		return store.BenefitRun{}, err
	}
	w, err := s.st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunIncremental, DecisionDate: from.String(),
		CatalogVersion: r.key})
	if err != nil {
		return store.BenefitRun{}, err
	}
	defer w.Abort()
	for _, d := range changed {
		if _, err := w.Add(ctx, d); err != nil {
			return store.BenefitRun{}, err
		}
	}
	run, err := w.Commit(ctx, n)
	if err != nil {
		return store.BenefitRun{}, err
	}
	slog.InfoContext(ctx, "benefits run", "run", run.ID, "kind", run.Kind, "reason", "rule change", "households", n,
		"changed", run.Changed, "elapsed", time.Since(start).Round(time.Millisecond))
	return run, s.afterRun(ctx, run)
}
