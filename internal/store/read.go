package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// SourceStats describes a registered source and the state of its data.
type SourceStats struct {
	SourceDef
	AgencyName  string
	Live        int // records whose last version is not deleted
	Versions    int // record versions stored, all runs
	Quarantined int // rows in quarantine in the live state: see LiveQuarantine
	Flagged     int // versions stored with an invalid field, all runs
	Runs        int
	LastRun     *RunInfo
}

// RunInfo is one finished ingest run.
type RunInfo struct {
	ID         int64
	Source     string
	File       string
	Mode       string
	StartedAt  time.Time
	FinishedAt time.Time
	RunCounts
}

// AgencyStats is an agency with totals over its sources.
type AgencyStats struct {
	Agency
	Sources     int
	Live        int
	Quarantined int // rows in quarantine in the live state of its sources
}

// sourceTotals is a subquery of each source's totals over its runs and the id
// of its last run, whose live_records is the source's live record count.
const sourceTotals = `(SELECT source_id, SUM(stored) + SUM(deleted) AS versions,
		SUM(flagged) AS flagged, COUNT(*) AS runs, MAX(id) AS last_id
	FROM ingest_runs GROUP BY source_id)`

// liveQuarantineTotals is a subquery of each source's quarantined rows in
// the live state (see LiveQuarantine): the rows of its latest full load and
// of the loads after it, each distinct line and raw text once.
const liveQuarantineTotals = `(SELECT d.source_id, COUNT(*) AS quarantined FROM (
		SELECT DISTINCT q.source_id, q.line, q.raw FROM quarantine q
		LEFT JOIN ` + lastFullRuns + ` f ON f.source_id = q.source_id
		WHERE q.run_id >= COALESCE(f.id, 0)) d
	GROUP BY d.source_id)`

// lastFullRuns is a subquery of each source's latest full load.
const lastFullRuns = `(SELECT source_id, MAX(id) AS id FROM ingest_runs WHERE mode = 'full' GROUP BY source_id)`

// Sources lists every registered source with its totals and last run, by
// agency then name, in one query.
func (s *Store) Sources(ctx context.Context) ([]SourceStats, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT s.id, s.name, a.code, a.name, s.title, s.entity, s.definition,
			COALESCE(t.versions, 0), COALESCE(lq.quarantined, 0), COALESCE(t.flagged, 0), COALESCE(t.runs, 0),
			r.id, r.file, r.mode, r.started_at, r.finished_at, r.rows, r.stored, r.unchanged,
			r.quarantined, r.deleted, r.flagged, r.live_records
		FROM sources s
		JOIN agencies a ON a.id = s.agency_id
		LEFT JOIN `+sourceTotals+` t ON t.source_id = s.id
		LEFT JOIN `+liveQuarantineTotals+` lq ON lq.source_id = s.id
		LEFT JOIN ingest_runs r ON r.id = t.last_id
		ORDER BY a.code, s.name`)
	if err != nil {
		return nil, fmt.Errorf("list sources: %w", err)
	}
	defer rows.Close()
	var out []SourceStats
	for rows.Next() {
		var (
			st      SourceStats
			def     []byte
			runID   sql.NullInt64
			file    sql.NullString
			mode    sql.NullString
			ri      RunInfo
			counts  [7]sql.NullInt64
			started time.Time
			ended   time.Time
		)
		if err := rows.Scan(&st.ID, &st.Name, &st.AgencyCode, &st.AgencyName, &st.Title, &st.Entity, jsonValue{&def},
			&st.Versions, &st.Quarantined, &st.Flagged, &st.Runs,
			&runID, &file, &mode, timeValue{&started}, timeValue{&ended},
			&counts[0], &counts[1], &counts[2], &counts[3], &counts[4], &counts[5], &counts[6]); err != nil {
			return nil, fmt.Errorf("list sources: %w", err)
		}
		st.Definition = def
		if runID.Valid {
			ri = RunInfo{ID: runID.Int64, Source: st.Name, File: file.String, Mode: mode.String, StartedAt: started, FinishedAt: ended,
				RunCounts: RunCounts{Rows: int(counts[0].Int64), Stored: int(counts[1].Int64), Unchanged: int(counts[2].Int64),
					Quarantined: int(counts[3].Int64), Deleted: int(counts[4].Int64), Flagged: int(counts[5].Int64), Live: int(counts[6].Int64)}}
			st.LastRun = &ri
			st.Live = ri.Live
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Agencies lists agencies with totals over their sources, by code, in one query.
func (s *Store) Agencies(ctx context.Context) ([]AgencyStats, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT a.id, a.code, a.name, a.names, COUNT(src.id),
			COALESCE(SUM(r.live_records), 0), COALESCE(SUM(lq.quarantined), 0)
		FROM agencies a
		LEFT JOIN sources src ON src.agency_id = a.id
		LEFT JOIN `+sourceTotals+` t ON t.source_id = src.id
		LEFT JOIN `+liveQuarantineTotals+` lq ON lq.source_id = src.id
		LEFT JOIN ingest_runs r ON r.id = t.last_id
		GROUP BY a.id, a.code, a.name, a.names
		ORDER BY a.code`)
	if err != nil {
		return nil, fmt.Errorf("list agencies: %w", err)
	}
	defer rows.Close()
	var out []AgencyStats
	for rows.Next() {
		var (
			a     AgencyStats
			names []byte
		)
		if err := rows.Scan(&a.ID, &a.Code, &a.Name, jsonValue{&names}, &a.Sources, &a.Live, &a.Quarantined); err != nil {
			return nil, fmt.Errorf("list agencies: %w", err)
		}
		if err := json.Unmarshal(names, &a.Names); err != nil {
			return nil, fmt.Errorf("list agencies: %s names: %w", a.Code, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

const runColumns = `r.id, s.name, r.file, r.mode, r.started_at, r.finished_at, r.rows, r.stored, r.unchanged,
	r.quarantined, r.deleted, r.flagged, r.live_records`

func scanRun(sc interface{ Scan(...any) error }) (RunInfo, error) {
	var ri RunInfo
	err := sc.Scan(&ri.ID, &ri.Source, &ri.File, &ri.Mode, timeValue{&ri.StartedAt}, timeValue{&ri.FinishedAt},
		&ri.Rows, &ri.Stored, &ri.Unchanged, &ri.Quarantined, &ri.Deleted, &ri.Flagged, &ri.Live)
	return ri, err
}

// Run returns one committed run, or ErrNotFound.
func (s *Store) Run(ctx context.Context, id int64) (RunInfo, error) {
	ri, err := scanRun(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+runColumns+`
		FROM ingest_runs r JOIN sources s ON s.id = r.source_id WHERE r.id = ?`), id))
	if err == sql.ErrNoRows {
		return ri, fmt.Errorf("run %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return ri, fmt.Errorf("run %d: %w", id, err)
	}
	return ri, nil
}

// Runs lists the newest runs, of one source when source is not "".
func (s *Store) Runs(ctx context.Context, source string, limit int) ([]RunInfo, error) {
	return s.runs(ctx, `WHERE (? = '' OR s.name = ?)`, source, limit)
}

// AgencyRuns lists the newest runs of the sources of one agency.
func (s *Store) AgencyRuns(ctx context.Context, agency string, limit int) ([]RunInfo, error) {
	return s.runs(ctx, `JOIN agencies a ON a.id = s.agency_id WHERE a.code = ? AND a.code = ?`, agency, limit)
}

// runs lists the newest runs that where (over ingest_runs r and sources
// s, with two placeholders both given key) selects.
func (s *Store) runs(ctx context.Context, where, key string, limit int) ([]RunInfo, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+runColumns+`
		FROM ingest_runs r JOIN sources s ON s.id = r.source_id
		`+where+` ORDER BY r.id DESC LIMIT ?`), key, key, limit)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []RunInfo
	for rows.Next() {
		ri, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		out = append(out, ri)
	}
	return out, rows.Err()
}

// QuarantineFilter selects quarantined rows; zero fields select all.
type QuarantineFilter struct {
	Source string
	// Agency keeps the rows of that agency's sources.
	Agency string
	RunID  int64
	Limit  int // default 100
	Offset int
}

// LiveQuarantine returns the rows of a source that are quarantined in its
// live state, at most limit of them by line, and how many there are.
//
// The live state of a source is its latest full load and every load after
// it (deltas, pushes): a full load replaces what came before, so the rows
// an earlier full load could not store are superseded, and loading the
// same file again quarantines its broken rows again without adding to
// them. A row counts once however many of those loads quarantined it (the
// same line with the same raw text: a system pushing its broken row
// again); the newest copy is returned. A source that never had a full load
// keeps every load's rows.
func (s *Store) LiveQuarantine(ctx context.Context, source string, limit int) ([]Quarantined, int, error) {
	var sourceID, from int64
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT s.id, COALESCE((SELECT MAX(r.id) FROM ingest_runs r
		WHERE r.source_id = s.id AND r.mode = 'full'), 0) FROM sources s WHERE s.name = ?`), source).Scan(&sourceID, &from)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, fmt.Errorf("live quarantine %s: %w", source, ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("live quarantine %s: %w", source, err)
	}
	var total int
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*) FROM (SELECT DISTINCT line, raw FROM quarantine
		WHERE source_id = ? AND run_id >= ?) d`), sourceID, from).Scan(&total)
	if err != nil {
		return nil, 0, fmt.Errorf("live quarantine %s: %w", source, err)
	}
	if total == 0 || limit <= 0 {
		return nil, total, nil
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`
		SELECT run_id, file, line, code, field, reason, raw FROM quarantine
		WHERE source_id = ? AND run_id >= ? ORDER BY line, run_id DESC`), sourceID, from)
	if err != nil {
		return nil, 0, fmt.Errorf("live quarantine %s: %w", source, err)
	}
	defer rows.Close()
	type key struct {
		line int
		raw  string
	}
	seen := map[key]bool{}
	var out []Quarantined
	for rows.Next() && len(out) < limit {
		q := Quarantined{Source: source}
		if err := rows.Scan(&q.RunID, &q.File, &q.Line, &q.Code, &q.Field, &q.Reason, &q.Raw); err != nil {
			return nil, 0, fmt.Errorf("live quarantine %s: %w", source, err)
		}
		if k := (key{q.Line, q.Raw}); !seen[k] {
			seen[k] = true
			out = append(out, q)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("live quarantine %s: %w", source, err)
	}
	return out, total, nil
}

// Quarantine lists quarantined rows, newest run first, then by line.
func (s *Store) Quarantine(ctx context.Context, f QuarantineFilter) ([]Quarantined, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`
		SELECT q.run_id, s.name, q.file, q.line, q.code, q.field, q.reason, q.raw
		FROM quarantine q JOIN sources s ON s.id = q.source_id JOIN agencies a ON a.id = s.agency_id
		WHERE (? = '' OR s.name = ?) AND (? = '' OR a.code = ?) AND (? = 0 OR q.run_id = ?)
		ORDER BY q.run_id DESC, q.line LIMIT ? OFFSET ?`), f.Source, f.Source, f.Agency, f.Agency, f.RunID, f.RunID, f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	defer rows.Close()
	var out []Quarantined
	for rows.Next() {
		var q Quarantined
		if err := rows.Scan(&q.RunID, &q.Source, &q.File, &q.Line, &q.Code, &q.Field, &q.Reason, &q.Raw); err != nil {
			return nil, fmt.Errorf("list quarantine: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// History returns every version of one record, oldest first, or ErrNotFound.
func (s *Store) History(ctx context.Context, source, recordID string) ([]Version, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`
		SELECT v.source_id, v.record_id, v.version, v.deleted, v.attrs, v.invalid, v.raw_ref, rb.data, v.hash, v.line,
			COALESCE(v.observed_at, vr.observed_at), vr.started_at, v.run_id
		FROM record_versions v JOIN sources s ON s.id = v.source_id`+liveRun+rawJoin+`
		WHERE s.name = ? AND v.record_id = ? ORDER BY v.version`), source, recordID)
	if err != nil {
		return nil, fmt.Errorf("history %s:%s: %w", source, recordID, err)
	}
	defer rows.Close()
	var (
		out    []Version
		srcID  int64
		blocks = rawBlocks{}
	)
	for rows.Next() {
		var (
			v          Version
			hash, data []byte
			ref        sql.NullInt64
		)
		if err := rows.Scan(&srcID, &v.RecordID, &v.Version, &v.Deleted, jsonValue{&v.Attrs}, jsonValue{&v.Invalid}, &ref, &data,
			&hash, &v.Line, timeValue{&v.ObservedAt}, timeValue{&v.LoadedAt}, &v.RunID); err != nil {
			return nil, fmt.Errorf("history %s:%s: %w", source, recordID, err)
		}
		copy(v.Hash[:], hash)
		if v.Raw, err = blocks.rawOf(v.RunID, ref, data); err != nil {
			return nil, fmt.Errorf("history %s:%s: %w", source, recordID, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history %s:%s: %w", source, recordID, err)
	}
	rows.Close()
	if len(out) == 0 {
		return nil, fmt.Errorf("record %s:%s: %w", source, recordID, ErrNotFound)
	}
	// Attribute names are read, when not cached, once the versions are, so
	// that this read never holds two connections.
	for i := range out {
		if out[i].Attrs, err = s.decodeAttrsJSON(ctx, srcID, out[i].Attrs); err != nil {
			return nil, fmt.Errorf("history %s:%s version %d: %w", source, recordID, out[i].Version, err)
		}
	}
	return out, nil
}
