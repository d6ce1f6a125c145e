package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// FindingsOf returns the stored findings, of any status, about the
// records of entities, about refs (records not resolved into an entity),
// of the checks of kinds, or with one of ids: what an incremental quality
// run examines again.
func (s *Store) FindingsOf(ctx context.Context, entities []string, refs []RecordRef, kinds, ids []string) ([]Finding, error) {
	seen := map[string]bool{}
	var out []Finding
	add := func(rows *sql.Rows) error {
		f, err := scanFinding(rows)
		if err != nil {
			return err
		}
		if !seen[f.ID] {
			seen[f.ID] = true
			out = append(out, f)
		}
		return nil
	}
	from := `SELECT ` + findingColumns + ` FROM quality_findings f JOIN sources s ON s.id = f.source_id
		JOIN agencies a ON a.id = s.agency_id WHERE `
	for _, q := range []struct {
		col  string
		args []string
	}{{"f.entity_id", entities}, {"f.kind", kinds}, {"f.id", ids}} {
		args := strArgs(slices.DeleteFunc(slices.Clone(q.args), func(s string) bool { return s == "" }))
		if err := s.inChunks(ctx, from+q.col+` IN (%s)`, args, add); err != nil {
			return nil, fmt.Errorf("findings: %w", err)
		}
	}
	err := eachRefChunk(refs, func(src int64, ids []string) error {
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(from+`f.source_id = ? AND f.record_id IN (`+
			placeholders(len(ids))+`) AND f.entity_id = ''`), refArgs(src, ids)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := add(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("findings: %w", err)
	}
	return out, nil
}

// dropFindings deletes the findings a run replaces: all of them, or with
// q.Partial those of q.Replace.
func (a *applyTx) dropFindings(ctx context.Context, q *QualitySave) error {
	if !q.Partial {
		_, err := a.exec(ctx, `DELETE FROM quality_findings`)
		return err
	}
	for chunk := range slices.Chunk(strArgs(q.Replace), refChunk) {
		if _, err := a.exec(ctx, `DELETE FROM quality_findings WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...); err != nil {
			return err
		}
	}
	return nil
}

// countOpen sets the run's open findings to the number stored, for a run
// that replaced only some of them.
func (a *applyTx) countOpen(ctx context.Context, q *QualitySave) error {
	err := a.conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM quality_findings WHERE status = 'open'`).Scan(&q.Run.Findings)
	if err != nil {
		return fmt.Errorf("count open findings: %w", err)
	}
	if _, err := a.exec(ctx, `UPDATE quality_runs SET findings = ? WHERE id = ?`, q.Run.Findings, a.runID); err != nil {
		return fmt.Errorf("count open findings: %w", err)
	}
	return nil
}
