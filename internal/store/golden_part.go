package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/ortaq/ortaq/internal/events"
)

// What an incremental quality run reads and writes of the golden records:
// those of some entities, in batches, never a query per entity.

// LiveRecordsOf returns the latest live version of each of refs that has
// one, with its entity, in (source id, record id) order.
func (s *Store) LiveRecordsOf(ctx context.Context, refs []RecordRef) ([]LiveRecord, error) {
	var out []LiveRecord
	err := eachRefChunk(refs, func(src int64, ids []string) error {
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+liveColumns+`
			FROM record_versions v`+liveRun+`LEFT JOIN entity_members m ON m.source_id = v.source_id AND m.record_id = v.record_id
			WHERE v.source_id = ? AND v.record_id IN (`+placeholders(len(ids))+`) AND NOT v.deleted AND `+latestOnly),
			refArgs(src, ids)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := s.scanLive(ctx, rows, nil)
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
	slices.SortFunc(out, func(a, b LiveRecord) int { return CompareRefs(a.RecordRef, b.RecordRef) })
	return out, nil
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

// GoldenUpdate replaces the golden records of some entities and every
// search term that finds them: Rows are the new golden records, Remove the
// entities left with none, Terms the search terms of Rows.
type GoldenUpdate struct {
	Rows   []GoldenRow
	Remove []string
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
		for _, t := range []string{"golden_records", "search_terms"} {
			if _, err := a.exec(ctx, `DELETE FROM `+t+` WHERE entity_id IN (`+placeholders(len(ents))+`)`, ents...); err != nil {
				return fmt.Errorf("update golden records: %w", err)
			}
		}
	}
	if err := a.insertGolden(ctx, u.Rows); err != nil {
		return fmt.Errorf("update golden records: %w", err)
	}
	err = a.insertRows(ctx, "search_terms", []string{"term", "entity_id"}, len(u.Terms),
		func(args []any, i int) []any { return append(args, u.Terms[i].Term, u.Terms[i].EntityID) })
	if err != nil {
		return fmt.Errorf("update golden records: %w", err)
	}
	if err := a.emit(ctx, goldenUpdateEvents(u)); err != nil {
		return fmt.Errorf("update golden records: %w", err)
	}
	if err := a.commit(ctx); err != nil {
		return fmt.Errorf("update golden records: %w", err)
	}
	return nil
}

// goldenUpdateEvents are the change events of a partial rebuild: the
// rebuilt entities by kind, and the removed ones, whose kind the update no
// longer carries, under every kind.
func goldenUpdateEvents(u GoldenUpdate) []events.Event {
	byKind := map[string][]string{}
	for _, r := range u.Rows {
		kind := cmp.Or(r.Kind, events.AllKinds)
		byKind[kind] = append(byKind[kind], r.EntityID)
	}
	if len(u.Remove) > 0 {
		byKind[events.AllKinds] = append(byKind[events.AllKinds], u.Remove...)
	}
	var evs []events.Event
	for _, kind := range slices.Sorted(maps.Keys(byKind)) {
		evs = append(evs, events.NewChanged(events.GoldenChange, kind, 0, "incremental", false, byKind[kind])...)
	}
	return evs
}
