package wallet

import (
	"context"
	"fmt"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/store"
)

// Limits of what one profile lists.
const (
	maxHousehold = 50
	maxAnimals   = 500
)

// Profile is what the state holds about one citizen: the golden record
// with the provenance of every value, every agency's own records, the
// household, family ties and animals.
type Profile struct {
	Golden  store.GoldenRow
	Doc     golden.Doc
	Records []store.LiveRecord
	// Household lists the other people of the citizen's household.
	Household []store.GoldenRow
	Family    []Relative
	Animals   []store.GoldenRow
}

// Relative is a family tie the registers hold.
type Relative struct {
	Kind     string // golden.RelMother, RelFather, RelChild, RelSpouse
	EntityID string
	Name     string
}

// person reads the golden record of the person whose national id is iin,
// or a wrapped store.ErrNotFound.
func (w *Wallet) person(ctx context.Context, iin string) (*Profile, error) {
	return personOf(ctx, w.st, iin)
}

func personOf(ctx context.Context, st *store.Store, iin string) (*Profile, error) {
	if _, err := kz.ParseIIN(iin); err != nil {
		return nil, fmt.Errorf("person %s: %w", iin, store.ErrNotFound)
	}
	rows, err := st.GoldenByNationalID(ctx, iin, 1)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("person %s: %w", iin, store.ErrNotFound)
	}
	p := &Profile{Golden: rows[0]}
	if p.Doc, err = golden.DecodeDoc(p.Golden.Doc); err != nil {
		return nil, fmt.Errorf("person %s: %w", iin, err)
	}
	return p, nil
}

// Profile reads everything the state holds about the citizen iin.
func (w *Wallet) Profile(ctx context.Context, iin string) (*Profile, error) {
	p, err := w.person(ctx, iin)
	if err != nil {
		return nil, err
	}
	id := p.Golden.EntityID
	if p.Records, err = w.st.EntityRecords(ctx, []string{id}); err != nil {
		return nil, err
	}
	if p.Golden.Household != "" {
		house, err := w.st.GoldenBy(ctx, "household", p.Golden.Household, maxHousehold+1)
		if err != nil {
			return nil, err
		}
		for _, g := range house {
			if g.EntityID != id {
				g.Doc = nil
				p.Household = append(p.Household, g)
			}
		}
	}
	if len(p.Doc.Relations) > 0 {
		ids := make([]string, len(p.Doc.Relations))
		for i, r := range p.Doc.Relations {
			ids[i] = r.Entity
		}
		names, err := w.st.GoldenBrief(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, r := range p.Doc.Relations {
			p.Family = append(p.Family, Relative{Kind: r.Kind, EntityID: r.Entity, Name: names[r.Entity].Name})
		}
	}
	if p.Animals, err = w.st.GoldenBy(ctx, "owner_id", id, maxAnimals); err != nil {
		return nil, err
	}
	return p, nil
}

// subjects are the keys the exchange may be asked about that lead to the
// citizen: the IIN and their animals' tags, whose answers name the owner.
func (w *Wallet) subjects(ctx context.Context, iin string) ([]string, error) {
	out := []string{iin}
	p, err := w.person(ctx, iin)
	if err != nil {
		return out, nil // no golden record: only the IIN itself
	}
	animals, err := w.st.GoldenBy(ctx, "owner_id", p.Golden.EntityID, maxAnimals)
	if err != nil {
		return nil, err
	}
	for _, a := range animals {
		if doc, err := golden.DecodeDoc(a.Doc); err == nil {
			if tag := doc.Value("tag"); tag != "" {
				out = append(out, tag)
			}
		}
	}
	return out, nil
}
