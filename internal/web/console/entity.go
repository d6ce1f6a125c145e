package console

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// Rows the entity page lists at most in its lists of related entities.
const (
	pageHousehold = 50
	pageAnimals   = 100
	pageFindings  = 50
)

// lineageRow is one resolver decision about the entity.
type lineageRow struct {
	store.LineageEvent
	Other     string // the other entity of a merge or split
	OtherName string
	Record    string // source title and record id of an attach or detach
	Percent   string
	Incoming  bool // a merge into this entity, rather than of it
	// Reason is why, in the reader's language when resolution's reason
	// is one it knows.
	Reason string
}

// relationRow is a family tie.
type relationRow struct {
	Kind, ID, Name string
	// Subject is what a look at the relative is audited under.
	Subject string
}

type entityData struct {
	view.Page
	G        store.GoldenRow
	Doc      golden.Doc
	Fields   []view.FieldRow
	Records  []view.RecordCol
	Matrix   []view.MatrixRow
	Links    []linkView
	NoLinks  string // why no link is explained, when none is
	Lineage  []lineageRow
	Family   []relationRow
	House    []store.GoldenRow
	Animals  []store.GoldenRow
	Owner    *store.GoldenRow
	OwnerIIN string
	// TiesHidden counts the relatives, household members and owner left
	// out because the official's agency holds no record of them.
	TiesHidden int
	Findings   []findingRow
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
	d := entityData{Page: s.newPage(w, r)}
	fail := func(err error) { s.errorPage(w, r, d.Page, err) }
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
	d.G = d.L.Golden(d.G)
	d.Title = cmp.Or(d.G.Name, id)
	ix, err := view.LoadSources(ctx, s.st, d.L)
	if err != nil {
		fail(err)
		return
	}
	d.Fields = view.GoldenFields(ix, d.Doc)
	members, err := s.st.EntityRecords(ctx, []string{id})
	if err != nil {
		fail(err)
		return
	}
	held := holders(ix, members)
	grant, ok := s.personAccess(w, r, d.Page, id, held)
	if !ok {
		return
	}
	anchor := view.AnchorRecord(d.Doc, members, ix)
	d.Records, d.Matrix = view.SideBySide(ix, d.Doc, members, anchor)
	d.Links, d.NoLinks = s.explainLinks(ctx, d.L, ix, d.G.Kind, members, anchor)
	for _, step := range []func() error{
		func() error { return s.entityLineage(r, &d, ix) },
		func() error { return s.entityTies(r, &d) },
		func() error { return s.entityFindings(r, ix, &d) },
	} {
		if err := step(); err != nil {
			fail(err)
			return
		}
	}
	ties, err := s.scopeTies(r, ix, &d, held)
	if err != nil {
		fail(err)
		return
	}
	if err := s.recordReads(ctx, readEntity, append([]read{{Subject: entitySubject(d.G, d.Doc), Grant: grant}}, ties...)); err != nil {
		s.readsRefused(w, r, d.Page, err)
		return
	}
	s.render(w, r, http.StatusOK, "entity", d)
}

// entityLineage reads the resolver's decisions about the entity.
func (s *Server) entityLineage(r *http.Request, d *entityData, ix view.SourceIndex) error {
	ctx := r.Context()
	id := d.G.EntityID
	events, err := s.st.Lineage(ctx, id)
	if err != nil {
		return err
	}
	var others []string
	for _, e := range events {
		row := lineageRow{LineageEvent: e, Reason: e.Reason}
		if key, args, ok := resolve.ReasonKey(e.Reason); ok {
			row.Reason = d.L.F(key, toAny(args)...)
		}
		switch {
		case e.EntityID != id:
			row.Other, row.Incoming = e.EntityID, true
		case e.OtherID != "":
			row.Other = e.OtherID
		}
		if e.Ref != nil {
			row.Record = ix.Title(ix.ByID[e.Ref.SourceID].Name) + " · " + e.Ref.RecordID
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
			d.Lineage[i].OtherName = d.L.Golden(g).Name
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
				g := names[rel.Entity]
				g.EntityID = rel.Entity
				d.Family = append(d.Family, relationRow{Kind: rel.Kind, ID: rel.Entity, Name: cmp.Or(g.Name, rel.Entity),
					Subject: personSubject(g)})
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
		for i := range d.Animals {
			d.Animals[i] = d.L.Golden(d.Animals[i])
		}
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
func (s *Server) entityFindings(r *http.Request, ix view.SourceIndex, d *entityData) error {
	ctx := r.Context()
	fs, total, err := s.st.WorkList(ctx, store.FindingFilter{EntityID: d.G.EntityID, Limit: pageFindings})
	if err != nil {
		return err
	}
	d.FindingsTotal = total
	d.WorkList = "/worklist?" + url.Values{"entity": {d.G.EntityID}}.Encode()
	d.Findings, err = s.findingRows(ctx, ix, fs)
	return err
}

// toAny passes strings as the arguments of a message.
func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// scopeTies keeps, of the people an entity page names besides the entity
// (relatives, household members, an animal's owner), those the official
// may read without break-glass, counts the others in d.TiesHidden, and
// returns the reads of those kept. A break-glass grant opens the entity
// alone, not its household. The subject's own animals are read with them,
// and an animal's owner is in the scope of whoever keeps the animal's
// register, which names the owner (held: the entity's holders).
func (s *Server) scopeTies(r *http.Request, ix view.SourceIndex, d *entityData, held []string) ([]read, error) {
	var ids []string
	for _, f := range d.Family {
		ids = append(ids, f.ID)
	}
	for _, g := range d.House {
		ids = append(ids, g.EntityID)
	}
	if d.Owner != nil {
		ids = append(ids, d.Owner.EntityID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ctx := r.Context()
	members, err := s.st.EntityRecords(ctx, ids)
	if err != nil {
		return nil, err
	}
	byEntity := map[string][]store.LiveRecord{}
	for _, m := range members {
		byEntity[m.EntityID] = append(byEntity[m.EntityID], m)
	}
	p := visitOf(ctx).principal()
	var reads []read
	keep := func(id, subject string) bool {
		owners := holders(ix, byEntity[id])
		if d.Owner != nil && id == d.Owner.EntityID {
			owners = append(owners, held...)
		}
		if access.Decide(p, access.ReadPerson, owners...) != access.Allow {
			d.TiesHidden++
			return false
		}
		reads = append(reads, read{Subject: subject})
		return true
	}
	d.Family = slices.DeleteFunc(d.Family, func(f relationRow) bool { return !keep(f.ID, f.Subject) })
	d.House = slices.DeleteFunc(d.House, func(g store.GoldenRow) bool { return !keep(g.EntityID, personSubject(g)) })
	if d.Owner != nil && !keep(d.Owner.EntityID, personSubject(*d.Owner)) {
		d.Owner, d.OwnerIIN = nil, ""
	}
	return reads, nil
}
