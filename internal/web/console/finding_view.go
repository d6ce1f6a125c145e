package console

import (
	"context"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// findingRow is a finding as a page lists it: with the golden record of
// the entity it is about and links to the entities it involves.
type findingRow struct {
	store.Finding
	// Reason and Suggestion are the finding's in the reader's language,
	// with attributes and sources named as their contracts label them;
	// SourceTitle is the finding's source, so named.
	Reason, Suggestion, SourceTitle string
	Entity                          *store.GoldenRow // nil when the finding names no entity with a golden record
	Related                         []entityLink
}

// entityLink names something a finding relates to: an entity with a golden
// record (a link), or a record id or value (plain text).
type entityLink struct {
	ID   string
	Name string
	Link bool
	// Subject is what a look at the entity is audited under.
	Subject string
}

// findingRows looks up the golden records of every entity fs names, in one
// query however many findings there are, and writes their reasons and
// fixes in the reader's language (ix's).
func (s *Server) findingRows(ctx context.Context, ix view.SourceIndex, fs []store.Finding) ([]findingRow, error) {
	var ids []string
	for _, f := range fs {
		if f.EntityID != "" {
			ids = append(ids, f.EntityID)
		}
		ids = append(ids, f.Related...)
	}
	if len(ids) == 0 {
		return plainRows(ix, fs), nil
	}
	golden, err := s.st.GoldenBrief(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]findingRow, len(fs))
	for i, f := range fs {
		out[i] = newFindingRow(ix, f)
		l := view.Locale{Lang: ix.Lang}
		if g, ok := golden[f.EntityID]; ok {
			g = l.Golden(g)
			out[i].Entity = &g
		}
		for _, rel := range f.Related {
			if g, ok := golden[rel]; ok {
				g = l.Golden(g)
				out[i].Related = append(out[i].Related, entityLink{ID: rel, Name: g.Name, Link: true, Subject: personSubject(g)})
			} else {
				out[i].Related = append(out[i].Related, entityLink{ID: rel, Name: rel})
			}
		}
	}
	return out, nil
}

func plainRows(ix view.SourceIndex, fs []store.Finding) []findingRow {
	out := make([]findingRow, len(fs))
	for i, f := range fs {
		out[i] = newFindingRow(ix, f)
	}
	return out
}

func newFindingRow(ix view.SourceIndex, f store.Finding) findingRow {
	return findingRow{Finding: f, Reason: ix.Reason(f), Suggestion: ix.Suggestion(f), SourceTitle: ix.Title(f.Source)}
}
