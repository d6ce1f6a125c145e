package ingest

import (
	"context"
	"encoding/json"

	"github.com/ortaq/ortaq/internal/store"
)

// summarise fills sum's totals from a run's counts.
func summarise(sum Summary, c store.RunCounts) Summary {
	sum.Rows, sum.Stored, sum.Unchanged, sum.Quarantined = c.Rows, c.Stored, c.Unchanged, c.Quarantined
	sum.Deleted, sum.Flagged, sum.Live = c.Deleted, c.Flagged, c.Live
	return sum
}

// recordPush records, within run, that it stores queued push id, with the
// summary the integrator will be answered.
func recordPush(ctx context.Context, run *store.Run, id string, sum Summary, c store.RunCounts) error {
	b, err := json.Marshal(summarise(sum, c))
	if err != nil {
		return err
	}
	return run.RecordPush(ctx, id, b)
}
