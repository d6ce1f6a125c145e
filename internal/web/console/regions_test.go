package console

import (
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// TestRegionRows folds spellings of one region into one row named in the
// reader's language, most people first, unknown regions last.
func TestRegionRows(t *testing.T) {
	counts := []store.RegionCount{
		{Region: "Туркестанская область", People: 3, OpenFindings: 1},
		{Region: "Түркістан облысы", People: 4, Animals: 2},
		{Region: "г. Нигде", People: 9},
		{Region: "", People: 1},
		{Region: "Алматы", People: 5},
	}
	rows := regionRows(view.Locale{Lang: "ru"}, counts)
	if len(rows) != 3 {
		t.Fatalf("rows %+v; want Turkestan, Almaty and the unknown", rows)
	}
	if rows[0].People != 7 || rows[0].Animals != 2 || rows[0].Open != 1 {
		t.Errorf("first row %+v; want Turkestan's 7 people, 2 animals, 1 finding", rows[0])
	}
	unknown := view.Locale{Lang: "ru"}.T("region.unknown")
	if last := rows[len(rows)-1]; last.Name != unknown || last.People != 10 {
		t.Errorf("last row %+v; want the unknown regions' 10 people", last)
	}
}
