package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/welfare"
)

// welfareUsage documents the subcommands of `ortaq benefits` that decide
// the households of the store.
const welfareUsage = `
  run [--date D]
      decide every household in the store on D (default: the data's as-of date), store the decisions that
      changed with their events, make offers (and their SMS) to the newly eligible, score well-being
  update [--date D]
      after an ingest, resolve and quality run: re-decide only the households whose data changed
  rules [list]
      list the rule versions stored over the built-in programmes, and the latest changes
  rules set parameter NAME --from D --value V --law REF --reason TEXT --by NAME
  rules set scale NAME --from D --value FACTOR --law REF --reason TEXT --by NAME
  rules set programme ID --from D --file FILE.yaml --law REF --reason TEXT --by NAME
      store a change (validated first) and re-decide the households it affects
  simulate --param NAME --value V [--from D] | --scale NAME=FACTOR [--from D]   [--date D] [--json]
      what a change would cost per month and whom it moves, by region and well-being level (writes nothing)
  explain --household H [--programme P] [--lang kk|ru|en]
      a household's current decision in plain words, reproduced from its stored inputs`

// welfareVerb runs a subcommand of `ortaq benefits` that works on the
// store; handled is false for a verb it does not know.
func welfareVerb(ctx context.Context, verb string, s *sub, args []string, out io.Writer) (handled bool, err error) {
	switch verb {
	case "run", "update":
		date := s.fs.String("date", "", "decision date YYYY-MM-DD")
		if _, err := s.parse(args, 0, "no arguments"); err != nil {
			return true, err
		}
		d, err := optDate(s, *date)
		if err != nil {
			return true, err
		}
		return true, withWelfare(ctx, *s.db, func(st *store.Store, w *welfare.Service) error {
			start := time.Now()
			var run store.BenefitRun
			if verb == "run" {
				run, err = w.Run(ctx, d, progressOut)
			} else {
				run, err = w.Update(ctx, d)
			}
			if err != nil {
				return err
			}
			return printRun(ctx, st, out, run, time.Since(start))
		})
	case "rules":
		return true, rulesVerb(ctx, s, args, out)
	case "simulate":
		return true, simulateVerb(ctx, s, args, out)
	case "explain":
		return true, explainVerb(ctx, s, args, out)
	}
	return false, nil
}

func optDate(s *sub, v string) (benefits.Date, error) {
	if v == "" {
		return 0, nil
	}
	d, err := benefits.ParseDate(v)
	if err != nil {
		return 0, s.usage("--date %q: want YYYY-MM-DD", v)
	}
	return d, nil
}

func withWelfare(ctx context.Context, dsn string, fn func(*store.Store, *welfare.Service) error) error {
	st, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	w, err := welfare.New(ctx, st, welfare.Options{})
	if err != nil {
		return err
	}
	return fn(st, w)
}

// printRun prints a run's summary: households, eligible and amounts per
// programme, events and offers.
func printRun(ctx context.Context, st *store.Store, out io.Writer, run store.BenefitRun, took time.Duration) error {
	fmt.Fprintf(out, "run %d (%s) on %s: %d households decided, %d decisions stored, %s\n", run.ID, run.Kind,
		run.DecisionDate, run.Households, run.Changed, took.Round(time.Millisecond))
	totals, err := st.ProgrammeTotals(ctx)
	if err != nil {
		return err
	}
	offers, err := st.OfferCounts(ctx)
	if err != nil {
		return err
	}
	events := map[string]int{}
	for _, kind := range []string{store.EventNewlyEligible, store.EventAmountChanged, store.EventNoLongerEligible} {
		var after int64
		for {
			evs, err := st.RunEvents(ctx, run.ID, kind, after, 10000)
			if err != nil {
				return err
			}
			if len(evs) == 0 {
				break
			}
			for _, e := range evs {
				events[e.Programme+"/"+kind]++
			}
			after = evs[len(evs)-1].ID
		}
	}
	open := map[string]int{}
	for _, c := range offers {
		if c.Status == store.OfferOffered || c.Status == store.OfferAccepted {
			open[c.Programme] += c.Count
		}
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "programme\tperiod\teligible\tsum ₸\tnewly eligible\tamount changed\tno longer\topen offers\t")
	var month int64
	for _, t := range totals {
		if t.Period == "month" {
			month += t.Sum
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\t%d\t%d\t\n", t.Programme, t.Period, t.Households, welfare.Tenge(t.Sum),
			events[t.Programme+"/"+store.EventNewlyEligible], events[t.Programme+"/"+store.EventAmountChanged],
			events[t.Programme+"/"+store.EventNoLongerEligible], open[t.Programme])
	}
	fmt.Fprintf(tw, "monthly total\t\t\t%s\t\t\t\t\t\n", welfare.Tenge(month))
	return tw.Flush()
}

func rulesVerb(ctx context.Context, s *sub, args []string, out io.Writer) error {
	from := s.fs.String("from", "", "date the change takes effect, YYYY-MM-DD")
	value := s.fs.String("value", "", "new value (a decimal, or {row: value, …} for a table), or a scaling factor")
	file := s.fs.String("file", "", "programme file (YAML) for a programme change")
	law := s.fs.String("law", "", "legal reference of the change")
	reason := s.fs.String("reason", "", "why the rules change")
	by := s.fs.String("by", "", "the official making the change (recorded)")
	pos, err := positional(s, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || pos[0] == "list" {
		return withWelfare(ctx, *s.db, func(st *store.Store, _ *welfare.Service) error { return listRules(ctx, st, out) })
	}
	if pos[0] != "set" || len(pos) != 3 {
		return s.usage("want list, or set KIND NAME with flags")
	}
	c := welfare.Change{Kind: pos[1], Name: pos[2], From: *from, Value: *value, LawRef: *law, Reason: *reason}
	if c.Kind == welfare.ChangeProgramme {
		if *file == "" {
			return s.usage("a programme change needs --file")
		}
		b, err := readFileLimited(*file)
		if err != nil {
			return err
		}
		c.Value = string(b)
	}
	if *by == "" {
		return s.usage("--by is required: rule changes are recorded with their author")
	}
	return withWelfare(ctx, *s.db, func(st *store.Store, w *welfare.Service) error {
		start := time.Now()
		run, err := w.ChangeRules(ctx, store.Author{Name: *by}, c)
		if err != nil {
			return err
		}
		return printRun(ctx, st, out, run, time.Since(start))
	})
}

// positional returns the positional arguments among args, with the flags
// of s parsed wherever they stand.
func positional(s *sub, args []string) ([]string, error) {
	var pos []string
	for {
		if err := s.fs.Parse(args); err != nil {
			return nil, s.usage("%v", err)
		}
		if s.fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, s.fs.Arg(0))
		args = s.fs.Args()[1:]
	}
}

func listRules(ctx context.Context, st *store.Store, out io.Writer) error {
	vs, err := st.RuleVersions(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tkind\tname\tfrom\tlaw\tby\treason")
	for _, v := range vs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.Kind, v.Name, v.EffectiveFrom, v.LawRef, v.Author.Name, v.Reason)
	}
	if len(vs) == 0 {
		fmt.Fprintln(tw, "(none: the built-in rules are in force)")
	}
	return tw.Flush()
}

func simulateVerb(ctx context.Context, s *sub, args []string, out io.Writer) error {
	param := s.fs.String("param", "", "parameter to set, e.g. MRP")
	value := s.fs.String("value", "", "its new value")
	scale := s.fs.String("scale", "", "NAME=FACTOR: multiply a parameter (or every parameter of a programme) by FACTOR")
	from := s.fs.String("from", "", "date the change takes effect (default: the decision date)")
	date := s.fs.String("date", "", "decision date to simulate (default: each decision's own)")
	asJSON := s.fs.Bool("json", false, "print the simulation as JSON")
	if _, err := s.parse(args, 0, "no arguments"); err != nil {
		return err
	}
	var c welfare.Change
	switch {
	case *param != "" && *scale == "" && *value != "":
		c = welfare.Change{Kind: welfare.ChangeParameter, Name: *param, Value: *value, From: *from}
	case *scale != "" && *param == "" && *value == "":
		name, factor, ok := strings.Cut(*scale, "=")
		if !ok {
			return s.usage("--scale wants NAME=FACTOR, e.g. large_family=1.10")
		}
		c = welfare.Change{Kind: welfare.ChangeScale, Name: name, Value: factor, From: *from}
	default:
		return s.usage("give --param NAME --value V, or --scale NAME=FACTOR")
	}
	d, err := optDate(s, *date)
	if err != nil {
		return err
	}
	return withWelfare(ctx, *s.db, func(_ *store.Store, w *welfare.Service) error {
		sim, err := w.Simulate(ctx, c, d)
		if err != nil {
			return err
		}
		if *asJSON {
			enc := json.NewEncoder(out)
			enc.SetIndent("", "  ")
			return enc.Encode(sim)
		}
		printSimulation(out, &sim)
		return nil
	})
}

func printSimulation(out io.Writer, sim *welfare.Simulation) {
	fmt.Fprintf(out, "%s %s = %s from %s: %d households", sim.Change.Kind, sim.Change.Name, sim.Change.Value,
		sim.Change.From, sim.Households)
	if sim.Sampled {
		fmt.Fprintf(out, " (a sample of %d, counts and sums ×%d)", sim.Decided, sim.Scale)
	}
	fmt.Fprintf(out, ", %s\n", sim.Elapsed.Round(time.Millisecond))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "programme\tbefore ₸\tafter ₸\tdelta ₸\tgaining\tlosing\tnewly eligible\tno longer\t")
	row := func(name string, b welfare.Breakdown) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t\n", name, welfare.Tenge(b.Before), welfare.Tenge(b.After),
			welfare.Tenge(b.After-b.Before), b.Gaining, b.Losing, b.NewlyEligible, b.NoLonger)
	}
	for _, p := range sim.Programmes {
		row(p.Programme+" /month", p.Breakdown)
	}
	for _, p := range sim.Once {
		row(p.Programme+" once", p.Breakdown)
	}
	row("all monthly", sim.Total)
	for _, k := range sortedKeys(sim.Regions) {
		row("region "+k, *sim.Regions[k])
	}
	for _, k := range sortedKeys(sim.Levels) {
		name := k
		if name == "" {
			name = "?"
		}
		row("level "+name, *sim.Levels[k])
	}
	tw.Flush()
}

func explainVerb(ctx context.Context, s *sub, args []string, out io.Writer) error {
	hh := s.fs.String("household", "", "household id (required)")
	prog := s.fs.String("programme", "", "one programme (default: every programme)")
	lang := s.fs.String("lang", "ru", "language: kk, ru or en")
	if _, err := s.parse(args, 0, "no arguments"); err != nil {
		return err
	}
	if *hh == "" {
		return s.usage("--household is required")
	}
	return withWelfare(ctx, *s.db, func(st *store.Store, w *welfare.Service) error {
		d, err := st.CurrentDecision(ctx, *hh)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "household %s, decision %d of %s (run %d)\n", d.Household, d.ID, d.DecisionDate, d.RunID)
		for _, o := range d.Outcomes {
			if *prog != "" && o.Programme != *prog {
				continue
			}
			ex, err := w.Explain(ctx, d, o.Programme, *lang)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "\n%s\n", ex.Title)
			for _, l := range ex.Lines {
				fmt.Fprintf(out, "  %s\n", l.Text)
			}
		}
		return nil
	})
}

// maxProgrammeFile bounds a programme file read for a rule change.
const maxProgrammeFile = 1 << 20

func readFileLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxProgrammeFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxProgrammeFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxProgrammeFile)
	}
	return b, nil
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
