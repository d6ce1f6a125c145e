package golden

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"reflect"
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
			e.picks = append(e.picks, e.outside(f.Attr, f.Value))
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

// SavePart stores the golden records of a part's build entities (see
// LoadPart) in place of the stored ones, with the search terms that find
// them, in one transaction; those left with no live record lose theirs.
// A golden record that comes out as stored is left as it is (its search
// terms too: they come from the same versions of the same records). Then
// it retires the overrides the agencies' data now agrees with, as Save
// does. It returns how many golden records it wrote or removed.
func (d *Dataset) SavePart(ctx context.Context, st *store.Store, build []string) (int, error) {
	rows, err := st.GoldenRows(ctx, build)
	if err != nil {
		return 0, fmt.Errorf("golden: %w", err)
	}
	stored := make(map[string]store.GoldenRow, len(rows))
	for _, r := range rows {
		stored[r.EntityID] = r
	}
	var u store.GoldenUpdate
	seen := map[string]bool{}
	for _, id := range build {
		old, had := stored[id]
		e := d.Entities[id]
		if e == nil || e.pinned {
			if had {
				u.Remove = append(u.Remove, id)
			}
			continue
		}
		row, terms, err := e.stored(u.Terms, seen)
		if err != nil {
			return 0, err
		}
		if had {
			old.BuiltAt = row.BuiltAt
			if reflect.DeepEqual(old, row) {
				continue
			}
		}
		u.Rows, u.Terms = append(u.Rows, row), terms
	}
	if err := st.UpdateGoldens(ctx, u); err != nil {
		return 0, fmt.Errorf("golden: %w", err)
	}
	return len(u.Rows) + len(u.Remove), d.retireOverrides(ctx, st)
}
