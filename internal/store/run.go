package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Version is one stored version of a record.
type Version struct {
	RecordID   string
	Version    int
	Deleted    bool
	Attrs      []byte // JSON object: canonical attribute -> value
	Invalid    []byte // JSON object: field -> reason; nil when every field is valid
	Raw        []byte // JSON object: column -> value, as received
	Hash       [16]byte
	Line       int
	ObservedAt time.Time
	LoadedAt   time.Time // set by the run; ignored on insert
	RunID      int64     // set by the run; ignored on insert
}

// Latest is what an ingest run needs to know of a record's last version.
type Latest struct {
	Version int
	Hash    [16]byte
	Deleted bool
}

// Quarantined is a row that could not be stored, with where it came from and why.
type Quarantined struct {
	RunID  int64
	Source string
	File   string
	Line   int
	Code   string
	Field  string
	Reason string
	Raw    string
}

// RunCounts are the totals of a run. Rows = Stored + Unchanged + Quarantined
// always holds; Deleted counts versions added for records missing from a
// full extract; Flagged counts stored versions with at least one invalid field.
type RunCounts struct {
	Rows, Stored, Unchanged, Quarantined, Deleted, Flagged int
	// Live is the number of records of the source whose last version is not
	// deleted, after this run.
	Live int
}

// Run is one ingest run of one source. It is a single database transaction on
// a dedicated connection: nothing it writes is visible until Commit, and an
// error, an Abort or a crash before Commit leaves the store exactly as it was.
// Runs of the same source are serialised (SQLite: one writer at a time;
// PostgreSQL: a row lock on the source). A Run is not safe for concurrent use.
type Run struct {
	ID       int64
	SourceID int64
	store    *Store
	*tx
	loadedAt time.Time
	// file, mode and push (the push queue's id, if any) go into the run's
	// records.stored event.
	file, mode, push string
	// sqliteInsert caches the multi-row INSERT, whose run-wide values are
	// literals: fewer bound parameters is most of SQLite's bulk speed.
	sqliteInsert *sql.Stmt
	// failed is set when storing versions failed: the run can only abort.
	failed bool
	// names numbers the source's attribute names (versions_attrs.go), raw
	// gathers the raw rows into blocks (versions_raw.go).
	names *attrWriter
	raw   rawWriter
	// observed is the observation time of the run's first version, kept
	// with the run: versions observed then store NULL (most runs observe
	// all their rows at the extract's date).
	observed    time.Time
	hasObserved bool
	// rows and attrBuf are AddVersions' scratch.
	rows    []versionRow
	attrBuf []byte
}

// versionRow is a version in its stored form.
type versionRow struct {
	attrs    []byte
	raw      any // raw_ref, or nil
	observed any // observed_at, or nil for the run's
}

// sqliteBatch is how many versions one SQLite INSERT statement carries.
const sqliteBatch = 200

// BeginRun starts a run of the source reading file (a path, or a label such
// as "api" for pushes) in mode "full" or "delta".
func (s *Store) BeginRun(ctx context.Context, sourceID int64, file, mode string) (*Run, error) {
	// On SQLite the write lock is taken now rather than on the first
	// insert, so that the latest versions the run reads cannot change
	// before it commits.
	t, err := s.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin run: %w", err)
	}
	r := &Run{SourceID: sourceID, store: s, tx: t, loadedAt: time.Now().UTC().Truncate(time.Microsecond), file: file, mode: mode}
	if s.dialect == postgresDialect {
		var id int64
		if err := t.QueryRowContext(ctx, `SELECT id FROM sources WHERE id = $1 FOR UPDATE`, sourceID).Scan(&id); err != nil {
			r.Abort()
			return nil, fmt.Errorf("begin run: lock source %d: %w", sourceID, err)
		}
	}
	err = t.QueryRowContext(ctx, s.dialect.rebind(`
		INSERT INTO ingest_runs (source_id, file, mode, started_at) VALUES (?, ?, ?, ?) RETURNING id`),
		sourceID, file, mode, s.dialect.timeArg(r.loadedAt)).Scan(&r.ID)
	if err != nil {
		r.Abort()
		return nil, fmt.Errorf("begin run: %w", err)
	}
	return r, nil
}

// PreviousLive is the number of live records of the source after its last
// committed run (0 before the first).
func (r *Run) PreviousLive(ctx context.Context) (int, error) {
	var n int
	err := r.conn.QueryRowContext(ctx, r.store.dialect.rebind(`SELECT live_records FROM ingest_runs
		WHERE source_id = ? AND id <> ? AND finished_at IS NOT NULL ORDER BY id DESC LIMIT 1`), r.SourceID, r.ID).Scan(&n)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("run %d: previous live count: %w", r.ID, err)
	}
	return n, nil
}

// LoadedAt is the load time stamped on every version of the run.
func (r *Run) LoadedAt() time.Time { return r.loadedAt }

// Latest returns the last version of each record of the source. With ids
// nil it returns every record (a full extract needs them all to find the
// ones that disappeared); otherwise only those ids, in batched queries.
func (r *Run) Latest(ctx context.Context, ids []string) (map[string]Latest, error) {
	out := make(map[string]Latest, len(ids))
	scan := func(rows *sql.Rows) error {
		defer rows.Close()
		for rows.Next() {
			var (
				id      string
				l       Latest
				hash    []byte
				deleted bool
			)
			if err := rows.Scan(&id, &l.Version, &hash, &deleted); err != nil {
				return err
			}
			copy(l.Hash[:], hash)
			l.Deleted = deleted
			if prev, ok := out[id]; !ok || l.Version > prev.Version {
				out[id] = l
			}
		}
		return rows.Err()
	}
	const q = `SELECT record_id, version, hash, deleted FROM record_versions WHERE source_id = ?`
	if ids == nil {
		rows, err := r.conn.QueryContext(ctx, r.store.dialect.rebind(q), r.SourceID)
		if err != nil {
			return nil, fmt.Errorf("latest versions: %w", err)
		}
		if err := scan(rows); err != nil {
			return nil, fmt.Errorf("latest versions: %w", err)
		}
		return out, nil
	}
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		args := make([]any, 0, n+1)
		args = append(args, r.SourceID)
		for _, id := range ids[:n] {
			args = append(args, id)
		}
		rows, err := r.conn.QueryContext(ctx, r.store.dialect.rebind(q+` AND record_id IN (?`+strings.Repeat(",?", n-1)+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("latest versions: %w", err)
		}
		if err := scan(rows); err != nil {
			return nil, fmt.Errorf("latest versions: %w", err)
		}
		ids = ids[n:]
	}
	return out, nil
}

// AddVersions appends versions to the run. Version numbers are the caller's:
// one more than the record's Latest, or 1 for a new record.
func (r *Run) AddVersions(ctx context.Context, vs []Version) error {
	if len(vs) == 0 {
		return nil
	}
	if err := r.encode(ctx, vs); err != nil {
		return fmt.Errorf("run %d: store versions: %w", r.ID, err)
	}
	// The raw blocks are compressed while the versions are inserted.
	compressed := make(chan error, 1)
	go func() { compressed <- r.raw.compress(r.raw.full) }()
	var err error
	if r.store.dialect == postgresDialect {
		err = r.copyVersions(ctx, vs)
	} else {
		err = r.insertVersionsSQLite(ctx, vs)
	}
	if cerr := <-compressed; err == nil {
		err = cerr
	}
	if err == nil {
		err = r.raw.store(ctx, r.tx, r.ID)
	}
	if err != nil {
		// The versions before the failing one may be in place (INSERT OR
		// FAIL, see applyTx.insert): the run can only be rolled back.
		r.failed = true
		return fmt.Errorf("run %d: store versions: %w", r.ID, err)
	}
	return nil
}

// encode puts vs in their stored form in r.rows: compact attributes, raw
// rows queued into blocks, observation times that differ from the run's.
func (r *Run) encode(ctx context.Context, vs []Version) error {
	if r.names == nil {
		w, err := newAttrWriter(ctx, r.tx, r.SourceID)
		if err != nil {
			return err
		}
		r.names = w
	}
	if !r.hasObserved {
		r.observed, r.hasObserved = vs[0].ObservedAt, true
	}
	r.rows = r.rows[:0]
	r.attrBuf = r.attrBuf[:0]
	ends := make([]int, 0, len(vs))
	for i := range vs {
		v := &vs[i]
		var err error
		if r.attrBuf, err = encodeAttrs(ctx, r.attrBuf, v.Attrs, r.names); err != nil {
			return fmt.Errorf("record %s: %w", v.RecordID, err)
		}
		ends = append(ends, len(r.attrBuf))
		ref, err := r.raw.add(v.Raw)
		if err != nil {
			return err
		}
		row := versionRow{raw: ref}
		if !v.ObservedAt.Equal(r.observed) {
			row.observed = r.store.dialect.timeArg(v.ObservedAt)
		}
		r.rows = append(r.rows, row)
	}
	// Slices are cut once the buffer stops growing.
	start := 0
	for i, end := range ends {
		r.rows[i].attrs = r.attrBuf[start:end:end]
		start = end
	}
	return nil
}

func (r *Run) insertVersionsSQLite(ctx context.Context, vs []Version) error {
	if r.sqliteInsert == nil {
		st, err := r.conn.PrepareContext(ctx, r.sqliteInsertSQL(sqliteBatch))
		if err != nil {
			return err
		}
		r.sqliteInsert = st
	}
	args := make([]any, 0, sqliteBatch*9)
	appendArgs := func(i int) {
		v, row := &vs[i], &r.rows[i]
		args = append(args, v.RecordID, v.Version, v.Deleted, row.attrs, nullJSON(v.Invalid), row.raw, v.Hash[:], v.Line, row.observed)
	}
	i := 0
	for ; len(vs)-i >= sqliteBatch; i += sqliteBatch {
		args = args[:0]
		for j := i; j < i+sqliteBatch; j++ {
			appendArgs(j)
		}
		if _, err := r.sqliteInsert.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	if i == len(vs) {
		return nil
	}
	args = args[:0]
	for j := i; j < len(vs); j++ {
		appendArgs(j)
	}
	_, err := r.conn.ExecContext(ctx, r.sqliteInsertSQL(len(vs)-i), args...)
	return err
}

// sqliteInsertSQL is an INSERT of n versions in which the run-wide values
// (source, run) are literals; OR FAIL for the reason applyTx.insert gives.
func (r *Run) sqliteInsertSQL(n int) string {
	row := fmt.Sprintf("(%d, ?, ?, %d, ?, ?, ?, ?, ?, ?, ?)", r.SourceID, r.ID)
	return `INSERT OR FAIL INTO record_versions
	(source_id, record_id, version, run_id, deleted, attrs, invalid, raw_ref, hash, line, observed_at) VALUES ` +
		strings.TrimSuffix(strings.Repeat(row+",", n), ",")
}

// nullJSON stores an absent JSON document as SQL NULL.
func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// AddQuarantine records rows that could not be stored.
func (r *Run) AddQuarantine(ctx context.Context, qs []Quarantined) error {
	if len(qs) == 0 {
		return nil
	}
	if r.store.dialect == postgresDialect {
		if err := r.copyQuarantine(ctx, qs); err != nil {
			return fmt.Errorf("run %d: quarantine: %w", r.ID, err)
		}
		return nil
	}
	st, err := r.conn.PrepareContext(ctx, `INSERT INTO quarantine (run_id, source_id, file, line, code, field, reason, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("run %d: quarantine: %w", r.ID, err)
	}
	defer st.Close()
	for _, q := range qs {
		if _, err := st.ExecContext(ctx, r.ID, r.SourceID, q.File, q.Line, q.Code, q.Field, q.Reason, q.Raw); err != nil {
			return fmt.Errorf("run %d: quarantine line %d: %w", r.ID, q.Line, err)
		}
	}
	return nil
}

// Commit records the run's totals and makes everything it wrote visible at once.
func (r *Run) Commit(ctx context.Context, c RunCounts) error {
	if r.done {
		return fmt.Errorf("run %d: already finished", r.ID)
	}
	if r.failed {
		r.Abort()
		return fmt.Errorf("run %d: storing versions failed earlier; nothing was stored", r.ID)
	}
	if c.Rows != c.Stored+c.Unchanged+c.Quarantined {
		r.Abort()
		return fmt.Errorf("run %d: counts do not add up: %d rows != %d stored + %d unchanged + %d quarantined",
			r.ID, c.Rows, c.Stored, c.Unchanged, c.Quarantined)
	}
	d := r.store.dialect
	err := r.raw.seal()
	if err == nil {
		err = r.raw.write(ctx, r.tx, r.ID)
	}
	if err != nil {
		r.Abort()
		return fmt.Errorf("run %d: commit: %w", r.ID, err)
	}
	var observed any
	if r.hasObserved {
		observed = d.timeArg(r.observed)
	}
	_, err = r.conn.ExecContext(ctx, d.rebind(`UPDATE ingest_runs SET finished_at = ?, rows = ?, stored = ?, unchanged = ?,
		quarantined = ?, deleted = ?, flagged = ?, live_records = ?, observed_at = ? WHERE id = ?`),
		d.timeArg(time.Now()), c.Rows, c.Stored, c.Unchanged, c.Quarantined, c.Deleted, c.Flagged, c.Live, observed, r.ID)
	if err != nil {
		r.Abort()
		return fmt.Errorf("run %d: commit: %w", r.ID, err)
	}
	r.closeInsert()
	evs, err := r.runEvent(ctx, c)
	if err == nil {
		err = r.emit(ctx, evs)
	}
	if err != nil {
		r.Abort()
		return fmt.Errorf("run %d: commit: %w", r.ID, err)
	}
	if err := r.commit(ctx); err != nil {
		return fmt.Errorf("run %d: commit: %w", r.ID, err)
	}
	return nil
}

// Abort rolls the run back. It is safe to call after Commit (it does nothing),
// so callers can defer it.
func (r *Run) Abort() {
	r.closeInsert()
	r.rollback()
}

// closeInsert drops the cached INSERT before the transaction ends.
func (r *Run) closeInsert() {
	if r.sqliteInsert != nil {
		r.sqliteInsert.Close()
		r.sqliteInsert = nil
	}
}
