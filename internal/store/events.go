package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/events"
)

// This file is the event outbox (docs/events.md): the transactions that
// change records, entities and golden records write their events here
// before they commit, and relays (package outbox) read them back in order.
// An event therefore exists if and only if its change committed; a crash
// between the commit and the publishing loses nothing, since the relay
// publishes what lies past its cursor when it starts again.

// outboxLock is the PostgreSQL advisory lock that writers of the outbox
// hold from their insert to their commit. It makes events commit in seq
// order, so that a relay reading past its cursor cannot skip an event
// whose transaction took an earlier seq but commits later. SQLite has one
// writer and needs no lock.
const outboxLock = 0x6f72_7461_7165_7631 // "ortaqev1"

// outboxChunk is how many events one INSERT carries.
const outboxChunk = 100

// emit writes evs into the outbox within t. Callers emit last, just before
// COMMIT, so that PostgreSQL's lock is held briefly.
func (t *tx) emit(ctx context.Context, evs []events.Event) error {
	if len(evs) == 0 {
		return nil
	}
	d := t.s.dialect
	if d == postgresDialect {
		if _, err := t.conn.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(outboxLock)); err != nil {
			return fmt.Errorf("events: lock outbox: %w", err)
		}
	}
	now := d.timeArg(time.Now())
	for len(evs) > 0 {
		n := min(outboxChunk, len(evs))
		args := make([]any, 0, 3*n)
		for _, ev := range evs[:n] {
			args = append(args, ev.Subject, string(ev.Payload), now)
		}
		q := `INSERT INTO event_outbox (subject, payload, created_at) VALUES (?, ?, ?)` + strings.Repeat(", (?, ?, ?)", n-1)
		if _, err := t.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("events: write outbox: %w", err)
		}
		evs = evs[n:]
	}
	return nil
}

// EventsAfter returns at most limit events of the outbox whose seq is
// greater than seq, in seq order.
func (s *Store) EventsAfter(ctx context.Context, seq int64, limit int) ([]events.Event, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT seq, subject, payload, created_at FROM event_outbox
		WHERE seq > ? ORDER BY seq LIMIT ?`), seq, limit)
	if err != nil {
		return nil, fmt.Errorf("events after %d: %w", seq, err)
	}
	defer rows.Close()
	var out []events.Event
	for rows.Next() {
		var (
			ev      events.Event
			payload string
		)
		if err := rows.Scan(&ev.Seq, &ev.Subject, &payload, timeValue{&ev.At}); err != nil {
			return nil, fmt.Errorf("events after %d: %w", seq, err)
		}
		ev.Payload = []byte(payload)
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("events after %d: %w", seq, err)
	}
	return out, nil
}

// EventCursor returns the highest seq the relay called name has published,
// 0 before its first event.
func (s *Store) EventCursor(ctx context.Context, name string) (int64, error) {
	var seq int64
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT seq FROM event_cursors WHERE name = ?`), name).Scan(&seq)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("event cursor %s: %w", name, err)
	}
	return seq, nil
}

// AdvanceEventCursor records that the relay called name has published every
// event up to seq. The cursor never moves back: two relays of the same name
// (two servers on one store) may race, and the further one wins.
func (s *Store) AdvanceEventCursor(ctx context.Context, name string, seq int64) error {
	d := s.dialect
	_, err := s.w.ExecContext(ctx, d.rebind(`INSERT INTO event_cursors (name, seq, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, updated_at = excluded.updated_at
		WHERE event_cursors.seq < excluded.seq`), name, seq, d.timeArg(time.Now()))
	if err != nil {
		return fmt.Errorf("event cursor %s: %w", name, err)
	}
	return nil
}

// PruneEvents deletes the events every relay has published that were
// written before before, and returns how many it deleted. With no relay
// cursor it deletes nothing: no event has been published.
func (s *Store) PruneEvents(ctx context.Context, before time.Time) (int64, error) {
	d := s.dialect
	res, err := s.w.ExecContext(ctx, d.rebind(`DELETE FROM event_outbox
		WHERE seq <= (SELECT COALESCE(MIN(seq), 0) FROM event_cursors) AND created_at < ?`), d.timeArg(before))
	if err != nil {
		return 0, fmt.Errorf("prune events: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// resolveEvents are the entities.changed events of a resolve run: every
// entity of the kind after a full reset, else each entity the run created,
// retired, merged, split or changed the members of.
func resolveEvents(ch *ResolveChanges, runID int64) []events.Event {
	if ch.Reset {
		return events.NewChanged(events.EntitiesChange, ch.Kind, runID, ch.Mode, true, nil)
	}
	ids := make([]string, 0, len(ch.NewEntities)+len(ch.Members)+len(ch.Retired)+2*len(ch.Merges)+len(ch.Lineage))
	ids = append(ids, ch.NewEntities...)
	ids = append(ids, ch.Retired...)
	for _, m := range ch.Members {
		ids = append(ids, m.EntityID)
	}
	for _, m := range ch.Merges {
		ids = append(ids, m.From, m.Into)
	}
	for _, l := range ch.Lineage {
		ids = append(ids, l.EntityID)
		if l.OtherID != "" {
			ids = append(ids, l.OtherID)
		}
	}
	return events.NewChanged(events.EntitiesChange, ch.Kind, runID, ch.Mode, false, ids)
}

// runEvent is the records.stored event of a run about to commit.
func (r *Run) runEvent(ctx context.Context, c RunCounts) ([]events.Event, error) {
	var name string
	if err := r.conn.QueryRowContext(ctx, r.store.dialect.rebind(`SELECT name FROM sources WHERE id = ?`), r.SourceID).Scan(&name); err != nil {
		return nil, fmt.Errorf("run %d: source name: %w", r.ID, err)
	}
	return []events.Event{events.NewStored(events.Stored{Source: name, Run: r.ID, Mode: r.mode, File: r.file, Push: r.push,
		Rows: c.Rows, Stored: c.Stored, Unchanged: c.Unchanged, Quarantined: c.Quarantined, Deleted: c.Deleted,
		Flagged: c.Flagged, Live: c.Live})}, nil
}

// goldenEvents is the golden.changed event of one entity's golden record,
// whose kind is looked up when the record was removed.
func (a *applyTx) goldenEvents(ctx context.Context, entityID string, row *GoldenRow) ([]events.Event, error) {
	kind := ""
	if row != nil {
		kind = row.Kind
	} else {
		err := a.conn.QueryRowContext(ctx, a.s.dialect.rebind(`SELECT kind FROM entities WHERE entity_id = ?`), entityID).Scan(&kind)
		if err != nil && err != sql.ErrNoRows {
			return nil, fmt.Errorf("kind of %s: %w", entityID, err)
		}
	}
	if kind == "" {
		kind = events.AllKinds
	}
	return events.NewChanged(events.GoldenChange, kind, 0, "entity", false, []string{entityID}), nil
}
