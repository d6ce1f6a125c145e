package scorecard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/store"
)

// runPlan is what a run starts from.
type runPlan struct {
	marks       store.QualityMarks // what this run includes
	prev        store.QualityState // what the last run saved
	hasPrev     bool
	fullBecause string
	// The rest is set for an incremental run.
	ds  *golden.Dataset // the sources, without records
	cfg *quality.Config // the checks to run
	// derived reports checks derived from the data (no checks given or
	// stored): the defaults as the last run's counts imply them, which
	// the run must find unchanged by the changes it redoes.
	derived     bool
	changes     store.QualityChanges
	overrides   []store.Override
	fingerprint string
	// due are the units whose results the as-of date, moved forward
	// since the last run, may change.
	due []string
}

// incrementalVersion changes when what is stored for incremental runs
// changes meaning: the first run after reads everything.
const incrementalVersion = "2"

// maxAsOfMove is how far forward the as-of date may move for a run to
// stay incremental: further, most units with a date their checks judge
// against it are due anyway.
const maxAsOfMove = 366 * 24 * time.Hour

// plan decides whether the run can be incremental. What the run includes
// is fixed before it reads anything: a change stored while it runs is
// redone by the next run, never missed.
func plan(ctx context.Context, st *store.Store, cfg *quality.Config, opts Options) (*runPlan, error) {
	p := &runPlan{}
	var err error
	p.prev, err = st.QualityState(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		p.hasPrev = true
	}
	if p.marks, err = st.QualityMarksSince(ctx, p.prev.QualityMarks); err != nil {
		return nil, err
	}
	if opts.Full {
		p.fullBecause = FullAsked
		return p, nil
	}
	if !p.hasPrev {
		p.fullBecause = FullFirst
		return p, nil
	}
	t := time.Now()
	if p.ds, err = golden.LoadSources(ctx, st); err != nil {
		return nil, err
	}
	slog.DebugContext(ctx, "sources read", "elapsed", since(t))
	if cfg == nil {
		// The defaults as the last run's data implied them; if the
		// changes make them differ, incremental says so.
		totals, err := decodeTally(p.prev.Totals)
		if err != nil {
			return nil, err
		}
		cfg, p.derived = quality.DefaultsWith(p.ds, totals.registers()), true
	}
	p.cfg = cfg
	if p.fingerprint = fingerprint(p.ds, cfg); p.fingerprint != p.prev.Fingerprint {
		p.fullBecause = FullChanged
		return p, nil
	}
	if p.fullBecause, err = p.asOfMoved(ctx, st, asOfDay(p.ds, cfg)); err != nil || p.fullBecause != "" {
		return p, err
	}
	t = time.Now()
	if p.changes, err = st.QualityChangesBetween(ctx, p.prev.QualityMarks, p.marks); err != nil {
		return nil, err
	}
	slog.DebugContext(ctx, "changes read", "records", len(p.changes.Records), "elapsed", since(t))
	if p.changes.FullResolve {
		p.fullBecause = FullResolved
		return p, nil
	}
	if p.overrides, err = st.ActiveOverrides(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// asOfMoved returns why the run must be full when the as-of date moved
// from the last run's to asOf: back, or too far forward. Moved forward by
// less, it finds the units due by then: those whose results the move may
// change.
func (p *runPlan) asOfMoved(ctx context.Context, st *store.Store, asOf string) (string, error) {
	prev, err := time.Parse(time.DateOnly, p.prev.AsOf)
	if err != nil {
		return FullChanged, nil // not saved: the results' date is unknown
	}
	now, err := time.Parse(time.DateOnly, asOf)
	switch {
	case err != nil:
		return "", fmt.Errorf("as-of date %q: %w", asOf, err)
	case now.Before(prev):
		return FullAsOfBack, nil
	case now.Sub(prev) > maxAsOfMove:
		return FullAsOfFar, nil
	case now.After(prev):
		t := time.Now()
		if p.due, err = st.UnitsDue(ctx, asOf); err != nil {
			return "", err
		}
		slog.DebugContext(ctx, "units due", "from", p.prev.AsOf, "to", asOf, "units", len(p.due), "elapsed", since(t))
	}
	return "", nil
}

// asOfDay is the as-of date the checks judge at: the configuration's, or
// the dataset's.
func asOfDay(ds *golden.Dataset, cfg *quality.Config) string {
	asOf := cfg.AsOf
	if asOf.IsZero() {
		asOf = ds.AsOf
	}
	return asOf.UTC().Format(time.DateOnly)
}

// fingerprint names what every result depends on besides the records and
// the as-of date (which the run compares itself): the checks and the
// sources' definitions.
func fingerprint(ds *golden.Dataset, cfg *quality.Config) string {
	h := sha256.New()
	c := *cfg
	c.AsOf = time.Time{}
	fmt.Fprintf(h, "ortaq quality %s\n%s", incrementalVersion, c.Fingerprint())
	for _, s := range ds.Sources {
		// Where the extract was read from, and where the contract said
		// so, change no result; its as-of date changes the dataset's,
		// compared apart.
		def := *s.Def
		def.File, def.Line, def.AsOf = "", 0, time.Time{}
		b, err := json.Marshal(def)
		if err != nil {
			b = []byte(s.Definition) // cannot happen: it was read from JSON
		}
		fmt.Fprintf(h, "%q %q %q %s\n", s.Name, s.AgencyCode, s.Entity, b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// state is what the run saves for the next one to start from.
func (p *runPlan) state(ds *golden.Dataset, cfg *quality.Config, totals *tally) (*store.QualityState, error) {
	b, err := totals.encode()
	if err != nil {
		return nil, err
	}
	st := &store.QualityState{QualityMarks: p.marks, Fingerprint: fingerprint(ds, cfg), AsOf: asOfDay(ds, cfg), Totals: b,
		Overrides: map[string]store.RecordRef{}}
	for _, o := range p.overrides {
		st.Overrides[o.CorrectionID] = store.RecordRef{SourceID: o.SourceID, RecordID: o.RecordID}
	}
	return st, nil
}
