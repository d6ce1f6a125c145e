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
	ds          *golden.Dataset // the sources, without records
	changes     store.QualityChanges
	overrides   []store.Override
	fingerprint string
}

// incrementalVersion changes when what is stored for incremental runs
// changes meaning: the first run after reads everything.
const incrementalVersion = "1"

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
	if cfg == nil {
		p.fullBecause = FullDefaults
		return p, nil
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
	if p.fingerprint = fingerprint(p.ds, cfg); p.fingerprint != p.prev.Fingerprint {
		p.fullBecause = FullChanged
		return p, nil
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

// fingerprint names what every result depends on besides the records:
// the checks, the sources' definitions and the as-of date.
func fingerprint(ds *golden.Dataset, cfg *quality.Config) string {
	h := sha256.New()
	fmt.Fprintf(h, "ortaq quality %s\n%s", incrementalVersion, cfg.Fingerprint())
	asOf := cfg.AsOf
	if asOf.IsZero() {
		asOf = ds.AsOf
	}
	fmt.Fprintf(h, "as of %s\n", asOf.UTC().Format(time.DateOnly))
	for _, s := range ds.Sources {
		// Where the extract was read from, and where the contract said
		// so, change no result.
		def := *s.Def
		def.File, def.Line = "", 0
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
	st := &store.QualityState{QualityMarks: p.marks, Fingerprint: fingerprint(ds, cfg), Totals: b,
		Overrides: map[string]store.RecordRef{}}
	for _, o := range p.overrides {
		st.Overrides[o.CorrectionID] = store.RecordRef{SourceID: o.SourceID, RecordID: o.RecordID}
	}
	return st, nil
}
