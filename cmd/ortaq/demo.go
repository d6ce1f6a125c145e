package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/synth"
	"github.com/ortaq/ortaq/internal/welfare"
)

var demoCommand = command{
	name: "demo",
	summary: "Synthesise a small nation, ingest its agencies' extracts and serve the console on it. " +
		"A second start reuses the data.",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		addr := fs.String("addr", "localhost:8080", "address to listen on")
		people := fs.Int("people", 20000, "size of the synthetic nation on first start")
		seed := fs.Int64("seed", 1, "seed of the synthetic nation")
		data := fs.String("data", "./ortaq-data", "directory for the synthetic extracts (under synth/)")
		fresh := fs.Bool("fresh", false, "synthesise and ingest again even if the store has data")
		srv := serverFlags(fs)
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			if err := noArgs("demo", fs); err != nil {
				return err
			}
			if *people <= 0 {
				return usageError{msg: "ortaq demo: --people must be positive", hint: "e.g. ortaq demo --people 20000"}
			}
			st, err := openStore(ctx, *db)
			if err != nil {
				return err
			}
			defer st.Close()
			if err := demoData(ctx, st, filepath.Join(*data, "synth"), *people, *seed, *fresh, out); err != nil {
				return err
			}
			srv.prepare = func(ctx context.Context, x *exchange.Exchange) error {
				if err := demoExchange(ctx, st, x, *data, *addr, cmp.Or(srv.walletAddr, *addr), out); err != nil {
					return err
				}
				return demoMerchant(ctx, st, x, *data, *addr, cmp.Or(srv.walletAddr, *addr), out)
			}
			srv.auditKey = auditKeyFile(srv.auditKey, *db)
			srv.smsOutbox = true
			if err := demoOfficials(ctx, st, *addr, *db, out); err != nil {
				return err
			}
			if err := demoWallet(ctx, st, cmp.Or(srv.walletAddr, *addr), out); err != nil {
				return err
			}
			fmt.Fprintf(out, "ortaq console: http://%s/  (API: http://%s/api/v1/openapi.json; Ctrl-C stops)\n", *addr, *addr)
			return serve(ctx, st, *addr, *srv)
		}
	},
}

// demoData makes sure the store holds the demo nation. A first start
// synthesises it into dir and ingests it; a start after an interrupted one
// ingests the sources that have no run yet; otherwise the data is reused.
func demoData(ctx context.Context, st *store.Store, dir string, people int, seed int64, fresh bool, out io.Writer) error {
	contract := filepath.Join(dir, "sources.yaml")
	if _, err := os.Stat(contract); err != nil || fresh {
		start := time.Now()
		sum, err := synth.Generate(ctx, synth.Options{People: people, Seed: seed, Out: dir, Progress: progressOut})
		if err != nil {
			return err
		}
		slog.InfoContext(ctx, "synthesised", "people", sum.People, "households", sum.Households, "animals", sum.Animals,
			"dir", dir, "elapsed", time.Since(start).Round(time.Millisecond))
	}
	c, err := source.Load(contract)
	if err != nil {
		return err
	}
	if !fresh {
		loaded, err := st.Sources(ctx)
		if err != nil {
			return err
		}
		c.Sources = slices.DeleteFunc(c.Sources, func(s *source.Source) bool {
			return slices.ContainsFunc(loaded, func(l store.SourceStats) bool { return l.Name == s.Name && l.LastRun != nil })
		})
	}
	start := time.Now()
	if len(c.Sources) == 0 {
		slog.InfoContext(ctx, "reusing demo data", "db", st.String(), "hint", "--fresh to synthesise again")
	} else {
		sums, err := ingest.Contract(ctx, st, c, progressOut)
		printSummaries(out, sums)
		if err != nil {
			return err
		}
	}
	// Resolution is incremental: after a reuse it only catches up with
	// what an interrupted start left unresolved.
	res, err := resolve.Resolve(ctx, st, resolve.StoreOptions{Options: resolve.Options{Progress: progressOut}})
	if err != nil {
		return err
	}
	printResolveSummaries(out, res)
	if err := demoQuality(ctx, st, filepath.Join(dir, "quality.yaml"), len(c.Sources) > 0, out); err != nil {
		return err
	}
	if err := demoBenefits(ctx, st, len(c.Sources) > 0, out); err != nil {
		return err
	}
	slog.InfoContext(ctx, "demo data ready", "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}

// demoQuality stores the nation's quality checks and runs them, after a
// load or when no quality run exists yet, so that the console opens on
// golden records, scores and work lists.
func demoQuality(ctx context.Context, st *store.Store, checks string, loaded bool, out io.Writer) error {
	runs, err := st.QualityRuns(ctx, 1)
	if err != nil {
		return err
	}
	if !loaded && len(runs) > 0 {
		return nil
	}
	var cfg *quality.Config
	if _, err := os.Stat(checks); err == nil {
		var def []byte
		if cfg, def, err = readChecks(checks); err != nil {
			return err
		}
		if err := st.PutQualityConfig(ctx, checks, def); err != nil {
			return err
		}
	}
	sum, err := scorecard.RefreshWithProgress(ctx, st, cfg, progressOut)
	if err != nil {
		return err
	}
	printQuality(out, sum)
	return nil
}

// demoBenefits decides every household of the demo nation, after a load
// or when no benefits run exists yet, so that the wallet shows offers and
// the SMS outbox their messages.
func demoBenefits(ctx context.Context, st *store.Store, loaded bool, out io.Writer) error {
	runs, err := st.BenefitRuns(ctx, 1)
	if err != nil {
		return err
	}
	if !loaded && len(runs) > 0 {
		return nil
	}
	w, err := welfare.New(ctx, st, welfare.Options{})
	if err != nil {
		return err
	}
	start := time.Now()
	run, err := w.Run(ctx, 0, progressOut)
	if err != nil {
		return err
	}
	return printRun(ctx, st, out, run, time.Since(start))
}
