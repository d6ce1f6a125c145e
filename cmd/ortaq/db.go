package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/ortaq/ortaq/internal/store"
)

// dbFlag declares --db, defaulting to $ORTAQ_DB, else the embedded SQLite file.
func dbFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("ORTAQ_DB")
	if def == "" {
		def = store.DefaultDSN
	}
	return fs.String("db", def, "database: sqlite:PATH, a file path, or postgres://… (env ORTAQ_DB)")
}

// openStore opens the database and brings its schema up to date.
func openStore(ctx context.Context, dsn string) (*store.Store, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("migrate %s: %w", st, err)
	}
	return st, nil
}
