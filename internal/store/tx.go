package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// tx is one transaction on one connection: the store's only way to write
// more than one statement atomically. Ingest runs, resolution, golden and
// quality writes, the audit writer, corrections, the exchange registry and
// migrations all go through it.
//
// It begins with BEGIN IMMEDIATE on SQLite, taking the write lock at once,
// so that what the transaction reads cannot change before it commits and two
// read-then-write transactions cannot deadlock; PostgreSQL begins with BEGIN
// (READ COMMITTED), and callers lock the rows they read and then write.
//
// Unlike *sql.Tx it keeps the *sql.Conn reachable, so PostgreSQL's COPY
// (copyFrom) joins the transaction. Contract: until commit or rollback the
// connection is the transaction's alone; rollback is safe after commit, so
// callers defer it; a connection whose state is unknown after a failed
// ROLLBACK is never reused.
type tx struct {
	s    *Store
	conn *sql.Conn
	// own: the connection was taken for this transaction and goes back to
	// the pool when it ends. Otherwise (the audit writer) the caller keeps it.
	own  bool
	done bool
	// bad: ROLLBACK failed and the connection was discarded.
	bad bool
}

// begin starts a transaction on a connection of its own, from the writers'
// pool: on SQLite it waits there for the one writer's connection.
// Contract: a goroutine holding a transaction must not begin another nor
// write through the store outside it, or it waits for itself.
func (s *Store) begin(ctx context.Context) (*tx, error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.beginOn(ctx, conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	t.own = true
	return t, nil
}

// beginOn starts a transaction on conn, which stays the caller's.
func (s *Store) beginOn(ctx context.Context, conn *sql.Conn) (*tx, error) {
	begin := "BEGIN"
	if s.dialect == sqliteDialect {
		begin = "BEGIN IMMEDIATE"
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &tx{s: s, conn: conn}, nil
}

// inTx runs fn in one transaction and commits it if fn returns nil; on any
// error nothing fn wrote remains.
func (s *Store) inTx(ctx context.Context, fn func(t *tx) error) error {
	t, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer t.rollback()
	if err := fn(t); err != nil {
		return err
	}
	return t.commit(ctx)
}

// commit makes the transaction's writes durable and visible. When COMMIT
// fails the transaction is rolled back.
func (t *tx) commit(ctx context.Context) error {
	if t.done {
		return errors.New("commit: transaction already ended")
	}
	if _, err := t.conn.ExecContext(ctx, "COMMIT"); err != nil {
		t.rollback()
		return err
	}
	t.end()
	return nil
}

// rollback undoes the transaction unless it has ended; it is safe to defer.
func (t *tx) rollback() {
	if t.done {
		return
	}
	// Roll back even when the caller's context is cancelled (Ctrl-C), or
	// the connection would go back to the pool mid-transaction.
	if _, err := t.conn.ExecContext(context.Background(), "ROLLBACK"); err != nil {
		// A connection in an unknown state must not be reused.
		t.conn.Raw(func(any) error { return driver.ErrBadConn })
		t.bad = true
	}
	t.end()
}

func (t *tx) end() {
	t.done = true
	if t.own {
		t.conn.Close()
	}
}

// ExecContext, QueryContext and QueryRowContext run SQL as written (no
// placeholder rewriting), as *sql.Tx's methods do.
func (t *tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.conn.ExecContext(ctx, q, args...)
}

// QueryContext: see ExecContext.
func (t *tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.conn.QueryContext(ctx, q, args...)
}

// QueryRowContext: see ExecContext.
func (t *tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return t.conn.QueryRowContext(ctx, q, args...)
}

// exec runs q with "?" placeholders rewritten for the dialect.
func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.conn.ExecContext(ctx, t.s.dialect.rebind(q), args...)
}

// copyFrom loads rows into table with PostgreSQL's COPY, inside the
// transaction. It fails on any other database.
func (t *tx) copyFrom(ctx context.Context, table string, cols []string, src pgx.CopyFromSource) error {
	return t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return errors.New("copy: not a pgx connection")
		}
		if _, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, src); err != nil {
			return fmt.Errorf("copy into %s: %w", table, err)
		}
		return nil
	})
}
