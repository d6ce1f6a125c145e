package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is the store side of entity resolution: reading the records to
// resolve, and keeping the entities, their members, the blocking keys, the
// lineage of every decision and the resolver's state per entity kind
// (the blocking keys are in resolve_keys.go).
//
// Entity ids are chosen by the resolver and never reused. An entity merged
// into another keeps its row, with merged_into naming the survivor; an
// entity left without members is retired, not deleted. Lineage rows are
// history and are never deleted, not even by a full re-resolution.

// RecordRef names one record: its source and its id within the source.
type RecordRef struct {
	SourceID int64
	RecordID string
}

// ResolveRecord is the latest version of one record, for resolution.
type ResolveRecord struct {
	RecordRef
	Source  string // the source's name
	Entity  string // the source's entity kind; "person" when its definition names none
	Version int
	RunID   int64 // the ingest run that stored the version
	Deleted bool
	Attrs   map[string]string // canonical attribute -> value; empty when Deleted
}

// Membership places one record, at one of its versions, in an entity.
type Membership struct {
	RecordRef
	EntityID string
	Version  int // the record version the link was decided on
}

// Lineage actions.
const (
	ActionCreate = "create" // EntityID was created
	ActionAttach = "attach" // Ref joined EntityID
	ActionMerge  = "merge"  // EntityID was merged into OtherID, the survivor
	ActionSplit  = "split"  // part of EntityID left to form OtherID, the new entity
	ActionDetach = "detach" // Ref left EntityID
	ActionRetire = "retire" // EntityID was left with no member
)

// LineageEvent is one decision of the resolver about one entity. EntityID is
// the entity the event happened to; OtherID is the surviving entity of a
// merge and the new entity of a split, "" otherwise; Ref is the record of an
// attach or a detach, nil otherwise.
type LineageEvent struct {
	At          time.Time // zero: the time ApplyResolve runs
	RunID       int64     // the resolve run; zero: the run ApplyResolve records
	Action      string    // one of the Action constants
	EntityID    string
	OtherID     string
	Ref         *RecordRef
	Probability float64 // match probability behind the decision; 0 means none
	Reason      string
}

// Merge folds entity From into entity Into.
type Merge struct {
	From, Into string
}

// ResolveCounts are the totals of one resolve run.
type ResolveCounts struct {
	Records, Created, Attached, Merged, Split, Detached int
}

// ResolveChanges is one resolve run's effect, applied atomically by
// ApplyResolve, in this order: Reset, NewEntities, Removed, Members,
// DropKeys, Keys, Merges, Retired, Lineage, then the kind's state.
// Slices may be empty; ApplyResolve may reorder Members and Keys.
type ResolveChanges struct {
	Kind    string    // entity kind: lower-case letters, digits, '_' or '-'
	Mode    string    // "full" or "incremental"
	Started time.Time // when the resolver began; zero: the time ApplyResolve runs

	// Reset deletes the memberships and the keys of every record of the
	// kind's sources before anything else. Entities and lineage
	// stay: a full re-resolution retires or reuses the old entities itself.
	Reset bool

	NewEntities []string     // created with the run's kind; an id that exists fails the run
	Removed     []RecordRef  // records that leave their entity (deleted records)
	Members     []Membership // inserted, or moved to another entity (which must exist); for a ref given twice the last wins
	DropKeys    []RecordRef  // the keys of these records are deleted before Keys are written
	Keys        []RecordKeys // each replaces its record's keys; for a ref given twice the last wins
	Merges      []Merge      // From gets merged_into = Into; an unknown From or Into fails the run
	Retired     []string     // retired_at is set unless already set; an unknown id fails the run
	Lineage     []LineageEvent

	Model     []byte // when non-nil, replaces the stored model (JSON)
	Watermark int64  // the highest ingest run id now resolved
	Counts    ResolveCounts

	// AfterRun, when set, is the kind's last resolve run (LastResolveRun)
	// as the resolver read what it changes. ApplyResolve MUST then fail
	// with ErrResolvedMeanwhile, applying nothing, if another run of the
	// kind committed since: two resolvers of one kind (a server that
	// resolves, an `ortaq resolve`) would otherwise each apply changes
	// computed against a state the other replaced. Resolvers set it;
	// tests that build a store's entities by hand may not.
	AfterRun *int64

	// Progress, when set, is told how many rows were just written after
	// each batch of NewEntities, Members, Keys and Lineage, whose lengths
	// add up to what it is told in all.
	Progress func(rows int)
}

// defaultEntityKind is the kind of a source whose definition names none.
const defaultEntityKind = "person"

// sourceInfo is what resolution needs of a source.
type sourceInfo struct {
	name, kind string
}

// queryer is what sourceInfos needs of *sql.DB and *sql.Conn.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// sourceInfos returns every registered source by id.
func sourceInfos(ctx context.Context, q queryer) (map[int64]sourceInfo, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name, entity FROM sources`)
	if err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]sourceInfo)
	for rows.Next() {
		var (
			id int64
			si sourceInfo
		)
		if err := rows.Scan(&id, &si.name, &si.kind); err != nil {
			return nil, fmt.Errorf("sources: %w", err)
		}
		if si.kind == "" {
			si.kind = defaultEntityKind
		}
		out[id] = si
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sources: %w", err)
	}
	return out, nil
}

// kindSourceIDs returns the ids of the sources of an entity kind, in order.
func kindSourceIDs(srcs map[int64]sourceInfo, kind string) []int64 {
	var ids []int64
	for id, si := range srcs {
		if si.kind == kind {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// latestColumns and latestOnly select a record version and keep it only when
// no later version of the record exists.
const (
	latestColumns = `v.source_id, v.record_id, v.version, v.run_id, v.deleted, v.attrs`
	latestOnly    = `NOT EXISTS (SELECT 1 FROM record_versions n
		WHERE n.source_id = v.source_id AND n.record_id = v.record_id AND n.version > v.version)`
)

func (s *Store) scanResolveRecord(ctx context.Context, rows *sql.Rows, srcs map[int64]sourceInfo) (ResolveRecord, error) {
	var (
		r     ResolveRecord
		attrs []byte
	)
	if err := rows.Scan(&r.SourceID, &r.RecordID, &r.Version, &r.RunID, &r.Deleted, jsonValue{&attrs}); err != nil {
		return r, err
	}
	si := srcs[r.SourceID]
	r.Source, r.Entity = si.name, si.kind
	r.Attrs = map[string]string{}
	if err := s.decodeAttrsMap(ctx, r.SourceID, attrs, r.Attrs); err != nil {
		return r, fmt.Errorf("record %d:%s version %d: attrs: %w", r.SourceID, r.RecordID, r.Version, err)
	}
	return r, nil
}

// ChangedSince streams to fn the latest version of every record of the
// kind's sources whose latest version was stored by an ingest run with id >
// afterRun, deleted versions included, in (run_id, source_id, record_id)
// order, with one query. It returns the new watermark: the highest id of a
// committed run of the kind's sources (afterRun when there is none newer),
// which the caller stores with ApplyResolve and passes as afterRun next time.
// With afterRun = 0 it streams every record, in (source_id, record_id)
// order: one query per source, read in the order of its primary key, since
// sorting a whole nation's records by run would cost more than reading
// them.
//
// The watermark MUST NOT pass a run that commits later, or that run's
// records would never be resolved. On SQLite runs are serialised, so their
// ids follow commit order. On PostgreSQL runs are concurrent and a run takes
// its id when it begins, so ChangedSince first waits for the ingest runs in
// progress, of any source, to commit or abort (it locks ingest_runs in SHARE
// mode for one short query; runs that begin meanwhile wait for it and take
// higher ids). Versions of runs above the watermark are left for next time.
//
// An error from fn stops the stream and is returned as is.
func (s *Store) ChangedSince(ctx context.Context, kind string, afterRun int64, fn func(ResolveRecord) error) (int64, error) {
	active, watermark, err := s.newRuns(ctx, kind, afterRun)
	if err != nil {
		return afterRun, fmt.Errorf("changed %s records: %w", kind, err)
	}
	if len(active) == 0 {
		return afterRun, nil
	}
	srcs, err := sourceInfos(ctx, s.db)
	if err != nil {
		return afterRun, fmt.Errorf("changed %s records: %w", kind, err)
	}
	if afterRun == 0 {
		for _, src := range active {
			// The unary plus keeps SQLite on the primary key, in its order.
			err := s.streamLatest(ctx, "changed "+kind+" records", srcs, `v.source_id = ? AND +v.run_id <= ?`, `v.record_id`,
				[]any{src, watermark}, fn)
			if err != nil {
				return afterRun, err
			}
		}
		return watermark, nil
	}
	args := make([]any, 0, len(active)+2)
	for _, id := range active {
		args = append(args, id)
	}
	args = append(args, afterRun, watermark)
	// The unary plus keeps SQLite, which has no statistics, from preferring
	// the primary key (every version of the sources) to the run index (the
	// versions since afterRun); PostgreSQL plans by its statistics.
	err = s.streamLatest(ctx, "changed "+kind+" records", srcs, `+v.source_id IN (`+placeholders(len(active))+`) AND v.run_id > ? AND v.run_id <= ?`,
		`v.run_id, v.source_id, v.record_id`, args, fn)
	if err != nil {
		return afterRun, err
	}
	return watermark, nil
}

// streamLatest streams to fn the latest versions that match where with
// args, in the order of orderBy. An error from fn is returned as is, its
// own wrapped with what.
func (s *Store) streamLatest(ctx context.Context, what string, srcs map[int64]sourceInfo, where, orderBy string, args []any, fn func(ResolveRecord) error) error {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+latestColumns+`
		FROM record_versions v
		WHERE `+where+` AND `+latestOnly+`
		ORDER BY `+orderBy), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := s.scanResolveRecord(ctx, rows, srcs)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// newRuns returns the sources of kind with a committed run whose id is
// above afterRun, and the highest such run id. One statement reads both the
// sources and their runs, so that a source registered meanwhile cannot slip
// between them. See ChangedSince for the lock on PostgreSQL.
func (s *Store) newRuns(ctx context.Context, kind string, afterRun int64) (active []int64, watermark int64, err error) {
	q := s.dialect.rebind(`SELECT r.source_id, MAX(r.id) FROM ingest_runs r JOIN sources s ON s.id = r.source_id
		WHERE (s.entity = ? OR (s.entity = '' AND ? = '` + defaultEntityKind + `')) AND r.id > ? AND r.finished_at IS NOT NULL
		GROUP BY r.source_id ORDER BY r.source_id`)
	var qr queryer = s.db
	if s.dialect == postgresDialect {
		t, err := s.begin(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("new runs: %w", err)
		}
		// Read-only: rolling back releases the lock as committing would.
		defer t.rollback()
		if _, err := t.ExecContext(ctx, `LOCK TABLE ingest_runs IN SHARE MODE`); err != nil {
			return nil, 0, fmt.Errorf("new runs: wait for ingest runs in progress: %w", err)
		}
		qr = t
	}
	rows, err := qr.QueryContext(ctx, q, kind, kind, afterRun)
	if err != nil {
		return nil, 0, fmt.Errorf("new runs: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var src, maxID int64
		if err := rows.Scan(&src, &maxID); err != nil {
			return nil, 0, fmt.Errorf("new runs: %w", err)
		}
		active = append(active, src)
		watermark = max(watermark, maxID)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("new runs: %w", err)
	}
	return active, watermark, nil
}

// LatestRecords returns the latest version of each of refs that exists and
// is not deleted (a record whose latest version is a deletion is left out),
// in the order of refs, once per ref. It queries by source, at most
// refChunk refs at a time.
func (s *Store) LatestRecords(ctx context.Context, refs []RecordRef) ([]ResolveRecord, error) {
	if len(refs) == 0 {
		return nil, nil
	}
	srcs, err := sourceInfos(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("latest records: %w", err)
	}
	found := make(map[RecordRef]ResolveRecord, len(refs))
	err = eachRefChunk(refs, func(src int64, ids []string) error {
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT `+latestColumns+`
			FROM record_versions v
			WHERE v.source_id = ? AND v.record_id IN (`+placeholders(len(ids))+`) AND `+latestOnly),
			refArgs(src, ids)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := s.scanResolveRecord(ctx, rows, srcs)
			if err != nil {
				return err
			}
			if !r.Deleted {
				found[r.RecordRef] = r
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("latest records: %w", err)
	}
	out := make([]ResolveRecord, 0, len(found))
	for _, ref := range refs {
		if r, ok := found[ref]; ok {
			out = append(out, r)
			delete(found, ref)
		}
	}
	return out, nil
}

// Membership returns the entity of each of refs that belongs to one.
func (s *Store) Membership(ctx context.Context, refs []RecordRef) (map[RecordRef]string, error) {
	out := make(map[RecordRef]string)
	err := eachRefChunk(refs, func(src int64, ids []string) error {
		rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT source_id, record_id, entity_id FROM entity_members
			WHERE source_id = ? AND record_id IN (`+placeholders(len(ids))+`)`), refArgs(src, ids)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				ref RecordRef
				ent string
			)
			if err := rows.Scan(&ref.SourceID, &ref.RecordID, &ent); err != nil {
				return err
			}
			out[ref] = ent
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("membership: %w", err)
	}
	return out, nil
}

// KindMembership streams to fn the entity of every record of kind's
// sources that belongs to one, in (source id, record id) order: a whole
// kind read in one pass per source, not looked up record by record as
// Membership does. An error from fn stops the stream and is returned as is.
func (s *Store) KindMembership(ctx context.Context, kind string, fn func(ref RecordRef, entityID string) error) error {
	srcs, err := sourceInfos(ctx, s.db)
	if err != nil {
		return fmt.Errorf("%s membership: %w", kind, err)
	}
	for _, src := range kindSourceIDs(srcs, kind) {
		var fnErr error
		err := func() error {
			rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT record_id, entity_id FROM entity_members
				WHERE source_id = ? ORDER BY record_id`), src)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				ref := RecordRef{SourceID: src}
				var ent string
				if err := rows.Scan(&ref.RecordID, &ent); err != nil {
					return err
				}
				if fnErr = fn(ref, ent); fnErr != nil {
					return fnErr
				}
			}
			return rows.Err()
		}()
		if fnErr != nil {
			return fnErr
		}
		if err != nil {
			return fmt.Errorf("%s membership: %w", kind, err)
		}
	}
	return nil
}

// Members returns the records of each of entityIDs, ordered by source and
// record id; entities without members are left out.
func (s *Store) Members(ctx context.Context, entityIDs []string) (map[string][]RecordRef, error) {
	out := make(map[string][]RecordRef)
	for chunk := range slices.Chunk(distinct(entityIDs), refChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		err := func() error {
			rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT entity_id, source_id, record_id FROM entity_members
				WHERE entity_id IN (`+placeholders(len(chunk))+`)`), args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var (
					ent string
					ref RecordRef
				)
				if err := rows.Scan(&ent, &ref.SourceID, &ref.RecordID); err != nil {
					return err
				}
				out[ent] = append(out[ent], ref)
			}
			return rows.Err()
		}()
		if err != nil {
			return nil, fmt.Errorf("members: %w", err)
		}
	}
	for _, refs := range out {
		slices.SortFunc(refs, CompareRefs)
	}
	return out, nil
}

// EntityDigits is the width of the number in an entity id ("P" and nine
// digits): fixed, so that ids of one prefix sort as their numbers do and
// the highest is one index lookup away, and enough for every person and
// animal of a country.
const EntityDigits = 9

// MaxEntityNumber returns the highest N among the entity ids made of prefix
// followed by EntityDigits decimal digits (such as "P000000042" for prefix
// "P"), or 0 when there is none, so that the resolver can number new
// entities on. Merged and retired entities count: ids are never reused.
func (s *Store) MaxEntityNumber(ctx context.Context, prefix string) (int64, error) {
	// The primary key is walked backwards from the end of the prefix's
	// range; the first id of the right width is the highest.
	q, args := `SELECT entity_id FROM entities WHERE entity_id >= ?`, []any{prefix}
	if hi, ok := prefixEnd(prefix); ok {
		q += ` AND entity_id < ?`
		args = append(args, hi)
	}
	q += ` AND length(entity_id) = ? ORDER BY entity_id DESC LIMIT 1`
	args = append(args, len(prefix)+EntityDigits)
	var id string
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(q), args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("max entity number %q: %w", prefix, err)
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(id, prefix), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("max entity number %q: id %q is not the prefix and digits", prefix, id)
	}
	return n, nil
}

// prefixEnd returns the least string above every string that starts with
// prefix, when it is short to write: prefix with its last byte incremented,
// for an ASCII last byte.
func prefixEnd(prefix string) (string, bool) {
	if prefix == "" {
		return "", false
	}
	last := prefix[len(prefix)-1]
	if last >= 0x7f {
		return "", false
	}
	return prefix[:len(prefix)-1] + string(rune(last+1)), true
}

// ResolveState returns the stored model and watermark of an entity kind:
// nil, 0 and no error when the kind was never resolved.
func (s *Store) ResolveState(ctx context.Context, kind string) (model []byte, watermark int64, err error) {
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT model, watermark FROM resolve_state WHERE kind = ?`), kind).
		Scan(jsonValue{&model}, &watermark)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("resolve state %s: %w", kind, err)
	}
	return model, watermark, nil
}

// ResolveWatermark returns a kind's watermark and when its model was
// trained (zero when never), without the model itself: a resolver that
// holds the model in memory reads only this to know it is still current.
func (s *Store) ResolveWatermark(ctx context.Context, kind string) (watermark int64, trainedAt time.Time, err error) {
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT watermark, trained_at FROM resolve_state WHERE kind = ?`), kind).
		Scan(&watermark, timeValue{&trainedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("resolve watermark %s: %w", kind, err)
	}
	return watermark, trainedAt, nil
}

// Lineage returns the events of an entity, those where it is EntityID and
// those where it is OtherID, oldest first.
func (s *Store) Lineage(ctx context.Context, entityID string) ([]LineageEvent, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`
		SELECT at, run_id, action, entity_id, other_id, source_id, record_id, probability, reason
		FROM entity_lineage WHERE entity_id = ? OR other_id = ? ORDER BY id`), entityID, entityID)
	if err != nil {
		return nil, fmt.Errorf("lineage %s: %w", entityID, err)
	}
	defer rows.Close()
	var out []LineageEvent
	for rows.Next() {
		var (
			e     LineageEvent
			other sql.NullString
			src   sql.NullInt64
			rec   sql.NullString
			prob  sql.NullFloat64
		)
		if err := rows.Scan(timeValue{&e.At}, &e.RunID, &e.Action, &e.EntityID, &other, &src, &rec, &prob, &e.Reason); err != nil {
			return nil, fmt.Errorf("lineage %s: %w", entityID, err)
		}
		e.OtherID, e.Probability = other.String, prob.Float64
		if src.Valid {
			e.Ref = &RecordRef{SourceID: src.Int64, RecordID: rec.String}
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lineage %s: %w", entityID, err)
	}
	return out, nil
}

// maxMergeChain bounds how many merges EntityOf follows, against a cycle.
const maxMergeChain = 64

// EntityOf follows merged_into from entityID to the entity that absorbed it
// and returns that entity's id: entityID itself when it was never merged
// (retired or not). It returns an error wrapping ErrNotFound for an unknown
// id, and an error for a chain of merges that loops.
func (s *Store) EntityOf(ctx context.Context, entityID string) (string, error) {
	id := entityID
	for range maxMergeChain {
		var next sql.NullString
		err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT merged_into FROM entities WHERE entity_id = ?`), id).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("entity %s: %w", id, ErrNotFound)
		}
		if err != nil {
			return "", fmt.Errorf("entity of %s: %w", entityID, err)
		}
		if !next.Valid {
			return id, nil
		}
		id = next.String
	}
	return "", fmt.Errorf("entity of %s: more than %d merges: a cycle?", entityID, maxMergeChain)
}

// ApplyResolve applies ch in one transaction: everything or, on any error,
// nothing. It records a resolve run and returns its id, which it also
// stamps on the lineage events whose RunID is 0. The stored state of
// ch.Kind gets ch.Watermark and, when ch.Model is non-nil, the new model.
//
// Every entity that Members and Merges point to must exist once
// NewEntities are added, or the run fails with an error wrapping
// ErrNotFound. Rows go in bulk: multi-row INSERTs on SQLite and, for large
// slices, COPY on PostgreSQL; deletions go by source, refChunk records at a
// time, or through COPY for large slices on PostgreSQL.
//
// ApplyResolve checks that the stored state is still the one the resolver
// started from only through ch.AfterRun.
func (s *Store) ApplyResolve(ctx context.Context, ch ResolveChanges) (int64, error) {
	if err := ch.validate(); err != nil {
		return 0, fmt.Errorf("apply resolve %s: %w", ch.Kind, err)
	}
	a, err := s.beginApply(ctx)
	if err != nil {
		return 0, fmt.Errorf("apply resolve %s: %w", ch.Kind, err)
	}
	defer a.rollback()
	a.progress = ch.Progress
	id, err := a.apply(ctx, &ch)
	if err != nil {
		return 0, fmt.Errorf("apply resolve %s: %w", ch.Kind, err)
	}
	return id, nil
}

// ErrResolvedMeanwhile says another resolve run of the kind committed after
// the resolver read the store: its changes were not applied, and resolving
// again starts from the new state.
var ErrResolvedMeanwhile = errors.New("another resolve run of this kind committed meanwhile")

// resolveLockKey is the first half of PostgreSQL's advisory lock on a
// kind's resolve runs; the second is a hash of the schema and the kind.
const resolveLockKey = 0x72736c76 // "rslv"

// checkAfterRun fails with ErrResolvedMeanwhile unless after is still the
// kind's last resolve run. SQLite's write transaction is exclusive from its
// start; on PostgreSQL two transactions could both read the same last run,
// so the check holds a lock per kind until the transaction ends.
func (a *applyTx) checkAfterRun(ctx context.Context, kind string, after int64) error {
	d := a.s.dialect
	if d == postgresDialect {
		if _, err := a.conn.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || ':' || $2))`,
			int32(resolveLockKey), kind); err != nil {
			return fmt.Errorf("lock %s resolve runs: %w", kind, err)
		}
	}
	var last int64
	if err := a.conn.QueryRowContext(ctx, d.rebind(`SELECT COALESCE(MAX(id), 0) FROM resolve_runs WHERE kind = ?`), kind).Scan(&last); err != nil {
		return fmt.Errorf("last %s resolve run: %w", kind, err)
	}
	if last != after {
		return fmt.Errorf("run %d, read after run %d: %w", last, after, ErrResolvedMeanwhile)
	}
	return nil
}

// validate checks what the database would otherwise reject late, or not at all.
func (ch *ResolveChanges) validate() error {
	if !validKind(ch.Kind) {
		return fmt.Errorf("kind %q: want lower-case letters, digits, '_' or '-'", ch.Kind)
	}
	if ch.Mode != "full" && ch.Mode != "incremental" {
		return fmt.Errorf("mode %q: want full or incremental", ch.Mode)
	}
	for _, id := range ch.NewEntities {
		if id == "" {
			return errors.New("new entity with an empty id")
		}
	}
	for _, m := range ch.Members {
		if m.EntityID == "" {
			return fmt.Errorf("member %d:%s: empty entity id", m.SourceID, m.RecordID)
		}
	}
	for _, m := range ch.Merges {
		if m.From == "" || m.Into == "" || m.From == m.Into {
			return fmt.Errorf("merge %q into %q: want two different entities", m.From, m.Into)
		}
	}
	for _, e := range ch.Lineage {
		switch e.Action {
		case ActionCreate, ActionAttach, ActionMerge, ActionSplit, ActionDetach, ActionRetire:
		default:
			return fmt.Errorf("lineage of %s: unknown action %q", e.EntityID, e.Action)
		}
		if e.EntityID == "" {
			return fmt.Errorf("lineage %s: empty entity id", e.Action)
		}
	}
	if ch.Model != nil && !json.Valid(ch.Model) {
		return errors.New("model is not valid JSON")
	}
	return nil
}

// validKind reports whether kind is a name the store may write as an SQL
// literal: non-empty, lower-case ASCII letters, digits, '_' and '-'.
func validKind(kind string) bool {
	if kind == "" || len(kind) > 64 {
		return false
	}
	for _, c := range []byte(kind) {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// applyTx is one bulk-writing transaction (resolution, golden records,
// quality runs, audit batches): a tx with the run-wide values its
// multi-row INSERTs and COPYs share.
type applyTx struct {
	*tx
	runID int64
	now   time.Time
	// nowSQL is now as an SQL literal, for multi-row INSERTs.
	nowSQL string
	// copied reports whether a COPY ran (PostgreSQL only).
	copied bool
	// progress, when set, is told the rows of each batch written by
	// insert and copyFrom.
	progress func(rows int)
	// memberIndexDropped says that the members' index by entity must be
	// built again before the transaction commits.
	memberIndexDropped bool
}

// wrote tells the progress hook that n more rows were written.
func (a *applyTx) wrote(n int) {
	if a.progress != nil && n > 0 {
		a.progress(n)
	}
}

func (s *Store) beginApply(ctx context.Context) (*applyTx, error) {
	t, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	return newApplyTx(t), nil
}

func newApplyTx(t *tx) *applyTx {
	now := time.Now().UTC().Truncate(time.Microsecond)
	return &applyTx{tx: t, now: now, nowSQL: "'" + now.Format(timeLayout) + "'"}
}

func (a *applyTx) apply(ctx context.Context, ch *ResolveChanges) (int64, error) {
	d := a.s.dialect
	started := ch.Started
	if started.IsZero() {
		started = a.now
	}
	if ch.AfterRun != nil {
		if err := a.checkAfterRun(ctx, ch.Kind, *ch.AfterRun); err != nil {
			return 0, err
		}
	}
	c := ch.Counts
	err := a.conn.QueryRowContext(ctx, d.rebind(`INSERT INTO resolve_runs
		(kind, started_at, finished_at, mode, records, created, attached, merged, split, detached)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		ch.Kind, d.timeArg(started), d.timeArg(a.now), ch.Mode, c.Records, c.Created, c.Attached, c.Merged, c.Split, c.Detached).Scan(&a.runID)
	if err != nil {
		return 0, fmt.Errorf("record run: %w", err)
	}
	steps := []struct {
		what string
		fn   func(context.Context, *ResolveChanges) error
	}{
		{"reset", a.reset},
		{"new entities", a.newEntities},
		{"remove members", a.removeMembers},
		{"members", a.upsertMembers},
		{"member index", a.buildMemberIndex},
		{"check entities", a.checkEntities},
		{"drop keys", a.dropKeys},
		{"keys", a.insertKeys},
		{"merges", a.merge},
		{"retire", a.retire},
		{"lineage", a.insertLineage},
		{"state", a.saveState},
	}
	for _, st := range steps {
		if err := st.fn(ctx, ch); err != nil {
			return 0, fmt.Errorf("%s: %w", st.what, err)
		}
	}
	if a.copied {
		// Tables loaded in bulk have stale statistics until autovacuum
		// catches up; without them the next run's lookups by record plan
		// as sequential scans. ANALYZE counts the rows this transaction
		// wrote.
		if _, err := a.conn.ExecContext(ctx, `ANALYZE entities, entity_members, resolve_record_keys, entity_lineage`); err != nil {
			return 0, fmt.Errorf("analyze: %w", err)
		}
	}
	if _, err := a.exec(ctx, `UPDATE resolve_runs SET finished_at = ? WHERE id = ?`, d.timeArg(time.Now()), a.runID); err != nil {
		return 0, fmt.Errorf("finish run: %w", err)
	}
	if err := a.emit(ctx, resolveEvents(ch, a.runID)); err != nil {
		return 0, err
	}
	if err := a.commit(ctx); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return a.runID, nil
}

func (a *applyTx) reset(ctx context.Context, ch *ResolveChanges) error {
	if !ch.Reset {
		return nil
	}
	srcs, err := sourceInfos(ctx, a.conn)
	if err != nil {
		return err
	}
	if err := a.dropMemberIndex(ctx, ch, srcs); err != nil {
		return fmt.Errorf("drop member index: %w", err)
	}
	for chunk := range slices.Chunk(kindSourceIDs(srcs, ch.Kind), refChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		for _, table := range []string{"entity_members", "resolve_record_keys"} {
			if _, err := a.exec(ctx, `DELETE FROM `+table+` WHERE source_id IN (`+placeholders(len(chunk))+`)`, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *applyTx) newEntities(ctx context.Context, ch *ResolveChanges) error {
	ids := ch.NewEntities
	if a.useCopy(len(ids)) {
		return a.copyEntities(ctx, ch.Kind, ids)
	}
	return a.insert(ctx, `INSERT INTO entities (entity_id, kind, created_at)`,
		`(?, '`+ch.Kind+`', `+a.nowSQL+`)`, 1, "", len(ids),
		func(args []any, i int) []any { return append(args, ids[i]) })
}

func (a *applyTx) removeMembers(ctx context.Context, ch *ResolveChanges) error {
	if a.useCopy(len(ch.Removed)) {
		return a.deleteRefs(ctx, "entity_members", ch.Removed)
	}
	return eachRefChunk(ch.Removed, func(src int64, ids []string) error {
		_, err := a.exec(ctx, `DELETE FROM entity_members WHERE source_id = ? AND record_id IN (`+placeholders(len(ids))+`)`, refArgs(src, ids)...)
		return err
	})
}

// memberUpsert is the ON CONFLICT clause of entity_members: a record moved
// to another entity gets the new link time, a record kept in its entity
// keeps it.
const memberUpsert = `ON CONFLICT (source_id, record_id) DO UPDATE SET
	linked_at = CASE WHEN entity_members.entity_id = excluded.entity_id THEN entity_members.linked_at ELSE excluded.linked_at END,
	entity_id = excluded.entity_id, version = excluded.version`

// memberIndexRows is how many members a Reset writes before SQLite may
// drop entity_members' index by entity and build it again after them.
// Members go in in the table's key order (upsertMembers sorts them), so
// the index takes them at random; once it outgrows the page cache, every
// member costs a page read and a page spilled to the WAL. Building the
// index afterwards sorts its entries once.
var memberIndexRows = 100_000

// memberIndex is entity_members' index by entity as migration 0002 creates
// it; TestApplyResolveRebuildsMemberIndex holds the two together.
const memberIndex = `CREATE INDEX entity_members_entity ON entity_members (entity_id)`

// dropMemberIndex drops entity_members' index by entity, on SQLite, when
// ch writes at least memberIndexRows members and more than the other kinds
// hold: building the index again then costs less than keeping it up. The
// count stops once it reaches ch's members. PostgreSQL keeps its index:
// dropping it would lock every reader out until the run commits.
func (a *applyTx) dropMemberIndex(ctx context.Context, ch *ResolveChanges, srcs map[int64]sourceInfo) error {
	if a.s.dialect != sqliteDialect || len(ch.Members) < memberIndexRows {
		return nil
	}
	var others []any
	for id, si := range srcs {
		if si.kind != ch.Kind {
			others = append(others, id)
		}
	}
	if len(others) > 0 {
		var n int
		err := a.conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM entity_members
			WHERE source_id IN (`+placeholders(len(others))+`) LIMIT ?)`, append(others, len(ch.Members))...).Scan(&n)
		if err != nil {
			return err
		}
		if n >= len(ch.Members) {
			return nil
		}
	}
	if _, err := a.conn.ExecContext(ctx, `DROP INDEX entity_members_entity`); err != nil {
		return err
	}
	a.memberIndexDropped = true
	return nil
}

// buildMemberIndex builds the index dropMemberIndex dropped, once the
// members are in.
func (a *applyTx) buildMemberIndex(ctx context.Context, _ *ResolveChanges) error {
	if !a.memberIndexDropped {
		return nil
	}
	_, err := a.conn.ExecContext(ctx, memberIndex)
	return err
}

func (a *applyTx) upsertMembers(ctx context.Context, ch *ResolveChanges) error {
	ms := lastPerRecord(ch.Members, func(m Membership) RecordRef { return m.RecordRef })
	sortByRef(ms, func(m *Membership) RecordRef { return m.RecordRef })
	if a.useCopy(len(ms)) {
		return a.copyMembers(ctx, ms)
	}
	return a.insert(ctx, `INSERT INTO entity_members (source_id, record_id, entity_id, version, linked_at)`,
		`(?, ?, ?, ?, `+a.nowSQL+`)`, 4, memberUpsert, len(ms),
		func(args []any, i int) []any {
			m := &ms[i]
			return append(args, m.SourceID, m.RecordID, m.EntityID, m.Version)
		})
}

// lastPerRecord drops all but the last element of each record (ref gives
// an element's record): one statement may not upsert a row twice on
// PostgreSQL.
func lastPerRecord[T any](xs []T, ref func(T) RecordRef) []T {
	at := make(map[RecordRef]int, len(xs))
	for i, x := range xs {
		at[ref(x)] = i
	}
	if len(at) == len(xs) {
		return xs
	}
	out := make([]T, 0, len(at))
	for i, x := range xs {
		if at[ref(x)] == i {
			out = append(out, x)
		}
	}
	return out
}

// checkEntities fails unless every entity that a member or a merge points
// to exists: entity_members has no foreign key (see the migration).
func (a *applyTx) checkEntities(ctx context.Context, ch *ResolveChanges) error {
	ids := make([]string, 0, len(ch.Members)+len(ch.Merges))
	for _, m := range ch.Members {
		ids = append(ids, m.EntityID)
	}
	for _, m := range ch.Merges {
		ids = append(ids, m.Into)
	}
	for chunk := range slices.Chunk(distinct(ids), refChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		var n int
		err := a.conn.QueryRowContext(ctx, a.s.dialect.rebind(`SELECT COUNT(*) FROM entities WHERE entity_id IN (`+placeholders(len(chunk))+`)`), args...).Scan(&n)
		if err != nil {
			return err
		}
		if n != len(chunk) {
			return fmt.Errorf("%d of %d entities: %w", len(chunk)-n, len(chunk), ErrNotFound)
		}
	}
	return nil
}

func (a *applyTx) merge(ctx context.Context, ch *ResolveChanges) error {
	if len(ch.Merges) == 0 {
		return nil
	}
	st, err := a.conn.PrepareContext(ctx, a.s.dialect.rebind(`UPDATE entities SET merged_into = ? WHERE entity_id = ?`))
	if err != nil {
		return err
	}
	defer st.Close()
	for _, m := range ch.Merges {
		res, err := st.ExecContext(ctx, m.Into, m.From)
		if err != nil {
			return fmt.Errorf("%s into %s: %w", m.From, m.Into, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("%s into %s: %w", m.From, m.Into, err)
		}
		if n != 1 {
			return fmt.Errorf("%s into %s: entity %s: %w", m.From, m.Into, m.From, ErrNotFound)
		}
	}
	return nil
}

func (a *applyTx) retire(ctx context.Context, ch *ResolveChanges) error {
	for chunk := range slices.Chunk(distinct(ch.Retired), refChunk) {
		args := make([]any, 0, len(chunk)+1)
		args = append(args, a.s.dialect.timeArg(a.now))
		for _, id := range chunk {
			args = append(args, id)
		}
		res, err := a.exec(ctx, `UPDATE entities SET retired_at = COALESCE(retired_at, ?) WHERE entity_id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n != int64(len(chunk)) {
			return fmt.Errorf("%d of %d entities: %w", int64(len(chunk))-n, len(chunk), ErrNotFound)
		}
	}
	return nil
}

// lineageRow is the column values of one lineage event, in lineageColumns
// order.
func (a *applyTx) lineageRow(args []any, e *LineageEvent) []any {
	at := e.At
	if at.IsZero() {
		at = a.now
	}
	run := e.RunID
	if run == 0 {
		run = a.runID
	}
	var other, src, rec, p any
	if e.OtherID != "" {
		other = e.OtherID
	}
	if e.Ref != nil {
		src, rec = e.Ref.SourceID, e.Ref.RecordID
	}
	if e.Probability != 0 {
		p = e.Probability
	}
	return append(args, a.s.dialect.timeArg(at), run, e.Action, e.EntityID, other, src, rec, p, e.Reason)
}

var lineageColumns = []string{"at", "run_id", "action", "entity_id", "other_id", "source_id", "record_id", "probability", "reason"}

func (a *applyTx) insertLineage(ctx context.Context, ch *ResolveChanges) error {
	es := ch.Lineage
	if a.useCopy(len(es)) {
		return a.copyLineage(ctx, es)
	}
	return a.insert(ctx, `INSERT INTO entity_lineage (`+strings.Join(lineageColumns, ", ")+`)`,
		`(?, ?, ?, ?, ?, ?, ?, ?, ?)`, len(lineageColumns), "", len(es),
		func(args []any, i int) []any { return a.lineageRow(args, &es[i]) })
}

func (a *applyTx) saveState(ctx context.Context, ch *ResolveChanges) error {
	d := a.s.dialect
	var model, trained any
	if ch.Model != nil {
		model, trained = string(ch.Model), d.timeArg(a.now)
	}
	_, err := a.exec(ctx, `INSERT INTO resolve_state (kind, model, watermark, trained_at, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (kind) DO UPDATE SET model = COALESCE(excluded.model, resolve_state.model),
			watermark = excluded.watermark, trained_at = COALESCE(excluded.trained_at, resolve_state.trained_at),
			updated_at = excluded.updated_at`,
		ch.Kind, model, ch.Watermark, trained, d.timeArg(a.now))
	return err
}

// copyThreshold is the slice length from which PostgreSQL gets rows by COPY
// rather than by multi-row INSERT.
const copyThreshold = 2000

func (a *applyTx) useCopy(n int) bool {
	use := a.s.dialect == postgresDialect && n >= copyThreshold
	a.copied = a.copied || use
	return use
}

// insertBatchParams bounds the parameters of one multi-row INSERT: SQLite
// allows 32766, PostgreSQL 65535; a few hundred rows per statement is where
// SQLite's speed levels off.
const insertBatchParams = 2000

// insert adds n rows with multi-row INSERTs: head is "INSERT INTO t (cols)",
// row the VALUES tuple of one row, whose perRow placeholders add binds
// (appending row i's values to args) and whose other values are literals,
// and tail what follows the VALUES list (an ON CONFLICT clause, or "").
// Full batches reuse one prepared statement.
//
// On SQLite the statements are INSERT OR FAIL, not the default OR ABORT:
// a multi-row statement that may abort half-way keeps a statement journal
// of every page it changes, which made up four tenths of a quality run's
// time. A failed statement then leaves the rows before the failing one in
// place, so a caller MUST NOT go on with its transaction after an error
// from insert: it rolls back, as every caller does.
func (a *applyTx) insert(ctx context.Context, head, row string, perRow int, tail string, n int, add func(args []any, i int) []any) error {
	if n == 0 {
		return nil
	}
	if a.s.dialect == sqliteDialect {
		head = strings.Replace(head, "INSERT INTO ", "INSERT OR FAIL INTO ", 1)
	}
	batch := max(1, insertBatchParams/perRow)
	stmt := func(rows int) string {
		return a.s.dialect.rebind(head + ` VALUES ` + strings.TrimSuffix(strings.Repeat(row+",", rows), ",") + ` ` + tail)
	}
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, batch*perRow)
	for lo := 0; lo < n; lo += batch {
		hi := min(n, lo+batch)
		args = args[:0]
		for i := lo; i < hi; i++ {
			args = add(args, i)
		}
		var err error
		if hi-lo < batch {
			_, err = a.conn.ExecContext(ctx, stmt(hi-lo), args...)
		} else {
			if full == nil {
				if full, err = a.conn.PrepareContext(ctx, stmt(batch)); err != nil {
					return err
				}
			}
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return err
		}
		a.wrote(hi - lo)
	}
	return nil
}

// refChunk is how many values one IN list carries.
const refChunk = 500

// eachRefChunk calls fn with the distinct record ids of each source among
// refs, at most refChunk at a time, sources in order.
func eachRefChunk(refs []RecordRef, fn func(src int64, ids []string) error) error {
	if len(refs) == 0 {
		return nil
	}
	seen := make(map[RecordRef]struct{}, len(refs))
	bySrc := make(map[int64][]string)
	for _, r := range refs {
		if _, dup := seen[r]; dup {
			continue
		}
		seen[r] = struct{}{}
		bySrc[r.SourceID] = append(bySrc[r.SourceID], r.RecordID)
	}
	srcs := make([]int64, 0, len(bySrc))
	for src := range bySrc {
		srcs = append(srcs, src)
	}
	slices.Sort(srcs)
	for _, src := range srcs {
		for ids := range slices.Chunk(bySrc[src], refChunk) {
			if err := fn(src, ids); err != nil {
				return err
			}
		}
	}
	return nil
}

// distinct returns ids without repeats, in first-seen order.
func distinct(ids []string) []string {
	seen := make(map[string]struct{}, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if _, dup := seen[id]; !dup {
			seen[id] = struct{}{}
			out = append(out, id)
		}
	}
	return out
}

// refArgs is the arguments of "source_id = ? AND record_id IN (?, …)".
func refArgs(src int64, ids []string) []any {
	args := make([]any, 0, len(ids)+1)
	args = append(args, src)
	for _, id := range ids {
		args = append(args, id)
	}
	return args
}

// placeholders is "?, ?, …" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// sortByRef sorts xs by record (ref gives an element's), so that rows go
// into a table keyed by record in the table's order; it does nothing to xs
// already in order.
func sortByRef[T any](xs []T, ref func(*T) RecordRef) {
	byRef := func(a, b T) int { return CompareRefs(ref(&a), ref(&b)) }
	if !slices.IsSortedFunc(xs, byRef) {
		slices.SortFunc(xs, byRef)
	}
}

// CompareRefs orders records as the store's keys do: by source id, then by
// the bytes of the record id.
func CompareRefs(a, b RecordRef) int {
	return cmp.Or(cmp.Compare(a.SourceID, b.SourceID), strings.Compare(a.RecordID, b.RecordID))
}
