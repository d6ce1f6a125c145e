package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
)

var linkCommand = command{
	name:    "link",
	summary: "Link and deduplicate the records of every source in a sources.yaml, file to file, without a database.",
	usage:   "--sources FILE --out clusters.csv [--pairs pairs.csv] [--threshold P] | --sources FILE --explain SOURCE:ID SOURCE:ID",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		sources := fs.String("sources", "", "the sources contract (sources.yaml)")
		out := fs.String("out", "", "write source,record_id,entity_id for every record to this CSV file")
		pairs := fs.String("pairs", "", "also write the scored candidate pairs to this CSV file")
		pairsMin := fs.Float64("pairs-min", 0.01, "lowest match probability of a pair written to --pairs")
		threshold := fs.Float64("threshold", resolve.DefaultThreshold, "match probability at or above which two records are linked")
		maxBlock := fs.Int("max-block", resolve.DefaultMaxBlock, "largest block of records compared at all; larger ones are skipped and reported")
		window := fs.Int("window", resolve.DefaultWindow, "largest block of records compared pairwise (some rules stop sooner); in a larger one each record is compared with those of its window-1 neighbours whose name or birth date is close")
		seed := fs.Uint64("seed", 1, "seed of the random pairs that estimate u")
		modelOut := fs.String("model", "", "also write the trained models (m and u of every comparison level, the prior) to this JSON file")
		explain := fs.Bool("explain", false, "print the match weight of each comparison for the two records named as arguments")
		asJSON := fs.Bool("json", false, "with --explain: print the explanation as JSON")
		return func(ctx context.Context, fs *flag.FlagSet, stdout io.Writer) error {
			if *sources == "" {
				return usageError{msg: "ortaq link: --sources is required", hint: "e.g. ortaq link --sources ./synth-out/sources.yaml --out clusters.csv"}
			}
			if *explain != (fs.NArg() == 2) || (!*explain && fs.NArg() != 0) {
				return usageError{msg: "ortaq link: --explain takes exactly two records, SOURCE:ID SOURCE:ID", hint: "e.g. ortaq link --sources s.yaml --explain health_cards:DM1 population_register:880523338479"}
			}
			if !*explain && *out == "" {
				return usageError{msg: "ortaq link: --out is required", hint: "name the clusters CSV to write, e.g. --out clusters.csv"}
			}
			if err := checkThreshold("link", *threshold); err != nil {
				return err
			}
			c, err := source.Load(*sources)
			if err != nil {
				return err
			}
			if *window < 2 {
				return usageError{msg: fmt.Sprintf("ortaq link: --window %d: want 2 or more", *window), hint: "e.g. --window 64"}
			}
			opts := resolve.Options{Threshold: *threshold, MaxBlock: *maxBlock, Window: *window, Seed: *seed, Progress: os.Stderr}
			if *pairs != "" {
				opts.KeepPairs = max(*pairsMin, 1e-9)
			}
			// Read every extract first, so that a contract naming a column
			// an extract lacks fails before anything is written; then
			// create the outputs, so that a bad path fails before the
			// costly part.
			tables, loads, err := resolve.LoadContract(ctx, c, opts.Progress)
			if err != nil {
				return err
			}
			outputs := []*output{{name: *out}, {name: *pairs}, {name: *modelOut}}
			for _, o := range outputs {
				if err := o.create(); err != nil {
					return err
				}
				defer o.abandon()
			}
			results, err := resolve.LinkTables(ctx, tables, opts)
			if err != nil {
				return err
			}
			if *explain {
				return printExplanation(stdout, results, fs.Arg(0), fs.Arg(1), *asJSON)
			}
			writers := []func(io.Writer) error{
				func(w io.Writer) error { return resolve.WriteClusters(w, results) },
				func(w io.Writer) error { return resolve.WritePairs(w, results) },
				func(w io.Writer) error {
					var models []*resolve.Model
					for _, r := range results {
						if r.Model != nil {
							models = append(models, r.Model)
						}
					}
					enc := json.NewEncoder(w)
					enc.SetIndent("", "  ")
					return enc.Encode(models)
				},
			}
			for k, o := range outputs {
				if err := o.write(writers[k]); err != nil {
					return err
				}
			}
			printLinkSummary(stdout, loads, results)
			return nil
		}
	},
}

func printLinkSummary(out io.Writer, loads []resolve.SourceLoad, results []*resolve.Result) {
	fmt.Fprintf(out, "%-24s %-12s %10s %10s\n", "source", "entity", "records", "rejected")
	for _, l := range loads {
		fmt.Fprintf(out, "%-24s %-12s %10d %10d\n", l.Source, l.Entity, l.Records, l.Rejected)
	}
	fmt.Fprintf(out, "\n%-12s %10s %12s %10s %10s %8s %9s\n", "kind", "records", "candidates", "links", "entities", "flagged", "seconds")
	for _, r := range results {
		s := r.Stats
		fmt.Fprintf(out, "%-12s %10d %12d %10d %10d %8d %9.2f\n", s.Kind, s.Records, s.Candidates, s.Links, s.Entities, len(r.Flags), s.Elapsed.Seconds())
	}
	for _, r := range results {
		for _, f := range r.Flags {
			fmt.Fprintf(out, "flagged: %s ~ %s: %s (%.1f bits)\n", f.Left, f.Right, f.Reason, f.Weight)
		}
	}
}

func printExplanation(out io.Writer, results []*resolve.Result, left, right string, asJSON bool) error {
	var errs []string
	for _, r := range results {
		e, err := r.Explain(left, right)
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		if asJSON {
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			return enc.Encode(e)
		}
		resolve.WriteExplanation(out, e)
		return nil
	}
	return fmt.Errorf("ortaq link --explain: %s", strings.Join(errs, "; "))
}

// output is a file the link command writes, created before the costly
// work so that a bad path fails early; an empty name means not wanted.
type output struct {
	name string
	f    *os.File
}

// A new file is private (0600): what link writes names people.
func (o *output) create() (err error) {
	if o.name != "" {
		o.f, err = os.OpenFile(o.name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	}
	return err
}

// write fills and closes the file.
func (o *output) write(fill func(io.Writer) error) error {
	if o.f == nil {
		return nil
	}
	err := fill(o.f)
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	o.f = nil
	if err != nil {
		return fmt.Errorf("write %s: %w", o.name, err)
	}
	return nil
}

// abandon closes a file left unwritten by an error.
func (o *output) abandon() {
	if o.f != nil {
		o.f.Close()
	}
}

// checkThreshold refuses a --threshold that is not a probability.
func checkThreshold(cmd string, p float64) error {
	if p <= 0 || p >= 1 {
		return usageError{msg: fmt.Sprintf("ortaq %s: --threshold %g is not a probability strictly between 0 and 1", cmd, p), hint: "the default is " + fmt.Sprint(resolve.DefaultThreshold)}
	}
	return nil
}
