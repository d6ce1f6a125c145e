package scorecard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/store"
)

// Summary describes a finished refresh.
type Summary struct {
	RunID    int64
	Run      store.QualityRun
	Report   *quality.Report
	Scores   []store.Score
	Alerts   []store.Alert
	Entities int
	Elapsed  time.Duration
	// Incremental reports a run that redid only the units (entities, and
	// records not resolved into one) whose results the changes since the
	// last run could change; FullBecause says why a run was full instead
	// (one of the Full* reasons). Units is how many units the run redid:
	// every one for a full run. The Report of an incremental run holds the
	// findings of those units only, and every check's counts over the
	// whole store.
	Incremental bool
	FullBecause string
	Units       int
}

// Why a run was full.
const (
	FullAsked   = "asked"   // Options.Full
	FullFirst   = "first"   // no earlier run saved what an incremental run starts from
	FullChanged = "changed" // the checks or a source's definition changed
	// FullDefaults: no checks were given or stored, and the defaults
	// derived from the data changed with it (a person source crossed the
	// line of one record per person, and gained or lost its duplicates
	// check).
	FullDefaults = "defaults"
	FullAsOfBack = "as-of-back" // the as-of date moved back
	FullAsOfFar  = "as-of-far"  // the as-of date moved forward by more than a year
	FullResolved = "resolved"   // a resolve run rebuilt a kind of entities from scratch
)

// Options say how RefreshWith refreshes.
type Options struct {
	// Full rebuilds everything even when an incremental run would do.
	Full bool
	// Progress, when not nil, is shown every stage.
	Progress io.Writer
}

// Refresh rebuilds the golden records from the store, runs the quality
// checks over them (cfg, or when nil the checks stored by the last
// "ortaq quality --checks", or the defaults the contracts imply), scores
// every source and agency, raises alerts against history and updates the
// work lists: RefreshWith with no options.
func Refresh(ctx context.Context, st *store.Store, cfg *quality.Config) (*Summary, error) {
	return RefreshWith(ctx, st, cfg, Options{})
}

// RefreshWithProgress is Refresh showing every stage on progressTo (nil for
// none).
func RefreshWithProgress(ctx context.Context, st *store.Store, cfg *quality.Config, progressTo io.Writer) (*Summary, error) {
	return RefreshWith(ctx, st, cfg, Options{Progress: progressTo})
}

// RefreshWith refreshes the golden records, findings, scores, alerts and
// work lists. It redoes only what the changes since the last run can
// change (incremental.go) and leaves the store as a full run would leave
// it, except for which run each untouched finding was last seen in
// (store.Finding.LastRun). It runs in full when opts.Full asks, or when it
// cannot redo less (see the Full* reasons): it then reads every live
// record, builds every golden record, runs the checks over everything and
// replaces every stored result, in one pass over the data.
func RefreshWith(ctx context.Context, st *store.Store, cfg *quality.Config, opts Options) (*Summary, error) {
	started := time.Now()
	var err error
	if cfg == nil {
		if cfg, err = storedChecks(ctx, st); err != nil {
			return nil, err
		}
	}
	p, err := plan(ctx, st, cfg, opts)
	if err != nil {
		return nil, err
	}
	var sum *Summary
	if p.fullBecause == "" {
		sum, err = incremental(ctx, st, p, started, opts.Progress)
		if errors.Is(err, errDefaultsChanged) {
			slog.InfoContext(ctx, "default checks changed: running in full")
			p.fullBecause = FullDefaults
			sum, err = full(ctx, st, cfg, p, started, opts.Progress)
		}
	} else {
		sum, err = full(ctx, st, cfg, p, started, opts.Progress)
	}
	if err != nil {
		return nil, err
	}
	sum.Elapsed = time.Since(started)
	slog.InfoContext(ctx, "quality run stored", "run", sum.RunID, "incremental", sum.Incremental, "full_because", sum.FullBecause,
		"units", sum.Units, "findings_open", sum.Run.Findings, "score", sum.Run.Score, "alerts", len(sum.Alerts),
		"elapsed", sum.Elapsed.Round(time.Millisecond))
	return sum, nil
}

// full rebuilds everything from every live record.
func full(ctx context.Context, st *store.Store, cfg *quality.Config, p *runPlan, started time.Time, progressTo io.Writer) (*Summary, error) {
	ds, err := golden.LoadWithProgress(ctx, st, progressTo)
	if err != nil {
		return nil, err
	}
	slog.InfoContext(ctx, "golden records built", "entities", len(ds.Entities), "elapsed", since(started))
	t := time.Now()
	if err := ds.SaveWithProgress(ctx, st, progressTo); err != nil {
		return nil, err
	}
	slog.InfoContext(ctx, "golden records stored", "elapsed", since(t))
	if cfg == nil {
		cfg = quality.Defaults(ds)
	}
	t = time.Now()
	rep, err := quality.RunWith(ctx, ds, cfg, quality.Options{Progress: progressTo, PerRecord: true})
	if err != nil {
		return nil, fmt.Errorf("quality checks: %w", err)
	}
	slog.InfoContext(ctx, "quality checks run", "checks", len(rep.Results), "elapsed", since(t))
	stage := progress.Stage(progressTo, "count each entity's results")
	defer stage.Finish()
	all := func(string) bool { return true }
	units := observe(ds, all)
	count(units, ds, rep, all)
	totals := newTally()
	nUnits := len(units)
	q := &store.QualitySave{Units: make([]store.UnitTally, 0, len(units))}
	for u, t := range units {
		totals.addUnit(u, t, 1)
		b, err := t.encode()
		if err != nil {
			return nil, err
		}
		q.Units = append(q.Units, store.UnitTally{Unit: u, Tally: b, Due: t.due})
	}
	for i := range rep.Results {
		rep.Results[i].Counted, rep.Results[i].Due = nil, nil // counted: let them go
	}
	// After Save, which retired the overrides the agencies now apply.
	if p.overrides, err = st.ActiveOverrides(ctx); err != nil {
		return nil, err
	}
	q.Keys = newKeyer(ds, cfg, p.overrides).unitKeys(ds, all)
	if q.State, err = p.state(ds, cfg, totals); err != nil {
		return nil, err
	}
	// The records, golden records and tallies are stored, counted or
	// encoded by now: nothing below holds them, so the collector can take
	// them while the findings are gathered, compared and stored.
	nEntities, live := len(ds.Entities), liveCounts(ds)
	found := storeFindings(rep)
	old := map[string]store.Finding{}
	err = st.EachFinding(ctx, func(f store.Finding) error {
		old[f.ID] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	stage.Finish()
	sum, err := save(ctx, st, q, live, rep, found, old, started, progressTo)
	if err != nil {
		return nil, err
	}
	sum.FullBecause, sum.Units, sum.Entities = p.fullBecause, nUnits, nEntities
	return sum, nil
}

// StoredConfig returns the checks stored by "ortaq quality --checks", or,
// when none were, the defaults that the sources' contracts imply.
func StoredConfig(ctx context.Context, st *store.Store, ds *golden.Dataset) (*quality.Config, error) {
	cfg, err := storedChecks(ctx, st)
	if cfg == nil && err == nil {
		return quality.Defaults(ds), nil
	}
	return cfg, err
}

// storedChecks returns the checks stored by "ortaq quality --checks", nil
// when none were.
func storedChecks(ctx context.Context, st *store.Store) (*quality.Config, error) {
	path, def, err := st.QualityConfig(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	cfg, err := quality.Parse(bytes.NewReader(def), path)
	if err != nil {
		return nil, fmt.Errorf("stored quality checks: %w", err)
	}
	return cfg, nil
}

func since(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

// storeFindings returns the findings of rep as the store keeps them.
func storeFindings(rep *quality.Report) []store.Finding {
	var found []store.Finding
	for _, r := range rep.Results {
		for _, f := range r.Findings {
			key := f.RecordID
			if f.Key != "" {
				key = f.Key
			}
			found = append(found, store.Finding{ID: FindingID(r.Source, r.Name, key, f.Line, f.Value), Source: r.Source,
				Agency: r.Agency, Check: r.Name, Kind: r.Kind, Severity: r.Severity, RecordID: f.RecordID, Line: f.Line,
				EntityID: f.EntityID, Value: f.Value, Reason: f.Reason, Suggestion: f.Suggestion, Related: f.Related,
				ReasonKey: f.ReasonMsg.Key, ReasonArgs: f.ReasonMsg.Args,
				SuggestionKey: f.SuggestionMsg.Key, SuggestionArgs: f.SuggestionMsg.Args})
		}
	}
	return found
}

// save scores the report's results, compares them with history, carries
// the findings found over from old (the stored findings they replace) and
// stores the run with what q holds already.
func save(ctx context.Context, st *store.Store, q *store.QualitySave, live map[string]int, rep *quality.Report,
	found []store.Finding, old map[string]store.Finding, started time.Time, progressTo io.Writer) (*Summary, error) {
	stage := progress.Stage(progressTo, "compare findings with the last run")
	defer stage.Finish()
	q.Run = store.QualityRun{StartedAt: started, AsOf: rep.AsOf, Checks: len(rep.Results)}
	for _, r := range rep.Results {
		q.Results = append(q.Results, store.CheckResult{Source: r.Source, Agency: r.Agency, Name: r.Name, Kind: r.Kind,
			Dimension: r.Dimension, Severity: r.Severity, Description: r.Description, Failed: r.Failed, Total: r.Total,
			DescriptionKey: r.DescriptionMsg.Key, DescriptionArgs: r.DescriptionMsg.Args})
	}
	// A held load stays on its agency's work list until a later load of
	// the source is stored; then this run no longer finds it, and
	// carryOver resolves it.
	held, err := st.PendingHeldLoads(ctx)
	if err != nil {
		return nil, err
	}
	for _, h := range held {
		found = append(found, store.HeldFinding(h))
	}
	q.Scores = scoreSources(q.Results, live)
	for _, s := range q.Scores {
		if s.Scope == store.ScopeNation {
			q.Run.Score = s.Score
		}
	}
	history, err := st.CheckHistory(ctx, historyRuns)
	if err != nil {
		return nil, err
	}
	var prevScores []store.Score
	if runs, err := st.QualityRuns(ctx, 1); err != nil {
		return nil, err
	} else if len(runs) == 1 {
		if prevScores, err = st.Scores(ctx, runs[0].ID, ""); err != nil {
			return nil, err
		}
	}
	q.Alerts = alerts(q.Results, q.Scores, history, prevScores)
	if q.Partial {
		for id := range old {
			q.Replace = append(q.Replace, id)
		}
	}
	q.Findings, q.Run.Findings = carryOver(dedupe(found), old, time.Now().UTC())
	stage.Finish()
	rows := len(q.Results) + len(q.Scores) + len(q.Alerts) + len(q.Findings) + len(q.Keys)
	for _, u := range q.Units {
		if u.Tally != nil {
			rows++
		}
	}
	bar := progress.New(progressTo, "store quality run and findings", int64(rows))
	defer bar.Finish()
	q.Progress = func(n int) { bar.Add(int64(n)) }
	id, err := st.SaveQuality(ctx, q)
	if err != nil {
		return nil, err
	}
	bar.Finish()
	q.Run.ID = id
	return &Summary{RunID: id, Run: q.Run, Report: rep, Scores: q.Scores, Alerts: q.Alerts}, nil
}

// liveCounts returns how many live records each of ds's sources has, by
// name.
func liveCounts(ds *golden.Dataset) map[string]int {
	live := map[string]int{}
	for _, s := range ds.Sources {
		live[s.Name] = s.LiveCount()
	}
	return live
}

// dedupe keeps the first finding of each id: a check that reports one
// record twice still makes one work item.
func dedupe(fs []store.Finding) []store.Finding {
	seen := make(map[string]bool, len(fs))
	out := fs[:0]
	for _, f := range fs {
		if !seen[f.ID] {
			seen[f.ID] = true
			out = append(out, f)
		}
	}
	return out
}
