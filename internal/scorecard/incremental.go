package scorecard

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/source"
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
//     IINs of persons, of events' people, of animals' owners). Then the
//     units sharing a key with a civil-registry event among them: a
//     person whose IIN changed changes the family ties of the relatives an
//     event names with them.
//  3. The affected units are redone whole, read with every unit sharing a
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

// marks are the last ingest run, resolve run and decision on a finding a
// run includes.
type marks struct{ ingest, resolve, decision int64 }

// runPlan is what a run starts from.
type runPlan struct {
	marks
	fullBecause string
	// The rest is set for an incremental run.
	ds          *golden.Dataset // the sources, without records
	prev        store.QualityState
	changes     store.QualityChanges
	overrides   []store.Override
	fingerprint string
}

// incrementalVersion changes when what is stored for incremental runs
// changes meaning: the first run after reads everything.
const incrementalVersion = "1"

// plan decides whether the run can be incremental.
func plan(ctx context.Context, st *store.Store, cfg *quality.Config, opts Options, m marks) (*runPlan, error) {
	p := &runPlan{marks: m}
	if cfg == nil {
		p.fullBecause = FullDefaults
		return p, nil
	}
	if opts.Full {
		p.fullBecause = FullAsked
		return p, nil
	}
	var err error
	p.prev, err = st.QualityState(ctx)
	if errors.Is(err, store.ErrNotFound) {
		p.fullBecause = FullFirst
		return p, nil
	}
	if err != nil {
		return nil, err
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
	if p.changes, err = st.QualityChangesBetween(ctx, p.prev, m.ingest, m.resolve, m.decision); err != nil {
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
	st := &store.QualityState{IngestRun: p.ingest, ResolveRun: p.resolve, Decision: p.decision,
		Fingerprint: fingerprint(ds, cfg), Totals: b,
		Overrides: map[string]store.RecordRef{}}
	for _, o := range p.overrides {
		st.Overrides[o.CorrectionID] = store.RecordRef{SourceID: o.SourceID, RecordID: o.RecordID}
	}
	return st, nil
}

// incremental redoes the units the changes since the last run affect.
func incremental(ctx context.Context, st *store.Store, cfg *quality.Config, p *runPlan, started time.Time, progressTo io.Writer) (*Summary, error) {
	stage := progress.Stage(progressTo, "find what changed since the last quality run")
	ds := p.ds
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
	written, err := ds.SavePart(ctx, st, build)
	if err != nil {
		return nil, err
	}
	slog.InfoContext(ctx, "golden records rebuilt", "entities", len(build), "changed", written, "elapsed", since(started))

	// The redone units' counts replace their stored ones in the totals.
	units := make([]string, 0, len(redo))
	for u := range redo {
		units = append(units, u)
	}
	slices.Sort(units)
	oldTallies, err := st.UnitTallies(ctx, units)
	if err != nil {
		return nil, err
	}
	totals, err := decodeTally(p.prev.Totals)
	if err != nil {
		return nil, err
	}
	for _, b := range oldTallies {
		t, err := decodeTally(b)
		if err != nil {
			return nil, err
		}
		totals.add(t, -1)
	}
	// Checks of whole sources need every source's live records: the
	// totals with the redone units' records as they are now.
	fresh := observe(ds, isRedone)
	for _, t := range fresh {
		totals.add(t, 1)
	}
	live := totals.live()
	for _, t := range fresh {
		totals.add(t, -1)
	}
	for _, s := range ds.Sources {
		s.SetLive(live[s.ID].records, live[s.ID].newest)
	}
	rep, err := quality.RunWith(ctx, ds, cfg, quality.Options{Progress: progressTo, PerRecord: true})
	if err != nil {
		return nil, fmt.Errorf("quality checks: %w", err)
	}
	count(fresh, ds, rep, isRedone)
	// Only what changed is written: most units redone come out as they
	// were.
	q := &store.QualitySave{Partial: true}
	for _, u := range units {
		t := fresh[u]
		if t == nil {
			if oldTallies[u] != nil {
				q.Units = append(q.Units, store.UnitTally{Unit: u}) // no live record left
			}
			continue
		}
		totals.add(t, 1)
		b, err := t.encode()
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(b, oldTallies[u]) {
			q.Units = append(q.Units, store.UnitTally{Unit: u, Tally: b})
		}
	}
	// Checks over records count over the whole store: the totals.
	// Findings are kept of the redone units only, and of checks of whole
	// sources, which ran on everything.
	for j := range rep.Results {
		r := &rep.Results[j]
		if !quality.OverRecords(r.Kind) {
			continue
		}
		c := totals.checks[j]
		r.Total, r.Failed, r.Counted = c[0], c[1], nil
		r.Findings = slices.DeleteFunc(r.Findings, func(f quality.Finding) bool {
			return !redo[unitOf(ds.Source(r.Source).ID, f.RecordID, f.EntityID)]
		})
	}
	if q.Keys, q.KeyUnits, err = changedKeys(ctx, st, k.unitKeys(ds, isRedone), units); err != nil {
		return nil, err
	}
	if q.State, err = p.state(ds, cfg, totals); err != nil {
		return nil, err
	}
	found := storeFindings(rep, func(quality.Result, quality.Finding) bool { return true })
	old, err := previousFindings(ctx, st, ds, units, found)
	if err != nil {
		return nil, err
	}
	slog.DebugContext(ctx, "findings compared", "found", len(found), "stored", len(old), "elapsed", since(started))
	sum, err := save(ctx, st, q, ds, rep, found, old, started, progressTo)
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

// affected returns the units to redo and the live records to read for
// them: every record of those units and of the units sharing a key with
// them.
func affected(ctx context.Context, st *store.Store, ds *golden.Dataset, k *keyer, p *runPlan) (map[string]bool, []store.LiveRecord, error) {
	t := time.Now()
	changed, err := changedUnits(ctx, st, p)
	if err != nil {
		return nil, nil, err
	}
	slog.DebugContext(ctx, "changed units found", "units", len(changed), "elapsed", since(t))
	r := &reader{st: st, ds: ds, k: k, read: map[string]bool{}}
	// Changed units' keys before (stored) and after (their records now).
	if err := r.load(ctx, changed); err != nil {
		return nil, nil, err
	}
	slog.DebugContext(ctx, "changed units read", "records", len(r.recs), "elapsed", since(t))
	keys, err := r.keysOf(ctx, changed, true)
	if err != nil {
		return nil, nil, err
	}
	hop, err := st.KeyHolders(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	redo := map[string]bool{}
	for _, u := range append(changed, hop...) {
		redo[u] = true
	}
	slog.DebugContext(ctx, "units sharing keys found", "units", len(hop), "elapsed", since(t))
	if err := r.load(ctx, hop); err != nil {
		return nil, nil, err
	}
	slog.DebugContext(ctx, "units sharing keys read", "records", len(r.recs), "elapsed", since(t))
	// The relatives that civil-registry events name with a person whose
	// golden IIN may have changed (or who came or went): their family
	// ties look that person up by IIN.
	moved, err := movedIINs(ctx, st, r, changed, p)
	if err != nil {
		return nil, nil, err
	}
	var eventKeys []int64
	for _, rec := range r.recs {
		s := ds.SourceByID(rec.SourceID)
		if s == nil || s.Entity != source.EntityEvent {
			continue
		}
		for _, a := range golden.KeyAttrs(source.EntityEvent) {
			if moved[rec.Attrs[a]] {
				eventKeys = append(eventKeys, r.recordKeys(rec)...)
				break
			}
		}
	}
	relatives, err := st.KeyHolders(ctx, eventKeys)
	if err != nil {
		return nil, nil, err
	}
	for _, u := range relatives {
		redo[u] = true
	}
	slog.DebugContext(ctx, "units to redo", "changed", len(changed), "sharing_keys", len(hop), "relatives", len(relatives))
	if err := r.load(ctx, relatives); err != nil {
		return nil, nil, err
	}
	// What the redone units are compared with.
	all := make([]string, 0, len(redo))
	for u := range redo {
		all = append(all, u)
	}
	keys, err = r.keysOf(ctx, all, false)
	if err != nil {
		return nil, nil, err
	}
	around, err := st.KeyHolders(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	slog.DebugContext(ctx, "units around found", "units", len(around), "elapsed", since(t))
	if err := r.load(ctx, around); err != nil {
		return nil, nil, err
	}
	slog.DebugContext(ctx, "units around read", "records", len(r.recs), "elapsed", since(t))
	return redo, r.recs, nil
}

// movedIINs returns the IINs, before and after, of the changed person
// entities whose golden IIN may differ from the stored one: those resolve
// touched, those with no stored golden record, and those whose records
// (and accepted corrections) now hold another IIN than the stored golden
// one, or several.
func movedIINs(ctx context.Context, st *store.Store, r *reader, changed []string, p *runPlan) (map[string]bool, error) {
	rows, err := st.GoldenRows(ctx, changed)
	if err != nil {
		return nil, err
	}
	stored := make(map[string]store.GoldenRow, len(rows))
	for _, g := range rows {
		stored[g.EntityID] = g
	}
	linked := map[string]bool{}
	for _, e := range p.changes.Entities {
		linked[e] = true
	}
	now := map[string]map[string]bool{} // person entity -> IINs its records hold
	for _, rec := range r.recs {
		s := r.ds.SourceByID(rec.SourceID)
		if rec.EntityID == "" || s == nil || (s.Entity != source.EntityPerson && s.Entity != "") {
			continue
		}
		if now[rec.EntityID] == nil {
			now[rec.EntityID] = map[string]bool{}
		}
		now[rec.EntityID][rec.Attrs["national_id"]] = true
		for _, o := range r.k.overrides[rec.RecordRef] {
			if o.Attr == "national_id" {
				now[rec.EntityID][o.Value] = true
			}
		}
	}
	out := map[string]bool{}
	for _, u := range changed {
		old, had := stored[u]
		iins := now[u]
		if (had && old.Kind != source.EntityPerson) || (!had && iins == nil) {
			continue // not a person
		}
		if had && !linked[u] && len(iins) == 1 && iins[old.NationalID] {
			continue // one IIN, the stored one
		}
		if had {
			out[old.NationalID] = true
		}
		for iin := range iins {
			out[iin] = true
		}
	}
	delete(out, "")
	return out, nil
}

// changedUnits returns the units the changes since the last run touch
// directly.
func changedUnits(ctx context.Context, st *store.Store, p *runPlan) ([]string, error) {
	ch := p.changes
	refs := append(slices.Clone(ch.Records), ch.LineageRecords...)
	// Accepted corrections that came or went since.
	now := map[string]bool{}
	for _, o := range p.overrides {
		now[o.CorrectionID] = true
		if _, ok := p.prev.Overrides[o.CorrectionID]; !ok {
			refs = append(refs, store.RecordRef{SourceID: o.SourceID, RecordID: o.RecordID})
		}
	}
	for id, ref := range p.prev.Overrides {
		if !now[id] {
			refs = append(refs, ref)
		}
	}
	members, err := st.Membership(ctx, refs)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	// A record's unit now, and before: a record resolve attached or
	// detached was its own unit on one side.
	relinked := map[store.RecordRef]bool{}
	for _, ref := range ch.LineageRecords {
		relinked[ref] = true
	}
	for _, ref := range refs {
		add(members[ref])
		if members[ref] == "" || relinked[ref] {
			add(looseUnit(ref))
		}
	}
	for _, e := range ch.Entities {
		add(e)
	}
	// Findings a data officer decided on are looked at again, as a full
	// run looks at every finding.
	srcID := map[string]int64{}
	for _, s := range p.ds.Sources {
		srcID[s.Name] = s.ID
	}
	for _, f := range ch.Decided {
		if f.RecordID != "" && quality.OverRecords(f.Kind) {
			add(unitOf(srcID[f.Source], f.RecordID, f.EntityID))
		}
	}
	return out, nil
}

// reader reads the live records of units, each unit once.
type reader struct {
	st   *store.Store
	ds   *golden.Dataset
	k    *keyer
	read map[string]bool
	recs []store.LiveRecord
}

func (r *reader) load(ctx context.Context, units []string) error {
	var (
		entities []string
		loose    []store.RecordRef
	)
	for _, u := range units {
		if r.read[u] {
			continue
		}
		r.read[u] = true
		if ref, ok := parseLoose(u); ok {
			loose = append(loose, ref)
		} else {
			entities = append(entities, u)
		}
	}
	recs, err := r.st.EntityRecords(ctx, entities)
	if err != nil {
		return err
	}
	more, err := r.st.LiveRecordsOf(ctx, loose)
	if err != nil {
		return err
	}
	for _, rec := range more {
		if rec.EntityID == "" { // resolved since: read with its entity
			recs = append(recs, rec)
		}
	}
	r.recs = append(r.recs, recs...)
	return nil
}

// recordKeys returns the keys of one record as it is now.
func (r *reader) recordKeys(rec store.LiveRecord) []int64 {
	var s golden.Source
	s.Add(rec)
	var out []int64
	r.k.keys(rec.SourceID, &s.Records[0], func(key int64) { out = append(out, key) })
	return out
}

// keysOf returns the keys units hold now (their records read), and with
// before the keys stored for them by the last run.
func (r *reader) keysOf(ctx context.Context, units []string, before bool) ([]int64, error) {
	want := make(map[string]bool, len(units))
	for _, u := range units {
		want[u] = true
	}
	var out []int64
	for _, rec := range r.recs {
		if want[unitOf(rec.SourceID, rec.RecordID, rec.EntityID)] {
			out = append(out, r.recordKeys(rec)...)
		}
	}
	if !before {
		return out, nil
	}
	stored, err := r.st.UnitKeys(ctx, units)
	if err != nil {
		return nil, err
	}
	for _, ks := range stored {
		out = append(out, ks...)
	}
	return out, nil
}
