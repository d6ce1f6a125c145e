package welfare

import (
	"context"
	"fmt"
	"slices"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
)

// Explained is one programme of a stored decision reproduced and
// explained: the decision with its trace, the situation it read, the
// catalog it was made with and its explanation in one language. A page
// lays out the facts and figures from the trace itself.
type Explained struct {
	Decision    benefits.Decision
	Situation   benefits.Situation
	Catalog     *benefits.Catalog
	Explanation benefits.Explanation
}

// ExplainFor is Explain with the household's people named by people
// (entity id → name) where it names them, else by their role and id; it
// also returns what the explanation rests on. store.ErrNotFound for a
// programme the decision does not have; ErrIrreproducible as Result.
func (s *Service) ExplainFor(ctx context.Context, d store.BenefitDecision, programme, lang string, people map[string]string) (Explained, error) {
	res, r, err := s.result(ctx, d)
	if err != nil {
		return Explained{}, err
	}
	i := slices.IndexFunc(res.Programmes, func(p benefits.Decision) bool { return p.Programme == programme })
	if i < 0 {
		return Explained{}, fmt.Errorf("decision %d: programme %q: %w", d.ID, programme, store.ErrNotFound)
	}
	sit, err := DecodeSituation(d.Inputs)
	if err != nil {
		return Explained{}, fmt.Errorf("decision %d: %w", d.ID, err)
	}
	names, err := s.names(ctx, d, lang)
	if err != nil {
		return Explained{}, err
	}
	if len(people) > 0 {
		byRole := names.Person
		names.Person = func(id string) string {
			if n := people[id]; n != "" {
				return n
			}
			return byRole(id)
		}
	}
	cat := r.eng.Catalog()
	return Explained{Decision: res.Programmes[i], Situation: sit, Catalog: cat,
		Explanation: cat.ExplainNamed(res.Programmes[i], lang, names)}, nil
}
