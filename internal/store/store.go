// Package store keeps everything ortaq knows: agencies, their information
// systems, ingest runs, append-only record versions and the quarantine. It is
// the only package that speaks SQL. One Store serves both the embedded SQLite
// default and PostgreSQL; the SQL is portable, with per-dialect migrations and
// a per-dialect bulk path (multi-row INSERT on SQLite, COPY on PostgreSQL).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// DefaultDSN is where ortaq keeps its data when --db is not given.
const DefaultDSN = "sqlite:./ortaq-data/ortaq.db"

// Errors with an errors.Is contract. HTTP handlers map ErrNotFound to 404
// and ErrSchemaOutdated to 503.
var (
	ErrNotFound       = errors.New("not found")
	ErrSchemaOutdated = errors.New("database schema is outdated: run 'ortaq migrate'")
)

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect dialect
	// where is the DSN with any password removed, for messages.
	where string
}

// Open connects to the database named by dsn: "sqlite:PATH" (the directory
// is created) or a "postgres://" / "postgresql://" URL. It does not migrate;
// call Migrate or CheckSchema next.
func Open(ctx context.Context, dsn string) (*Store, error) {
	var (
		db  *sql.DB
		d   dialect
		err error
	)
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return nil, fmt.Errorf("open %q: empty sqlite path", dsn)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, fmt.Errorf("open %q: %w", dsn, err)
		}
		db, err = sql.Open("sqlite", "file:"+path+"?"+sqlitePragmas())
		d = sqliteDialect
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err = sql.Open("pgx", dsn)
		d = postgresDialect
	default:
		return nil, fmt.Errorf("open %q: unknown database; use sqlite:PATH or postgres://…", redact(dsn))
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", redact(dsn), err)
	}
	s := &Store{db: db, dialect: d, where: redact(dsn)}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", s.where, err)
	}
	return s, nil
}

// sqlitePragmas configures every SQLite connection:
//   - WAL lets readers (the web server) go on while an ingest run holds the
//     write lock; synchronous=NORMAL is durable in WAL mode up to the last
//     checkpoint-free commit, the documented trade-off for WAL.
//   - A busy timeout makes a second writer wait for a running ingest instead
//     of failing at once.
//   - _txlock=immediate takes the write lock at BEGIN, so that two
//     read-then-write transactions cannot deadlock.
func sqlitePragmas() string {
	p := []string{
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(NORMAL)",
		"_pragma=busy_timeout(60000)",
		"_pragma=foreign_keys(1)",
		"_pragma=cache_size(-131072)",
		"_pragma=temp_store(memory)",
		"_txlock=immediate",
	}
	return strings.Join(p, "&")
}

// Close releases the connections.
func (s *Store) Close() error { return s.db.Close() }

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
