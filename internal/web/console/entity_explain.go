package console

import (
	"context"
	"log/slog"
	"math"
	"sync"

	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// explainer scores an entity's records against each other with the
// stored match model. One resolver keeps the model in memory between
// pages; it is not safe for concurrent use, so calls take turns, which
// costs little: an explanation of ten records takes well under a
// millisecond once the model is loaded.
type explainer struct {
	mu sync.Mutex
	rv *resolve.Resolver
}

func (e *explainer) explain(ctx context.Context, kind string, anchor resolve.Rec, others []resolve.Rec) ([]resolve.Explanation, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rv.Explain(ctx, kind, anchor, others)
}

// linkView is one record's link to the anchor record, as a waterfall.
type linkView struct {
	resolve.Explanation
	Left, Right view.RecordCol
	Terms       []termView
	Percent     string
	Open        bool // shown unfolded: the first link and any weak one
}

// termView is one comparison of a link, with its bar: the weight in bits
// drawn from the middle of a 200-unit box, right for evidence for the
// match, left for evidence against.
type termView struct {
	resolve.Term
	BarX, BarW float64
	Against    bool
}

// weakLink is the probability under which a link is shown unfolded: a data
// officer checking a doubtful entity wants to see it at once.
const weakLink = 0.99

// explainLinks explains every member's link to the anchor member. An
// explanation that cannot be made (events are not linked; a kind never
// resolved has no model) gives a note instead of failing the page.
func (s *Server) explainLinks(ctx context.Context, l view.Locale, ix view.SourceIndex, kind string, members []store.LiveRecord, anchor int) ([]linkView, string) {
	if anchor < 0 || len(members) < 2 {
		return nil, l.T("explain.single")
	}
	rec := func(m store.LiveRecord) resolve.Rec {
		return resolve.Rec{Source: ix.ByID[m.SourceID].Name, ID: m.RecordID, Attrs: m.Attrs}
	}
	var others []resolve.Rec
	var cols []view.RecordCol
	for i, m := range members {
		if i != anchor {
			others = append(others, rec(m))
			src := ix.ByID[m.SourceID]
			cols = append(cols, view.RecordCol{Source: src.Name, Title: ix.Title(src.Name), RecordID: m.RecordID, Version: m.Version})
		}
	}
	ex, err := s.explainer.explain(ctx, kind, rec(members[anchor]), others)
	if err != nil {
		slog.WarnContext(ctx, "explain entity", "kind", kind, "err", err)
		return nil, l.T("explain.nomodel")
	}
	a := members[anchor]
	left := view.RecordCol{Source: ix.ByID[a.SourceID].Name, Title: ix.Title(ix.ByID[a.SourceID].Name), RecordID: a.RecordID, Version: a.Version}
	out := make([]linkView, len(ex))
	for i, e := range ex {
		v := linkView{Explanation: e, Left: left, Right: cols[i], Percent: l.Prob(e.Probability),
			Open: i == 0 || e.Probability < weakLink}
		scale := 0.0
		for _, t := range e.Terms {
			scale = math.Max(scale, math.Abs(t.Total))
		}
		for _, t := range e.Terms {
			tv := termView{Term: t, Against: t.Total < 0}
			if scale > 0 {
				w := 100 * math.Abs(t.Total) / scale
				tv.BarW, tv.BarX = w, 100
				if tv.Against {
					tv.BarX = 100 - w
				}
			}
			v.Terms = append(v.Terms, tv)
		}
		out[i] = v
	}
	return out, ""
}
