package console

import (
	"cmp"
	"slices"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// regionRow is one line of the overview's table of regions.
type regionRow struct {
	Name                   string
	People, Animals, Open  int
	PeopleBar, FindingsBar bar
}

// regionRows folds the store's per-spelling counts into regions named in
// the reader's language, most people first; records naming no known
// region come last, as one row.
func regionRows(l view.Locale, counts []store.RegionCount) []regionRow {
	byName := map[string]*regionRow{}
	var order []string
	unknown := &regionRow{Name: l.T("region.unknown")}
	for _, c := range counts {
		row := unknown
		if r, ok := view.RegionOf(c.Region); ok && c.Region != "" {
			row = byName[r.Code]
			if row == nil {
				row = &regionRow{Name: r.Name(l.Lang)}
				byName[r.Code] = row
				order = append(order, r.Code)
			}
		}
		row.People += c.People
		row.Animals += c.Animals
		row.Open += c.OpenFindings
	}
	out := make([]regionRow, 0, len(order)+1)
	for _, code := range order {
		out = append(out, *byName[code])
	}
	slices.SortFunc(out, func(a, b regionRow) int { return cmp.Or(cmp.Compare(b.People, a.People), cmp.Compare(a.Name, b.Name)) })
	if unknown.People+unknown.Animals+unknown.Open > 0 {
		out = append(out, *unknown)
	}
	maxPeople, maxOpen := 0, 0
	for _, r := range out {
		maxPeople, maxOpen = max(maxPeople, r.People), max(maxOpen, r.Open)
	}
	for i := range out {
		out[i].PeopleBar = shareBar(out[i].People, maxPeople)
		out[i].FindingsBar = shareBar(out[i].Open, maxOpen)
		out[i].FindingsBar.Class = "bad"
	}
	return out
}
