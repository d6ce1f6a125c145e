package golden

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// RefreshEntity rebuilds the golden record of one entity from its member
// records as they are now and stores it, with the search terms that find
// it, in place of the old one, in one transaction: what a change to one
// record (an accepted correction) needs between two whole builds (Load,
// Save). Values, provenance and conflicts are chosen by the same
// survivorship as a whole build, and the household, which comes from the
// person's own values, is worked out again.
//
// What needs the whole dataset is kept from the stored golden record:
// family relations, values that came from records of other entities (a
// death date from the civil registry) and an animal's owner, unless the
// animal's owner IIN changed: then the owner is looked up among the stored
// golden records of persons. An entity left with no live record loses its
// golden record, as in a whole build.
//
// The next whole build replaces what RefreshEntity wrote; a whole build
// that read the records before a change and saves after RefreshEntity
// stores the older state until the build after it.
func RefreshEntity(ctx context.Context, st *store.Store, entityID string) error {
	recs, err := st.EntityRecords(ctx, []string{entityID})
	if err != nil {
		return fmt.Errorf("golden: refresh %s: %w", entityID, err)
	}
	var prev *Doc
	switch row, err := st.Golden(ctx, entityID); {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return fmt.Errorf("golden: refresh %s: %w", entityID, err)
	default:
		d, err := DecodeDoc(row.Doc)
		if err != nil {
			return fmt.Errorf("golden: refresh %s: %w", entityID, err)
		}
		prev = &d
	}
	stats, err := st.Sources(ctx)
	if err != nil {
		return fmt.Errorf("golden: refresh %s: %w", entityID, err)
	}
	stale, err := staleTerms(ctx, st, prev, recs, stats)
	if err != nil {
		return fmt.Errorf("golden: refresh %s: %w", entityID, err)
	}
	if len(recs) == 0 {
		if err := st.UpdateGolden(ctx, entityID, nil, stale, nil); err != nil {
			return fmt.Errorf("golden: %w", err)
		}
		return nil
	}
	ov, err := loadOverrides(ctx, st)
	if err != nil {
		return fmt.Errorf("golden: refresh %s: %w", entityID, err)
	}
	e, d, err := buildOne(entityID, recs, stats, ov)
	if err != nil {
		return fmt.Errorf("golden: refresh %s: %w", entityID, err)
	}
	if prev != nil {
		if err := e.keepTies(ctx, st, prev); err != nil {
			return fmt.Errorf("golden: refresh %s: %w", entityID, err)
		}
	}
	row, terms, err := e.stored(nil, map[string]bool{})
	if err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	if err := st.UpdateGolden(ctx, entityID, &row, stale, terms); err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	return d.retireOverrides(ctx, st)
}

// buildOne builds the entity from its records with the sources they come
// from, as a whole build would (NewDataset), applying accepted corrections
// ov, and returns it with the dataset of its records alone.
func buildOne(entityID string, recs []store.LiveRecord, stats []store.SourceStats, ov *overrideSet) (*Entity, *Dataset, error) {
	byID := make(map[int64]*Source)
	for _, r := range recs {
		if _, ok := byID[r.SourceID]; !ok {
			byID[r.SourceID] = nil
		}
	}
	var (
		sources []*Source // in the order of stats: by agency, then name
		asOf    time.Time
	)
	for _, s := range stats {
		def, err := source.Stored(s.ID, s.Definition)
		if err != nil {
			return nil, nil, fmt.Errorf("source %s: %w", s.Name, err)
		}
		if def.AsOf.After(asOf) {
			asOf = def.AsOf
		}
		if _, ok := byID[s.ID]; ok {
			src := &Source{SourceStats: s, Def: def}
			byID[s.ID] = src
			sources = append(sources, src)
		}
	}
	for _, r := range recs {
		src := byID[r.SourceID]
		if src == nil {
			return nil, nil, fmt.Errorf("record %s of unknown source %d", r.RecordID, r.SourceID)
		}
		src.Add(r)
	}
	d := newDataset(cmp.Or(asOf, time.Now().UTC()), sources, ov)
	e := d.Entities[entityID]
	if e == nil {
		return nil, nil, errors.New("its records made no entity")
	}
	return e, d, nil
}

// keepTies carries over from the entity's previous golden record what a
// build of the entity alone cannot know (see RefreshEntity).
func (e *Entity) keepTies(ctx context.Context, st *store.Store, prev *Doc) error {
	e.Relations = prev.Relations
	members := make(map[[2]string]bool, len(prev.Members))
	for _, m := range prev.Members {
		members[[2]string{m.Source, m.RecordID}] = true
	}
	// Values from outside the members, the surviving ones and those in
	// conflict with them, each once.
	type outside struct {
		attr string
		v    Value
	}
	var from []outside
	seen := map[outside]bool{}
	add := func(attr string, v Value) {
		if v.Correction != "" {
			return // from an override of a member's record: built again
		}
		o := outside{attr, v}
		if !members[[2]string{v.Source, v.RecordID}] && !seen[o] {
			seen[o] = true
			from = append(from, o)
		}
	}
	for _, f := range prev.Values {
		add(f.Attr, f.Value)
	}
	for attr, vs := range prev.Conflicts {
		for _, v := range vs {
			add(attr, v)
		}
	}
	for _, o := range from {
		e.addValue(o.attr, o.v)
	}
	if e.Kind != source.EntityAnimal {
		return nil
	}
	iin := e.Get("owner_iin")
	if iin == prev.Value("owner_iin") {
		e.Owner = prev.Owner
		return nil
	}
	e.Owner = ""
	if !kz.ValidIIN(iin) {
		return nil
	}
	rows, err := st.GoldenByNationalID(ctx, iin, 10)
	if err != nil {
		return err
	}
	for _, g := range rows {
		if g.Kind == source.EntityPerson && g.EntityID != e.ID {
			e.Owner = g.EntityID
			break
		}
	}
	return nil
}

// staleTerms returns every search term the entity may be found by now:
// the words of every version of every record it had at its last build and
// has now. A superset is harmless (UpdateGolden deletes by term).
func staleTerms(ctx context.Context, st *store.Store, prev *Doc, recs []store.LiveRecord, stats []store.SourceStats) ([]string, error) {
	srcNames := make(map[int64]string, len(stats))
	for _, s := range stats {
		srcNames[s.ID] = s.Name
	}
	refs := map[[2]string]bool{}
	if prev != nil {
		for _, m := range prev.Members {
			refs[[2]string{m.Source, m.RecordID}] = true
		}
	}
	for _, r := range recs {
		refs[[2]string{srcNames[r.SourceID], r.RecordID}] = true
	}
	var out []string
	seen := map[string]bool{}
	add := func(t string) {
		if t != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	if prev != nil {
		add(tagTerm(prev.Value("tag")))
	}
	for ref := range refs {
		vs, err := st.History(ctx, ref[0], ref[1])
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			var attrs map[string]string
			if err := json.Unmarshal(v.Attrs, &attrs); err != nil {
				return nil, fmt.Errorf("record %s:%s version %d: attrs: %w", ref[0], ref[1], v.Version, err)
			}
			add(tagTerm(attrs["tag"]))
			nameTerms(func(a string) string { return attrs[a] }, add)
		}
	}
	return out, nil
}
