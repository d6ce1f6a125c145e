package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// copyVersions streams versions with COPY on the run's own connection, so
// they join the run's transaction.
func (r *Run) copyVersions(ctx context.Context, vs []Version) error {
	cols := []string{"source_id", "record_id", "version", "run_id", "deleted", "attrs", "invalid", "raw_ref", "hash", "line", "observed_at"}
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(vs) {
			return nil, nil
		}
		v, row := &vs[i], &r.rows[i]
		i++
		var invalid any
		if v.Invalid != nil {
			invalid = string(v.Invalid)
		}
		return []any{r.SourceID, v.RecordID, v.Version, r.ID, v.Deleted, row.attrs, invalid, row.raw, v.Hash[:], v.Line, row.observed}, nil
	})
	return r.copyFrom(ctx, "record_versions", cols, src)
}

func (r *Run) copyQuarantine(ctx context.Context, qs []Quarantined) error {
	rows := make([][]any, len(qs))
	for i, q := range qs {
		rows[i] = []any{r.ID, r.SourceID, q.File, q.Line, q.Code, q.Field, q.Reason, q.Raw}
	}
	return r.copyFrom(ctx, "quarantine", []string{"run_id", "source_id", "file", "line", "code", "field", "reason", "raw"}, pgx.CopyFromRows(rows))
}
