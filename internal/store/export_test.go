package store

import "database/sql"

// DB gives the store's tests in package store_test the database itself,
// to read the schema. It is compiled into tests only.
func DB(s *Store) *sql.DB { return s.db }

// Pools gives the tests the statistics of the store's readers' and
// writers' connection pools (the same pool on PostgreSQL).
func Pools(s *Store) (read, write sql.DBStats) { return s.db.Stats(), s.w.Stats() }
