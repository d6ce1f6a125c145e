package source

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustParse(tb testing.TB, yaml string) *Contract {
	tb.Helper()
	c, err := Parse(strings.NewReader(yaml), "sources.yaml")
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return c
}

func mustAbs(tb testing.TB, path string) string {
	tb.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		tb.Fatal(err)
	}
	return abs
}

// TestLoadDocsExample keeps docs/sources.md honest: its example, copied into
// the fixture, must parse to exactly this.
func TestLoadDocsExample(t *testing.T) {
	path := filepath.Join("testdata", "source", "docs_example", "sources.yaml")
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := &Contract{
		Path: path,
		Agencies: []Agency{{
			Code:  "moh",
			Name:  "Ministry of Health",
			Names: map[string]string{"kk": "Денсаулық сақтау министрлігі", "ru": "Министерство здравоохранения"},
		}},
		Sources: []*Source{{
			Name:   "health_cards",
			Agency: "moh",
			Title:  "Patient cards (DAMUMED)",
			Titles: Text{"kk": "Пациенттердің медициналық карталары (DAMUMED)", "ru": "Медицинские карты пациентов (DAMUMED)",
				"en": "Patient cards (DAMUMED)"},
			Description: Text{"ru": "Прикрепление к поликлиникам", "en": "Attachment to polyclinics"},
			Entity:      EntityPerson,
			File:        mustAbs(t, filepath.Join("testdata", "source", "docs_example", "health", "cards.csv")),
			Format:      "csv",
			Delimiter:   ';',
			Encoding:    "utf-8",
			Mode:        "full",
			ID:          []string{"card_no"},
			DateFormat:  "DD.MM.YYYY",
			ObservedAt:  "updated",
			AsOf:        time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
			Missing:     []string{"NA", "-", "N/A"},
			Line:        7,
			Fields: []Field{
				{Name: "full_name", Columns: []string{"fio"}, Type: TypeString, Line: 28},
				{Name: "address", Columns: []string{"street", "house", "flat"}, Type: TypeString, Line: 29},
				{Name: "national_id", Columns: []string{"iin"}, Type: TypeIIN, Line: 30},
				{Name: "birth_date", Columns: []string{"dob"}, Type: TypeDate, DateFormat: "YYYYMMDD", Line: 31},
				{Name: "sex", Columns: []string{"gender"}, Type: TypeSex, Values: map[string]string{"1": "M", "2": "F"}, Missing: []string{"0"}, Line: 32},
				{Name: "status", Columns: []string{"status"}, Type: TypeString, Allowed: []string{"active", "closed"}, Required: true, Line: 33,
					Label: Text{"kk": "Карта мәртебесі", "ru": "Статус карты", "en": "Card status"},
					ValueLabels: map[string]Text{
						"active": {"kk": "Белсенді", "ru": "Действующая", "en": "Active"},
						"closed": {"kk": "Жабылған", "ru": "Закрыта", "en": "Closed"},
					}},
				{Name: "insurance_no", Columns: []string{"policy"}, Type: TypeString, Match: MatchID, Line: 41},
			},
		}},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
}

func TestParseDefaults(t *testing.T) {
	c := mustParse(t, `
sources:
  - name: vet
    id: [tag, farm]
    file: animals.JSONL
    fields:
      owner_iin: owner
      company_bin: company
      reg_date: registered
      email: mail
      sex: {column: sex}
      income: {column: income, type: NUMBER}
      tab: {columns: tabnum, type: int}
  - name: push_only
    agency: mvd
    id: id
    encoding: CP1251
    delimiter: tab
`)
	vet := c.Source("vet")
	if vet == nil || c.Source("nope") != nil {
		t.Fatal("Source lookup")
	}
	if vet.Format != "ndjson" || vet.Agency != "vet" || vet.Entity != EntityPerson || vet.Encoding != "utf-8" || vet.Delimiter != ',' {
		t.Errorf("vet defaults: %+v", vet)
	}
	var types []Type
	for _, f := range vet.Fields {
		types = append(types, f.Type)
	}
	wantTypes := []Type{TypeIIN, TypeBIN, TypeDate, TypeEmail, TypeSex, TypeNumber, TypeInt}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("types (-want +got):\n%s", diff)
	}
	push := c.Source("push_only")
	if push.File != "" || push.Format != "csv" || push.Encoding != "windows-1251" || push.Delimiter != '\t' {
		t.Errorf("push_only: %+v", push)
	}
	wantAgencies := []Agency{{Code: "vet", Name: "vet"}, {Code: "mvd", Name: "mvd"}}
	if diff := cmp.Diff(wantAgencies, c.Agencies); diff != "" {
		t.Errorf("agencies (-want +got):\n%s", diff)
	}
}

func TestParseDelimiters(t *testing.T) {
	tests := []struct {
		yaml string
		want rune
	}{
		{`";"`, ';'},
		{`"|"`, '|'},
		{`"\t"`, '\t'},
		{`'\t'`, '\t'},
		{`tab`, '\t'},
		{`TAB`, '\t'},
	}
	for _, tt := range tests {
		t.Run(tt.yaml, func(t *testing.T) {
			c := mustParse(t, "sources:\n  - name: a\n    id: x\n    delimiter: "+tt.yaml+"\n")
			if got := c.Sources[0].Delimiter; got != tt.want {
				t.Errorf("delimiter %s = %q, want %q", tt.yaml, got, tt.want)
			}
		})
	}
}

func TestParseMissingAndMatch(t *testing.T) {
	c := mustParse(t, `
sources:
  - name: a
    id: x
    missing: [NA, "-", NULL, null, ~, " n/a ", 0]
    fields:
      first_name: [fname_c1, fname_c2]
      soc_sec_id: {column: ssn, match: id, missing: ["000"]}
      occupation: {column: job, match: Text}
      status: {column: s, match: exact}
      last_name: {column: fam, match: none}
      phone: {column: tel, match: auto, missing: []}
      email: {column: mail, missing: ~}
`)
	s := c.Sources[0]
	if diff := cmp.Diff([]string{"NA", "-", "NULL", "null", "~", "n/a", "0"}, s.Missing); diff != "" {
		t.Errorf("source missing (-want +got):\n%s", diff)
	}
	type fieldOpts struct {
		Name    string
		Missing []string
		Match   string
	}
	var got []fieldOpts
	for _, f := range s.Fields {
		got = append(got, fieldOpts{f.Name, f.Missing, f.Match})
	}
	want := []fieldOpts{
		{"first_name", nil, MatchAuto},
		{"soc_sec_id", []string{"000"}, MatchID},
		{"occupation", nil, MatchText},
		{"status", nil, MatchExact},
		{"last_name", nil, MatchNone},
		{"phone", []string{}, MatchAuto},
		{"email", nil, MatchAuto},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // every line of the joined error, in order
	}{
		{
			name: "unknown key with suggestion",
			yaml: `sources:
  - name: a
    id: x
    delimeter: ";"
`,
			want: []string{`sources.yaml:4: source "a": unknown key "delimeter" (did you mean "delimiter"?)`},
		},
		{
			name: "unknown top-level key",
			yaml: `source:
  - name: a
`,
			want: []string{
				`sources.yaml:1: unknown key "source" (did you mean "sources"?)`,
				`sources.yaml:1: missing sources:`,
			},
		},
		{
			name: "bad trust",
			yaml: `sources:
  - name: a
    id: x
    trust: 101
    fields:
      phone: {column: tel, trust: high}
`,
			want: []string{
				`sources.yaml:4: source "a": trust: expected a whole number from 1 to 100`,
				`sources.yaml:6: source "a": field "phone": trust: expected a whole number from 1 to 100`,
			},
		},
		{
			name: "bad type",
			yaml: `sources:
  - name: health_cards
    id: card_no
    fields:
      birth_date: {column: dob, type: dat}
`,
			want: []string{`sources.yaml:5: source "health_cards": field "birth_date": unknown type "dat" (want string, iin, bin, date, sex, int, number or email)`},
		},
		{
			name: "bad date formats",
			yaml: `sources:
  - name: a
    id: x
    date_format: DD.MM.YYY
    fields:
      birth_date: {column: dob, format: DD-MM.YYYY}
      other_date: {column: d2, format: DDMM.YYYY}
      x_date: {column: d3, format: MM.YYYY}
`,
			want: []string{
				`sources.yaml:4: source "a": date_format: bad date format "DD.MM.YYY": unexpected "Y" (use tokens DD, MM, YYYY or YY separated by '.', '-', '/', ' ' or nothing, e.g. DD.MM.YYYY or YYYYMMDD)`,
				`sources.yaml:6: source "a": field "birth_date": format: bad date format "DD-MM.YYYY": mixed separators (use tokens DD, MM, YYYY or YY separated by '.', '-', '/', ' ' or nothing, e.g. DD.MM.YYYY or YYYYMMDD)`,
				`sources.yaml:7: source "a": field "other_date": format: bad date format "DDMM.YYYY": tokens must all be separated or none (use tokens DD, MM, YYYY or YY separated by '.', '-', '/', ' ' or nothing, e.g. DD.MM.YYYY or YYYYMMDD)`,
				`sources.yaml:8: source "a": field "x_date": format: bad date format "MM.YYYY": needs a day, a month and a year (use tokens DD, MM, YYYY or YY separated by '.', '-', '/', ' ' or nothing, e.g. DD.MM.YYYY or YYYYMMDD)`,
			},
		},
		{
			name: "missing id",
			yaml: `sources:
  - name: a
    file: a.csv
`,
			want: []string{`sources.yaml:2: source "a": missing id (the column that identifies a record)`},
		},
		{
			name: "duplicate source",
			yaml: `sources:
  - name: a
    id: x
  - name: b
    id: x
  - name: a
    id: y
`,
			want: []string{`sources.yaml:6: source "a": duplicate source name (first at line 2)`},
		},
		{
			name: "bad delimiters",
			yaml: `sources:
  - {name: a, id: x, delimiter: ";;"}
  - {name: b, id: x, delimiter: '"'}
  - {name: c, id: x, delimiter: "¦"}
  - {name: d, id: x, file: d.ndjson, delimiter: ";"}
`,
			want: []string{
				`sources.yaml:2: source "a": delimiter ";;": must be one ASCII character (or tab)`,
				`sources.yaml:3: source "b": delimiter "\"": cannot be a quote or a line break`,
				`sources.yaml:4: source "c": delimiter "¦": must be one ASCII character (or tab)`,
				`sources.yaml:5: source "d": delimiter applies only to csv sources`,
			},
		},
		{
			name: "names and codes",
			yaml: `agencies:
  - code: MoH
  - name: Nameless
  - code: mvd
  - code: mvd
sources:
  - name: Health-Cards
    agency: "moh!"
    id: x
  - id: y
  - name: ok
    id: z
    fields:
      Full-Name: fio
`,
			want: []string{
				`sources.yaml:2: agency "MoH": code "MoH" must match [a-z0-9_]+`,
				`sources.yaml:3: agency #2: missing code`,
				`sources.yaml:5: agency "mvd": duplicate agency "mvd" (first at line 4)`,
				`sources.yaml:7: source "Health-Cards": name "Health-Cards" must match [a-z0-9_]+`,
				`sources.yaml:8: source "Health-Cards": agency "moh!" must match [a-z0-9_]+`,
				`sources.yaml:10: source #2: missing name`,
				`sources.yaml:14: source "ok": field "Full-Name": attribute name must match [a-z0-9_]+`,
			},
		},
		{
			name: "enumerations",
			yaml: `sources:
  - name: a
    id: x
    format: xml
    encoding: koi8-r
    mode: partial
    entity: vehicle
    as_of: 01.11.2026
`,
			want: []string{
				`sources.yaml:4: source "a": unknown format "xml" (want csv or ndjson)`,
				`sources.yaml:5: source "a": unknown encoding "koi8-r" (want utf-8 or windows-1251)`,
				`sources.yaml:6: source "a": unknown mode "partial" (want full or delta)`,
				`sources.yaml:7: source "a": unknown entity "vehicle" (want person, animal, event, organisation or other)`,
				`sources.yaml:8: source "a": as_of "01.11.2026": expected a date YYYY-MM-DD`,
			},
		},
		{
			name: "field long form",
			yaml: `sources:
  - name: a
    id: x
    fields:
      status: {column: s, columns: [s, t]}
      kind: {column: k, format: DD.MM.YYYY}
      sex: {column: g, values: {M: M, m: F}}
      tag: {column: t, allowed: []}
      flag: {column: f, required: maybe}
      empty: {type: int}
      nested: {column: {a: b}}
      listy: [a, [b]]
      blank: ""
`,
			want: []string{
				`sources.yaml:5: source "a": field "status": give column or columns, not both`,
				`sources.yaml:6: source "a": field "kind": format applies only to date fields (this one is string; add type: date)`,
				`sources.yaml:7: source "a": field "sex": values: "m" and an earlier key (line 7) are the same ignoring case`,
				`sources.yaml:8: source "a": field "tag": allowed: empty list would reject every value`,
				`sources.yaml:9: source "a": field "flag": required: expected true or false`,
				`sources.yaml:10: source "a": field "empty": no column given`,
				`sources.yaml:11: source "a": field "nested": column: expected a string or a list of strings`,
				`sources.yaml:12: source "a": field "listy": columns: expected a string or a list of strings`,
				`sources.yaml:13: source "a": field "blank": empty column name`,
			},
		},
		{
			name: "missing markers",
			yaml: `sources:
  - name: a
    id: x
    missing: NA
    fields:
      first_name: {column: f, missing: [NA, ""]}
      last_name: {column: l, missing: [NA, [x]]}
      phone: {column: p, missing: {NA: x}}
  - name: b
    id: x
    missing: ["  "]
`,
			want: []string{
				`sources.yaml:4: source "a": missing: expected a list of strings, e.g. [NA, "-"]`,
				`sources.yaml:6: source "a": field "first_name": missing: an empty marker (an empty value is always missing)`,
				`sources.yaml:7: source "a": field "last_name": missing: expected a list of strings, e.g. [NA, "-"]`,
				`sources.yaml:8: source "a": field "phone": missing: expected a list of strings, e.g. [NA, "-"]`,
				`sources.yaml:11: source "b": missing: an empty marker (an empty value is always missing)`,
			},
		},
		{
			name: "match",
			yaml: `sources:
  - name: a
    id: x
    match: id
    fields:
      soc_sec_id: {column: s, match: txt}
      occupation: {column: o, match: fuzzy}
      status: {column: st, match: non}
      tag: {column: t, match: [id]}
      ssn: {column: n, mach: id}
`,
			want: []string{
				`sources.yaml:4: source "a": unknown key "match" (known keys: name, agency, title, description, entity, file, format, delimiter, encoding, mode, id, date_format, observed_at, as_of, missing, trust, fields)`,
				`sources.yaml:6: source "a": field "soc_sec_id": unknown match "txt" (want auto, id, text, exact or none; did you mean "text"?)`,
				`sources.yaml:7: source "a": field "occupation": unknown match "fuzzy" (want auto, id, text, exact or none)`,
				`sources.yaml:8: source "a": field "status": unknown match "non" (want auto, id, text, exact or none; did you mean "none"?)`,
				`sources.yaml:9: source "a": field "tag": match: expected a string`,
				`sources.yaml:10: source "a": field "ssn": unknown key "mach" (did you mean "match"?)`,
			},
		},
		{
			name: "duplicate keys",
			yaml: `sources:
  - name: a
    id: x
    fields:
      full_name: fio
      full_name: name
    id: y
`,
			want: []string{
				`sources.yaml:6: source "a": key "full_name" appears twice (first at line 5)`,
				`sources.yaml:7: source "a": key "id" appears twice (first at line 3)`,
			},
		},
		{
			name: "yaml syntax",
			yaml: `sources:
  - name: a
    id: [x
`,
			want: []string{`sources.yaml:3: did not find expected ',' or ']'`},
		},
		{
			name: "empty",
			yaml: "",
			want: []string{`sources.yaml: empty contract: expected a mapping with sources:`},
		},
		{
			name: "not a mapping",
			yaml: "- a\n- b\n",
			want: []string{`sources.yaml:1: expected a mapping with agencies: and sources:`},
		},
		{
			name: "two documents",
			yaml: "sources: []\n---\nsources: []\n",
			want: []string{`sources.yaml:2: a contract is one YAML document; found another`},
		},
		{
			name: "shapes",
			yaml: `agencies: {moh: x}
sources:
  - just a string
  - name: b
    id: x
    title: [not, a, string]
    fields: [a, b]
`,
			want: []string{
				`sources.yaml:1: agencies: expected a list`,
				`sources.yaml:3: source #1: expected a mapping`,
				`sources.yaml:6: source "b": title: expected a string`,
				`sources.yaml:7: source "b": expected a mapping`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(tt.yaml), "sources.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded: %+v", c)
			}
			if c != nil {
				t.Errorf("Parse returned a contract with an error")
			}
			got := strings.Split(err.Error(), "\n")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			var ce *ContractError
			if !errors.As(err, &ce) || ce.File != "sources.yaml" {
				t.Errorf("errors.As(*ContractError) = %v", ce)
			}
		})
	}
}

// TestLoadSeveralErrors checks that a file with many mistakes reports all of
// them at once, named by the path Load was given.
func TestLoadSeveralErrors(t *testing.T) {
	path := filepath.Join("testdata", "source", "bad_contract", "sources.yaml")
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load succeeded")
	}
	want := []string{
		path + `:5: source "health_cards": unknown key "delimter" (did you mean "delimiter"?)`,
		path + `:6: source "health_cards": unknown encoding "utf-16" (want utf-8 or windows-1251)`,
		path + `:9: source "health_cards": field "birth_date": unknown type "dat" (want string, iin, bin, date, sex, int, number or email)`,
		path + `:10: source "health_cards": field "sex": unknown key "value" (did you mean "values"?)`,
		path + `:11: source "vet": missing id (the column that identifies a record)`,
		path + `:14: source "health_cards": duplicate source name (first at line 2)`,
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "sources.yaml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want os.ErrNotExist", err)
	}
}

func TestFileResolution(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "contract", "sources.yaml")
	abs := filepath.Join(dir, "elsewhere", "x.csv")
	c, err := Parse(strings.NewReader(`
sources:
  - {name: rel, id: x, file: data/cards.csv}
  - {name: abs, id: x, file: `+abs+`}
  - {name: push, id: x}
`), path)
	if err != nil {
		t.Fatal(err)
	}
	got := []string{c.Sources[0].File, c.Sources[1].File, c.Sources[2].File}
	want := []string{filepath.Join(dir, "contract", "data", "cards.csv"), abs, ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{
		"testdata/source/docs_example/sources.yaml",
		"testdata/source/bad_contract/sources.yaml",
		"testdata/source/cases/sources.yaml",
	} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
	f.Add("sources: [{name: a, id: x, fields: {a: &x [b], c: *x}}]")
	f.Add("sources:\n  - name: a\n    id: x\n    date_format: yy/mm/dd\n")
	f.Add("sources: [{name: a, id: x, title: {kk: а, ru: б, en: c}, description: d, fields: {s: {column: s, label: {kk: e, xx: f}, allowed: [a], value_labels: {a: {ru: g}, b: h}}}}]")
	f.Add("sources: [{name: a, id: x, missing: [NA, NULL, ~], fields: {b: {columns: [c, d], format: YYYY MM DD, type: date, match: id, missing: [\"-\"]}}}]")
	f.Fuzz(func(t *testing.T, yaml string) {
		c, err := Parse(strings.NewReader(yaml), "sources.yaml")
		if err != nil {
			if c != nil {
				t.Fatal("contract and error")
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "sources.yaml:") {
					t.Fatalf("error line without file: %q", line)
				}
			}
			return
		}
		seen := map[string]bool{}
		for _, s := range c.Sources {
			if seen[s.Name] || !codePattern.MatchString(s.Name) || len(s.ID) == 0 {
				t.Fatalf("invalid source accepted: %+v", s)
			}
			seen[s.Name] = true
			for _, fl := range s.Fields {
				switch fl.Match {
				case MatchAuto, MatchID, MatchText, MatchExact, MatchNone:
				default:
					t.Fatalf("invalid match accepted: %+v", fl)
				}
				if !validType(fl.Type) || len(fl.Columns) == 0 {
					t.Fatalf("invalid field accepted: %+v", fl)
				}
			}
		}
	})
}

func TestTrust(t *testing.T) {
	c, err := Parse(strings.NewReader(`sources:
  - name: register
    id: x
    trust: 90
    fields:
      phone: {column: tel, trust: 30}
      last_name: ln
  - name: cards
    id: x
    fields:
      last_name: ln
`), "sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		source, attr string
		want         int
	}{
		{"register", "phone", 30},
		{"register", "last_name", 90},
		{"register", "not_declared", 90},
		{"cards", "last_name", DefaultTrust},
	} {
		if got := c.Source(tc.source).TrustIn(tc.attr); got != tc.want {
			t.Errorf("%s %s trust = %d, want %d", tc.source, tc.attr, got, tc.want)
		}
	}
}
