package quality

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParse(t *testing.T) {
	const doc = `# checks
as_of: 2026-11-01
all_sources:
  - {kind: freshness, max_age: 30d}
  - {kind: volume, max_change: 0.5}
sources:
  health_cards:
    - {kind: missing, field: national_id}
    - {kind: valid}
    - {kind: duplicates, name: one_patient_several_cards, severity: error}
    - {kind: dead_active, where: {card_status: active}, after: last_visit_date}
    - {kind: range, field: grade, min: 1, max: 11, where: {type: [school, lyceum]}}
  livestock:
    - {kind: group_size, by: owner_iin, max: 150}
    - kind: age
      field: birth_date
      max_years: {by: species, values: {cattle: 25, sheep: 15}, default: 30}
    - {kind: name_mismatch, fields: [last_name, first_name], register: [population_register, civil_registry]}
`
	c, err := Parse(strings.NewReader(doc), "q.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Path: "q.yaml",
		AsOf: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
		All: []Check{
			{Name: "freshness", Kind: "freshness", Line: 4, MaxAge: 30 * 24 * time.Hour},
			{Name: "volume", Kind: "volume", Line: 5, MaxChange: 0.5},
		},
		Sources: []SourceChecks{
			{Source: "health_cards", Line: 7, Checks: []Check{
				{Name: "missing_national_id", Kind: "missing", Line: 8, Field: "national_id"},
				{Name: "valid", Kind: "valid", Line: 9},
				{Name: "one_patient_several_cards", Kind: "duplicates", Severity: "error", Line: 10},
				{Name: "dead_active", Kind: "dead_active", Line: 11, Where: []Cond{{"card_status", []string{"active"}}}, After: "last_visit_date"},
				{Name: "range_grade", Kind: "range", Line: 12, Field: "grade", Min: "1", Max: "11",
					Where: []Cond{{"type", []string{"school", "lyceum"}}}},
			}},
			{Source: "livestock", Line: 13, Checks: []Check{
				{Name: "group_size_owner_iin", Kind: "group_size", Line: 14, By: "owner_iin", MaxCount: 150},
				{Name: "age_birth_date", Kind: "age", Line: 15, Field: "birth_date",
					MaxYears: &Limit{By: "species", Values: map[string]float64{"cattle": 25, "sheep": 15}, Default: 30, HasDefault: true}},
				{Name: "name_mismatch_last_name_first_name", Kind: "name_mismatch", Line: 18, Fields: []string{"last_name", "first_name"},
					Register: []string{"population_register", "civil_registry"}},
			}},
		},
	}
	if diff := cmp.Diff(want, c, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
}

// TestParseErrors checks that each mistake is reported at its line with a
// reason a data officer can act on.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string // substrings of the error, each "line: text"
	}{
		{"empty", "", []string{"q.yaml: empty file"}},
		{"not a mapping", "- 1\n", []string{"q.yaml:1: expected a mapping with sources:"}},
		{"no sources", "as_of: 2026-01-01\n", []string{"q.yaml:1: missing sources:"}},
		{"unknown top key", "source:\n  x: []\n", []string{`q.yaml:1: unknown key "source" (did you mean "sources"?)`}},
		{"bad as_of", "as_of: 1.11.2026\nsources: {}\n", []string{`q.yaml:1: as_of "1.11.2026": expected a date YYYY-MM-DD`}},
		{"syntax", "sources:\n  x: [\n", []string{"q.yaml:3: "}},
		{"checks not a list", "sources:\n  x: {kind: missing}\n", []string{`q.yaml:2: source "x": expected a list of checks`}},
		{"no kind", "sources:\n  x:\n    - {field: a}\n", []string{`q.yaml:3: source "x": check #1: missing kind`}},
		{"unknown kind", "sources:\n  x:\n    - {kind: uniqe, field: a}\n", []string{`q.yaml:3: source "x": check #1: unknown kind "uniqe" (did you mean "unique"?)`}},
		{"unknown key", "sources:\n  x:\n    - {kind: missing, feild: a}\n",
			[]string{`q.yaml:3: source "x": check #1 (missing): unknown key "feild" (did you mean "field"?)`, `q.yaml:3: source "x": check #1 (missing): missing field`}},
		{"key of another kind", "sources:\n  x:\n    - {kind: missing, field: a, max: 3}\n",
			[]string{`unknown key "max" (known keys: kind, name, severity, dimension, description, field, where)`}},
		{"where on a source check", "sources:\n  x:\n    - {kind: schema, where: {a: b}}\n", []string{`q.yaml:3: source "x": check #1 (schema): unknown key "where"`}},
		{"missing parameter", "sources:\n  x:\n    - {kind: group_size, by: owner}\n", []string{`q.yaml:3: source "x": check #1 (group_size): missing max`}},
		{"one of two", "sources:\n  x:\n    - {kind: range, field: a}\n", []string{`(range): missing min or max`}},
		{"both field and fields", "sources:\n  x:\n    - {kind: unique, field: a, fields: [b]}\n", []string{`give field or fields, not both`}},
		{"bad severity", "sources:\n  x:\n    - {kind: schema, severity: eror}\n", []string{`severity: unknown value "eror" (want error, warning, info); did you mean "error"?`}},
		{"bad want", "sources:\n  x:\n    - {kind: script, field: a, want: greek}\n", []string{`want: unknown value "greek" (want cyrillic, latin)`}},
		{"bad regexp", "sources:\n  x:\n    - {kind: pattern, field: a, match: '[a-'}\n", []string{`q.yaml:3: source "x": check #1 (pattern): match: error parsing regexp`}},
		{"bad bound", "sources:\n  x:\n    - {kind: range, field: a, min: low}\n", []string{`min "low": expected a number, a date YYYY-MM-DD or today`}},
		{"mixed bounds", "sources:\n  x:\n    - {kind: range, field: a, min: 0, max: today}\n", []string{`min and max must both be numbers or both dates`}},
		{"bad max_age", "sources:\n  x:\n    - {kind: freshness, max_age: soon}\n", []string{`max_age "soon": expected a positive duration`}},
		{"bad group max", "sources:\n  x:\n    - {kind: group_size, by: a, max: 0}\n", []string{`max: expected a whole number from 1`}},
		{"bad max_change", "sources:\n  x:\n    - {kind: volume, max_change: -1}\n", []string{`max_change: expected a positive fraction`}},
		{"limit values without by", "sources:\n  x:\n    - {kind: age, field: a, max_years: {values: {cow: 3}}}\n", []string{`max_years: values: needs by:`}},
		{"bad field name", "sources:\n  x:\n    - {kind: missing, field: Full Name}\n", []string{`field "Full Name": expected a name of the form [a-z0-9_]+`}},
		{"duplicate name", "sources:\n  x:\n    - {kind: missing, field: a}\n    - {kind: missing, field: a}\n",
			[]string{`q.yaml:4: source "x": two checks named "missing_a" (first at line 3); give one a name:`}},
		{"name clash with all_sources", "all_sources:\n  - {kind: schema}\nsources:\n  x:\n    - {kind: schema}\n",
			[]string{`q.yaml:5: source "x": check "schema" is also in all_sources (line 2)`}},
		{"duplicate key", "sources:\n  x:\n    - {kind: missing, field: a, field: b}\n", []string{`key "field" appears twice`}},
		{"every mistake at once", "sources:\n  x:\n    - {kind: nope}\n  y:\n    - {kind: missing}\n",
			[]string{`q.yaml:3: source "x": check #1: unknown kind "nope"`, `q.yaml:5: source "y": check #1 (missing): missing field`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.doc), "q.yaml")
			if err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			var qe *Error
			if !errors.As(err, &qe) {
				t.Errorf("error %T is not a *quality.Error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

// FuzzParse checks that no input makes Parse panic, and that whatever it
// accepts it accepts again when rendered back through the report's
// parameter string (which must not panic either).
func FuzzParse(f *testing.F) {
	f.Add("sources:\n  x:\n    - {kind: missing, field: a}\n")
	f.Add("all_sources: [{kind: volume, max_change: 0.2}]\nsources: {x: [{kind: age, field: d, max_years: {by: s, values: {a: 1}}}]}\n")
	f.Add("sources: {x: [{kind: pattern, field: a, match: '^[0-9]+$', where: {b: [c, d]}}]}")
	f.Fuzz(func(t *testing.T, doc string) {
		c, err := Parse(strings.NewReader(doc), "f.yaml")
		if err != nil {
			return
		}
		for _, sc := range c.Sources {
			for i := range sc.Checks {
				_ = sc.Checks[i].paramString()
				if sc.Checks[i].Name == "" {
					t.Errorf("check without a name: %+v", sc.Checks[i])
				}
			}
		}
	})
}
