package console

import (
	"context"

	"github.com/ortaq/ortaq/internal/store"
)

// findingRow is a finding as a page lists it: with the golden record of
// the entity it is about and links to the entities it involves.
type findingRow struct {
	store.Finding
	Entity  *store.GoldenRow // nil when the finding names no entity with a golden record
	Related []entityLink
}

// entityLink names something a finding relates to: an entity with a golden
// record (a link), or a record id or value (plain text).
type entityLink struct {
	ID   string
	Name string
	Link bool
}

// findingRows looks up the golden records of every entity fs names, in one
// query however many findings there are.
func (s *Server) findingRows(ctx context.Context, fs []store.Finding) ([]findingRow, error) {
	var ids []string
	for _, f := range fs {
		if f.EntityID != "" {
			ids = append(ids, f.EntityID)
		}
		ids = append(ids, f.Related...)
	}
	if len(ids) == 0 {
		return plainRows(fs), nil
	}
	golden, err := s.st.GoldenBrief(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]findingRow, len(fs))
	for i, f := range fs {
		out[i] = findingRow{Finding: f}
		if g, ok := golden[f.EntityID]; ok {
			out[i].Entity = &g
		}
		for _, rel := range f.Related {
			if g, ok := golden[rel]; ok {
				out[i].Related = append(out[i].Related, entityLink{ID: rel, Name: g.Name, Link: true})
			} else {
				out[i].Related = append(out[i].Related, entityLink{ID: rel, Name: rel})
			}
		}
	}
	return out, nil
}

func plainRows(fs []store.Finding) []findingRow {
	out := make([]findingRow, len(fs))
	for i, f := range fs {
		out[i] = findingRow{Finding: f}
	}
	return out
}
