package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// Rows the entity page lists at most in its lists of related entities.
const (
	pageHousehold = 50
	pageAnimals   = 100
	pageFindings  = 50
)

// fieldRow is one attribute of a golden record with where its value came
// from and the other values sources hold.
type fieldRow struct {
	golden.Field
	AgencyName  string
	SourceTitle string
	Others      []conflictValue
}

// conflictValue is a value another source holds for an attribute.
type conflictValue struct {
	golden.Value
	SourceTitle string
}

// recordCol is one member record, a column of the side-by-side table.
type recordCol struct {
	Source, Title, AgencyName, RecordID string
	Version                             int
	Observed                            time.Time
	Anchor                              bool // the record the links are explained against
	Label                               string
}

// matrixRow is one attribute across the member records.
type matrixRow struct {
	Attr  string
	Cells []matrixCell
}

// matrixCell is one record's value of one attribute.
type matrixCell struct {
	Label   string // the record, for the phone layout
	Value   string
	Invalid string
	// Golden marks the value the golden record kept.
	Golden bool
}

// lineageRow is one resolver decision about the entity.
type lineageRow struct {
	store.LineageEvent
	Other     string // the other entity of a merge or split
	OtherName string
	Record    string // source title and record id of an attach or detach
	Percent   string
	Incoming  bool // a merge into this entity, rather than of it
}

// relationRow is a family tie.
type relationRow struct {
	Kind, ID, Name string
}

type entityData struct {
	page
	G        store.GoldenRow
	Doc      golden.Doc
	Fields   []fieldRow
	Records  []recordCol
	Matrix   []matrixRow
	Links    []linkView
	NoLinks  string // why no link is explained, when none is
	Lineage  []lineageRow
	Family   []relationRow
	House    []store.GoldenRow
	Animals  []store.GoldenRow
	Owner    *store.GoldenRow
	OwnerIIN string
	Findings []findingRow
	// FindingsTotal counts the open and fixed findings; WorkList lists them.
	FindingsTotal int
	WorkList      string
}

// entityPage shows one entity's golden record with the provenance of every
// value, its records side by side, why each record was linked, its history
// of merges and splits, its household, family and animals, and the open
// findings about it. A merged entity's id redirects to the survivor.
func (s *Server) entityPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("entity")
	d := entityData{page: s.newPage(w, r)}
	fail := func(err error) { s.errorPage(w, r, d.page, err) }
	survivor, err := s.st.EntityOf(ctx, id)
	if err != nil {
		fail(err)
		return
	}
	if survivor != id {
		target := "/entities/" + url.PathEscape(survivor)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusFound)
		return
	}
	if d.G, err = s.st.Golden(ctx, id); err != nil {
		fail(err)
		return
	}
	if d.Doc, err = golden.DecodeDoc(d.G.Doc); err != nil {
		fail(fmt.Errorf("golden record %s: %w", id, err))
		return
	}
	d.Title = cmp.Or(d.G.Name, id)
	ix, err := s.loadSources(ctx, d.L)
	if err != nil {
		fail(err)
		return
	}
	d.Fields = goldenFields(ix, d.Doc)
	members, err := s.st.EntityRecords(ctx, []string{id})
	if err != nil {
		fail(err)
		return
	}
	anchor := anchorRecord(d.Doc, members, ix)
	d.Records, d.Matrix = sideBySide(ix, d.Doc, members, anchor)
	d.Links, d.NoLinks = s.explainLinks(ctx, d.L, ix, d.G.Kind, members, anchor)
	for _, step := range []func() error{
		func() error { return s.entityLineage(r, &d, ix) },
		func() error { return s.entityTies(r, &d) },
		func() error { return s.entityFindings(r, &d) },
	} {
		if err := step(); err != nil {
			fail(err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "entity", d)
}

// goldenFields pairs each golden value with its source's names and the
// values other sources hold.
func goldenFields(ix sourceIndex, doc golden.Doc) []fieldRow {
	out := make([]fieldRow, 0, len(doc.Values))
	for _, f := range doc.Values {
		row := fieldRow{Field: f, AgencyName: ix.agency[f.Agency], SourceTitle: ix.title(f.Source)}
		for i, v := range doc.Conflicts[f.Attr] {
			if i == 0 && v.Value == f.Value.Value && v.Source == f.Source && v.RecordID == f.RecordID {
				continue // the surviving value itself
			}
			row.Others = append(row.Others, conflictValue{Value: v, SourceTitle: ix.title(v.Source)})
		}
		out = append(out, row)
	}
	return out
}

// anchorRecord is the member the links are explained against: the record
// the golden record's name (or an animal's tag) came from, which is the one
// the most trusted source holds; else the first member.
func anchorRecord(doc golden.Doc, members []store.LiveRecord, ix sourceIndex) int {
	if len(members) == 0 {
		return -1
	}
	for _, attr := range []string{"full_name", "last_name", "tag", "national_id"} {
		for _, f := range doc.Values {
			if f.Attr != attr {
				continue
			}
			for i, m := range members {
				if ix.byID[m.SourceID].Name == f.Source && m.RecordID == f.RecordID {
					return i
				}
			}
		}
	}
	return 0
}

// sideBySide lays the member records out as columns and their attributes
// as rows, identity attributes first in the golden record's order.
func sideBySide(ix sourceIndex, doc golden.Doc, members []store.LiveRecord, anchor int) ([]recordCol, []matrixRow) {
	cols := make([]recordCol, len(members))
	seen := map[string]bool{}
	var attrs []string
	for i, m := range members {
		src := ix.byID[m.SourceID]
		cols[i] = recordCol{Source: src.Name, Title: ix.title(src.Name), AgencyName: ix.agency[src.AgencyCode],
			RecordID: m.RecordID, Version: m.Version, Observed: m.ObservedAt, Anchor: i == anchor,
			Label: ix.title(src.Name) + " · " + m.RecordID}
		for a := range m.Attrs {
			if !seen[a] {
				seen[a] = true
				attrs = append(attrs, a)
			}
		}
	}
	order := golden.Attributes(doc.Kind)
	rank := func(a string) int {
		if i := slices.Index(order, a); i >= 0 {
			return i
		}
		return len(order)
	}
	slices.SortFunc(attrs, func(a, b string) int { return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a, b)) })
	kept := map[string]golden.Field{}
	for _, f := range doc.Values {
		kept[f.Attr] = f
	}
	rows := make([]matrixRow, 0, len(attrs))
	for _, a := range attrs {
		row := matrixRow{Attr: a, Cells: make([]matrixCell, len(members))}
		for i, m := range members {
			g, ok := kept[a]
			row.Cells[i] = matrixCell{Label: cols[i].Label, Value: m.Attrs[a], Invalid: m.Invalid[a],
				Golden: ok && g.Source == cols[i].Source && g.RecordID == m.RecordID && m.Attrs[a] != ""}
		}
		rows = append(rows, row)
	}
	return cols, rows
}

// entityLineage reads the resolver's decisions about the entity.
func (s *Server) entityLineage(r *http.Request, d *entityData, ix sourceIndex) error {
	ctx := r.Context()
	id := d.G.EntityID
	events, err := s.st.Lineage(ctx, id)
	if err != nil {
		return err
	}
	var others []string
	for _, e := range events {
		row := lineageRow{LineageEvent: e}
		switch {
		case e.EntityID != id:
			row.Other, row.Incoming = e.EntityID, true
		case e.OtherID != "":
			row.Other = e.OtherID
		}
		if e.Ref != nil {
			row.Record = ix.title(ix.byID[e.Ref.SourceID].Name) + " · " + e.Ref.RecordID
		}
		if e.Probability > 0 {
			row.Percent = d.L.Prob(e.Probability)
		}
		if row.Other != "" {
			others = append(others, row.Other)
		}
		d.Lineage = append(d.Lineage, row)
	}
	if len(others) == 0 {
		return nil
	}
	names, err := s.st.GoldenBrief(ctx, others)
	if err != nil {
		return err
	}
	for i := range d.Lineage {
		if g, ok := names[d.Lineage[i].Other]; ok {
			d.Lineage[i].OtherName = g.Name
		}
	}
	return nil
}

// entityTies reads a person's family, household and animals, or an
// animal's owner.
func (s *Server) entityTies(r *http.Request, d *entityData) error {
	ctx := r.Context()
	switch d.G.Kind {
	case source.EntityPerson:
		if len(d.Doc.Relations) > 0 {
			ids := make([]string, len(d.Doc.Relations))
			for i, rel := range d.Doc.Relations {
				ids[i] = rel.Entity
			}
			names, err := s.st.GoldenBrief(ctx, ids)
			if err != nil {
				return err
			}
			for _, rel := range d.Doc.Relations {
				d.Family = append(d.Family, relationRow{Kind: rel.Kind, ID: rel.Entity, Name: cmp.Or(names[rel.Entity].Name, rel.Entity)})
			}
		}
		house, err := s.st.GoldenBy(ctx, "household", d.G.Household, pageHousehold+1)
		if err != nil {
			return err
		}
		for i := range house {
			house[i].Doc = nil
		}
		d.House = slices.DeleteFunc(house, func(g store.GoldenRow) bool { return g.EntityID == d.G.EntityID })
		d.Animals, err = s.st.GoldenBy(ctx, "owner_id", d.G.EntityID, pageAnimals)
		return err
	case source.EntityAnimal:
		d.OwnerIIN = d.Doc.Value("owner_iin")
		if d.Doc.Owner == "" {
			return nil
		}
		owners, err := s.st.GoldenBrief(ctx, []string{d.Doc.Owner})
		if err != nil {
			return err
		}
		if o, ok := owners[d.Doc.Owner]; ok {
			d.Owner = &o
		}
	}
	return nil
}

// entityFindings reads the open and fixed findings about the entity.
func (s *Server) entityFindings(r *http.Request, d *entityData) error {
	ctx := r.Context()
	fs, total, err := s.st.WorkList(ctx, store.FindingFilter{EntityID: d.G.EntityID, Limit: pageFindings})
	if err != nil {
		return err
	}
	d.FindingsTotal = total
	d.WorkList = "/worklist?" + url.Values{"entity": {d.G.EntityID}}.Encode()
	d.Findings, err = s.findingRows(ctx, fs)
	return err
}
