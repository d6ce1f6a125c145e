package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Override statuses. An override is made active when its correction is
// accepted and ends once, either way.
const (
	// OverrideActive: the accepted value wins in the golden record and the
	// agency's work list asks it to apply the value in its own system.
	OverrideActive = "active"
	// OverrideRetired: a version the agency itself sent holds the value.
	OverrideRetired = "retired"
	// OverrideSuperseded: a later accepted correction of the same value
	// took its place.
	OverrideSuperseded = "superseded"
)

// Override keeps an accepted correction's value winning over what the
// agency's later extracts still say, until the agency's own data agrees.
//
// Accepting a correction stores a corrected version of the record, but
// the agency's next extract may carry the old value again: its version is
// stored as it came, so that a record's history says what the agency
// sent, and the override keeps the golden record corrected meanwhile.
type Override struct {
	CorrectionID string
	SourceID     int64
	Source       string // the source's name (read by join)
	Agency       string // the code of the agency owning the source (read by join)
	RecordID     string
	Attr         string
	Value        string // the accepted value, canonical as ingest stores it
	// Version and RunID are the record version the acceptance stored and
	// its ingest run.
	Version    int
	RunID      int64
	AcceptedAt time.Time
	DueAt      time.Time // when the agency should have applied the value in its system
	Status     string    // an Override* status
	// When it ended, and, for a retired override, the ingest run and
	// record version whose value agreed (for a superseded one, those of
	// the acceptance that superseded it). Zero while active.
	RetiredAt      time.Time
	RetiredRun     int64
	RetiredVersion int
	// From the correction (read by join): whose value it is, the entity
	// the record belonged to when it was filed, and the value the
	// correction replaced.
	Subject  string
	EntityID string
	OldValue string
}

// OverrideRetirement says that a version the agency sent holds an active
// override's value: RunID stored it as record version Version.
type OverrideRetirement struct {
	CorrectionID string
	RunID        int64
	Version      int
}

// OverrideFilter selects overrides for a work list; zero fields select
// all active overrides.
type OverrideFilter struct {
	Agency string // agency code of the record's source
	Source string // source name
	Status string // "" means OverrideActive
	Limit  int    // default 100
	Offset int
}

const overrideColumns = `o.correction_id, o.source_id, s.name, a.code, o.record_id, o.attr, o.value, o.version, o.run_id,
	o.accepted_at, o.due_at, o.status, o.retired_at, o.retired_run, o.retired_version, c.subject, c.entity_id,
	c.current_value`

const overrideFrom = ` FROM correction_overrides o JOIN corrections c ON c.id = o.correction_id
	JOIN sources s ON s.id = o.source_id JOIN agencies a ON a.id = s.agency_id`

func scanOverride(sc interface{ Scan(...any) error }) (Override, error) {
	var (
		o                   Override
		retiredRun, retVers sql.NullInt64
	)
	err := sc.Scan(&o.CorrectionID, &o.SourceID, &o.Source, &o.Agency, &o.RecordID, &o.Attr, &o.Value, &o.Version,
		&o.RunID, timeValue{&o.AcceptedAt}, timeValue{&o.DueAt}, &o.Status, timeValue{&o.RetiredAt}, &retiredRun,
		&retVers, &o.Subject, &o.EntityID, &o.OldValue)
	o.RetiredRun, o.RetiredVersion = retiredRun.Int64, int(retVers.Int64)
	return o, err
}

// putOverride makes o active within the acceptance's transaction, after
// superseding the active override of the same value, if any, on behalf
// of by. The caller's transaction holds the source's runs off, so no other
// acceptance of the same record runs between the read and the writes.
func (s *Store) putOverride(ctx context.Context, tx txConn, o Override, by string) error {
	d := s.dialect
	var prev string
	err := tx.QueryRowContext(ctx, d.rebind(`SELECT correction_id FROM correction_overrides
		WHERE source_id = ? AND record_id = ? AND attr = ? AND status = ?`), o.SourceID, o.RecordID, o.Attr, OverrideActive).
		Scan(&prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("override: %w", err)
	default:
		_, err := tx.ExecContext(ctx, d.rebind(`UPDATE correction_overrides SET status = ?, retired_at = ?, retired_run = ?,
			retired_version = ? WHERE correction_id = ?`), OverrideSuperseded, d.timeArg(o.AcceptedAt), o.RunID, o.Version, prev)
		if err != nil {
			return fmt.Errorf("supersede override %s: %w", prev, err)
		}
		if err := s.appendCorrectionEvent(ctx, tx, prev, o.AcceptedAt, CorrectionSuperseded, by, o.CorrectionID); err != nil {
			return fmt.Errorf("supersede override %s: %w", prev, err)
		}
	}
	_, err = tx.ExecContext(ctx, d.rebind(`INSERT INTO correction_overrides (correction_id, source_id, record_id, attr,
		value, version, run_id, accepted_at, due_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		o.CorrectionID, o.SourceID, o.RecordID, o.Attr, o.Value, o.Version, o.RunID, d.timeArg(o.AcceptedAt),
		d.timeArg(o.DueAt), OverrideActive)
	if err != nil {
		return fmt.Errorf("override: %w", err)
	}
	return nil
}

// ActiveOverrides returns every active override, by source id, record id
// and attribute: what a golden build applies.
func (s *Store) ActiveOverrides(ctx context.Context) ([]Override, error) {
	out, err := s.overrides(ctx, `SELECT `+overrideColumns+overrideFrom+` WHERE o.status = ?
		ORDER BY o.source_id, o.record_id, o.attr`, OverrideActive)
	if err != nil {
		return nil, fmt.Errorf("active overrides: %w", err)
	}
	return out, nil
}

// Override returns the override of a correction, or a wrapped ErrNotFound
// when the correction made none.
func (s *Store) Override(ctx context.Context, correctionID string) (Override, error) {
	o, err := scanOverride(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+overrideColumns+overrideFrom+`
		WHERE o.correction_id = ?`), correctionID))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("override of %s: %w", correctionID, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("override of %s: %w", correctionID, err)
	}
	return o, nil
}

// CorrectionRuns returns the ids of the ingest runs that stored accepted
// corrections: versions they stored are ortaq's, not the agency's.
func (s *Store) CorrectionRuns(ctx context.Context) (map[int64]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT run_id FROM corrections WHERE run_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("correction runs: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("correction runs: %w", err)
		}
		out[id] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("correction runs: %w", err)
	}
	return out, nil
}

// OverrideList is the agency's work list of accepted corrections not yet
// applied in its own system (or, with f.Status, of overrides that ended):
// the nearest deadline first, one page, and how many f selects in all.
func (s *Store) OverrideList(ctx context.Context, f OverrideFilter) ([]Override, int, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	if f.Status == "" {
		f.Status = OverrideActive
	}
	f.Offset = max(f.Offset, 0)
	const where = ` WHERE o.status = ? AND (? = '' OR a.code = ?) AND (? = '' OR s.name = ?)`
	args := []any{f.Status, f.Agency, f.Agency, f.Source, f.Source}
	var total int
	if err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*)`+overrideFrom+where), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list overrides: %w", err)
	}
	out, err := s.overrides(ctx, `SELECT `+overrideColumns+overrideFrom+where+`
		ORDER BY o.due_at, o.accepted_at, o.correction_id LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list overrides: %w", err)
	}
	return out, total, nil
}

func (s *Store) overrides(ctx context.Context, q string, args ...any) ([]Override, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		o, err := scanOverride(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// RetireOverrides retires the active overrides rs name, at at, each with
// the run and version that agreed and a CorrectionApplied event on its
// correction (actor: the agency's code), in one transaction. The caller
// (a golden build) has seen the agency's version hold the value; the store
// refuses a run that stored an accepted correction, whose versions are not
// the agency's. An override no longer active is left as it is, so that two
// builds retiring one override record it once. It returns how many it
// retired.
func (s *Store) RetireOverrides(ctx context.Context, rs []OverrideRetirement, at time.Time) (int, error) {
	if len(rs) == 0 {
		return 0, nil
	}
	d := s.dialect
	n := 0
	err := s.inTx(ctx, func(tx *tx) error {
		for _, r := range rs {
			var agency string
			err := tx.QueryRowContext(ctx, d.rebind(`SELECT a.code FROM ingest_runs r JOIN sources s ON s.id = r.source_id
				JOIN agencies a ON a.id = s.agency_id WHERE r.id = ? AND r.file NOT LIKE ?`),
				r.RunID, CorrectionRunPrefix+"%").Scan(&agency)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("retire override %s: run %d is unknown or stored a correction", r.CorrectionID, r.RunID)
			}
			if err != nil {
				return fmt.Errorf("retire override %s: %w", r.CorrectionID, err)
			}
			res, err := tx.ExecContext(ctx, d.rebind(`UPDATE correction_overrides SET status = ?, retired_at = ?, retired_run = ?,
				retired_version = ? WHERE correction_id = ? AND status = ?`),
				OverrideRetired, d.timeArg(at), r.RunID, r.Version, r.CorrectionID, OverrideActive)
			if err != nil {
				return fmt.Errorf("retire override %s: %w", r.CorrectionID, err)
			}
			if k, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("retire override %s: %w", r.CorrectionID, err)
			} else if k == 0 {
				continue
			}
			if err := s.appendCorrectionEvent(ctx, tx, r.CorrectionID, at, CorrectionApplied, agency, ""); err != nil {
				return fmt.Errorf("retire override %s: %w", r.CorrectionID, err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("retire overrides: %w", err)
	}
	return n, nil
}
