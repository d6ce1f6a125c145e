package scorecard

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

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
	// The units a later as-of date may judge differently: only their
	// own results can change, not those of units sharing a key.
	for _, u := range p.due {
		redo[u] = true
	}
	slog.DebugContext(ctx, "units to redo", "changed", len(changed), "sharing_keys", len(hop), "relatives", len(relatives),
		"due", len(p.due))
	if err := r.load(ctx, relatives); err != nil {
		return nil, nil, err
	}
	if err := r.load(ctx, p.due); err != nil {
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
		// A golden value is never empty: a record without an IIN gives
		// none.
		if v := rec.Attrs["national_id"]; v != "" {
			now[rec.EntityID][v] = true
		}
		for _, o := range r.k.overrides[rec.RecordRef] {
			if o.Attr == "national_id" && o.Value != "" {
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
		if had && !linked[u] && (len(iins) == 1 && iins[old.NationalID] || len(iins) == 0 && old.NationalID == "") {
			continue // one IIN, the stored one, or none as before
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
