// Package golden builds the golden record of every entity the resolver
// found: for each attribute the one current value that survives, with where
// it came from (source, agency, record, version, observation date), the
// values other sources hold when they disagree, the person's household and
// family ties from the civil registry, and each animal's owner.
//
// Survivorship: a value a citizen's correction set, which the agency
// accepted, beats every other until the agency's own data holds it (see
// store.Override); then a valid value beats an invalid one; then the value
// of the source trusted more (trust in sources.yaml, per source or per attribute);
// then the most recently observed; then source name and record id, so that
// the result never depends on load order. Spelling variants of one value
// (Нұрсұлтан, Нурсултан, NURSULTAN) are one value, not a conflict.
package golden

import (
	"cmp"
	"io"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/names"
	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// Entity is one resolved person, animal, event or organisation.
type Entity struct {
	ID      string
	Kind    string
	Members []Member // by source order, then record id
	// Conflicts holds, for attributes whose sources disagree, every distinct
	// value, the surviving one first.
	Conflicts map[string][]Value
	// Household is the person's household key ("" when unknown).
	Household string
	// Relations are family ties from civil-registry events.
	Relations []Relation
	// Owner is an animal's owner's entity id, "" when the owner's IIN names
	// no known person.
	Owner string

	picks []pick  // the surviving value of each attribute
	named []named // attributes of picks not at a position of their member's record
	extra []Value // surviving values from outside the members (deaths)
	// pinned is set on a stored golden record a part holds as it is
	// (LoadPart): it is looked up, never built or changed.
	pinned bool
}

// pick names where an attribute's surviving value is: one member's
// value at a position of its record, a value derived from a member's
// record (a part of a full name), or a value from outside. Values, and
// most attribute names, are found again from it on demand, so that a
// million golden records of a dozen attributes each cost little more than
// their records: eight bytes an attribute.
type pick struct {
	member int32 // index in Members; -1-k means extra[k]
	// at is the attribute's position among the member's record's
	// values (Attrs), or -1-k: named[k] says the attribute.
	at int32
}

// named is the attribute of a pick that is not at a position of its
// member's record.
type named struct {
	attr  string
	value string // a value derived from the member's record (a part of a full name), else ""
}

// attr returns the attribute p picks.
func (e *Entity) attr(p pick) string {
	if p.at < 0 {
		return e.named[-1-p.at].attr
	}
	return (*e.Members[p.member].Record.Attrs.names)[p.at]
}

// pickIndex returns the index in picks of attr's pick, -1 when none.
func (e *Entity) pickIndex(attr string) int {
	return slices.IndexFunc(e.picks, func(p pick) bool { return e.attr(p) == attr })
}

// outside returns a pick of attr's value v, from outside the members.
func (e *Entity) outside(attr string, v Value) pick {
	e.extra = append(e.extra, v)
	e.named = append(e.named, named{attr: attr})
	return pick{member: int32(-len(e.extra)), at: int32(-len(e.named))}
}

// Member is one record of an entity.
type Member struct {
	Source *Source
	Record *Record
}

// Value returns the surviving value of attr with its provenance.
func (e *Entity) Value(attr string) (Value, bool) {
	if i := e.pickIndex(attr); i >= 0 {
		return e.valueOf(e.picks[i]), true
	}
	return Value{}, false
}

// Get returns the surviving value of attr, "" when there is none.
func (e *Entity) Get(attr string) string {
	v, _ := e.Value(attr)
	return v.Value
}

// Values yields every attribute's surviving value.
func (e *Entity) Values() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		for _, p := range e.picks {
			if !yield(e.attr(p), e.valueOf(p)) {
				return
			}
		}
	}
}

func (e *Entity) valueOf(p pick) Value {
	var v Value
	if p.member < 0 {
		v = e.extra[-1-p.member]
	} else {
		v = e.Members[p.member].value(e.attr(p))
	}
	if p.at < 0 {
		if d := e.named[-1-p.at].value; d != "" {
			v.Value = d
		}
	}
	return v
}

// value is the member's value of attr with its provenance.
func (m Member) value(attr string) Value {
	r := m.Record
	return Value{Value: r.Attrs.Get(attr), Source: m.Source.Name, Agency: m.Source.AgencyCode, RecordID: r.RecordID,
		Version: int(r.Version), Observed: r.ObservedAt(), Trust: m.Source.Def.TrustIn(attr), Invalid: r.Invalid[attr]}
}

// Value is one attribute value with its provenance.
type Value struct {
	Value    string    `json:"value"`
	Source   string    `json:"source"`
	Agency   string    `json:"agency"`
	RecordID string    `json:"record_id"`
	Version  int       `json:"version"`
	Observed time.Time `json:"observed"`
	Trust    int       `json:"trust"`
	Invalid  string    `json:"invalid,omitempty"` // why ingest flagged it, when it did
	// Correction is the id of the citizen's correction, accepted by the
	// agency, that set this value; "" for a value as a source holds it.
	// Such a value wins over every source (see store.Override).
	Correction string `json:"correction,omitempty"`
}

// Relation is a family tie of a person to another person entity.
type Relation struct {
	Kind   string `json:"kind"` // mother, father, child, spouse
	Entity string `json:"entity"`
}

// Relation kinds.
const (
	RelMother = "mother"
	RelFather = "father"
	RelChild  = "child"
	RelSpouse = "spouse"
)

// identity lists, per entity kind, the attributes a golden record keeps.
// Attributes a source holds about its own business (a clinic, a benefit)
// stay in the source's records, side by side with the golden record.
var identity = map[string][]string{
	source.EntityPerson: {"national_id", "full_name", "last_name", "first_name", "middle_name", "birth_date", "sex",
		"nationality", "region", "locality", "address", "postcode", "phone", "email", "household_id", "death_date"},
	source.EntityAnimal: {"tag", "species", "breed", "animal_sex", "birth_date", "owner_iin", "owner_name",
		"region", "locality", "registered_date"},
}

// Attributes returns the attributes a golden record of kind keeps, in
// display order; nil means every attribute its records have.
func Attributes(kind string) []string { return identity[kind] }

// buildReport is how many entities build takes between two additions to
// its bar.
const buildReport = 1000

// build groups records into entities and computes their golden records,
// showing its progress on progressTo (nil for none).
func (d *Dataset) build(progressTo io.Writer) {
	d.Entities = map[string]*Entity{}
	for _, src := range d.Sources {
		kind := cmp.Or(src.Entity, source.EntityPerson)
		for i := range src.Records {
			r := &src.Records[i]
			if r.EntityID == "" || (d.focus != nil && !d.focus[r.EntityID]) {
				continue
			}
			e := d.Entities[r.EntityID]
			if e == nil {
				e = &Entity{ID: r.EntityID, Kind: kind}
				d.Entities[r.EntityID] = e
			}
			// One copy of the id for all its members, not one read
			// per record: 16 bytes a record of a nation held whole.
			r.EntityID = e.ID
			e.Members = append(e.Members, Member{Source: src, Record: r})
		}
	}
	d.checkOverrides()
	d.byIIN = map[string]*Entity{}
	bar := progress.New(progressTo, "build golden records", int64(len(d.Entities)))
	defer bar.Finish()
	todo := make([]*Entity, 0, len(d.Entities))
	for _, e := range d.Entities {
		todo = append(todo, e)
	}
	for _, e := range d.pinned {
		d.Entities[e.ID] = e
	}
	// Each entity's values are its own records' business: one worker a
	// CPU, each with its scratch, takes every workers-th entity.
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			sc := &scratch{byAttr: map[string][]candidate{}}
			n := 0
			for i := w; i < len(todo); i += workers {
				todo[i].survive(sc)
				if n++; n%buildReport == 0 {
					bar.Add(buildReport)
				}
			}
			bar.Add(int64(n % buildReport))
		})
	}
	wg.Wait()
	for _, e := range d.Entities {
		if e.Kind == source.EntityPerson {
			// Two entities may hold one IIN (a person the resolver left
			// split): the one with the smaller id has it, whatever order
			// the map gives, so that ties and findings never change
			// between two runs over the same data.
			if v, ok := e.Value("national_id"); ok && v.Invalid == "" {
				if o := d.byIIN[v.Value]; o == nil || e.ID < o.ID {
					d.byIIN[v.Value] = e
				}
			}
		}
	}
	d.civilEvents()
	for _, e := range d.Entities {
		if e.pinned {
			continue
		}
		switch e.Kind {
		case source.EntityPerson:
			e.Household = householdKey(e)
		case source.EntityAnimal:
			if o := d.byIIN[e.Get("owner_iin")]; o != nil {
				e.Owner = o.ID
			}
		}
	}
}

// candidate is one record's value of one attribute.
type candidate struct {
	Value
	key    string // the value as compared for conflicts
	member int32
	at     int32 // position among the member's record's values; -1 for a value it does not hold as such
}

// scratch is reused from one entity to the next, so that building a
// million golden records does not allocate a million maps.
type scratch struct {
	byAttr map[string][]candidate
	attrs  []string
}

// survive chooses each attribute's value among the entity's records.
func (e *Entity) survive(sc *scratch) {
	for k, cs := range sc.byAttr {
		sc.byAttr[k] = cs[:0]
	}
	sc.attrs = sc.attrs[:0]
	keep := identity[e.Kind]
	for mi, m := range e.Members {
		r := m.Record
		// fix, when not nil, is an accepted correction the values come
		// from instead of the record.
		add := func(attr, val string, at int32, fix *store.Override) {
			if val == "" || (keep != nil && !slices.Contains(keep, attr)) {
				return
			}
			v := m.value(attr)
			if fix != nil {
				v = m.corrected(fix)
			}
			v.Value = val
			cs := sc.byAttr[attr]
			if len(cs) == 0 {
				sc.attrs = append(sc.attrs, attr)
			}
			sc.byAttr[attr] = append(cs, candidate{Value: v, member: int32(mi), at: at})
		}
		// The record's own values take part even where a correction
		// overrides them: what the agency still says shows as a conflict.
		for at, val := range r.Attrs.positions() {
			add((*r.Attrs.names)[at], val, int32(at), nil)
		}
		if full := r.Attrs.Get("full_name"); e.Kind == source.EntityPerson && full != "" &&
			r.Attrs.Get("last_name") == "" && r.Attrs.Get("first_name") == "" {
			p := names.Split(full)
			add("last_name", p.Last, -1, nil)
			add("first_name", p.First, -1, nil)
			add("middle_name", p.Middle, -1, nil)
		}
		for _, o := range m.Source.overrides[r.RecordID] {
			add(o.Attr, o.Value, -1, &o)
			if o.Attr == "full_name" && e.Kind == source.EntityPerson && r.Attrs.Get("last_name") == "" &&
				r.Attrs.Get("first_name") == "" {
				p := names.Split(o.Value)
				add("last_name", p.Last, -1, &o)
				add("first_name", p.First, -1, &o)
				add("middle_name", p.Middle, -1, &o)
			}
		}
	}
	slices.Sort(sc.attrs)
	e.picks = make([]pick, 0, len(sc.attrs)+1)
	for _, attr := range sc.attrs {
		cs := sc.byAttr[attr]
		slices.SortFunc(cs, better)
		var p pick
		switch c := cs[0]; {
		case c.Correction != "":
			// Not the record's value: kept whole, as values from outside
			// the members are.
			p = e.outside(attr, c.Value)
		case c.at < 0:
			e.named = append(e.named, named{attr: attr, value: c.Value.Value})
			p = pick{member: c.member, at: int32(-len(e.named))}
		default:
			p = pick{member: c.member, at: c.at}
		}
		e.picks = append(e.picks, p)
		if len(cs) == 1 {
			continue
		}
		for i := range cs {
			cs[i].key = compareKey(attr, cs[i].Value.Value)
		}
		var distinct []Value
		for i, c := range cs {
			dup := false
			for _, o := range cs[:i] {
				if o.key == c.key {
					dup = true
					break
				}
			}
			if !dup {
				distinct = append(distinct, c.Value)
			}
		}
		if len(distinct) > 1 {
			if e.Conflicts == nil {
				e.Conflicts = map[string][]Value{}
			}
			e.Conflicts[attr] = distinct
		}
	}
	if e.Kind == source.EntityPerson {
		e.fullName()
	}
}

// fullName makes the golden full name from the surviving parts, so that it
// always agrees with them.
func (e *Entity) fullName() {
	i := e.pickIndex("last_name")
	if i < 0 {
		return
	}
	last := e.picks[i]
	parts := []string{e.Get("last_name")}
	for _, a := range []string{"first_name", "middle_name"} {
		if v := e.Get(a); v != "" {
			parts = append(parts, v)
		}
	}
	e.named = append(e.named, named{attr: "full_name", value: strings.Join(parts, " ")})
	full := pick{member: last.member, at: int32(-len(e.named))}
	if i := e.pickIndex("full_name"); i >= 0 {
		e.picks[i] = full
	} else {
		e.picks = append(e.picks, full)
	}
	delete(e.Conflicts, "full_name")
}

// better orders candidates best first: accepted corrections, valid,
// trusted, recent, then stable.
func better(a, b candidate) int {
	if (a.Correction != "") != (b.Correction != "") {
		if a.Correction != "" {
			return -1
		}
		return 1
	}
	if (a.Invalid == "") != (b.Invalid == "") {
		if a.Invalid == "" {
			return -1
		}
		return 1
	}
	return cmp.Or(
		cmp.Compare(b.Trust, a.Trust),
		b.Observed.Compare(a.Observed),
		cmp.Compare(a.Source, b.Source),
		cmp.Compare(a.RecordID, b.RecordID),
	)
}

// compareKey is the form in which two values of attr are the same value:
// names and places across scripts and spellings, phones by their last ten
// digits, everything else ignoring case and surrounding space.
func compareKey(attr, v string) string {
	switch attr {
	case "full_name", "last_name", "first_name", "middle_name", "owner_name":
		return names.Fold(v)
	case "address":
		// Agencies write one address in different words and languages
		// (ул. Кабанбай батыра 116 / Қабанбай батыр көшесі, 116 үй), some
		// with the town in front; the house and flat numbers tell two
		// addresses apart.
		var nums []string
		for _, t := range strings.Fields(names.FoldText(v)) {
			if t[0] >= '0' && t[0] <= '9' {
				nums = append(nums, t)
			}
		}
		if len(nums) > 0 {
			return strings.Join(nums, " ")
		}
		return names.FoldText(v)
	case "region":
		if code, ok := regionCodes[names.FoldText(v)]; ok {
			return code
		}
		return names.FoldText(v)
	case "locality", "nationality", "breed":
		return names.FoldText(v)
	case "phone":
		var b []byte
		for i := len(v) - 1; i >= 0 && len(b) < 10; i-- {
			if v[i] >= '0' && v[i] <= '9' {
				b = append(b, v[i])
			}
		}
		return string(b)
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// regionCodes finds a region's code by its name in any of its languages,
// so that "Turkistan Region" and "Туркестанская область" are one region.
var regionCodes = func() map[string]string {
	m := map[string]string{}
	for _, r := range kz.Regions() {
		for _, n := range []string{r.KK, r.RU, r.EN, r.Code} {
			m[names.FoldText(n)] = r.Code
		}
	}
	return m
}()

// householdKey is the household the population register gives, else one
// made from the address, so that people at one address are one household.
func householdKey(e *Entity) string {
	if h := e.Get("household_id"); h != "" {
		return h
	}
	addr := e.Get("address")
	if addr == "" {
		return ""
	}
	return "addr:" + names.FoldText(e.Get("locality")+" "+addr)
}

// civilEvents reads deaths, births and marriages from event sources: a
// death gives the person a death_date; a birth ties child and parents; a
// marriage ties the spouses.
func (d *Dataset) civilEvents() {
	for _, src := range d.Sources {
		if src.Entity != source.EntityEvent {
			continue
		}
		for i := range src.Records {
			r := &src.Records[i]
			subject := d.byIIN[r.Attrs.Get("national_id")]
			if subject == nil {
				continue
			}
			switch r.Attrs.Get("event") {
			case "death":
				if subject.pinned {
					continue
				}
				date := cmp.Or(r.Attrs.Get("event_date"), r.ObservedAt().Format(time.DateOnly))
				subject.addValue("death_date", Value{Value: date, Source: src.Name, Agency: src.AgencyCode,
					RecordID: r.RecordID, Version: int(r.Version), Observed: r.ObservedAt(), Trust: src.Def.TrustIn("death_date"),
					Invalid: r.Invalid["event_date"]})
			case "birth":
				for attr, kind := range map[string]string{"mother_iin": RelMother, "father_iin": RelFather} {
					if p := d.byIIN[r.Attrs.Get(attr)]; p != nil && p != subject {
						subject.relate(kind, p.ID)
						p.relate(RelChild, subject.ID)
					}
				}
			case "marriage":
				if p := d.byIIN[r.Attrs.Get("spouse_iin")]; p != nil && p != subject {
					subject.relate(RelSpouse, p.ID)
					p.relate(RelSpouse, subject.ID)
				}
			}
		}
	}
	for _, e := range d.Entities {
		if e.pinned {
			continue
		}
		slices.SortFunc(e.Relations, func(a, b Relation) int {
			return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Entity, b.Entity))
		})
	}
}

// addValue records a value from outside the entity's own records, keeping
// the better of two and the disagreement between them.
func (e *Entity) addValue(attr string, v Value) {
	i := e.pickIndex(attr)
	if i < 0 {
		e.picks = append(e.picks, e.outside(attr, v))
		return
	}
	old := e.valueOf(e.picks[i])
	a, b := candidate{Value: v, key: compareKey(attr, v.Value)}, candidate{Value: old, key: compareKey(attr, old.Value)}
	if a.key != b.key {
		if e.Conflicts == nil {
			e.Conflicts = map[string][]Value{}
		}
		list := e.Conflicts[attr]
		if len(list) == 0 {
			list = []Value{old}
		}
		list = append(list, v)
		slices.SortFunc(list, func(x, y Value) int { return better(candidate{Value: x}, candidate{Value: y}) })
		e.Conflicts[attr] = list
	}
	if better(a, b) < 0 {
		e.picks[i] = e.outside(attr, v)
	}
}

func (e *Entity) relate(kind, other string) {
	if e.pinned {
		return
	}
	r := Relation{Kind: kind, Entity: other}
	if !slices.Contains(e.Relations, r) {
		e.Relations = append(e.Relations, r)
	}
}
