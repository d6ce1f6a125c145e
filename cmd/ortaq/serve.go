package main

import (
	"context"
	"flag"
	"io"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web"
)

var serveCommand = command{
	name:    "serve",
	summary: "Serve the console and the JSON API (/api/v1) over the store.",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		addr := fs.String("addr", "localhost:8080", "address to listen on")
		migrate := fs.Bool("migrate", true, "apply pending migrations on start; with -migrate=false an outdated schema is refused")
		return func(ctx context.Context, fs *flag.FlagSet, _ io.Writer) error {
			if err := noArgs("serve", fs); err != nil {
				return err
			}
			var (
				st  *store.Store
				err error
			)
			if *migrate {
				st, err = openStore(ctx, *db)
			} else {
				st, err = store.Open(ctx, *db)
			}
			if err != nil {
				return err
			}
			defer st.Close()
			return serve(ctx, st, *addr)
		}
	},
}

// serve serves until ctx is cancelled; the server refuses an outdated schema.
func serve(ctx context.Context, st *store.Store, addr string) error {
	srv, err := web.New(st, web.Options{Version: version()})
	if err != nil {
		return err
	}
	return srv.Serve(ctx, addr)
}
