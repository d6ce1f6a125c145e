// Package storetest opens real stores for tests: a fresh SQLite file and a
// fresh schema in the PostgreSQL named by ORTAQ_TEST_POSTGRES, so that every
// store-backed test runs on both databases.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
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
	tb.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return st
}
