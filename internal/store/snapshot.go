package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"
)

// LiveRecord is the latest version of a record that is not deleted, with the
// entity it was resolved into: what golden records and quality checks read.
type LiveRecord struct {
	RecordRef
	Version    int
	RunID      int64
	Line       int
	ObservedAt time.Time
	LoadedAt   time.Time
	Attrs      map[string]string // canonical attribute -> value as stored
	Invalid    map[string]string // attribute -> why it is invalid; nil when all are valid
	EntityID   string            // "" when the record is not resolved (yet)
}

// liveColumns are read from record_versions v joined with liveRun.
const liveColumns = `v.source_id, v.record_id, v.version, v.run_id, v.line, COALESCE(v.observed_at, vr.observed_at), vr.started_at,
	v.attrs, v.invalid, COALESCE(m.entity_id, '')`

// liveRun joins a version's run, which holds its load time and, when the
// version's own is NULL, its observation time. A LEFT JOIN, which every
// version matches, because SQLite then keeps record_versions the outer
// table and reads it in the order asked instead of sorting it.
const liveRun = ` LEFT JOIN ingest_runs vr ON vr.id = v.run_id `

// scanLive reads one row; attrs, when not nil, is cleared and filled
// instead of a new map.
func (s *Store) scanLive(ctx context.Context, sc interface{ Scan(...any) error }, attrs map[string]string) (LiveRecord, error) {
	var (
		r                 LiveRecord
		rawAttrs, invalid []byte
	)
	if attrs != nil {
		clear(attrs)
		r.Attrs = attrs
	}
	if err := sc.Scan(&r.SourceID, &r.RecordID, &r.Version, &r.RunID, &r.Line, timeValue{&r.ObservedAt}, timeValue{&r.LoadedAt},
		jsonValue{&rawAttrs}, jsonValue{&invalid}, &r.EntityID); err != nil {
		return r, err
	}
	if r.Attrs == nil {
		r.Attrs = map[string]string{}
	}
	if err := s.decodeAttrsMap(ctx, r.SourceID, rawAttrs, r.Attrs); err != nil {
		return r, fmt.Errorf("record %d:%s version %d: attrs: %w", r.SourceID, r.RecordID, r.Version, err)
	}
	if len(invalid) > 0 {
		if err := json.Unmarshal(invalid, &r.Invalid); err != nil {
			return r, fmt.Errorf("record %d:%s version %d: invalid: %w", r.SourceID, r.RecordID, r.Version, err)
		}
	}
	return r, nil
}

// LiveRecords streams to fn the latest version of every record that is not
// deleted, of every source, in (source id, record id) order, with one query.
// The Attrs map is reused from one call of fn to the next, so that reading
// millions of records does not allocate millions of maps: fn must copy what
// it keeps. An error from fn stops the stream and is returned as is.
func (s *Store) LiveRecords(ctx context.Context, fn func(LiveRecord) error) error {
	return s.liveRecords(ctx, "", nil, fn)
}

// SourceLiveRecords is LiveRecords for the records of one source, in
// record id order: sources read side by side, each on a connection of its
// own, read a nation's records in a fraction of the time.
func (s *Store) SourceLiveRecords(ctx context.Context, sourceID int64, fn func(LiveRecord) error) error {
	// The source's attribute names, read before its rows: reading them
	// while the rows hold a connection would need a second one, which
	// other sources' reads may all hold (a small pool, --db-conns).
	if _, err := s.cacheAttrDict(ctx, sourceID); err != nil {
		return fmt.Errorf("live records: %w", err)
	}
	return s.liveRecords(ctx, "v.source_id = ? AND ", []any{sourceID}, fn)
}

// liveRecords is LiveRecords for the versions that also match where (a
// condition followed by AND, or "") with args.
func (s *Store) liveRecords(ctx context.Context, where string, args []any, fn func(LiveRecord) error) error {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+liveColumns+`
		FROM record_versions v`+liveRun+`LEFT JOIN entity_members m ON m.source_id = v.source_id AND m.record_id = v.record_id
		WHERE `+where+`NOT v.deleted AND `+latestOnly+`
		ORDER BY v.source_id, v.record_id`), args...)
	if err != nil {
		return fmt.Errorf("live records: %w", err)
	}
	defer rows.Close()
	attrs := map[string]string{}
	for rows.Next() {
		r, err := s.scanLive(ctx, rows, attrs)
		if err != nil {
			return fmt.Errorf("live records: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("live records: %w", err)
	}
	return nil
}

// EntityRecords returns the latest live version of every record resolved
// into one of entityIDs, by entity and then (source id, record id).
func (s *Store) EntityRecords(ctx context.Context, entityIDs []string) ([]LiveRecord, error) {
	var out []LiveRecord
	for chunk := range slices.Chunk(distinct(entityIDs), refChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+liveColumns+`
			FROM entity_members m JOIN record_versions v ON v.source_id = m.source_id AND v.record_id = m.record_id`+liveRun+`
			WHERE m.entity_id IN (`+placeholders(len(chunk))+`) AND NOT v.deleted AND `+latestOnly+`
			ORDER BY m.entity_id, v.source_id, v.record_id`), args...)
		if err != nil {
			return nil, fmt.Errorf("entity records: %w", err)
		}
		for rows.Next() {
			r, err := s.scanLive(ctx, rows, nil)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("entity records: %w", err)
			}
			out = append(out, r)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("entity records: %w", err)
		}
	}
	return out, nil
}

// RunColumns returns the columns of the extract an ingest run read, in file
// order, as one of the versions it stored shows them; nil when the run
// stored no version.
func (s *Store) RunColumns(ctx context.Context, runID int64) ([]string, error) {
	var (
		ref  sql.NullInt64
		data []byte
	)
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT v.raw_ref, rb.data FROM record_versions v`+rawJoin+`
		WHERE v.run_id = ? AND NOT v.deleted LIMIT 1`), runID).Scan(&ref, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("run %d columns: %w", runID, err)
	}
	raw, err := rawBlocks{}.rawOf(runID, ref, data)
	if err != nil {
		return nil, fmt.Errorf("run %d columns: %w", runID, err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("run %d columns: raw row is not a JSON object", runID)
	}
	var cols []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("run %d columns: %w", runID, err)
		}
		cols = append(cols, t.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return nil, fmt.Errorf("run %d columns: %w", runID, err)
		}
	}
	return cols, nil
}
