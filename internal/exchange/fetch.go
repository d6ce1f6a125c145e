package exchange

import (
	"context"
	"fmt"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
)

// candidates is how many golden records one key may find; more than one
// means duplicates resolution has not merged, and the best-evidenced wins.
const candidates = 5

// Fetch returns what the grant allows of the subject named by key, and
// nothing more: for a golden-backed service the golden record's values of
// g.Fields (absent values are left out); for a source-backed one
// {"records": [...]}, each of the subject's live records of the source
// with its values of g.Fields, records with none of them left out. It
// makes two or three indexed queries, never a scan. A subject with no
// golden record is refused with 404 not_found. key must have passed
// Decide.
func (x *Exchange) Fetch(ctx context.Context, g Grant, key string) (map[string]any, error) {
	svc := g.Service
	row, doc, err := x.subject(ctx, svc, key)
	if err != nil {
		return nil, err
	}
	if svc.Source == "" {
		out := make(map[string]any, len(g.Fields))
		for _, f := range g.Fields {
			if v := doc.Value(f); v != "" {
				out[f] = v
			}
		}
		return out, nil
	}
	recs, err := x.st.EntitySourceRecords(ctx, row.EntityID, svc.Source, svc.Member)
	if err != nil {
		return nil, fmt.Errorf("exchange %s %s: %w", svc.Code, key, err)
	}
	list := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		m := make(map[string]any, len(g.Fields))
		for _, f := range g.Fields {
			if v := r.Attrs[f]; v != "" {
				m[f] = v
			}
		}
		if len(m) > 0 {
			list = append(list, m)
		}
	}
	return map[string]any{"records": list}, nil
}

// subject finds the golden record of the entity key names.
func (x *Exchange) subject(ctx context.Context, svc Service, key string) (store.GoldenRow, golden.Doc, error) {
	var (
		rows []store.GoldenRow
		err  error
	)
	switch svc.KeyAttr {
	case KeyNationalID:
		rows, err = x.st.GoldenByNationalID(ctx, key, candidates)
	case KeyTag:
		rows, err = x.st.GoldenByTerm(ctx, svc.Kind, strings.ToLower(key), candidates)
	default:
		return store.GoldenRow{}, golden.Doc{}, fmt.Errorf("exchange %s: cannot look up by %q", svc.Code, svc.KeyAttr)
	}
	if err != nil {
		return store.GoldenRow{}, golden.Doc{}, fmt.Errorf("exchange %s %s: %w", svc.Code, key, err)
	}
	var (
		best    store.GoldenRow
		bestDoc golden.Doc
		found   bool
	)
	for _, r := range rows {
		if r.Kind != svc.Kind || (found && r.Members <= best.Members) {
			continue
		}
		d, err := golden.DecodeDoc(r.Doc)
		if err != nil {
			return store.GoldenRow{}, golden.Doc{}, fmt.Errorf("exchange %s %s: %w", svc.Code, key, err)
		}
		// The search index holds name words too: only an exact key
		// (case aside, as tags are written both ways) is the subject.
		if !strings.EqualFold(d.Value(svc.KeyAttr), key) {
			continue
		}
		best, bestDoc, found = r, d, true
	}
	if !found {
		return store.GoldenRow{}, golden.Doc{}, refuse(404, CodeNotFound, "no %s with %s %s", svc.Kind, svc.KeyAttr, key)
	}
	return best, bestDoc, nil
}
