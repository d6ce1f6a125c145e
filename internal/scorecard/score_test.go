package scorecard

import (
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

func TestScoreSources(t *testing.T) {
	results := []store.CheckResult{
		// health: validity (0.5 + 1.0)/2 = 0.75, uniqueness 0.5 → 62.5
		{Source: "health", Agency: "moh", Name: "a", Dimension: "validity", Failed: 50, Total: 100},
		{Source: "health", Agency: "moh", Name: "b", Dimension: "validity", Failed: 0, Total: 100},
		{Source: "health", Agency: "moh", Name: "c", Dimension: "uniqueness", Failed: 50, Total: 100},
		// clinics: one check, all pass → 100; a check of nothing is ignored
		{Source: "clinics", Agency: "moh", Name: "a", Dimension: "validity", Failed: 0, Total: 10},
		{Source: "clinics", Agency: "moh", Name: "z", Dimension: "timeliness", Failed: 0, Total: 0},
		// tax: more failures than rows clamp at 0
		{Source: "tax", Agency: "kgd", Name: "a", Dimension: "consistency", Failed: 30, Total: 10},
	}
	live := map[string]int{"health": 300, "clinics": 100, "tax": 0}
	got := map[string]float64{}
	for _, s := range scoreSources(results, live) {
		got[s.Scope+"/"+s.Key] = s.Score
	}
	want := map[string]float64{
		"source/health": 62.5, "source/clinics": 100, "source/tax": 0,
		"agency/moh": 71.9, // (62.5×300 + 100×100) / 400
		"agency/kgd": 0,
		"nation/":    71.7, // (62.5×300 + 100×100 + 0×1) / 401
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %v, want %v", k, got[k], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("scores %v, want %v", got, want)
	}
}

func TestAlerts(t *testing.T) {
	past := func(failed ...int) []store.CheckResult {
		var out []store.CheckResult
		for _, f := range failed {
			out = append(out, store.CheckResult{Failed: f, Total: 1000})
		}
		return out
	}
	history := map[string][]store.CheckResult{
		"health/jump":   past(10, 12, 11),
		"health/steady": past(100, 110, 105),
		"health/few":    past(0, 0),
	}
	results := []store.CheckResult{
		{Source: "health", Name: "jump", Failed: 80, Total: 1000},    // 1.1% → 8%: alert
		{Source: "health", Name: "steady", Failed: 120, Total: 1000}, // 10.5% → 12%: no
		{Source: "health", Name: "few", Failed: 3, Total: 1000},      // below the minimum count
		{Source: "health", Name: "new", Failed: 500, Total: 1000},    // no history yet
	}
	scores := []store.Score{{Scope: store.ScopeSource, Key: "health", Score: 70}, {Scope: store.ScopeNation, Score: 90}}
	prev := []store.Score{{Scope: store.ScopeSource, Key: "health", Score: 80}, {Scope: store.ScopeNation, Score: 92}}
	got := alerts(results, scores, history, prev)
	if len(got) != 2 {
		t.Fatalf("alerts = %+v, want the jump and health's score drop", got)
	}
	if got[0].Check != "jump" || got[0].Baseline != 0.011 || !strings.Contains(got[0].Message, "8.0%") {
		t.Errorf("jump alert = %+v", got[0])
	}
	if got[1].Scope != store.ScopeSource || got[1].Value != 70 || got[1].Baseline != 80 {
		t.Errorf("score alert = %+v", got[1])
	}
}

func TestCarryOver(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	before := now.Add(-time.Hour)
	old := map[string]store.Finding{
		"open":      {ID: "open", Status: store.FindingOpen, FirstRun: 1, StatusAt: before},
		"fixed":     {ID: "fixed", Status: store.FindingFixed, FirstRun: 1, StatusAt: before, Note: "called them"},
		"notdefect": {ID: "notdefect", Status: store.FindingNotDefect, FirstRun: 2, StatusAt: before, Note: "twins"},
		"resolved":  {ID: "resolved", Status: store.FindingResolved, FirstRun: 1, StatusAt: before},
		"gone":      {ID: "gone", Status: store.FindingOpen, FirstRun: 1, StatusAt: before},
		"gonefixed": {ID: "gonefixed", Status: store.FindingFixed, FirstRun: 1, StatusAt: before, Note: "done"},
	}
	found := []store.Finding{{ID: "open"}, {ID: "fixed"}, {ID: "notdefect"}, {ID: "resolved"}, {ID: "new"}}
	out, open := carryOver(found, old, now)
	got := map[string]store.Finding{}
	for _, f := range out {
		got[f.ID] = f
	}
	for _, tc := range []struct {
		id, status, note string
		first            int64
		at               time.Time
	}{
		{"open", store.FindingOpen, "", 1, before},
		{"fixed", store.FindingOpen, noteReappeared, 1, now},
		{"notdefect", store.FindingNotDefect, "twins", 2, before},
		{"resolved", store.FindingOpen, noteReopened, 1, now},
		{"new", store.FindingOpen, "", 0, time.Time{}},
		{"gone", store.FindingResolved, "", 1, now},
		{"gonefixed", store.FindingResolved, "done", 1, now},
	} {
		f, ok := got[tc.id]
		if !ok || f.Status != tc.status || f.Note != tc.note || f.FirstRun != tc.first || !f.StatusAt.Equal(tc.at) {
			t.Errorf("%s = %+v, want status %s note %q first %d at %v", tc.id, f, tc.status, tc.note, tc.first, tc.at)
		}
	}
	if open != 4 || len(out) != 7 {
		t.Errorf("open = %d of %d, want 4 of 7", open, len(out))
	}
}

func TestFindingID(t *testing.T) {
	a := FindingID("health", "missing", "C1", 0, "")
	if a != FindingID("health", "missing", "C1", 3, "x") || len(a) != 16 {
		t.Fatalf("FindingID not stable, or depends on more than the record: %q", a)
	}
	for _, other := range []string{
		FindingID("health", "missing", "C2", 0, ""), FindingID("health", "valid", "C1", 0, ""),
		FindingID("social", "missing", "C1", 0, ""), FindingID("health", "missing", "", 7, ""),
	} {
		if other == a {
			t.Errorf("collision with %q", other)
		}
	}
	if FindingID("h", "q", "", 7, "") == FindingID("h", "q", "", 8, "") {
		t.Error("quarantined lines share an id")
	}
	if FindingID("h", "schema", "", 0, "new column A") == FindingID("h", "schema", "", 0, "new column B") {
		t.Error("findings about a whole extract share an id")
	}
}
