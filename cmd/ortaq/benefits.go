package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ortaq/ortaq/internal/benefits"
)

var benefitsCommand = command{
	name:    "benefits",
	summary: "Decide social programmes (АСП, large-family, birth, childcare, disability) for households.",
	usage: `SUBCOMMAND [flags]

subcommands:
  calculate --situations FILE [--json]
      decide every programme for each situation in FILE (one JSON object, or NDJSON; - for standard input),
      printing one result per situation in input order: a table, or with --json RULES.md's result objects as
      NDJSON with their traces; the exit status is 1 when any situation or programme could not be decided` +
		welfareUsage,
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			return runBenefits(ctx, fs.Args(), out)
		}
	},
}

// errSomeFailed reports that a batch printed everything but some
// situations failed; main exits with status 1.
var errSomeFailed = errors.New("some situations could not be decided")

func runBenefits(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError{msg: "ortaq benefits: no subcommand given", hint: "run 'ortaq help benefits' for the subcommands"}
	}
	verb, args := args[0], args[1:]
	s := newSub("benefits "+verb, false)
	switch verb {
	case "calculate":
		file := s.fs.String("situations", "", "situations to decide: a JSON object or NDJSON file, - for standard input (required)")
		asJSON := s.fs.Bool("json", false, "print NDJSON result objects with traces")
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return err
		}
		if *file == "" {
			return s.usage("--situations is required")
		}
		return calculate(ctx, *file, *asJSON, out)
	}
	if handled, err := welfareVerb(ctx, verb, s, args, out); handled {
		return err
	}
	return usageError{msg: "ortaq benefits: unknown subcommand " + verb, hint: "run 'ortaq help benefits' for the subcommands"}
}

func calculate(_ context.Context, file string, asJSON bool, out io.Writer) error {
	var in io.Reader = stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	cat, err := benefits.DefaultCatalog()
	if err != nil {
		return err
	}
	e, err := benefits.NewEngine(cat)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	var table []benefits.Result
	failed, err := e.Calculate(in, func(r benefits.Result) error {
		if asJSON {
			return enc.Encode(r)
		}
		table = append(table, r)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	if !asJSON {
		if err := benefits.WriteTable(out, table); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of the situations: %w", failed, errSomeFailed)
	}
	return nil
}
