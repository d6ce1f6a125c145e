package quality_test

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/quality"
)

// asOfChecks are checks judged against today beyond the synth's
// quality.yaml (which has ages, deaths and freshness): ranges up to and
// from today.
const asOfChecks = `
sources:
  health_cards:
    - {kind: range, name: visit_not_future, field: last_visit_date, max: today}
  social_benefits:
    - {kind: range, name: start_not_past, field: benefit_start_date, min: today}
    - {kind: range, name: start_window, field: benefit_start_date, min: today, max: today}
`

// TestAsOfDue runs the checks at an as-of date and at later ones, and
// requires every record whose result differs (counted, found, any word of
// a finding) to have been listed as due on or before the later date: what
// lets an incremental run at a later as-of date redo only those.
func TestAsOfDue(t *testing.T) {
	t.Parallel()
	n := loadNation(t, false)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "quality.yaml")
	base, err := os.ReadFile(filepath.Join(n.dir, "quality.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	extra, err := quality.Parse(strings.NewReader(asOfChecks), path)
	if err != nil {
		t.Fatal(err)
	}
	at := func(day time.Time) (*quality.Report, outcomes) {
		t.Helper()
		cfg, err := quality.Parse(strings.NewReader(string(base)), path)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Sources = append(cfg.Sources, extra.Sources...)
		cfg.AsOf = day
		rep, err := quality.RunWith(ctx, n.ds, cfg, quality.Options{PerRecord: true})
		if err != nil {
			t.Fatal(err)
		}
		return rep, outcomesOf(n.ds, rep)
	}
	// A year before the nation's today: its last year's deaths, visits
	// and benefits are then in the future, reached as the date moves.
	start := n.cfg.AsOf.AddDate(-1, 0, 0)
	rep, before := at(start)
	due := map[string]string{} // check and record -> first due day
	for j, r := range rep.Results {
		records := n.ds.Source(r.Source).Records
		for i, on := range r.Due.All() {
			id := records[i].RecordID
			if k := fmt.Sprintf("%d %s", j, id); due[k] == "" || on < due[k] {
				due[k] = on
			}
			if on <= start.Format(time.DateOnly) {
				t.Errorf("%s/%s record %s: due on %s, not after the as-of date %s", r.Source, r.Name, id,
					on, start.Format(time.DateOnly))
			}
		}
	}
	// A day, a month, a year, two; and the days before and of the
	// earliest due dates (birthdays crossing a limit, deaths, dates
	// reached).
	days := map[string]bool{}
	for _, d := range []time.Time{start.AddDate(0, 0, 1), start.AddDate(0, 1, 0), start.AddDate(1, 0, 0), start.AddDate(2, 0, 0)} {
		days[d.Format(time.DateOnly)] = true
	}
	dues := slices.Sorted(maps.Values(due))
	dues = slices.Compact(dues)
	for _, d := range dues[:min(len(dues), 6)] {
		day, _ := time.Parse(time.DateOnly, d)
		days[d] = true
		days[day.AddDate(0, 0, -1).Format(time.DateOnly)] = true
	}
	t.Logf("%d records due, on %d days from %s", len(due), len(dues), dues[0])
	for _, d := range slices.Sorted(maps.Keys(days)) {
		day, _ := time.Parse(time.DateOnly, d)
		if !day.After(start) {
			continue
		}
		_, after := at(day)
		changed := 0
		for k := range merge(before, after) {
			if before[k] == after[k] {
				continue
			}
			changed++
			if on := due[k]; on == "" || on > d {
				t.Errorf("as of %s: check and record %s changed, due %q:\n  before %s\n  after  %s", d, k, on, before[k], after[k])
			}
		}
		t.Logf("as of %s: %d results of records changed", d, changed)
		if d == start.AddDate(1, 0, 0).Format(time.DateOnly) && changed == 0 {
			t.Errorf("as of %s: nothing changed; the test tests nothing", d)
		}
	}
}

// outcomes are each record's result per check, by "check-index record-id":
// how often it was counted and its findings, every field.
type outcomes map[string]string

func outcomesOf(ds *golden.Dataset, rep *quality.Report) outcomes {
	out := outcomes{}
	for j, r := range rep.Results {
		if !quality.OverRecords(r.Kind) {
			continue
		}
		src := ds.Source(r.Source)
		for i := range r.Counted.All() {
			out[fmt.Sprintf("%d %s", j, src.Records[i].RecordID)] += "counted "
		}
		for _, f := range r.Findings {
			f.Reason, f.Suggestion = f.ReasonMsg.Render("en"), f.SuggestionMsg.Render("en")
			out[fmt.Sprintf("%d %s", j, f.RecordID)] += fmt.Sprintf("%+v ", f)
		}
	}
	return out
}

func merge(a, b outcomes) outcomes {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}
