package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/source"
)

var ingestCommand = command{
	name:    "ingest",
	summary: "Load the extracts named by a sources.yaml into the store; every row is stored, unchanged or quarantined.",
	usage:   "--sources FILE [--only NAME,…] [--allow-deletions N] [--max-deletion-share F] [--nats URL] [--json]",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		nats := natsFlags(fs)
		sources := fs.String("sources", "", "the sources contract (sources.yaml)")
		only := fs.String("only", "", "comma-separated source names to load (default: all with a file)")
		asJSON := fs.Bool("json", false, "print one JSON summary object per source instead of a table")
		allow := fs.Int("allow-deletions", 0, "confirm up to N deletions per source: a full extract missing more than "+
			"--max-deletion-share of a source's live records is held, storing nothing, unless it deletes at most N")
		share := fs.Float64("max-deletion-share", ingest.DefaultMaxDeletionShare,
			"share of a source's live records a full extract may mark deleted unconfirmed (1 turns the guard off)")
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			if err := noArgs("ingest", fs); err != nil {
				return err
			}
			if err := nats.check(); err != nil {
				return err
			}
			if *sources == "" {
				return usageError{msg: "ortaq ingest: --sources is required", hint: "e.g. ortaq ingest --sources ./synth-out/sources.yaml"}
			}
			c, err := source.Load(*sources)
			if err != nil {
				return err
			}
			if *only != "" {
				names := splitList(*only)
				for _, n := range names {
					if c.Source(n) == nil {
						return usageError{msg: fmt.Sprintf("ortaq ingest: no source %q in %s", n, *sources), hint: "names are the `name:` keys of sources.yaml"}
					}
				}
				c.Sources = slices.DeleteFunc(c.Sources, func(s *source.Source) bool { return !slices.Contains(names, s.Name) })
			}
			st, err := openStore(ctx, *db)
			if err != nil {
				return err
			}
			defer st.Close()
			if *allow < 0 || *share < 0 {
				return usageError{msg: "ortaq ingest: --allow-deletions and --max-deletion-share must not be negative"}
			}
			sums, ingestErr := ingest.ContractWith(ctx, st, c, progressOut,
				ingest.Options{MaxDeletionShare: *share, AllowDeletions: *allow})
			if *asJSON {
				if err := writeJSONLines(out, sums); err != nil {
					return err
				}
			} else {
				printSummaries(out, sums)
			}
			// Runs that committed have events, whatever became of the others.
			return errors.Join(ingestErr, publishEvents(ctx, st, nats))
		}
	},
}

func printSummaries(out io.Writer, sums []ingest.Summary) {
	fmt.Fprintf(out, "%-24s %10s %10s %10s %11s %8s %8s\n", "source", "rows", "stored", "unchanged", "quarantined", "deleted", "flagged")
	for _, s := range sums {
		fmt.Fprintf(out, "%-24s %10d %10d %10d %11d %8d %8d\n", s.Source, s.Rows, s.Stored, s.Unchanged, s.Quarantined, s.Deleted, s.Flagged)
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// writeJSONLines prints one JSON object per line, for --json outputs that
// scripts read line by line.
func writeJSONLines[T any](out io.Writer, items []T) error {
	enc := json.NewEncoder(out)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	return nil
}
