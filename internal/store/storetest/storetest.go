// Package storetest opens real stores for tests: a fresh SQLite file and a
// fresh schema in the PostgreSQL named by ORTAQ_TEST_POSTGRES, so that every
// store-backed test runs on both databases.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/ortaq/ortaq/internal/store"
)

// EnvPostgres names the variable holding the PostgreSQL URL tests use. The
// test command (test.sh) starts a throwaway cluster and sets it.
const EnvPostgres = "ORTAQ_TEST_POSTGRES"

// Each runs fn as a subtest on a migrated SQLite store and on a migrated
// PostgreSQL store. Without ORTAQ_TEST_POSTGRES the PostgreSQL subtest is
// skipped, except under CI (CI=true), where it fails: CI must exercise both.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite opens a migrated store in a new temporary file.
func SQLite(tb testing.TB) *store.Store {
	tb.Helper()
	return open(tb, "sqlite:"+filepath.Join(tb.TempDir(), "ortaq.db"))
}

// Postgres opens a migrated store in a new schema of the test database; the
// schema is dropped when the test ends.
func Postgres(tb testing.TB) *store.Store {
	tb.Helper()
	return open(tb, PostgresDSN(tb))
}

// PostgresDSN creates a fresh schema and returns a URL whose connections use
// it, for tests that open the store themselves (the CLI, the server).
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is not set under CI: the PostgreSQL tests must run (use ./test.sh)", EnvPostgres)
		}
		tb.Skipf("%s not set; run ./test.sh to test on PostgreSQL too", EnvPostgres)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("postgres: %v", err)
	}
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		tb.Fatalf("postgres: create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("postgres: %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(tb testing.TB, dsn string) *store.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	raw := &rawDB{dsn: dsn}
	opened.Store(st, raw)
	tb.Cleanup(func() {
		opened.Delete(st)
		raw.close()
		st.Close()
	})
	if _, err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return st
}

// opened maps each store this package opened to the database behind it, for
// Exec.
var opened sync.Map // *store.Store -> *rawDB

// rawDB is a second connection pool to a store's database, opened on first use.
type rawDB struct {
	dsn  string
	once sync.Once
	db   *sql.DB
	err  error
}

func (r *rawDB) get() (*sql.DB, error) {
	r.once.Do(func() { r.db, r.err = openRaw(r.dsn) })
	return r.db, r.err
}

func (r *rawDB) close() {
	if r.db != nil {
		r.db.Close()
	}
}

// Exec runs one statement ("?" placeholders) directly on the database of st,
// a store this package opened, bypassing the store as an intruder or a
// careless administrator would, and returns the rows it affected. It is for
// tests that tamper with stored data (the audit log's verifier must catch
// them); the store itself offers no raw SQL.
func Exec(tb testing.TB, st *store.Store, query string, args ...any) (int64, error) {
	tb.Helper()
	v, ok := opened.Load(st)
	if !ok {
		return 0, fmt.Errorf("storetest.Exec: the store was not opened by storetest; use ExecDSN")
	}
	db, err := v.(*rawDB).get()
	if err != nil {
		return 0, err
	}
	return execRaw(db, dsnIsPostgres(v.(*rawDB).dsn), query, args...)
}

// ExecDSN is Exec for a database named by its store DSN (sqlite:PATH or
// postgres://…), for tests that open the store themselves, such as the
// command-line tests. Close any store on it first if the statement must not
// wait for its locks.
func ExecDSN(dsn, query string, args ...any) (int64, error) {
	db, err := openRaw(dsn)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	return execRaw(db, dsnIsPostgres(dsn), query, args...)
}

func dsnIsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openRaw opens dsn as store.Open does, with the connection settings the
// store's own statements would run under (foreign keys on, a busy timeout).
func openRaw(dsn string) (*sql.DB, error) {
	if dsnIsPostgres(dsn) {
		return sql.Open("pgx", dsn)
	}
	path, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return nil, fmt.Errorf("storetest: unknown DSN %q", dsn)
	}
	path = strings.TrimPrefix(path, "//")
	return sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(60000)&_pragma=foreign_keys(1)")
}

func execRaw(db *sql.DB, postgres bool, query string, args ...any) (int64, error) {
	if postgres {
		query = rebind(query)
	}
	res, err := db.ExecContext(context.Background(), query, args...)
	if err != nil {
		return 0, fmt.Errorf("exec %q: %w", query, err)
	}
	return res.RowsAffected()
}

// rebind turns "?" placeholders into PostgreSQL's $1, $2, …; test statements
// keep question marks out of their string literals.
func rebind(q string) string {
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}
