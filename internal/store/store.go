// Package store keeps everything ortaq knows: agencies, their information
// systems, ingest runs, append-only record versions and the quarantine. It is
// the only package that speaks SQL. One Store serves both the embedded SQLite
// default and PostgreSQL; the SQL is portable, with per-dialect migrations and
// a per-dialect bulk path (multi-row INSERT on SQLite, COPY on PostgreSQL).
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// DefaultDSN is where ortaq keeps its data when --db is not given.
const DefaultDSN = "sqlite:./ortaq-data/ortaq.db"

// Errors with an errors.Is contract. HTTP handlers map ErrNotFound to 404,
// ErrInvalid to 400 and ErrSchemaOutdated to 503.
var (
	ErrNotFound = errors.New("not found")
	// ErrInvalid: the caller asked for something the store refuses
	// whatever its data (a status that cannot be set by hand, a decision
	// with no officer).
	ErrInvalid        = errors.New("invalid request")
	ErrSchemaOutdated = errors.New("database schema is outdated: run 'ortaq migrate'")
)

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	// db serves reads, and on PostgreSQL everything. Its size is bounded
	// (see Open): an unbounded pool grows with the requests in flight, and
	// a thousand concurrent exchange clients held 900 SQLite connections,
	// each with its own page cache and prepared statements, while
	// throughput fell to a fraction of what 48 clients got.
	db *sql.DB
	// w serves writes: transactions (begin) and single-statement writes.
	// On SQLite it is a pool of one connection of its own, so that writers
	// wait their turn in order, without holding a reader's connection,
	// instead of polling SQLite's lock in the busy handler. On PostgreSQL,
	// which locks rows, it is db.
	w       *sql.DB
	dialect dialect
	// where is the DSN with any password removed, for messages.
	where string
	// stopCheckpoints ends the SQLite checkpointer and waits for it.
	stopCheckpoints func()
	// stmts caches prepared statements by query text (see queryPrepared).
	stmts sync.Map
	// dicts caches the sources' attribute names (versions_attrs.go).
	dicts attrDicts
	// changes counts the writes through this store that move counts over
	// findings and golden records outside a quality run (see Changes).
	changes atomic.Uint64
	// ledger is the ledger's committer, started on first use (see
	// ledger_commit.go).
	ledgerOnce sync.Once
	ledger     atomic.Pointer[ledgerCommitter]
}

// Changes counts the writes made through this store, outside quality
// runs, that change counts over findings and golden records: finding
// statuses set and corrections decided. A cache of such counts compares
// it, with the latest quality run, to know it is stale.
func (s *Store) Changes() uint64 { return s.changes.Load() }

// Open connects to the database named by dsn: "sqlite:PATH" (the directory
// is created), a plain file path without a ':' (the same), or a
// "postgres://" / "postgresql://" URL. It does not migrate; call Migrate or
// CheckSchema next.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var (
		db, w *sql.DB
		d     dialect
		err   error
	)
	// A name with a ':' may be a URL of another database, mistyped or
	// unsupported: it is refused, never created as a file.
	if dsn != "" && !strings.Contains(dsn, ":") {
		dsn = "sqlite:" + dsn
	}
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, fmt.Errorf("open %q: empty sqlite path", dsn)
		}
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("open %q: %w", dsn, err)
		}
		file := "file:" + path + "?" + sqlitePragmas()
		db, err = sql.Open("sqlite", file)
		if err == nil {
			w, err = sql.Open("sqlite", file)
		}
		d = sqliteDialect
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err = sql.Open("pgx", dsn)
		w = db
		d = postgresDialect
	default:
		return nil, fmt.Errorf("open %q: unknown database; use sqlite:PATH, a file path or postgres://…", redact(dsn))
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", redact(dsn), err)
	}
	s := &Store{db: db, w: w, dialect: d, where: redact(dsn)}
	s.SetMaxConns(0)
	if w != db {
		// One writer at a time is all SQLite allows; kept open, so that a
		// write does not first read the schema on a new connection.
		w.SetMaxOpenConns(1)
		w.SetMaxIdleConns(1)
		w.SetConnMaxIdleTime(0)
	}
	if err := errors.Join(db.PingContext(ctx), w.PingContext(ctx)); err != nil {
		s.closePools()
		return nil, fmt.Errorf("open %s: %w", s.where, err)
	}
	if d == sqliteDialect {
		s.startCheckpoints()
	}
	return s, nil
}

// createPrivate creates a SQLite database's directory (0700) and file
// (0600) unless they exist, whatever the umask: the file holds every
// citizen's records, and SQLite gives its -wal and -shm files the
// database file's mode. An existing directory or file keeps the mode its
// operator gave it.
func createPrivate(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return err
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SetMaxConns bounds the connections the store opens for reads (on
// SQLite, where one more connection writes) or in all (on PostgreSQL) to
// n; n <= 0 restores the default, DefaultMaxConns. Callers beyond the
// bound wait for a connection in turn. The bound must leave room for what
// holds a connection for long: the audit writer keeps one for good.
func (s *Store) SetMaxConns(n int) {
	if n <= 0 {
		n = DefaultMaxConns(s.dialect.name)
	}
	s.db.SetMaxOpenConns(n)
	// database/sql keeps only two idle connections by default, so a
	// server answering dozens of requests at once would close and reopen
	// connections all the time: for SQLite that re-reads the schema and
	// the pragmas, for PostgreSQL it starts a backend. Keep them all.
	s.db.SetMaxIdleConns(n)
	s.db.SetConnMaxIdleTime(5 * time.Minute)
}

// DefaultMaxConns is the size of a store's connection pool for dialect
// ("sqlite" or "postgres") unless SetMaxConns says otherwise. SQLite's
// reads run in this process and are CPU-bound, so a few connections per
// core keep every core busy (more only add page caches and contention); a
// PostgreSQL backend also waits on its own disk and network, so its pool
// is larger, and stays well under the server's default max_connections
// (100).
func DefaultMaxConns(dialect string) int {
	if dialect == sqliteDialect.name {
		return max(8, 2*runtime.GOMAXPROCS(0))
	}
	return max(16, 4*runtime.GOMAXPROCS(0))
}

// checkpointEvery is how often the SQLite checkpointer copies the WAL
// into the database file.
const checkpointEvery = 500 * time.Millisecond

// maxWALFrames is the WAL length (in pages) past which the checkpointer
// also restarts the WAL: 16,384 pages of 4 KiB, 64 MiB.
const maxWALFrames = 16384

// startCheckpoints moves SQLite's WAL checkpoints off the writers: with
// automatic checkpoints, the commit that crosses the WAL's size limit also
// copies the WAL back and syncs the file, which turns a 2 ms commit (one
// record resolved, one record pushed) into a 10 ms one. A passive
// checkpoint in the background does the same work without holding up a
// writer.
//
// A passive checkpoint never starts the WAL over while readers are at work,
// and a server answering queries always has some: under steady load the
// WAL grew by 11 MB a second, without end, and every read got slower as
// it looked pages up in it. Past maxWALFrames the checkpointer restarts
// the WAL, which waits for the readers of older snapshots and holds
// writers back while it copies what is left: a stall of up to a few
// hundred milliseconds every 64 MiB of writes, the price of a WAL that
// stays bounded (TRUNCATE, which also shrinks the file, stalled longer).
func (s *Store) startCheckpoints() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(checkpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := s.checkpointWAL(ctx); err != nil && ctx.Err() == nil {
					slog.Warn("sqlite checkpoint failed", "db", s.where, "err", err)
				}
			}
		}
	}()
	s.stopCheckpoints = func() {
		cancel()
		<-done
	}
}

// checkpointWAL runs one passive checkpoint, and a restarting one when the
// WAL has grown past maxWALFrames.
func (s *Store) checkpointWAL(ctx context.Context) error {
	var busy, frames, copied int
	if err := s.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &copied); err != nil {
		return err
	}
	if frames < maxWALFrames {
		return nil
	}
	return s.restartWAL(ctx)
}

// restartBusyTimeout is how long a WAL restart waits for readers of older
// snapshots. Writers wait while it does, so it gives up soon and tries
// again at the next tick: a long read (a quality run's scan) must not stall
// the exchange's audit writes for the whole busy timeout.
const restartBusyTimeout = 100 * time.Millisecond

// restartWAL checkpoints the whole WAL and has the next writer start it
// over, waiting at most restartBusyTimeout for readers.
func (s *Store) restartWAL(ctx context.Context) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, restartBusyTimeout.Milliseconds())); err != nil {
		return err
	}
	var busy, frames, copied int
	err = conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(RESTART)`).Scan(&busy, &frames, &copied)
	// The connection goes back to the pool: give it back its own timeout.
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA busy_timeout = %d`, busyTimeout.Milliseconds())); rerr != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
	return err
}

// busyTimeout is how long a SQLite writer waits for another to finish,
// such as an ingest run holding the write lock.
const busyTimeout = 60 * time.Second

// sqlitePragmas configures every SQLite connection:
//   - WAL lets readers (the web server) go on while an ingest run holds the
//     write lock; synchronous=NORMAL is durable in WAL mode up to the last
//     checkpoint-free commit, the documented trade-off for WAL. Checkpoints
//     run in the background (startCheckpoints), not in a writer's commit.
//   - A busy timeout makes a second writer wait for a running ingest instead
//     of failing at once.
//   - _txlock=immediate takes the write lock at BEGIN, so that two
//     read-then-write transactions cannot deadlock.
func sqlitePragmas() string {
	p := []string{
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(NORMAL)",
		"_pragma=wal_autocheckpoint(0)",
		fmt.Sprintf("_pragma=busy_timeout(%d)", busyTimeout.Milliseconds()),
		"_pragma=foreign_keys(1)",
		"_pragma=cache_size(-131072)",
		"_pragma=temp_store(memory)",
		"_txlock=immediate",
	}
	return strings.Join(p, "&")
}

// Checkpoint copies SQLite's write-ahead log into the database file and
// empties it, as after a bulk load, so that the next writes do not share
// the disk with the background checkpointer catching up. PostgreSQL needs
// nothing.
func (s *Store) Checkpoint(ctx context.Context) error {
	if s.dialect != sqliteDialect {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return fmt.Errorf("checkpoint %s: %w", s.where, err)
	}
	return nil
}

// Close commits the ledger batches already handed over, stops the
// checkpointer and releases the connections; closing the
// last SQLite connection checkpoints what is left.
func (s *Store) Close() error {
	s.stopLedger()
	if s.stopCheckpoints != nil {
		s.stopCheckpoints()
	}
	s.closeStatements()
	return s.closePools()
}

func (s *Store) closePools() error {
	err := s.db.Close()
	if s.w != s.db {
		err = errors.Join(err, s.w.Close())
	}
	return err
}

// Dialect names the database behind the store: "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// String describes the database without credentials.
func (s *Store) String() string { return s.where }

// redact removes a password from a URL-shaped DSN.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
