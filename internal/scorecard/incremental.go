package scorecard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/store"
)

// An incremental run redoes the units whose golden records or results the
// changes since the last run can change, and keeps every other unit's as
// stored:
//
//  1. Changed units: the entities and records not resolved into one that
//     hold a record stored, changed, deleted or corrected since (ingest
//     runs after the last one included), every entity resolve's lineage
//     names since (created, attached to, detached from, merged, split,
//     retired), and the records whose accepted corrections came or went.
//  2. Affected units: the changed ones and every unit sharing a key with
//     one, before or after the change (stored keys, and keys of the
//     records now). Keys are the values through which results depend on
//     other records (quality.Config.KeyFields: identifiers compared by
//     unique and group_size, values looked up in a register, IINs looked
//     up for deaths) and golden records on other entities (golden.KeyAttrs:
//     IINs of persons, of events' people, of animals' owners). Then, for
//     every changed person whose golden IIN may have changed (resolve
//     touched them, or their records hold another IIN than the stored
//     golden one, or several), the units sharing a key with a
//     civil-registry event that names them: the relatives whose family
//     ties look them up by IIN.
//  3. Due units, when the as-of date moved forward: those with a record
//     that a check judged against the date may judge differently by the
//     new one (quality.Result.Due: a birthday past an age limit, the day
//     after a death, a date reached, a date in the future whose finding
//     names the as-of date). Only their own results change with the
//     date, so units sharing a key with them are not redone for them.
//  4. The affected units are redone whole, read with every unit sharing a
//     key with them (whose records the checks compare them with, and whose
//     stored golden records their deaths, relatives and owners are looked
//     up in).
//
// Each unit's counts per check are stored (quality_units) and summed
// (quality_state.totals): the run takes the redone units' old counts out of
// the totals and adds their new ones, so that scores never need a rescan.
// Checks of a whole source (freshness, volume, schema, quarantine) are
// cheap and run every time, from the source's runs and the totals' live
// records by observation time.
//
// With no checks given or stored, the default checks are derived from
// the sources' contracts and, for the duplicates check, from how many of
// the people each person source names have one record; the totals keep
// these counts, so the run derives the defaults from the last run's
// counts, and after counting the redone units checks that they still
// give the same defaults (else it runs in full: errDefaultsChanged).

// errDefaultsChanged reports an incremental run with checks derived from
// the data whose changes change them: it stops before storing anything,
// and the run is done in full.
var errDefaultsChanged = errors.New("the default checks changed")

// incremental redoes the units the changes since the last run affect.
func incremental(ctx context.Context, st *store.Store, p *runPlan, started time.Time, progressTo io.Writer) (*Summary, error) {
	stage := progress.Stage(progressTo, "find what changed since the last quality run")
	ds, cfg := p.ds, p.cfg
	k := newKeyer(ds, cfg, p.overrides)
	redo, recs, err := affected(ctx, st, ds, k, p)
	if err != nil {
		return nil, err
	}
	stage.Finish()
	slog.InfoContext(ctx, "changes found", "records", len(p.changes.Records), "units", len(redo), "records_read", len(recs),
		"elapsed", since(started))
	isRedone := func(u string) bool { return redo[u] }
	var build []string
	for u := range redo {
		if _, loose := parseLoose(u); !loose {
			build = append(build, u)
		}
	}
	slices.Sort(build)
	if err := ds.LoadPart(ctx, st, build, recs, progressTo); err != nil {
		return nil, err
	}
	slog.DebugContext(ctx, "golden records built", "entities", len(build), "elapsed", since(started))
	units := make([]string, 0, len(redo))
	for u := range redo {
		units = append(units, u)
	}
	slices.Sort(units)
	c, err := startRecount(ctx, st, ds, p.prev.Totals, units, isRedone)
	if err != nil {
		return nil, err
	}
	if p.derived && fingerprint(ds, quality.DefaultsWith(ds, c.registers())) != p.fingerprint {
		return nil, errDefaultsChanged
	}
	written, err := ds.SavePart(ctx, st, build)
	if err != nil {
		return nil, err
	}
	slog.InfoContext(ctx, "golden records rebuilt", "entities", len(build), "changed", written, "elapsed", since(started))
	live := c.live()
	for _, s := range ds.Sources {
		s.SetLive(live[s.ID].records, live[s.ID].newest)
	}
	rep, err := quality.RunWith(ctx, ds, cfg, quality.Options{Progress: progressTo, PerRecord: true})
	if err != nil {
		return nil, fmt.Errorf("quality checks: %w", err)
	}
	q := &store.QualitySave{Partial: true}
	if q.Units, err = c.finish(ds, rep, units, isRedone); err != nil {
		return nil, err
	}
	if q.Keys, q.KeyUnits, err = changedKeys(ctx, st, k.unitKeys(ds, isRedone), units); err != nil {
		return nil, err
	}
	if q.State, err = p.state(ds, cfg, c.totals); err != nil {
		return nil, err
	}
	found := storeFindings(rep)
	old, err := previousFindings(ctx, st, ds, units, found)
	if err != nil {
		return nil, err
	}
	slog.DebugContext(ctx, "findings compared", "found", len(found), "stored", len(old), "elapsed", since(started))
	sum, err := save(ctx, st, q, liveCounts(ds), rep, found, old, started, progressTo)
	if err != nil {
		return nil, err
	}
	sum.Incremental, sum.Units, sum.Entities = true, len(units), len(build)
	return sum, nil
}

// changedKeys returns, of the keys units hold now, those of the units
// whose keys are not the stored ones, and those units.
func changedKeys(ctx context.Context, st *store.Store, now []store.UnitKey, units []string) ([]store.UnitKey, []string, error) {
	stored, err := st.UnitKeys(ctx, units)
	if err != nil {
		return nil, nil, err
	}
	held := make(map[string][]int64, len(units))
	for _, k := range now {
		held[k.Unit] = append(held[k.Unit], k.Key)
	}
	var (
		keys    []store.UnitKey
		changed []string
	)
	for _, u := range units {
		a, b := held[u], stored[u]
		slices.Sort(a)
		slices.Sort(b)
		if slices.Equal(a, b) {
			continue
		}
		changed = append(changed, u)
		for _, k := range a {
			keys = append(keys, store.UnitKey{Unit: u, Key: k})
		}
	}
	return keys, changed, nil
}

// previousFindings returns the stored findings the run replaces: those of
// the redone units, of the checks of whole sources, and any with the id
// of one found.
func previousFindings(ctx context.Context, st *store.Store, ds *golden.Dataset, units []string, found []store.Finding) (map[string]store.Finding, error) {
	var (
		entities []string
		loose    []store.RecordRef
		ids      []string
		kinds    []string
	)
	for _, u := range units {
		if ref, ok := parseLoose(u); ok {
			loose = append(loose, ref)
		} else {
			entities = append(entities, u)
		}
	}
	for _, f := range found {
		ids = append(ids, f.ID)
	}
	for _, k := range quality.Kinds() {
		if !quality.OverRecords(k) {
			kinds = append(kinds, k)
		}
	}
	prev, err := st.FindingsOf(ctx, entities, loose, kinds, ids)
	if err != nil {
		return nil, err
	}
	old := make(map[string]store.Finding, len(prev))
	for _, f := range prev {
		old[f.ID] = f
	}
	return old, nil
}
