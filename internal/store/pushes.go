package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// PushOutcome is what became of a push taken through the NATS push queue:
// stored by run RunID (Status 200, Result the run's summary as JSON), or
// refused (RunID 0, Status the HTTP status of the refusal, Result the
// problem document as JSON).
type PushOutcome struct {
	ID         string
	SourceID   int64
	RunID      int64
	Status     int
	Result     []byte
	FinishedAt time.Time
}

// ErrPushDone marks a push whose outcome is already recorded: a redelivery
// of a push that was stored or refused. Nothing of the second attempt is
// kept.
var ErrPushDone = errors.New("push already done")

// RecordPush records, within the run, that the run stores push id, with
// the summary the integrator gets as result. Since the record commits with
// the run, a push redelivered after a crash either finds its run or finds
// nothing and is stored again; it is never stored twice: a second run of
// the same push fails here (errors.Is ErrPushDone) and rolls back. Call it
// before Commit.
func (r *Run) RecordPush(ctx context.Context, id string, result []byte) error {
	d := r.store.dialect
	res, err := r.exec(ctx, `INSERT INTO pushes (push_id, source_id, run_id, status, result, finished_at)
		VALUES (?, ?, ?, 200, ?, ?) ON CONFLICT (push_id) DO NOTHING`, id, r.SourceID, r.ID, string(result), d.timeArg(time.Now()))
	if err != nil {
		return fmt.Errorf("run %d: record push %s: %w", r.ID, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("run %d: push %s: %w", r.ID, id, ErrPushDone)
	}
	r.push = id
	return nil
}

// RefusePush records that push id of the source was refused, with the
// HTTP status and problem document the integrator gets. It reports
// ErrPushDone, recording nothing, when the push already has an outcome.
func (s *Store) RefusePush(ctx context.Context, id string, sourceID int64, status int, problem []byte) error {
	d := s.dialect
	res, err := s.w.ExecContext(ctx, d.rebind(`INSERT INTO pushes (push_id, source_id, run_id, status, result, finished_at)
		VALUES (?, ?, NULL, ?, ?, ?) ON CONFLICT (push_id) DO NOTHING`), id, sourceID, status, string(problem), d.timeArg(time.Now()))
	if err != nil {
		return fmt.Errorf("refuse push %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("refuse push %s: %w", id, ErrPushDone)
	}
	return nil
}

// Push returns the outcome of push id, or an error wrapping ErrNotFound
// while it has none (still queued, or never accepted).
func (s *Store) Push(ctx context.Context, id string) (PushOutcome, error) {
	var (
		o      PushOutcome
		run    sql.NullInt64
		result string
	)
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT push_id, source_id, run_id, status, result, finished_at
		FROM pushes WHERE push_id = ?`), id).Scan(&o.ID, &o.SourceID, &run, &o.Status, &result, timeValue{&o.FinishedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("push %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("push %s: %w", id, err)
	}
	o.RunID, o.Result = run.Int64, []byte(result)
	return o, nil
}
