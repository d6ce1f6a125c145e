package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/ortaq/ortaq/internal/store"
)

var migrateCommand = command{
	name:    "migrate",
	summary: "Bring the database schema up to date (other commands also do this on start).",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		status := fs.Bool("status", false, "only print the current and latest schema versions")
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			if err := noArgs("migrate", fs); err != nil {
				return err
			}
			st, err := store.Open(ctx, *db)
			if err != nil {
				return err
			}
			defer st.Close()
			if !*status {
				n, err := st.Migrate(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "applied %d migration(s)\n", n)
			}
			cur, latest, err := st.SchemaVersion(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%s: schema %d of %d\n", st, cur, latest)
			return nil
		}
	},
}
