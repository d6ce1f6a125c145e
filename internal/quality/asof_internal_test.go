package quality

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/source"
)

// TestDue runs each check judged against the as-of date at one date, then
// at every day of the three years after, and requires each record's
// result to stay as it was until the day it was listed as due, and the
// due days to be the ones the table gives (the first day the result
// changes, for the checks that know it exactly).
func TestDue(t *testing.T) {
	born := golden.NewDataset(fixtureAsOf, []*golden.Source{fixtureSource(9, "born", source.EntityPerson,
		[]string{"birth_date:date"},
		rec("near", "B1", "birth_date", "1905-11-05"),       // 120 until 2026-11-05
		rec("leap", "B2", "birth_date", "1904-02-29"),       // 122, found; 123 on 1 March
		rec("leap-cross", "B3", "birth_date", "1908-02-29"), // 121 on 2029-03-01
		rec("young", "B4", "birth_date", "1985-03-14"),
		rec("future", "B5", "birth_date", "2027-01-01"),
		rec("no-day", "B6", "birth_date", "2020-02-30"), // no day of the calendar: every day
	)})
	tests := []struct {
		name, source, check, from string
		ds                        *golden.Dataset
		want                      map[string]string // record id -> due day
	}{
		{"age limit", "born", "{kind: age, field: birth_date, max_years: 120}", "2026-11-01", born,
			map[string]string{"near": "2026-11-05", "leap": "2027-03-01", "leap-cross": "2029-03-01", "young": "2106-03-14",
				"future": "2026-11-02", "no-day": "2026-11-02"}},
		{"age fractional limit", "born", "{kind: age, field: birth_date, max_years: 119.5}", "2026-11-01", born,
			map[string]string{"near": "2026-11-05", "leap": "2027-03-01", "leap-cross": "2028-02-29", "young": "2105-03-14",
				"future": "2026-11-02", "no-day": "2026-11-02"}},
		{"age future", "born", "{kind: age, field: birth_date}", "2026-11-01", born,
			map[string]string{"future": "2026-11-02"}},
		{"dead_active", "cards", "{kind: dead_active}", "2024-02-01", fixture(),
			map[string]string{"dead-active": "2024-03-03", "dead-active-old-visit": "2024-03-03", "dead-closed": "2024-03-03"}},
		{"dead_active after", "cards", "{kind: dead_active, after: last_visit_date}", "2024-02-01", fixture(),
			map[string]string{"dead-active": "2024-03-03", "dead-active-old-visit": "2024-03-03", "dead-closed": "2024-03-03"}},
		{"dead_reference", "herd", "{kind: dead_reference, field: owner_iin}", "2019-06-01", fixture(),
			map[string]string{"h4": "2020-01-02", "h3": "2024-03-03"}},
		{"range max today", "cards", "{kind: range, field: last_visit_date, max: today}", "2024-04-01", fixture(),
			map[string]string{"dead-active": "2024-05-01", "dead-closed": "2024-05-01"}},
		{"range min today", "cards", "{kind: range, field: last_visit_date, min: today}", "2024-04-01", fixture(),
			map[string]string{"dead-active": "2024-05-02", "dead-closed": "2024-05-02"}},
		{"range min and max today", "cards", "{kind: range, field: last_visit_date, min: today, max: today}", "2024-04-01", fixture(),
			map[string]string{"dead-active": "2024-05-01", "dead-closed": "2024-05-01"}},
		{"range fixed", "cards", "{kind: range, field: last_visit_date, min: 2024-02-01, max: 2024-12-31}", "2024-04-01", fixture(),
			map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, err := time.Parse(time.DateOnly, tt.from)
			if err != nil {
				t.Fatal(err)
			}
			res, was := runAt(t, tt.ds, tt.source, tt.check, from)
			due := map[string]string{}
			records := tt.ds.Source(tt.source).Records
			for i, on := range res.Due.All() {
				due[records[i].RecordID] = on
			}
			if diff := cmp.Diff(tt.want, due); diff != "" {
				t.Errorf("due (-want +got):\n%s", diff)
			}
			changed := map[string]bool{}
			for day := from.AddDate(0, 0, 1); day.Before(from.AddDate(3, 0, 0)); day = day.AddDate(0, 0, 1) {
				_, now := runAt(t, tt.ds, tt.source, tt.check, day)
				d := day.Format(time.DateOnly)
				for id := range mergeOutcomes(was, now) {
					if was[id] == now[id] || changed[id] {
						continue
					}
					changed[id] = true
					if on := due[id]; on == "" || on > d {
						t.Errorf("%s changed on %s, due %q:\n  %s\n  %s", id, d, on, was[id], now[id])
					}
				}
			}
		})
	}
}

// runAt runs one check at an as-of date with per-record counts, and
// returns its result and each record's outcome (counted, findings).
func runAt(t *testing.T, ds *golden.Dataset, src, check string, asOf time.Time) (Result, map[string]string) {
	t.Helper()
	cfg, err := Parse(strings.NewReader("sources:\n  "+src+":\n    - "+check+"\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.AsOf = asOf
	rep, err := RunWith(context.Background(), ds, cfg, Options{PerRecord: true})
	if err != nil {
		t.Fatal(err)
	}
	res := rep.Results[0]
	out := map[string]string{}
	records := ds.Source(src).Records
	for i := range res.Counted.All() {
		out[records[i].RecordID] += "counted "
	}
	for _, f := range res.Findings {
		f.Reason, f.Suggestion = f.ReasonMsg.Render("en"), f.SuggestionMsg.Render("en")
		out[f.RecordID] += fmt.Sprintf("%+v ", f)
	}
	return res, out
}

func mergeOutcomes(a, b map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}
