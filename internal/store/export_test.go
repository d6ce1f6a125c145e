package store

import "database/sql"

// DB gives the store's tests in package store_test the database itself,
// to read the schema. It is compiled into tests only.
func DB(s *Store) *sql.DB { return s.db }
