package golden

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// KeyAttrs returns the attributes of a source's records through which a
// golden record depends on other entities' records: a person's IIN, by
// which civil-registry events give deaths and family ties and animals
// their owner; an event's IINs of the person and the relatives it names;
// an animal's owner's IIN. A golden record changes only when its own
// records change or a record sharing one of these values with them does.
func KeyAttrs(entity string) []string {
	switch entity {
	case source.EntityEvent:
		return []string{"national_id", "mother_iin", "father_iin", "spouse_iin"}
	case source.EntityAnimal:
		return []string{"owner_iin"}
	case source.EntityPerson, "":
		return []string{"national_id"}
	}
	return nil
}

// LoadPart adds recs to d and builds the golden records of the entities build from recs,
// the live records of some of the store's entities (every record of each)
// and of some records not resolved into one. The other entities recs
// belong to, and the persons whose IINs the part's events and animals
// name, keep their stored golden records, in which the built ones' family
// ties, deaths and owners are looked up. The golden records built, and
// checks' results over the dataset for the records of build and the
// records not resolved, are what a whole build gives when recs hold every
// record they depend on: those sharing a value of KeyAttrs with them, and
// what checks compare (scorecard's incremental runs).
//
// d must come from LoadSources, and LoadPart be called on it once.
func (d *Dataset) LoadPart(ctx context.Context, st *store.Store, build []string, recs []store.LiveRecord, progressTo io.Writer) error {
	d.focus = make(map[string]bool, len(build))
	for _, id := range build {
		d.focus[id] = true
	}
	var context []string
	seen := make(map[store.RecordRef]bool, len(recs))
	for _, r := range recs {
		if seen[r.RecordRef] {
			continue
		}
		seen[r.RecordRef] = true
		src := d.byID[r.SourceID]
		if src == nil {
			return fmt.Errorf("golden: record %s of unknown source %d", r.RecordID, r.SourceID)
		}
		src.Add(r)
		if r.EntityID != "" && !d.focus[r.EntityID] {
			context = append(context, r.EntityID)
		}
	}
	for _, s := range d.Sources {
		slices.SortFunc(s.Records, func(a, b Record) int { return cmp.Compare(a.RecordID, b.RecordID) })
	}
	if err := d.pin(ctx, st, context); err != nil {
		return err
	}
	var err error
	if d.ov, err = loadOverrides(ctx, st); err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	d.build(progressTo)
	return nil
}

// pin takes the stored golden records of the context entities and of the
// persons the part's events and animals name, unless they are built.
func (d *Dataset) pin(ctx context.Context, st *store.Store, context []string) error {
	var iins []string
	for _, s := range d.Sources {
		if s.Entity != source.EntityEvent && s.Entity != source.EntityAnimal {
			continue
		}
		attrs := KeyAttrs(s.Entity)
		for i := range s.Records {
			for _, a := range attrs {
				if v := s.Records[i].Attrs.Get(a); v != "" {
					iins = append(iins, v)
				}
			}
		}
	}
	rows, err := st.GoldenRows(ctx, context)
	if err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	more, err := st.GoldenByNationalIDs(ctx, iins)
	if err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	d.pinned = map[string]*Entity{}
	for _, row := range append(rows, more...) {
		if d.focus[row.EntityID] || d.pinned[row.EntityID] != nil {
			continue
		}
		doc, err := DecodeDoc(row.Doc)
		if err != nil {
			return fmt.Errorf("golden: %w", err)
		}
		e := &Entity{ID: row.EntityID, Kind: doc.Kind, Conflicts: doc.Conflicts, Household: doc.Household,
			Relations: doc.Relations, Owner: doc.Owner, pinned: true}
		for _, f := range doc.Values {
			e.extra = append(e.extra, f.Value)
			e.picks = append(e.picks, pick{attr: f.Attr, member: int32(-len(e.extra))})
		}
		d.pinned[row.EntityID] = e
	}
	return nil
}

// LoadSources reads every source with its history (runs, quarantine,
// columns), without records, and no entities: what LoadPart adds to.
func LoadSources(ctx context.Context, st *store.Store) (*Dataset, error) {
	stats, err := st.Sources(ctx)
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	d := &Dataset{byName: map[string]*Source{}, byID: map[int64]*Source{}}
	for _, s := range stats {
		def, err := source.Stored(s.ID, s.Definition)
		if err != nil {
			return nil, fmt.Errorf("golden: source %s: %w", s.Name, err)
		}
		src := &Source{SourceStats: s, Def: def}
		if src.Def.AsOf.After(d.AsOf) {
			d.AsOf = src.Def.AsOf
		}
		if err := src.history(ctx, st); err != nil {
			return nil, fmt.Errorf("golden: source %s: %w", s.Name, err)
		}
		d.Sources = append(d.Sources, src)
		d.byName[s.Name] = src
		d.byID[s.ID] = src
	}
	if d.AsOf.IsZero() {
		d.AsOf = time.Now().UTC()
	}
	return d, nil
}

// Built returns the entities whose golden records the dataset built: every
// entity of a whole build, the Build entities that have live records of a
// part.
func (d *Dataset) Built() []*Entity {
	out := make([]*Entity, 0, len(d.Entities))
	for _, e := range d.Entities {
		if !e.pinned {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b *Entity) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// SavePart stores the golden records of a part's build entities (see
// LoadPart) in place of the stored ones, with the search terms that find
// them, in one transaction; those left with no live record lose theirs.
// Then it retires the overrides the agencies' data now agrees with, as Save
// does.
func (d *Dataset) SavePart(ctx context.Context, st *store.Store, build []string) error {
	old, err := st.GoldenRows(ctx, build)
	if err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	// Every search term an entity was stored with came from the words of
	// its members then, at some version: the words of every version of
	// those records are a superset.
	oldOf := map[store.RecordRef][]string{}
	var u store.GoldenUpdate
	staleSeen := map[store.SearchTerm]bool{}
	stale := func(term, entity string) {
		t := store.SearchTerm{Term: term, EntityID: entity}
		if term != "" && !staleSeen[t] {
			staleSeen[t] = true
			u.Stale = append(u.Stale, t)
		}
	}
	for _, row := range old {
		doc, err := DecodeDoc(row.Doc)
		if err != nil {
			return fmt.Errorf("golden: %w", err)
		}
		stale(tagTerm(doc.Value("tag")), row.EntityID)
		for _, m := range doc.Members {
			if src := d.byName[m.Source]; src != nil {
				ref := store.RecordRef{SourceID: src.ID, RecordID: m.RecordID}
				oldOf[ref] = append(oldOf[ref], row.EntityID)
			}
		}
	}
	refs := make([]store.RecordRef, 0, len(oldOf))
	for ref := range oldOf {
		refs = append(refs, ref)
	}
	err = st.VersionAttrs(ctx, refs, func(ref store.RecordRef, attrs map[string]string) error {
		for _, e := range oldOf[ref] {
			stale(tagTerm(attrs["tag"]), e)
			nameTerms(func(a string) string { return attrs[a] }, func(t string) { stale(t, e) })
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	seen := map[string]bool{}
	for _, id := range build {
		e := d.Entities[id]
		if e == nil || e.pinned {
			u.Remove = append(u.Remove, id)
			continue
		}
		var row store.GoldenRow
		row, u.Terms, err = e.stored(u.Terms, seen)
		if err != nil {
			return err
		}
		u.Rows = append(u.Rows, row)
	}
	if err := st.UpdateGoldens(ctx, u); err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	return d.retireOverrides(ctx, st)
}
