package welfare

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// ErrIrreproducible is returned when a stored decision cannot be
// reproduced exactly: the built-in rules of this binary differ from those
// the decision was made with, or deciding again gives another outcome.
var ErrIrreproducible = errors.New("welfare: decision cannot be reproduced exactly")

// Result reproduces a stored decision's full result (every programme with
// its trace) from its recorded inputs and versions: it rebuilds the
// catalog the decision names (the built-in one and the store's rule
// versions it lists, withdrawn ones included), decides the stored
// situation again and checks that every programme's versions and outcome
// are those stored. ErrIrreproducible otherwise.
func (s *Service) Result(ctx context.Context, d store.BenefitDecision) (benefits.Result, error) {
	res, _, err := s.result(ctx, d)
	return res, err
}

func (s *Service) result(ctx context.Context, d store.BenefitDecision) (benefits.Result, *rules, error) {
	doc, err := decodeVersions(d.Versions)
	if err != nil {
		return benefits.Result{}, nil, fmt.Errorf("decision %d: %w", d.ID, err)
	}
	r, err := s.rulesOf(ctx, doc)
	if err != nil {
		return benefits.Result{}, nil, fmt.Errorf("decision %d: %w", d.ID, err)
	}
	sit, err := DecodeSituation(d.Inputs)
	if err != nil {
		return benefits.Result{}, nil, fmt.Errorf("decision %d: %w", d.ID, err)
	}
	res := r.eng.Decide(&sit)
	if err := sameResult(doc, d.Outcomes, &res); err != nil {
		return res, nil, fmt.Errorf("decision %d: %w: %v", d.ID, ErrIrreproducible, err)
	}
	return res, r, nil
}

// Explain renders one programme of a stored decision in lang (kk, ru or
// en), from the trace Result reproduces, with the texts of the catalog
// the decision was made with: persons by their role and id, agencies
// and sources as the registry names them in lang. store.ErrNotFound for
// a programme the decision does not have.
func (s *Service) Explain(ctx context.Context, d store.BenefitDecision, programme, lang string) (benefits.Explanation, error) {
	e, err := s.ExplainFor(ctx, d, programme, lang, nil)
	return e.Explanation, err
}

// names names a decision's persons by role and id, and the registry's
// agencies and sources, in lang.
func (s *Service) names(ctx context.Context, d store.BenefitDecision, lang string) (benefits.Names, error) {
	sit, err := DecodeSituation(d.Inputs)
	if err != nil {
		return benefits.Names{}, fmt.Errorf("decision %d: %w", d.ID, err)
	}
	agencies, err := s.st.Agencies(ctx)
	if err != nil {
		return benefits.Names{}, err
	}
	byCode := make(map[string]string, len(agencies))
	for _, a := range agencies {
		byCode[a.Code] = cmp.Or(a.Names[lang], a.Name)
	}
	srcs, err := s.st.Sources(ctx)
	if err != nil {
		return benefits.Names{}, err
	}
	titles := make(map[string]string, len(srcs))
	for _, src := range srcs {
		if c, err := source.Stored(src.ID, src.Definition); err == nil {
			titles[src.Name] = c.TitleIn(lang)
		}
	}
	return benefits.Names{
		Person: benefits.PersonNames(&sit, lang),
		Agency: func(code string) string { return byCode[code] },
		Source: func(name string) string { return titles[name] },
	}, nil
}

// sameResult checks res against what a decision stored.
func sameResult(doc versionsDoc, stored []store.BenefitOutcome, res *benefits.Result) error {
	got := outcomes(res)
	if !reflect.DeepEqual(got, stored) {
		return fmt.Errorf("outcomes %v, stored %v", got, stored)
	}
	for _, p := range res.Programmes {
		if want, ok := doc.Programmes[p.Programme]; ok && !reflect.DeepEqual(want, p.Versions) {
			return fmt.Errorf("%s: versions %v, stored %v", p.Programme, p.Versions, want)
		}
	}
	return nil
}

// rulesOf returns the compiled catalog a decision names.
func (s *Service) rulesOf(ctx context.Context, doc versionsDoc) (*rules, error) {
	s.mu.RLock()
	r := s.past[doc.Catalog]
	s.mu.RUnlock()
	if r != nil {
		return r, nil
	}
	builtin, err := builtinKey()
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(doc.Catalog, builtin) {
		return nil, fmt.Errorf("%w: made with built-in rules %s, this build has %s", ErrIrreproducible,
			strings.SplitN(doc.Catalog, "+", 2)[0], builtin)
	}
	rvs, err := s.st.RuleVersionsByID(ctx, doc.Rules)
	if err != nil {
		return nil, err
	}
	if r, err = compile(rvs); err != nil {
		return nil, err
	}
	if r.key != doc.Catalog {
		return nil, fmt.Errorf("%w: catalog %s rebuilt as %s", ErrIrreproducible, doc.Catalog, r.key)
	}
	s.mu.Lock()
	if len(s.past) > 64 {
		clear(s.past) // bound the cache; the catalog in force is kept below
		s.past[s.cur.key] = s.cur
	}
	s.past[r.key] = r
	s.mu.Unlock()
	return r, nil
}
