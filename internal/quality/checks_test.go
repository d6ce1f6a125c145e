package quality

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// runOne parses one check declared for source and runs it on ds.
func runOne(t *testing.T, ds *golden.Dataset, src, check string) Result {
	t.Helper()
	cfg, err := Parse(strings.NewReader("sources:\n  "+src+":\n    - "+check+"\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 {
		t.Fatalf("%d results, want 1", len(rep.Results))
	}
	return rep.Results[0]
}

// ids returns the record ids of the findings, or their lines for rows
// without one.
func ids(r Result) []string {
	var out []string
	for _, f := range r.Findings {
		id := f.RecordID
		if id == "" {
			id = f.Value
		}
		out = append(out, id)
	}
	return out
}

func TestChecks(t *testing.T) {
	ds := fixture()
	tests := []struct {
		name, source, check string
		want                []string // record ids found, in order
		total               int
		reason              string // a substring of the first finding's reason
		suggestion          string // a substring of the first finding's suggestion
	}{
		{"missing", "cards", "{kind: missing, field: national_id}",
			[]string{"missing-iin", "unresolved"}, 13, "national_id is empty", "fill in national_id 111"},
		{"valid field", "cards", "{kind: valid, field: national_id}",
			[]string{"bad-iin"}, 13, "national_id 334 is invalid: iin: check digit", "give national_id 333"},
		{"valid any field", "cards", "{kind: valid}",
			[]string{"bad-grade", "bad-iin"}, 13, "grade x is invalid", ""},
		{"allowed", "cards", "{kind: allowed, field: status, values: [active, closed]}",
			[]string{"bad-iin"}, 6, `status "open" is not one of active, closed`, ""},
		{"range numbers", "cards", "{kind: range, field: grade, min: 1, max: 11}",
			[]string{"bad-iin", "missing-iin"}, 3, "grade 12 is above the maximum 11", ""},
		{"range today", "cards", "{kind: range, field: birth_date, max: today}",
			[]string{"typo"}, 2, "birth_date 2027-01-01 is above the maximum today", ""},
		{"range where", "cards", "{kind: range, field: grade, min: 1, where: {status: closed}}",
			[]string{"missing-iin"}, 1, "below the minimum 1", ""},
		{"pattern", "cards", "{kind: pattern, field: code, match: '^[A-Z]-[0-9]$'}",
			[]string{"missing-iin"}, 2, `code "a-2" does not match`, ""},
		{"not_match", "cards", "{kind: pattern, field: code, not_match: '^A'}",
			[]string{"ok-1"}, 2, "which it must not", ""},
		{"letter_case title", "cards", "{kind: letter_case, field: full_name, want: title}",
			[]string{"dead-active-old-visit", "latin", "missing-iin"}, 13, "written in small letters", "Иванова Анна Петровна"},
		{"letter_case upper", "herd", "{kind: letter_case, field: species, want: upper}",
			[]string{"h1", "h2", "h3", "h4", "h5", "h6"}, 6, `species "cattle" is written in small letters`, "CATTLE"},
		{"script", "cards", "{kind: script, field: full_name, want: cyrillic}",
			[]string{"bad-iin", "dead-closed", "latin"}, 13, `"Mustafina Zhansulu" is written in Latin letters`, "Мустафина Жансулу"},
		{"age by species", "herd", "{kind: age, field: birth_date, max_years: {by: species, values: {cattle: 25, sheep: 15, camel: 40}}}",
			[]string{"h1", "h2", "h3"}, 5, "an age of 26 full years, above the limit of 25 for species cattle", ""},
		{"age default", "herd", "{kind: age, field: birth_date, max_years: {by: species, values: {sheep: 30}, default: 100}}",
			[]string{"h3", "h5"}, 5, "after 2026-11-01", ""},
		{"unique", "herd", "{kind: unique, field: tag}",
			[]string{"h2", "h3"}, 5, "tag KZ02 is shared by 2 records", "keep one record"},
		{"unique fields", "tax", "{kind: unique, fields: [national_id, period]}",
			nil, 5, "", ""},
		{"duplicates", "register", "{kind: duplicates}", nil, 4, "", ""},
		{"reference", "herd", "{kind: reference, field: owner_iin, register: register, attribute: national_id}",
			[]string{"h4", "h5"}, 6, "owner_iin 444 names no record of register (by national_id)", ""},
		{"reference two registers", "herd", "{kind: reference, field: owner_iin, register: [register, civil], attribute: national_id}",
			[]string{"h5"}, 6, "999", ""},
		{"dead_active", "cards", "{kind: dead_active}",
			[]string{"dead-active", "dead-active-old-visit", "dead-closed"}, 13, "the person died on 2024-03-02 (civil C1), yet the record is still in cards", "close the record as of 2024-03-02"},
		{"dead_active where after", "cards", "{kind: dead_active, where: {status: active}, after: last_visit_date}",
			[]string{"dead-active"}, 3, "yet status is still active and last_visit_date 2024-05-01 is after the death", ""},
		{"dead_active person", "herd", "{kind: dead_active, person: owner_iin}",
			[]string{"h3", "h4"}, 6, "died on 2024-03-02", ""},
		{"dead_reference", "herd", "{kind: dead_reference, field: owner_iin}",
			[]string{"h3", "h4"}, 6, "owner_iin 222 names a person who died on 2024-03-02 (civil C1)", "re-register"},
		{"after_death", "tax", "{kind: after_death, field: period}",
			[]string{"t-after", "t-day"}, 5, "period 2024-04 starts after the person died on 2024-03-02", ""},
		{"after_death person", "herd", "{kind: after_death, field: period, person: owner_iin}", nil, 2, "", ""},
		{"group_size", "herd", "{kind: group_size, by: owner_iin, max: 2}",
			[]string{"h1", "h2", "h6"}, 6, "owner_iin 111 has 3 records, above the 2 expected at most", ""},
		{"name_mismatch", "cards", "{kind: name_mismatch, field: full_name, register: register}",
			[]string{"folded-typo", "gender", "typo"}, 12, "first name Нурлна differs by a letter from Нұрлан; as register 111 writes it", "Ахметов Нұрлан Серікұлы"},
		{"kazakh_folded", "cards", "{kind: kazakh_folded, field: full_name, register: register}",
			[]string{"bad-grade", "folded-typo", "patronymic"}, 9, "written without Kazakh letters: Мустафина for Мұстафина (register 333); written without Kazakh letters: Жансулу for Жансұлу (register 333)", "Мұстафина Жансұлу"},
		{"name_mismatch parts", "civil", "{kind: name_mismatch, fields: [last_name, first_name], register: register}",
			nil, 0, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runOne(t, ds, tt.source, tt.check)
			if diff := cmp.Diff(tt.want, ids(res)); diff != "" {
				for _, f := range res.Findings {
					t.Logf("finding %+v", f)
				}
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if res.Total != tt.total || res.Failed != len(tt.want) {
				t.Errorf("failed %d of %d, want %d of %d", res.Failed, res.Total, len(tt.want), tt.total)
			}
			if len(res.Findings) > 0 {
				if f := res.Findings[0]; !strings.Contains(f.Reason, tt.reason) || !strings.Contains(f.Suggestion, tt.suggestion) {
					t.Errorf("first finding says %q, suggests %q; want %q, %q", f.Reason, f.Suggestion, tt.reason, tt.suggestion)
				}
			}
			if res.Description == "" || res.Dimension == "" || res.Severity == "" {
				t.Errorf("result lacks description, dimension or severity: %+v", res)
			}
		})
	}
}

// TestLoadChecks covers the checks of loads rather than records:
// freshness, volume, schema and quarantine.
func TestLoadChecks(t *testing.T) {
	day := 24 * time.Hour
	runs := func(rows ...int) []store.RunInfo {
		var out []store.RunInfo
		for i, n := range rows {
			out = append(out, store.RunInfo{ID: int64(len(rows) - i), Mode: "full", FinishedAt: observed.Add(-time.Duration(i) * 30 * day),
				RunCounts: store.RunCounts{Rows: n}})
		}
		return out
	}
	loads := func(s *golden.Source, runs []store.RunInfo) { s.Runs, s.Loads = runs, runs }
	tests := []struct {
		name  string
		edit  func(s *golden.Source)
		check string
		want  []string // finding values (or record ids)
		total int
	}{
		{"fresh", nil, "{kind: freshness, max_age: 30d}", nil, 1},
		{"stale", nil, "{kind: freshness, max_age: 1w}", []string{"2026-10-20"}, 1},
		{"stale load", func(s *golden.Source) { s.Runs[0].FinishedAt = observed.Add(-60 * day) },
			"{kind: freshness, max_age: 30d, since: run}", []string{"2026-08-21"}, 1},
		{"one load", nil, "{kind: volume, max_change: 0.5}", nil, 0},
		{"steady volume", func(s *golden.Source) { loads(s, runs(110, 100, 90, 120)) }, "{kind: volume, max_change: 0.5}", nil, 1},
		{"volume halved", func(s *golden.Source) { loads(s, runs(40, 100, 90, 120)) }, "{kind: volume, max_change: 0.5}", []string{"40"}, 1},
		{"push after loads", func(s *golden.Source) {
			loads(s, runs(100, 100, 90))
			push := store.RunInfo{ID: 9, Mode: "delta", File: "api", RunCounts: store.RunCounts{Rows: 1}}
			s.Runs = append([]store.RunInfo{push}, s.Runs...)
		}, "{kind: volume, max_change: 0.5}", nil, 1},
		{"volume from none", func(s *golden.Source) { loads(s, runs(5, 0)) }, "{kind: volume, max_change: 0.5}", []string{"5"}, 1},
		{"schema unknown", nil, "{kind: schema}", nil, 0},
		{"schema same", func(s *golden.Source) { s.Columns, s.PrevColumns = []string{"a", "b"}, []string{"a", "b"} }, "{kind: schema}", nil, 2},
		{"schema changed", func(s *golden.Source) { s.Columns, s.PrevColumns = []string{"a", "c", "d"}, []string{"a", "b"} },
			"{kind: schema}", []string{"b", "c", "d"}, 4},
		{"quarantine", func(s *golden.Source) {
			s.Columns = []string{"x", "id", "name"}
			s.Runs[0].Rows, s.Runs[0].Quarantined, s.Quarantined = 20, 3, 3
			s.Quarantine = []store.Quarantined{
				{Line: 9, Code: "bad_quoting", Raw: `1,R9,Ив"ан`},
				{Line: 4, Code: "column_count", Raw: "1,R4,a,b"},
				{Line: 7, Code: "no_record_id", Raw: "1,,c"},
			}
		}, "{kind: quarantine}", []string{"R4", "1,,c", "R9"}, 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := fixture()
			if tt.edit != nil {
				tt.edit(ds.Source("herd"))
			}
			res := runOne(t, ds, "herd", tt.check)
			if diff := cmp.Diff(tt.want, ids(res)); diff != "" {
				t.Errorf("findings (-want +got):\n%s\n%+v", diff, res.Findings)
			}
			if res.Total != tt.total {
				t.Errorf("total %d, want %d", res.Total, tt.total)
			}
		})
	}
}

// TestRunOrder checks that a report lists results in the dataset's source
// order, all_sources checks first, and is the same run after run.
func TestRunOrder(t *testing.T) {
	ds := fixture()
	cfg, err := Parse(strings.NewReader(`
all_sources: [{kind: schema}]
sources:
  tax: [{kind: missing, field: national_id}, {kind: unique, field: period}]
  register: [{kind: duplicates}]
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	first, err := Run(context.Background(), ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range first.Results {
		got = append(got, r.Source+"/"+r.Name)
	}
	want := []string{"register/schema", "register/duplicates", "civil/schema", "cards/schema", "herd/schema",
		"tax/schema", "tax/missing_national_id", "tax/unique_period"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result order (-want +got):\n%s", diff)
	}
	for range 5 {
		again, err := Run(context.Background(), ds, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, again); diff != "" {
			t.Fatalf("second run differs:\n%s", diff)
		}
	}
	if !first.AsOf.Equal(fixtureAsOf) {
		t.Errorf("as of %v, want the dataset's %v", first.AsOf, fixtureAsOf)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"unknown source", "sources:\n  heard: [{kind: schema}]\n", []string{`t.yaml:2: unknown source "heard" (did you mean "herd"?)`}},
		{"unknown field", "sources:\n  herd:\n    - {kind: missing, field: tagg}\n",
			[]string{`t.yaml:3: source "herd": check "missing_tagg": field: herd has no attribute "tagg" (did you mean "tag"?)`}},
		{"unknown where", "sources:\n  cards:\n    - {kind: missing, field: code, where: {state: x}}\n",
			[]string{`where: cards has no attribute "state" (did you mean "status"?)`}},
		{"unknown register", "sources:\n  herd:\n    - {kind: reference, field: owner_iin, register: people}\n",
			[]string{`unknown register "people" (sources: register, civil, cards, herd, tax)`}},
		{"unknown register attribute", "sources:\n  herd:\n    - {kind: reference, field: owner_iin, register: register}\n",
			[]string{`attribute: register has no attribute "owner_iin"`}},
		{"all_sources field", "all_sources:\n  - {kind: missing, field: national_id}\nsources: {}\n",
			[]string{`t.yaml:2: all_sources: check "missing_national_id" on "herd": field: herd has no attribute "national_id"`}},
	}
	ds := fixture()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse(strings.NewReader(tt.doc), "t.yaml")
			if err != nil {
				t.Fatal(err)
			}
			_, err = Run(context.Background(), ds, cfg)
			if err == nil {
				t.Fatalf("no error; want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	ds := fixture()
	ds.Source("herd").Def.Fields[0].Match = "id"
	ds.Source("cards").Def.Fields[3].Allowed = []string{"active", "closed"}
	ds.Source("cards").Def.Fields[6].Required = true
	cfg := Defaults(ds)
	got := map[string][]string{}
	for _, sc := range cfg.Sources {
		for _, c := range sc.Checks {
			got[sc.Source] = append(got[sc.Source], c.Name)
		}
	}
	want := map[string][]string{
		"register": {"missing_national_id", "valid_national_id", "valid_birth_date", "duplicates"},
		"civil":    {"missing_national_id", "valid_event_date", "valid_national_id"},
		"cards": {"missing_national_id", "missing_code", "valid_national_id", "valid_birth_date", "allowed_status",
			"valid_last_visit_date", "valid_grade"}, // most of its patients have two cards here
		"herd": {"unique_tag", "valid_owner_iin", "valid_birth_date"},
		"tax":  {"missing_national_id", "valid_national_id"}, // many declarations per person: no duplicates check
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("default checks (-want +got):\n%s", diff)
	}
	var all []string
	for _, c := range cfg.All {
		all = append(all, c.Name)
	}
	if !slices.Equal(all, []string{"freshness", "volume", "schema", "quarantine"}) {
		t.Errorf("checks on every source: %v", all)
	}
	rep, err := Run(context.Background(), ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := 4*len(ds.Sources) + 19; len(rep.Results) != n {
		t.Errorf("%d results, want %d", len(rep.Results), n)
	}
}

// TestDuplicateClusters checks that a cluster of records of one entity is
// one finding about the record to keep, naming the others and the rule
// that chose it.
func TestDuplicateClusters(t *testing.T) {
	later := observed.Add(24 * time.Hour)
	tests := []struct {
		name       string
		recs       []store.LiveRecord
		keep       string
		related    []string
		suggestion string
	}{
		{"valid IIN wins", []store.LiveRecord{
			rec("c1", "P1", "full_name", "Ахметов Нұрлан", "phone", "+77011234567", "address", "Алматы"),
			flagged(rec("c2", "P1", "national_id", "111111111111", "full_name", "Ахметов Нұрлан"), "national_id", "check digit"),
			rec("c3", "P1", "national_id", "111", "full_name", "Ахметов Нұрлан"),
		}, "c3", []string{"c1", "c2"}, "merge c1, c2 into c3 (the record with a valid IIN)"},
		{"most complete", []store.LiveRecord{
			rec("c1", "P1", "national_id", "111", "full_name", "Ахметов Нұрлан"),
			rec("c2", "P1", "national_id", "111", "full_name", "Ахметов Нұрлан", "phone", "+77011234567"),
		}, "c2", []string{"c1"}, "merge c1 into c2 (the most complete record)"},
		{"most recent", []store.LiveRecord{
			rec("c1", "P1", "national_id", "111", "full_name", "Ахметов Нұрлан"),
			func() store.LiveRecord {
				r := rec("c2", "P1", "national_id", "111", "full_name", "Ахметов Нұрлан")
				r.ObservedAt = later
				return r
			}(),
		}, "c2", []string{"c1"}, "merge c1 into c2 (the most recently updated record)"},
		{"first by id", []store.LiveRecord{
			rec("c2", "P1", "national_id", "111", "full_name", "Ахметов Нұрлан"),
			rec("c1", "P1", "national_id", "111", "full_name", "Ахметов Нұрлан"),
		}, "c1", []string{"c2"}, "merge c2 into c1 (the first record by id)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.recs {
				if tt.recs[i].ObservedAt.IsZero() {
					tt.recs[i].ObservedAt = observed
				}
			}
			src := fixtureSource(7, "clinic", source.EntityPerson,
				[]string{"national_id:iin", "full_name", "phone", "address"}, tt.recs...)
			ds := golden.NewDataset(fixtureAsOf, []*golden.Source{src})
			res := runOne(t, ds, "clinic", "{kind: duplicates}")
			if len(res.Findings) != 1 {
				t.Fatalf("%d findings, want one for the cluster: %+v", len(res.Findings), res.Findings)
			}
			f := res.Findings[0]
			if f.RecordID != tt.keep || !slices.Equal(f.Related, tt.related) || f.Suggestion != tt.suggestion {
				t.Errorf("keep %s, merge %v, %q; want %s, %v, %q", f.RecordID, f.Related, f.Suggestion, tt.keep, tt.related, tt.suggestion)
			}
			if f.Key != "entity:P1" || res.Failed != len(tt.recs) || res.Total != len(tt.recs) {
				t.Errorf("key %q, failed %d of %d; want entity:P1, %d of %d", f.Key, res.Failed, res.Total, len(tt.recs), len(tt.recs))
			}
			if f.SuggestionMsg.Key != "q.duplicates.fix" || f.ReasonMsg.Key != "q.duplicates.reason" {
				t.Errorf("messages %+v %+v", f.ReasonMsg, f.SuggestionMsg)
			}
		})
	}
}
