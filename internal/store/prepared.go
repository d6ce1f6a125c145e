package store

import (
	"context"
	"database/sql"
	"fmt"
)

// queryPrepared runs q (with portable placeholders) as a statement
// prepared once per store. Point reads that a server makes thousands of
// times a second (the exchange's lookups) would otherwise spend most of
// their time parsing the same SQL again; database/sql prepares the
// statement on each pooled connection the first time it runs there.
func (s *Store) queryPrepared(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	stmt, err := s.prepared(ctx, q)
	if err != nil {
		return nil, err
	}
	return stmt.QueryContext(ctx, args...)
}

func (s *Store) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	if v, ok := s.stmts.Load(q); ok {
		return v.(*sql.Stmt), nil
	}
	stmt, err := s.db.PrepareContext(ctx, s.dialect.rebind(q))
	if err != nil {
		return nil, fmt.Errorf("prepare: %w", err)
	}
	if v, loaded := s.stmts.LoadOrStore(q, stmt); loaded {
		stmt.Close()
		return v.(*sql.Stmt), nil
	}
	return stmt, nil
}

// closeStatements releases every prepared statement.
func (s *Store) closeStatements() {
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		s.stmts.Delete(k)
		return true
	})
}
