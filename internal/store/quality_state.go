package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// QualityState says what the stored golden records, findings and unit
// counts of the quality runs include, so that the next run can redo only
// what changed since (scorecard's incremental runs).
type QualityState struct {
	RunID int64 // the quality run that saved it
	// QualityMarks are the ingest runs, resolve runs and decisions the
	// stored results include.
	QualityMarks
	// Fingerprint names the checks and source definitions the results
	// were computed with: when it differs, every result may.
	Fingerprint string
	// AsOf is the as-of date (YYYY-MM-DD) the results were judged at; ""
	// when unknown.
	AsOf string
	// Overrides are the accepted corrections active then, by correction
	// id.
	Overrides map[string]RecordRef
	// Totals are the per-unit counts summed over every unit (the format is
	// the caller's, see UnitTally).
	Totals []byte
}

// UnitTally is what one unit (an entity, or a record not resolved into
// one) adds to the totals of a quality run, in the caller's format; a nil
// Tally removes the unit. Due is the first as-of date (YYYY-MM-DD) at
// which the unit's results may differ, "" when no date changes them.
type UnitTally struct {
	Unit  string
	Tally []byte
	Due   string
}

// UnitKey is one key through which a unit's results depend on other
// units' (see quality_keys).
type UnitKey struct {
	Unit string
	Key  int64
}

// QualityMarks say which ingest runs, resolve runs and decisions on
// findings a quality run includes: every one up to IngestRun, ResolveRun
// and Decision, but those of Pending.
type QualityMarks struct {
	IngestRun, ResolveRun, Decision int64
	// Pending are ids at or below the marks that no stored row had when
	// the marks were taken: PostgreSQL hands ids out before a
	// transaction commits, so a run or decision with a lower id may
	// still come. The next run looks at them again. (An id a rolled-back
	// transaction took stays pending; at most maxPending of each are
	// kept, the newest.)
	Pending PendingIDs
}

// PendingIDs are the pending ids of each kind of QualityMarks.
type PendingIDs struct {
	Ingest   []int64 `json:"ingest,omitempty"`
	Resolve  []int64 `json:"resolve,omitempty"`
	Decision []int64 `json:"decision,omitempty"`
}

// maxPending bounds each list of PendingIDs: a transaction still open
// after a thousand later ones committed is not waited for.
const maxPending = 1000

// QualityState returns the state the last quality run saved, or
// ErrNotFound when no run saved one.
func (s *Store) QualityState(ctx context.Context) (QualityState, error) {
	var (
		st                 QualityState
		overrides, pending []byte
	)
	err := s.db.QueryRowContext(ctx, `SELECT run_id, ingest_run, resolve_run, decision, pending, fingerprint, as_of, overrides,
		totals FROM quality_state WHERE id = 1`).Scan(&st.RunID, &st.IngestRun, &st.ResolveRun, &st.Decision, jsonValue{&pending},
		&st.Fingerprint, &st.AsOf, jsonValue{&overrides}, jsonValue{&st.Totals})
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("quality state: %w", ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("quality state: %w", err)
	}
	if err := json.Unmarshal(overrides, &st.Overrides); err != nil {
		return st, fmt.Errorf("quality state: overrides: %w", err)
	}
	if err := json.Unmarshal(pending, &st.Pending); err != nil {
		return st, fmt.Errorf("quality state: pending: %w", err)
	}
	return st, nil
}

// QualityMarksSince returns the marks of a quality run that reads the
// store now, after one whose marks were since: the last ingest run,
// resolve run and decision stored, and the ids at or below them, after
// since's or pending in since, that no stored row has.
func (s *Store) QualityMarksSince(ctx context.Context, since QualityMarks) (QualityMarks, error) {
	var m QualityMarks
	for _, k := range []struct {
		table        string
		after        int64
		wasPending   []int64
		mark         *int64
		stillPending *[]int64
	}{
		{"ingest_runs", since.IngestRun, since.Pending.Ingest, &m.IngestRun, &m.Pending.Ingest},
		{"resolve_runs", since.ResolveRun, since.Pending.Resolve, &m.ResolveRun, &m.Pending.Resolve},
		{"finding_decisions", since.Decision, since.Pending.Decision, &m.Decision, &m.Pending.Decision},
	} {
		err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+k.table).Scan(k.mark)
		if err != nil {
			return m, fmt.Errorf("quality marks: %w", err)
		}
		seen := map[int64]bool{}
		args := []any{k.after, *k.mark}
		for _, id := range k.wasPending {
			args = append(args, id)
		}
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT id FROM `+k.table+` WHERE id > ? AND id <= ?`+
			inList("id", len(k.wasPending))+` ORDER BY id`), args...)
		if err != nil {
			return m, fmt.Errorf("quality marks: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return m, fmt.Errorf("quality marks: %w", err)
			}
			seen[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return m, fmt.Errorf("quality marks: %w", err)
		}
		for _, id := range k.wasPending {
			if !seen[id] {
				*k.stillPending = append(*k.stillPending, id)
			}
		}
		for id := k.after + 1; id <= *k.mark; id++ {
			if !seen[id] {
				*k.stillPending = append(*k.stillPending, id)
			}
		}
		if n := len(*k.stillPending); n > maxPending {
			*k.stillPending = (*k.stillPending)[n-maxPending:]
		}
	}
	return m, nil
}

// inList is " OR col IN (?, …)" for n ids, "" for none.
func inList(col string, n int) string {
	if n == 0 {
		return ""
	}
	return " OR " + col + " IN (" + placeholders(n) + ")"
}

// between returns the condition and arguments that select the ids of
// one kind a run with marks now includes and one with since did not: the
// ids after since's up to now's, and since's pending ones.
func between(col string, after, upTo int64, pending []int64) (string, []any) {
	args := []any{after, upTo}
	for _, id := range pending {
		args = append(args, id)
	}
	return "((" + col + " > ? AND " + col + " <= ?)" + inList(col, len(pending)) + ")", args
}

// QualityChanges is what changed in the store between two marks.
type QualityChanges struct {
	// Records are the records with a version stored by an ingest run
	// after the first mark: new, changed, deleted, or corrected.
	Records []RecordRef
	// Entities are the entities resolve's lineage names after the first
	// mark (created, attached to, detached from, merged, split, retired),
	// and LineageRecords the records it names.
	Entities       []string
	LineageRecords []RecordRef
	// FullResolve reports a resolve run that rebuilt a kind from scratch,
	// which leaves no lineage per record.
	FullResolve bool
	// Decided are the findings a data officer decided on after the first
	// mark: the next run must look at them again (a finding marked fixed
	// that the data still shows is open again).
	Decided []Finding
}

// QualityChangesBetween returns what the ingest runs, resolve runs and
// decisions that marks now include and marks since did not changed.
func (s *Store) QualityChangesBetween(ctx context.Context, since, now QualityMarks) (QualityChanges, error) {
	var ch QualityChanges
	cond, args := between("id", since.Decision, now.Decision, since.Pending.Decision)
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+findingColumns+` FROM quality_findings f
		JOIN sources s ON s.id = f.source_id JOIN agencies a ON a.id = s.agency_id
		WHERE f.id IN (SELECT finding_id FROM finding_decisions WHERE `+cond+`)`), args...)
	if err != nil {
		return ch, fmt.Errorf("quality changes: %w", err)
	}
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			rows.Close()
			return ch, fmt.Errorf("quality changes: %w", err)
		}
		ch.Decided = append(ch.Decided, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ch, fmt.Errorf("quality changes: %w", err)
	}
	cond, args = between("run_id", since.IngestRun, now.IngestRun, since.Pending.Ingest)
	rows, err = s.db.QueryContext(ctx, s.dialect.rebind(`SELECT DISTINCT source_id, record_id FROM record_versions
		WHERE `+cond), args...)
	if err != nil {
		return ch, fmt.Errorf("quality changes: %w", err)
	}
	for rows.Next() {
		var r RecordRef
		if err := rows.Scan(&r.SourceID, &r.RecordID); err != nil {
			rows.Close()
			return ch, fmt.Errorf("quality changes: %w", err)
		}
		ch.Records = append(ch.Records, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ch, fmt.Errorf("quality changes: %w", err)
	}
	cond, args = between("id", since.ResolveRun, now.ResolveRun, since.Pending.Resolve)
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT EXISTS (SELECT 1 FROM resolve_runs
		WHERE `+cond+` AND mode = 'full')`), args...).Scan(&ch.FullResolve)
	if err != nil {
		return ch, fmt.Errorf("quality changes: %w", err)
	}
	cond, args = between("run_id", since.ResolveRun, now.ResolveRun, since.Pending.Resolve)
	rows, err = s.db.QueryContext(ctx, s.dialect.rebind(`SELECT entity_id, COALESCE(other_id, ''), COALESCE(source_id, 0),
		COALESCE(record_id, '') FROM entity_lineage WHERE `+cond), args...)
	if err != nil {
		return ch, fmt.Errorf("quality changes: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var (
			e, other string
			r        RecordRef
		)
		if err := rows.Scan(&e, &other, &r.SourceID, &r.RecordID); err != nil {
			return ch, fmt.Errorf("quality changes: %w", err)
		}
		for _, id := range []string{e, other} {
			if id != "" && !seen[id] {
				seen[id] = true
				ch.Entities = append(ch.Entities, id)
			}
		}
		if r.RecordID != "" {
			ch.LineageRecords = append(ch.LineageRecords, r)
		}
	}
	if err := rows.Err(); err != nil {
		return ch, fmt.Errorf("quality changes: %w", err)
	}
	return ch, nil
}

// UnitKeys returns the stored keys of each of units.
func (s *Store) UnitKeys(ctx context.Context, units []string) (map[string][]int64, error) {
	out := map[string][]int64{}
	err := s.inChunks(ctx, `SELECT unit, key FROM quality_keys WHERE unit IN (%s)`, strArgs(units), func(rows *sql.Rows) error {
		var (
			u string
			k int64
		)
		if err := rows.Scan(&u, &k); err != nil {
			return err
		}
		out[u] = append(out[u], k)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("unit keys: %w", err)
	}
	return out, nil
}

// KeyHolders returns the units that hold any of keys, each once.
func (s *Store) KeyHolders(ctx context.Context, keys []int64) ([]string, error) {
	args := make([]any, 0, len(keys))
	for _, k := range slices.Compact(slices.Sorted(slices.Values(keys))) {
		args = append(args, k)
	}
	var out []string
	seen := map[string]bool{}
	err := s.inChunks(ctx, `SELECT unit FROM quality_keys WHERE key IN (%s)`, args, func(rows *sql.Rows) error {
		var u string
		if err := rows.Scan(&u); err != nil {
			return err
		}
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("key holders: %w", err)
	}
	return out, nil
}

// UnitTallies returns the stored tally of each of units that has one.
func (s *Store) UnitTallies(ctx context.Context, units []string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.inChunks(ctx, `SELECT unit, tally FROM quality_units WHERE unit IN (%s)`, strArgs(units), func(rows *sql.Rows) error {
		var (
			u string
			t []byte
		)
		if err := rows.Scan(&u, jsonValue{&t}); err != nil {
			return err
		}
		out[u] = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("unit tallies: %w", err)
	}
	return out, nil
}

// UnitsDue returns the units whose results may differ at as-of date asOf
// (YYYY-MM-DD) from those stored: those due on or before it.
func (s *Store) UnitsDue(ctx context.Context, asOf string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT unit FROM quality_units WHERE due <= ?`), asOf)
	if err != nil {
		return nil, fmt.Errorf("units due: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			return nil, fmt.Errorf("units due: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("units due: %w", err)
	}
	return out, nil
}

// inChunks runs query, whose one "%s" is a list of placeholders, for
// args a refChunk at a time, calling fn for every row.
func (s *Store) inChunks(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	for chunk := range slices.Chunk(args, refChunk) {
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(fmt.Sprintf(query, placeholders(len(chunk)))), chunk...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := fn(rows); err != nil {
				rows.Close()
				return err
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// strArgs returns the distinct strings of ss as query arguments.
func strArgs(ss []string) []any {
	ss = distinct(ss)
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// saveQualityState replaces the stored state, and the units and keys: all
// of them (replaceAll, a full run) or those of units (an incremental run).
func (a *applyTx) saveQualityState(ctx context.Context, q *QualitySave) error {
	st := q.State
	ov := st.Overrides
	if ov == nil {
		ov = map[string]RecordRef{}
	}
	overrides, err := json.Marshal(ov)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if _, err := a.exec(ctx, `DELETE FROM quality_state`); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	pending, err := json.Marshal(st.Pending)
	if err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if _, err := a.exec(ctx, `INSERT INTO quality_state (id, run_id, ingest_run, resolve_run, decision, pending, fingerprint,
		as_of, overrides, totals) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.runID, st.IngestRun, st.ResolveRun, st.Decision,
		string(pending), st.Fingerprint, st.AsOf, string(overrides), string(st.Totals)); err != nil {
		return fmt.Errorf("state: %w", err)
	}
	if q.Partial {
		units := make([]string, len(q.Units))
		for i, u := range q.Units {
			units[i] = u.Unit
		}
		for _, d := range []struct {
			table string
			units []string
		}{{"quality_units", units}, {"quality_keys", q.KeyUnits}} {
			for chunk := range slices.Chunk(strArgs(d.units), refChunk) {
				if _, err := a.exec(ctx, `DELETE FROM `+d.table+` WHERE unit IN (`+placeholders(len(chunk))+`)`, chunk...); err != nil {
					return fmt.Errorf("units: %w", err)
				}
			}
		}
	} else {
		for _, t := range []string{"quality_units", "quality_keys"} {
			if _, err := a.exec(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("units: %w", err)
			}
		}
	}
	// Both tables in their primary key's order, which they then grow at
	// the end of (see saveQuality).
	units := slices.DeleteFunc(slices.Clone(q.Units), func(u UnitTally) bool { return u.Tally == nil })
	slices.SortFunc(units, func(a, b UnitTally) int { return cmp.Compare(a.Unit, b.Unit) })
	err = a.insertRows(ctx, "quality_units", []string{"unit", "tally", "due"}, len(units), func(args []any, i int) []any {
		var due any
		if units[i].Due != "" {
			due = units[i].Due
		}
		return append(args, units[i].Unit, string(units[i].Tally), due)
	})
	if err != nil {
		return fmt.Errorf("units: %w", err)
	}
	keys := slices.SortedFunc(slices.Values(q.Keys), func(a, b UnitKey) int {
		return cmp.Or(cmp.Compare(a.Unit, b.Unit), cmp.Compare(a.Key, b.Key))
	})
	err = a.insertRows(ctx, "quality_keys", []string{"key", "unit"}, len(keys), func(args []any, i int) []any {
		return append(args, keys[i].Key, keys[i].Unit)
	})
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	return nil
}
