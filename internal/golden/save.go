package golden

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/names"
	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// Doc is a golden record as served: the surviving value of each attribute
// with its provenance, the disagreements, the records it was made from and
// the entity's ties. The store keeps it in a compact form (Encode,
// DecodeDoc).
type Doc struct {
	EntityID  string             `json:"entity_id"`
	Kind      string             `json:"kind"`
	Values    []Field            `json:"values"`
	Conflicts map[string][]Value `json:"conflicts,omitempty"`
	Members   []MemberRef        `json:"members"`
	Household string             `json:"household,omitempty"`
	Relations []Relation         `json:"relations,omitempty"`
	Owner     string             `json:"owner,omitempty"`
}

// Field is one attribute of a golden record.
type Field struct {
	Attr string `json:"attr"`
	Value
}

// MemberRef names one record of an entity.
type MemberRef struct {
	Source   string    `json:"source"`
	Agency   string    `json:"agency"`
	RecordID string    `json:"record_id"`
	Version  int       `json:"version"`
	Observed time.Time `json:"observed"`
}

// Value returns the value of attr, or "".
func (d *Doc) Value(attr string) string {
	for _, f := range d.Values {
		if f.Attr == attr {
			return f.Value.Value
		}
	}
	return ""
}

// Doc returns the entity's golden record, attributes in display order.
func (e *Entity) Doc() Doc {
	d := Doc{EntityID: e.ID, Kind: e.Kind, Conflicts: e.Conflicts, Household: e.Household,
		Relations: e.Relations, Owner: e.Owner}
	order := Attributes(e.Kind)
	for attr, v := range e.Values() {
		d.Values = append(d.Values, Field{Attr: attr, Value: v})
	}
	rank := func(a string) int {
		if i := slices.Index(order, a); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortFunc(d.Values, func(a, b Field) int {
		return cmp.Or(cmp.Compare(rank(a.Attr), rank(b.Attr)), cmp.Compare(a.Attr, b.Attr))
	})
	for _, m := range e.Members {
		d.Members = append(d.Members, MemberRef{Source: m.Source.Name, Agency: m.Source.AgencyCode,
			RecordID: m.Record.RecordID, Version: int(m.Record.Version), Observed: m.Record.ObservedAt()})
	}
	return d
}

// DisplayName is how lists show the entity: a person's full name, an
// animal's tag, an event's kind and date.
func (e *Entity) DisplayName() string {
	v := e.Get
	switch e.Kind {
	case source.EntityPerson:
		return cmp.Or(v("full_name"), v("national_id"))
	case source.EntityAnimal:
		return strings.TrimSpace(v("tag") + " " + v("species"))
	case source.EntityEvent:
		return strings.TrimSpace(v("event") + " " + v("event_date"))
	}
	return cmp.Or(v("name"), v("full_name"), e.ID)
}

// searchAttrs are the attributes whose words find an entity, in every
// spelling its records have.
var searchAttrs = []string{"full_name", "last_name", "first_name", "middle_name", "name"}

// SearchTerms returns the words a search matches against: the folded words
// of a name as names.Tokens makes them, and an identifier (an animal tag) as
// one lower-case word.
func SearchTerms(q string) []string {
	if t := strings.ToLower(strings.TrimSpace(q)); t != "" && strings.ContainsAny(t, "0123456789") && !strings.Contains(t, " ") {
		return []string{t}
	}
	return names.Tokens(q)
}

// Save replaces the stored golden records and name index with the
// dataset's, marshalling and writing them a batch at a time; then it
// retires the accepted corrections' overrides the agencies' own data now
// agrees with (Retiring). Should that fail, the golden records stay saved
// and the next build retires them.
func (d *Dataset) Save(ctx context.Context, st *store.Store) error {
	return d.SaveWithProgress(ctx, st, nil)
}

// SaveWithProgress is Save showing its stages on progressTo (nil for
// none): storing the golden records, then the search terms.
func (d *Dataset) SaveWithProgress(ctx context.Context, st *store.Store, progressTo io.Writer) error {
	ids := make([]string, 0, len(d.Entities))
	for id := range d.Entities {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	w, err := st.ReplaceGolden(ctx)
	if err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	defer w.Abort()
	// The writer writes golden records as they come, then every search
	// term at Commit: two stages, the second's size known by then.
	var (
		rows     = progress.New(progressTo, "store golden records", int64(len(ids)))
		termBar  *progress.Bar
		rowsLeft = len(ids)
		nTerms   int
	)
	defer func() {
		rows.Finish()
		termBar.Finish()
	}()
	w.Progress(func(n int) {
		if rowsLeft > 0 {
			rows.Add(int64(n))
			if rowsLeft -= n; rowsLeft <= 0 {
				rows.Finish()
				termBar = progress.New(progressTo, "store search terms", int64(nTerms))
			}
			return
		}
		termBar.Add(int64(n))
	})
	var terms []store.SearchTerm
	seen := map[string]bool{}
	for _, id := range ids {
		var row store.GoldenRow
		row, terms, err = d.Entities[id].stored(terms[:0], seen)
		if err != nil {
			return err
		}
		nTerms += len(terms)
		if err := w.Add(ctx, row, terms); err != nil {
			return fmt.Errorf("golden: %w", err)
		}
	}
	if err := w.Commit(ctx); err != nil {
		return fmt.Errorf("golden: %w", err)
	}
	return d.retireOverrides(ctx, st)
}

// stored returns the entity's golden record as the store keeps it and
// the terms that find it, appended to terms; seen is scratch, reused from
// one entity to the next.
func (e *Entity) stored(terms []store.SearchTerm, seen map[string]bool) (store.GoldenRow, []store.SearchTerm, error) {
	gd := e.Doc()
	doc, err := gd.Encode()
	if err != nil {
		return store.GoldenRow{}, terms, fmt.Errorf("golden record %s: %w", e.ID, err)
	}
	v := e.Get
	row := store.GoldenRow{EntityID: e.ID, Kind: e.Kind, Name: e.DisplayName(), NationalID: v("national_id"),
		BirthDate: v("birth_date"), DeathDate: v("death_date"), Region: v("region"), Household: e.Household,
		Owner: e.Owner, Members: len(e.Members), Conflicts: len(e.Conflicts), Doc: doc}
	clear(seen)
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, store.SearchTerm{Term: t, EntityID: e.ID})
		}
	}
	if tag := v("tag"); tag != "" {
		add(tagTerm(tag))
	}
	for _, m := range e.Members {
		nameTerms(m.Record.Attrs.Get, add)
	}
	return row, terms, nil
}

// tagTerm is the one word an identifier (an animal's tag) is found by.
func tagTerm(tag string) string { return strings.ToLower(tag) }

// nameTerms calls add with the folded words of every name a record holds
// (get returns the record's value of an attribute).
func nameTerms(get func(attr string) string, add func(term string)) {
	for _, a := range searchAttrs {
		for _, t := range names.Tokens(get(a)) {
			add(t)
		}
	}
}
