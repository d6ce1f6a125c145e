package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/ortaq/ortaq/internal/resolve"
)

var resolveCommand = command{
	name: "resolve",
	summary: "Link the record versions stored since the last run to the store's entities (attach, create, merge, split), " +
		"keeping entity ids stable; the first run of each kind links everything and trains the model.",
	usage: "[--full] [--retrain] [--threshold P] [--nats URL] [--json]",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		nats := natsFlags(fs)
		full := fs.Bool("full", false, "recompute every entity from all records with the stored model, keeping ids where records stay together")
		retrain := fs.Bool("retrain", false, "train a new model on all records first (implies --full)")
		threshold := fs.Float64("threshold", resolve.DefaultThreshold, "match probability at or above which two records are linked")
		asJSON := fs.Bool("json", false, "print one JSON summary object per entity kind")
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			if err := noArgs("resolve", fs); err != nil {
				return err
			}
			if err := nats.check(); err != nil {
				return err
			}
			if err := checkThreshold("resolve", *threshold); err != nil {
				return err
			}
			st, err := openStore(ctx, *db)
			if err != nil {
				return err
			}
			defer st.Close()
			sums, err := resolve.Resolve(ctx, st, resolve.StoreOptions{
				Options: resolve.Options{Threshold: *threshold, Progress: progressOut},
				Full:    *full, Retrain: *retrain,
			})
			if *asJSON {
				if err := writeJSONLines(out, sums); err != nil {
					return err
				}
			} else {
				printResolveSummaries(out, sums)
			}
			// Kinds that resolved have events, whatever became of the others.
			return errors.Join(err, publishEvents(ctx, st, nats))
		}
	},
}

func printResolveSummaries(out io.Writer, sums []resolve.StoreSummary) {
	fmt.Fprintf(out, "%-12s %-12s %9s %9s %9s %8s %7s %9s %9s\n", "kind", "mode", "records", "created", "attached", "merged", "split", "detached", "seconds")
	for _, s := range sums {
		fmt.Fprintf(out, "%-12s %-12s %9d %9d %9d %8d %7d %9d %9.2f\n", s.Kind, s.Mode, s.Records, s.Created, s.Attached, s.Merged, s.Split, s.Detached, s.Elapsed.Seconds())
	}
}
