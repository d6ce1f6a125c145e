package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// What an incremental quality run reads and writes of the golden records:
// those of some entities, in batches, never a query per entity.

// LiveRecordsOf returns the latest live version of each of refs that has
// one, with its entity, in (source id, record id) order.
func (s *Store) LiveRecordsOf(ctx context.Context, refs []RecordRef) ([]LiveRecord, error) {
	var out []LiveRecord
	err := eachRefChunk(refs, func(src int64, ids []string) error {
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+liveColumns+`
			FROM record_versions v LEFT JOIN entity_members m ON m.source_id = v.source_id AND m.record_id = v.record_id
			WHERE v.source_id = ? AND v.record_id IN (`+placeholders(len(ids))+`) AND NOT v.deleted AND `+latestOnly),
			refArgs(src, ids)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanLive(rows, nil)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("live records: %w", err)
	}
	slices.SortFunc(out, func(a, b LiveRecord) int { return compareRefs(a.RecordRef, b.RecordRef) })
	return out, nil
}

// VersionAttrs calls fn with the attributes of every version of each of
// refs, deleted ones included, in no particular order.
func (s *Store) VersionAttrs(ctx context.Context, refs []RecordRef, fn func(RecordRef, map[string]string) error) error {
	err := eachRefChunk(refs, func(src int64, ids []string) error {
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT record_id, attrs FROM record_versions
			WHERE source_id = ? AND record_id IN (`+placeholders(len(ids))+`)`), refArgs(src, ids)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id  string
				raw []byte
			)
			if err := rows.Scan(&id, jsonValue{&raw}); err != nil {
				return err
			}
			var attrs map[string]string
			if err := json.Unmarshal(raw, &attrs); err != nil {
				return fmt.Errorf("record %d:%s: attrs: %w", src, id, err)
			}
			if err := fn(RecordRef{SourceID: src, RecordID: id}, attrs); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("record versions: %w", err)
	}
	return nil
}

// GoldenRows returns the stored golden records of those of entityIDs that
// have one.
func (s *Store) GoldenRows(ctx context.Context, entityIDs []string) ([]GoldenRow, error) {
	return s.goldenIn(ctx, "entity_id", entityIDs)
}

// GoldenByNationalIDs returns the stored golden records whose national id
// is one of iins.
func (s *Store) GoldenByNationalIDs(ctx context.Context, iins []string) ([]GoldenRow, error) {
	return s.goldenIn(ctx, "national_id", iins)
}

func (s *Store) goldenIn(ctx context.Context, col string, values []string) ([]GoldenRow, error) {
	var out []GoldenRow
	err := s.inChunks(ctx, `SELECT `+goldenColumns+` FROM golden_records WHERE `+col+` IN (%s)`, strArgs(values),
		func(rows *sql.Rows) error {
			g, err := scanGolden(rows)
			if err != nil {
				return err
			}
			out = append(out, g)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("golden records: %w", err)
	}
	return out, nil
}

// GoldenUpdate replaces the golden records of some entities: Rows are the
// new ones, Remove the entities left with none. Stale are the search terms
// of those entities that may be stored now (a superset is fine), and Terms
// those that find them after.
type GoldenUpdate struct {
	Rows   []GoldenRow
	Remove []string
	Stale  []SearchTerm
	Terms  []SearchTerm
}

// UpdateGoldens applies u in one transaction, leaving every other
// entity's golden record as it is.
func (s *Store) UpdateGoldens(ctx context.Context, u GoldenUpdate) error {
	ids := make([]string, 0, len(u.Rows)+len(u.Remove))
	for _, r := range u.Rows {
		ids = append(ids, r.EntityID)
	}
	ids = append(ids, u.Remove...)
	a, err := s.beginApply(ctx)
	if err != nil {
		return fmt.Errorf("update golden records: %w", err)
	}
	defer a.rollback()
	for ents := range slices.Chunk(strArgs(ids), refChunk) {
		if _, err := a.exec(ctx, `DELETE FROM golden_records WHERE entity_id IN (`+placeholders(len(ents))+`)`, ents...); err != nil {
			return fmt.Errorf("update golden records: %w", err)
		}
	}
	for ts := range slices.Chunk(u.Stale, refChunk) {
		args := make([]any, 0, 2*len(ts))
		for _, t := range ts {
			args = append(args, t.Term, t.EntityID)
		}
		pairs := strings.TrimSuffix(strings.Repeat("(?, ?), ", len(ts)), ", ")
		if _, err := a.exec(ctx, `DELETE FROM search_terms WHERE (term, entity_id) IN (VALUES `+pairs+`)`, args...); err != nil {
			return fmt.Errorf("update golden records: %w", err)
		}
	}
	err = a.insertRows(ctx, "golden_records", goldenColumnList, len(u.Rows), func(args []any, i int) []any {
		return a.goldenArgs(args, &u.Rows[i])
	})
	if err != nil {
		return fmt.Errorf("update golden records: %w", err)
	}
	err = a.insertRows(ctx, "search_terms", []string{"term", "entity_id"}, len(u.Terms),
		func(args []any, i int) []any { return append(args, u.Terms[i].Term, u.Terms[i].EntityID) })
	if err != nil {
		return fmt.Errorf("update golden records: %w", err)
	}
	if err := a.commit(ctx); err != nil {
		return fmt.Errorf("update golden records: %w", err)
	}
	return nil
}
