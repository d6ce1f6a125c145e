package view

import (
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/names"
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

// Region names a region, as a record spells it, in the Locale's language;
// a name it does not know is shown as written, and no name as a dash.
func (l Locale) Region(name string) string {
	if name == "" {
		return "—"
	}
	if r, ok := regionsByName[names.FoldText(name)]; ok {
		return r.Name(l.Lang)
	}
	return name
}

// RegionOf finds the region a record's spelling names, in any language or
// script.
func RegionOf(name string) (kz.Region, bool) {
	r, ok := regionsByName[names.FoldText(name)]
	return r, ok
}
