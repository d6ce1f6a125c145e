package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/store"
)

var qualityCommand = command{
	name: "quality",
	summary: "Rebuild the golden records, run the data-quality checks, score every source and agency, raise alerts " +
		"against history and update the work lists. --checks stores a quality.yaml for this and later runs; " +
		"without one, the checks stored before (or the defaults the sources contract implies) run. A run redoes " +
		"only the entities changed since the last run and those depending on them, unless --full, the checks or " +
		"sources changed, or no checks are stored.",
	usage: "[--checks quality.yaml] [--full] [--lang kk|ru|en] [--nats URL] [--json]",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		nats := natsFlags(fs)
		checks := fs.String("checks", "", "quality checks to store and run (YAML; see docs/quality.md)")
		asJSON := fs.Bool("json", false, `print {"checks":[…],"agencies":[…]} as JSON`)
		full := fs.Bool("full", false, "rebuild everything, even when only some entities changed since the last run")
		lang := fs.String("lang", "en", "language of the run's summary: kk, ru or en")
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			if err := noArgs("quality", fs); err != nil {
				return err
			}
			if err := nats.check(); err != nil {
				return err
			}
			switch *lang {
			case "kk", "ru", "en":
			default:
				return usageError{msg: fmt.Sprintf("ortaq quality: unknown language %q", *lang), hint: "one of kk, ru, en"}
			}
			var (
				cfg *quality.Config
				def []byte
			)
			if *checks != "" {
				var err error
				if cfg, def, err = readChecks(*checks); err != nil {
					return err
				}
			}
			st, err := openStore(ctx, *db)
			if err != nil {
				return err
			}
			defer st.Close()
			if cfg != nil {
				if err := st.PutQualityConfig(ctx, *checks, def); err != nil {
					return err
				}
			}
			sum, err := scorecard.RefreshWith(ctx, st, cfg, scorecard.Options{Full: *full, Progress: progressOut})
			if err != nil {
				return err
			}
			if err := publishEvents(ctx, st, nats); err != nil {
				return err
			}
			if *asJSON {
				return writeQualityJSON(out, sum)
			}
			printQualityLang(out, sum, *lang)
			return nil
		}
	},
}

// readChecks reads and parses a quality.yaml, returning its text too so
// that the store can keep what was run.
func readChecks(path string) (*quality.Config, []byte, error) {
	def, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("quality checks: %w", err)
	}
	cfg, err := quality.Parse(bytes.NewReader(def), path)
	if err != nil {
		return nil, nil, err
	}
	return cfg, def, nil
}

// qualityJSON is the --json output the issue promises: the checks with a
// sample of failing record ids, and the agencies' scores.
type qualityJSON struct {
	Run         int64  `json:"run"`
	Incremental bool   `json:"incremental"`
	FullBecause string `json:"full_because,omitempty"`
	// Units is how many units (entities, and records not resolved into
	// one) the run redid, Entities how many golden records it rebuilt.
	Units    int               `json:"units"`
	Entities int               `json:"entities"`
	Score    float64           `json:"score"`
	Checks   []checkJSON       `json:"checks"`
	Agencies []agencyScoreJSON `json:"agencies"`
	Sources  []sourceScoreJSON `json:"sources"`
	Alerts   []string          `json:"alerts"`
}

type checkJSON struct {
	Name      string   `json:"name"`
	Source    string   `json:"source"`
	Kind      string   `json:"kind"`
	Dimension string   `json:"dimension"`
	Failed    int      `json:"failed"`
	Total     int      `json:"total"`
	Sample    []string `json:"sample"`
}

type agencyScoreJSON struct {
	Agency string  `json:"agency"`
	Score  float64 `json:"score"`
}

type sourceScoreJSON struct {
	Source string  `json:"source"`
	Score  float64 `json:"score"`
}

// sampleSize is how many failing record ids --json shows per check.
const sampleSize = 10

func writeQualityJSON(out io.Writer, sum *scorecard.Summary) error {
	j := qualityJSON{Run: sum.RunID, Incremental: sum.Incremental, FullBecause: sum.FullBecause, Units: sum.Units,
		Entities: sum.Entities, Score: sum.Run.Score, Checks: []checkJSON{}, Agencies: []agencyScoreJSON{},
		Sources: []sourceScoreJSON{}, Alerts: []string{}}
	for _, r := range sum.Report.Results {
		c := checkJSON{Name: r.Name, Source: r.Source, Kind: r.Kind, Dimension: r.Dimension, Failed: r.Failed,
			Total: r.Total, Sample: []string{}}
		for _, f := range r.Findings {
			if len(c.Sample) == sampleSize {
				break
			}
			id := f.RecordID
			if id == "" {
				id = fmt.Sprintf("line %d", f.Line)
			}
			c.Sample = append(c.Sample, id)
		}
		j.Checks = append(j.Checks, c)
	}
	for _, s := range sum.Scores {
		switch s.Scope {
		case store.ScopeAgency:
			j.Agencies = append(j.Agencies, agencyScoreJSON{Agency: s.Key, Score: s.Score})
		case store.ScopeSource:
			j.Sources = append(j.Sources, sourceScoreJSON{Source: s.Key, Score: s.Score})
		}
	}
	for _, a := range sum.Alerts {
		j.Alerts = append(j.Alerts, a.Message)
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(j)
}

func printQuality(out io.Writer, sum *scorecard.Summary) { printQualityLang(out, sum, "en") }

// printQualityLang prints the failing checks, the scores, the alerts and
// how the run went, that last in lang.
func printQualityLang(out io.Writer, sum *scorecard.Summary, lang string) {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "source\tcheck\tkind\tfailed\ttotal\t")
	for _, r := range sum.Report.Results {
		if r.Failed > 0 {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t\n", r.Source, r.Name, r.Kind, r.Failed, r.Total)
		}
	}
	tw.Flush()
	fmt.Fprintln(out)
	tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scope\tkey\tscore\trecords\t")
	for _, s := range sum.Scores {
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%d\t\n", s.Scope, s.Key, s.Score, s.Records)
	}
	tw.Flush()
	for _, a := range sum.Alerts {
		fmt.Fprintln(out, "alert:", a.Message)
	}
	fmt.Fprintln(out, scorecard.RunLine(lang, sum))
	fmt.Fprintf(out, "quality run %d: %d entities, %d checks, %d open findings, national score %.1f, %.1fs\n",
		sum.RunID, sum.Entities, len(sum.Report.Results), sum.Run.Findings, sum.Run.Score, sum.Elapsed.Seconds())
}

var worklistCommand = command{
	name:    "worklist",
	summary: "Export data officers' work lists (open and fixed-but-unconfirmed findings by default) as CSV.",
	usage:   "[--agency CODE] [--source NAME] [--check NAME] [--status open|fixed|not_defect|resolved] [--lang kk|ru|en] [--out FILE]",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		var f store.FindingFilter
		fs.StringVar(&f.Agency, "agency", "", "only this agency's sources")
		fs.StringVar(&f.Source, "source", "", "only this source")
		fs.StringVar(&f.Check, "check", "", "only this check")
		fs.StringVar(&f.Status, "status", "", "only findings with this status (default: open and fixed)")
		fs.StringVar(&f.Search, "search", "", "only findings about this record or entity id, or whose value contains this")
		outFile := fs.String("out", "", "write to FILE instead of standard output")
		lang := fs.String("lang", "en", "language of the headers, reasons and fixes: kk, ru or en")
		return func(ctx context.Context, fs *flag.FlagSet, out io.Writer) error {
			if err := noArgs("worklist", fs); err != nil {
				return err
			}
			switch *lang {
			case "kk", "ru", "en":
			default:
				return usageError{msg: fmt.Sprintf("ortaq worklist: unknown language %q", *lang), hint: "one of kk, ru, en"}
			}
			if f.Status != "" && !store.ValidFindingStatus(f.Status) {
				return usageError{msg: fmt.Sprintf("ortaq worklist: unknown status %q", f.Status),
					hint: "one of open, fixed, not_defect, resolved"}
			}
			o := &output{name: *outFile}
			if err := o.create(); err != nil {
				return err
			}
			defer o.abandon()
			st, err := openStore(ctx, *db)
			if err != nil {
				return err
			}
			defer st.Close()
			f.Limit = -1
			findings, _, err := st.WorkList(ctx, f)
			if err != nil {
				return err
			}
			if o.f == nil {
				return scorecard.WriteCSVLang(out, findings, *lang)
			}
			return o.write(func(w io.Writer) error { return scorecard.WriteCSVLang(w, findings, *lang) })
		}
	},
}
