package web

import (
	"cmp"
	"slices"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/names"
	"github.com/ortaq/ortaq/internal/store"
)

// regionsByName finds a region by any of its names as records spell them
// (Kazakh, Russian, English, in any script), so that the console can name
// it in the reader's language and count "Туркестанская область" and
// "Түркістан облысы" as one region.
var regionsByName = func() map[string]kz.Region {
	m := map[string]kz.Region{}
	for _, r := range kz.Regions() {
		for _, n := range []string{r.KK, r.RU, r.EN, r.Code} {
			m[names.FoldText(n)] = r
		}
	}
	return m
}()

// Region names a region, as a record spells it, in the locale's language;
// a name it does not know is shown as written, and no name as a dash.
func (l locale) Region(name string) string {
	if name == "" {
		return "—"
	}
	if r, ok := regionsByName[names.FoldText(name)]; ok {
		return r.Name(l.Lang)
	}
	return name
}

// regionRow is one line of the overview's table of regions.
type regionRow struct {
	Name                   string
	People, Animals, Open  int
	PeopleBar, FindingsBar bar
}

// regionRows folds the store's per-spelling counts into regions named in
// the reader's language, most people first; records naming no known
// region come last, as one row.
func regionRows(l locale, counts []store.RegionCount) []regionRow {
	byName := map[string]*regionRow{}
	var order []string
	unknown := &regionRow{Name: l.T("region.unknown")}
	for _, c := range counts {
		row := unknown
		if r, ok := regionsByName[names.FoldText(c.Region)]; ok && c.Region != "" {
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
