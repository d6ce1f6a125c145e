package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/synth"
)

var synthCommand = command{
	name:    "synth",
	summary: "Generate a synthetic nation: agency extracts, sources.yaml and ground truth.",
	usage:   "[--people N] [--seed S] [--out DIR] [--clean]",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		people := fs.Int("people", 20000, "number of people, alive or dead")
		seed := fs.Int64("seed", 1, "random seed; the same seed gives the same files")
		out := fs.String("out", "./synth-out", "output directory (existing files are overwritten)")
		clean := fs.Bool("clean", false, "plant no data-quality defects (a clean extract, for testing quality checks)")
		return func(ctx context.Context, fs *flag.FlagSet, stdout io.Writer) error {
			if err := noArgs("synth", fs); err != nil {
				return err
			}
			if *people <= 0 {
				return usageError{msg: "ortaq synth: --people must be positive", hint: "run 'ortaq help synth' for its flags"}
			}
			slog.InfoContext(ctx, "synth starting", "people", *people, "seed", *seed, "clean", *clean, "out", *out)
			sum, err := synth.Generate(ctx, synth.Options{People: *people, Seed: *seed, Out: *out, Clean: *clean, Progress: os.Stderr})
			if err != nil {
				return err
			}
			slog.InfoContext(ctx, "synth done", "people", sum.People, "households", sum.Households,
				"animals", sum.Animals, "elapsed", sum.Elapsed.Round(time.Millisecond))
			printSynthSummary(stdout, *out, sum)
			return nil
		}
	},
}

func printSynthSummary(w io.Writer, dir string, sum synth.Summary) {
	fmt.Fprintf(w, "synthetic nation in %s: %d people, %d households, %d animals (%s)\n",
		dir, sum.People, sum.Households, sum.Animals, sum.Elapsed.Round(time.Millisecond))
	names := make([]string, 0, len(sum.Files))
	for n := range sum.Files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-32s %9d rows\n", n, sum.Files[n])
	}
	fmt.Fprintf(w, "sources: %s/sources.yaml; ground truth: %s/truth/README.md\n", dir, dir)
}
