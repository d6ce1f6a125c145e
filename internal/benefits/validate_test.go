package benefits

import (
	"strings"
	"testing"
)

func TestOverlay(t *testing.T) {
	base, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	// A new MRP from 1 July 2026, as a ministry would load it.
	next, err := base.With(File{Name: "parameters-2026-07.yaml", Data: []byte(`
MRP:
  values:
    - {from: 2026-07-01, value: "4500", law: "Amended budget law (test)"}
`)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := next.Validate()
	if err != nil {
		t.Fatal(err)
	}
	js := `{"id":"x","date":"%s","household":{"region":"astana"},"persons":[
	  {"id":"c1","role":"child","birth_date":"2010-01-01"},{"id":"c2","role":"child","birth_date":"2011-01-01"},
	  {"id":"c3","role":"child","birth_date":"2012-01-01"},{"id":"c4","role":"child","birth_date":"2014-01-01"}]}`
	for _, tc := range []struct {
		date string
		want int64
		ver  string
	}{{"2026-06-30", 69330, "2026-01-01"}, {"2026-07-01", 72135, "2026-07-01"}} {
		r := decideOne(t, e, strings.Replace(js, "%s", tc.date, 1))
		d := r.Programmes[1]
		if d.Amount.Int64() != tc.want || d.Versions.Parameters["MRP"].String() != tc.ver {
			t.Errorf("%s: %s with MRP of %s", tc.date, d.Amount, d.Versions.Parameters["MRP"])
		}
	}
	// The base catalog is unchanged.
	if len(base.Params["MRP"].Values) != 4 {
		t.Errorf("base changed: %d MRP values", len(base.Params["MRP"].Values))
	}
	// A new version of a programme with a typo is refused at load.
	bad, err := base.With(File{Name: "large_family.yaml", Data: []byte(`
id: large_family
versions:
  - id: large_family/2027-01-01
    from: 2027-01-01
    law: {ref: "test"}
    steps:
      - each: counted
        where: p.role == 'child' && p.agee < 18
        count: n
    eligible: n >= 4
    amount: round(dec('16.03') * param('MRP'))
`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "agee") {
		t.Errorf("typo accepted: %v", err)
	}
	// A version that fails on samples is refused.
	failing, _ := base.With(File{Name: "birth.yaml", Data: []byte(`
id: birth
versions:
  - id: birth/2025-01-01
    from: 2025-01-01
    law: {ref: "test"}
    eligible: "true"
    amount: round(param('NO_SUCH'))
`)})
	if _, err := failing.Validate(); err == nil || !strings.Contains(err.Error(), "NO_SUCH") {
		t.Errorf("failing version accepted: %v", err)
	}
	// A date shifted past any calendar is refused, not wrapped around.
	shifted, _ := base.With(File{Name: "birth.yaml", Data: []byte(`
id: birth
versions:
  - id: birth/2025-01-01
    from: 2025-01-01
    law: {ref: "test"}
    steps:
      - let: far
        expr: add_months(D, 9223372036854775807)
    eligible: far > D
    amount: round(param('MRP'))
`)})
	if _, err := shifted.Validate(); err == nil || !strings.Contains(err.Error(), "out of range") {
		t.Errorf("an overflowing add_months accepted: %v", err)
	}
	// An expression that could cost too much is refused.
	costly, _ := base.With(File{Name: "birth.yaml", Data: []byte(`
id: birth
versions:
  - id: birth/2025-01-01
    from: 2025-01-01
    law: {ref: "test"}
    eligible: "persons.all(a, persons.all(b, persons.all(c, a.age + b.age + c.age > 0)))"
    amount: dec(0)
`)})
	if _, err := costly.Validate(); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("costly rule accepted: %v", err)
	}
}
