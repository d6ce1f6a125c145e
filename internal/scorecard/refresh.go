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
}

// Refresh rebuilds the golden records from the store, runs the quality
// checks over them (cfg, or when nil the checks stored by the last
// "ortaq quality --checks", or the defaults the contracts imply), scores
// every source and agency, raises alerts against history and updates the
// work lists, all in one pass over the data.
func Refresh(ctx context.Context, st *store.Store, cfg *quality.Config) (*Summary, error) {
	return RefreshWithProgress(ctx, st, cfg, nil)
}

// RefreshWithProgress is Refresh showing every stage on progressTo (nil for
// none): reading the records, building and storing the golden records and
// their search terms, running the checks, comparing the findings with the
// last run's and storing the run.
func RefreshWithProgress(ctx context.Context, st *store.Store, cfg *quality.Config, progressTo io.Writer) (*Summary, error) {
	started := time.Now()
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
		if cfg, err = StoredConfig(ctx, st, ds); err != nil {
			return nil, err
		}
	}
	t = time.Now()
	rep, err := quality.RunWithProgress(ctx, ds, cfg, progressTo)
	if err != nil {
		return nil, fmt.Errorf("quality checks: %w", err)
	}
	slog.InfoContext(ctx, "quality checks run", "checks", len(rep.Results), "elapsed", since(t))
	sum, err := save(ctx, st, ds, rep, started, progressTo)
	if err != nil {
		return nil, err
	}
	sum.Elapsed = time.Since(started)
	slog.InfoContext(ctx, "quality run stored", "run", sum.RunID, "findings_open", sum.Run.Findings,
		"score", sum.Run.Score, "alerts", len(sum.Alerts), "elapsed", sum.Elapsed.Round(time.Millisecond))
	return sum, nil
}

// StoredConfig returns the checks stored by "ortaq quality --checks", or,
// when none were, the defaults that the sources' contracts imply.
func StoredConfig(ctx context.Context, st *store.Store, ds *golden.Dataset) (*quality.Config, error) {
	path, def, err := st.QualityConfig(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return quality.Defaults(ds), nil
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

// save scores the report, compares it with history and stores the run.
func save(ctx context.Context, st *store.Store, ds *golden.Dataset, rep *quality.Report, started time.Time, progressTo io.Writer) (*Summary, error) {
	stage := progress.Stage(progressTo, "compare findings with the last run")
	defer stage.Finish()
	live := map[string]int{}
	for _, s := range ds.Sources {
		live[s.Name] = len(s.Records)
	}
	q := &store.QualitySave{Run: store.QualityRun{StartedAt: started, AsOf: rep.AsOf, Checks: len(rep.Results)}}
	var found []store.Finding
	for _, r := range rep.Results {
		q.Results = append(q.Results, store.CheckResult{Source: r.Source, Agency: r.Agency, Name: r.Name, Kind: r.Kind,
			Dimension: r.Dimension, Severity: r.Severity, Description: r.Description, Failed: r.Failed, Total: r.Total,
			DescriptionKey: r.DescriptionMsg.Key, DescriptionArgs: r.DescriptionMsg.Args})
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
	old := map[string]store.Finding{}
	err = st.EachFinding(ctx, func(f store.Finding) error {
		old[f.ID] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	q.Findings, q.Run.Findings = carryOver(dedupe(found), old, time.Now().UTC())
	stage.Finish()
	bar := progress.New(progressTo, "store quality run and findings",
		int64(len(q.Results)+len(q.Scores)+len(q.Alerts)+len(q.Findings)))
	defer bar.Finish()
	q.Progress = func(n int) { bar.Add(int64(n)) }
	id, err := st.SaveQuality(ctx, q)
	if err != nil {
		return nil, err
	}
	bar.Finish()
	q.Run.ID = id
	return &Summary{RunID: id, Run: q.Run, Report: rep, Scores: q.Scores, Alerts: q.Alerts, Entities: len(ds.Entities)}, nil
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
