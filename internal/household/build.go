package household

import (
	"cmp"
	"iter"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/source"
)

// Build yields the profile of every household of ds on date asOf, in
// household id order. It indexes the dataset once (people by household,
// births by child, animals by owner: a few pointers per record) and then
// holds one household at a time, so profiles can be decided and dropped
// as they come.
func Build(ds *golden.Dataset, asOf time.Time) iter.Seq[Profile] {
	return func(yield func(Profile) bool) {
		ix := newIndex(ds, asOf, nil)
		for _, id := range ix.order {
			if !yield(ix.profile(id)) {
				return
			}
		}
	}
}

// Households is Build with the number of profiles it yields known
// first, for progress: it indexes ds at once rather than when the
// profiles are first asked for.
func Households(ds *golden.Dataset, asOf time.Time) (int, iter.Seq[Profile]) {
	ix := newIndex(ds, asOf, nil)
	return len(ix.order), func(yield func(Profile) bool) {
		for _, id := range ix.order {
			if !yield(ix.profile(id)) {
				return
			}
		}
	}
}

// ref is one record with its source.
type ref struct {
	src *golden.Source
	rec *golden.Record
}

func (r ref) source() Source {
	return Source{Agency: r.src.AgencyCode, Source: r.src.Name, RecordID: r.rec.RecordID, Version: int(r.rec.Version),
		Date: r.rec.ObservedAt()}
}

func (r ref) get(attr string) string { return r.rec.Attrs.Get(attr) }

// index is what building profiles needs to find in the whole dataset.
type index struct {
	ds    *golden.Dataset
	asOf  time.Time
	month int // the month index of asOf (see monthIndex)
	// households are the living people of each household, order their
	// ids sorted.
	households map[string][]*golden.Entity
	order      []string
	births     map[string][]ref // child entity id -> its birth events
	herds      map[string][]ref // owner entity id -> one record per animal
}

// newIndex indexes ds; only households for which keep returns true are
// kept (all when keep is nil).
func newIndex(ds *golden.Dataset, asOf time.Time, keep func(household string) bool) *index {
	asOf = day(asOf)
	ix := &index{ds: ds, asOf: asOf, month: monthIndex(asOf.Year(), int(asOf.Month())),
		households: map[string][]*golden.Entity{}, births: map[string][]ref{}, herds: map[string][]ref{}}
	for _, e := range ds.Entities {
		switch e.Kind {
		case source.EntityPerson:
			pop, ok := latest(e, SourcePopulation)
			if !ok || !ix.living(e) {
				continue
			}
			h := pop.get("household_id")
			if h == "" || (keep != nil && !keep(h)) {
				continue
			}
			ix.households[h] = append(ix.households[h], e)
		case source.EntityAnimal:
			if e.Owner == "" {
				continue
			}
			if r, ok := latest(e, SourceLivestock); ok {
				ix.herds[e.Owner] = append(ix.herds[e.Owner], r)
			}
		}
	}
	for h := range ix.households {
		ix.order = append(ix.order, h)
	}
	slices.Sort(ix.order)
	if src := ds.Source(SourceCivil); src != nil {
		for i := range src.Records {
			r := ref{src, &src.Records[i]}
			if r.get("event") != "birth" {
				continue
			}
			if child := ds.Person(r.get("national_id")); child != nil {
				ix.births[child.ID] = append(ix.births[child.ID], r)
			}
		}
	}
	for _, rs := range ix.herds {
		slices.SortFunc(rs, byRecord)
	}
	return ix
}

// living says whether e is born and not dead on the date.
func (ix *index) living(e *golden.Entity) bool {
	if b, ok := parseDate(e.Get("birth_date")); ok && b.After(ix.asOf) {
		return false
	}
	d, ok := parseDate(e.Get("death_date"))
	return !ok || d.After(ix.asOf)
}

// latest returns the entity's record from source name, the latest observed
// when it has several.
func latest(e *golden.Entity, name string) (ref, bool) {
	var best ref
	for _, m := range e.Members {
		if m.Source.Name != name {
			continue
		}
		if best.rec == nil || m.Record.ObservedAt().After(best.rec.ObservedAt()) ||
			m.Record.ObservedAt().Equal(best.rec.ObservedAt()) && m.Record.RecordID < best.rec.RecordID {
			best = ref{m.Source, m.Record}
		}
	}
	return best, best.rec != nil
}

// records returns the entity's records from source name, by record id.
func records(e *golden.Entity, name string) []ref {
	var out []ref
	for _, m := range e.Members {
		if m.Source.Name == name {
			out = append(out, ref{m.Source, m.Record})
		}
	}
	slices.SortFunc(out, byRecord)
	return out
}

func byRecord(a, b ref) int {
	return cmp.Or(cmp.Compare(a.src.Name, b.src.Name), cmp.Compare(a.rec.RecordID, b.rec.RecordID))
}

// absent is the provenance of a fact resting on no record of source name:
// the source was consulted on the date and held none.
func (ix *index) absent(name string) Source {
	s := Source{Source: name, Date: ix.asOf}
	if src := ix.ds.Source(name); src != nil {
		s.Agency = src.AgencyCode
	}
	return s
}

// profile builds the profile of household id.
func (ix *index) profile(id string) Profile {
	es := ix.households[id]
	p := Profile{ID: id, AsOf: ix.asOf}
	b := &builder{ix: ix, p: &p, byEntity: map[string]int{}}
	for _, e := range es {
		b.member(e)
	}
	slices.SortFunc(p.Members, func(x, y Member) int {
		return cmp.Or(-cmp.Compare(boolInt(x.Tie.Value == "head"), boolInt(y.Tie.Value == "head")),
			x.BirthDate.Value.Compare(y.BirthDate.Value), cmp.Compare(x.Entity, y.Entity))
	})
	for i, m := range p.Members {
		b.byEntity[m.Entity] = i
	}
	b.roles()
	b.carer()
	b.region()
	slices.SortFunc(p.Conflicts, func(x, y Conflict) int {
		return cmp.Or(cmp.Compare(x.Entity, y.Entity), cmp.Compare(x.Field, y.Field))
	})
	p.Inputs = fingerprint(&p)
	return p
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
