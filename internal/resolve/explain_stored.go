package resolve

import (
	"context"
	"fmt"

	"github.com/ortaq/ortaq/internal/source"
)

// Rec is a record to explain: its source, id and canonical attributes.
type Rec struct {
	Source string
	ID     string
	Attrs  map[string]string
}

// Explain scores each of others against anchor with the model stored for
// kind, so that an entity page can show why each record joined it. It fails
// when kind was never resolved (no model is stored).
func (rv *Resolver) Explain(ctx context.Context, kind string, anchor Rec, others []Rec) ([]Explanation, error) {
	model, _, err := rv.model(ctx, kind)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	if model == nil {
		return nil, fmt.Errorf("explain: no %s model is stored yet; run ortaq resolve", kind)
	}
	srcs, err := rv.st.Sources(ctx)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	modes := map[string]map[string]string{}
	for _, s := range srcs {
		def, err := source.Stored(s.ID, s.Definition)
		if err != nil {
			return nil, fmt.Errorf("explain: source %s: %w", s.Name, err)
		}
		modes[s.Name] = matchModes(def)
	}
	t := NewTable(kind)
	for _, r := range append([]Rec{anchor}, others...) {
		t.Add(r.Source, r.ID, sortedAttrs(r.Attrs), modes[r.Source])
	}
	cs, err := comparisonsNamed(t, model)
	if err != nil {
		return nil, fmt.Errorf("explain: %w", err)
	}
	s := newScorer(t, cs, model)
	out := make([]Explanation, len(others))
	for i := range others {
		out[i] = s.explain(0, i+1)
	}
	return out, nil
}
