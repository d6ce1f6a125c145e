package view

import (
	"cmp"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/store"
)

// FieldRow is one attribute of a golden record with where its value came
// from and the other values sources hold.
type FieldRow struct {
	golden.Field
	// Shown is the value as the reader should see it (a coded value in
	// words); Invalid why ingest flagged it, in the reader's language.
	Shown, Invalid string
	AgencyName     string
	SourceTitle    string
	Others         []ConflictValue
}

// ConflictValue is a value another source holds for an attribute.
type ConflictValue struct {
	golden.Value
	Shown, Invalid string // as in FieldRow
	SourceTitle    string
}

// RecordCol is one member record, a column of the side-by-side table.
type RecordCol struct {
	Source, Title, AgencyName, RecordID string
	Version                             int
	Observed                            time.Time
	Anchor                              bool // the record the links are explained against
	Label                               string
}

// MatrixRow is one attribute across the member records.
type MatrixRow struct {
	Attr  string
	Cells []MatrixCell
}

// MatrixCell is one record's value of one attribute.
type MatrixCell struct {
	Label   string // the record, for the phone layout
	Value   string
	Invalid string
	// Golden marks the value the golden record kept.
	Golden bool
}

// GoldenFields pairs each golden value with its source's names and the
// values other sources hold.
func GoldenFields(ix SourceIndex, doc golden.Doc) []FieldRow {
	out := make([]FieldRow, 0, len(doc.Values))
	for _, f := range doc.Values {
		row := FieldRow{Field: f, Shown: ix.Value(f.Source, f.Attr, f.Value.Value), Invalid: quality.IssueIn(ix.Lang, f.Invalid),
			AgencyName: ix.Agency[f.Agency], SourceTitle: ix.Title(f.Source)}
		for i, v := range doc.Conflicts[f.Attr] {
			if i == 0 && v.Value == f.Value.Value && v.Source == f.Source && v.RecordID == f.RecordID {
				continue // the surviving value itself
			}
			row.Others = append(row.Others, ConflictValue{Value: v, Shown: ix.Value(v.Source, f.Attr, v.Value),
				Invalid: quality.IssueIn(ix.Lang, v.Invalid), SourceTitle: ix.Title(v.Source)})
		}
		out = append(out, row)
	}
	return out
}

// AnchorRecord is the member the links are explained against: the record
// the golden record's name (or an animal's tag) came from, which is the one
// the most trusted source holds; else the first member.
func AnchorRecord(doc golden.Doc, members []store.LiveRecord, ix SourceIndex) int {
	if len(members) == 0 {
		return -1
	}
	for _, attr := range []string{"full_name", "last_name", "tag", "national_id"} {
		for _, f := range doc.Values {
			if f.Attr != attr {
				continue
			}
			for i, m := range members {
				if ix.ByID[m.SourceID].Name == f.Source && m.RecordID == f.RecordID {
					return i
				}
			}
		}
	}
	return 0
}

// SideBySide lays the member records out as columns and their attributes
// as rows, identity attributes first in the golden record's order.
func SideBySide(ix SourceIndex, doc golden.Doc, members []store.LiveRecord, anchor int) ([]RecordCol, []MatrixRow) {
	cols := make([]RecordCol, len(members))
	seen := map[string]bool{}
	var attrs []string
	for i, m := range members {
		src := ix.ByID[m.SourceID]
		cols[i] = RecordCol{Source: src.Name, Title: ix.Title(src.Name), AgencyName: ix.Agency[src.AgencyCode],
			RecordID: m.RecordID, Version: m.Version, Observed: m.ObservedAt, Anchor: i == anchor,
			Label: ix.Title(src.Name) + " · " + m.RecordID}
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
	rows := make([]MatrixRow, 0, len(attrs))
	for _, a := range attrs {
		row := MatrixRow{Attr: a, Cells: make([]MatrixCell, len(members))}
		for i, m := range members {
			g, ok := kept[a]
			row.Cells[i] = MatrixCell{Label: cols[i].Label, Value: ix.Value(cols[i].Source, a, m.Attrs[a]),
				Invalid: quality.IssueIn(ix.Lang, m.Invalid[a]),
				Golden:  ok && g.Source == cols[i].Source && g.RecordID == m.RecordID && m.Attrs[a] != ""}
		}
		rows = append(rows, row)
	}
	return cols, rows
}

// Option is one choice of a select box.
type Option struct {
	Value, Label string
	Selected     bool
}
