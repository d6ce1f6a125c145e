package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func TestGoldenReplaceAndSearch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		rows := []store.GoldenRow{
			{EntityID: "P000000001", Kind: "person", Name: "Назарбаев Нұрсұлтан Әбішұлы", NationalID: "400706300111",
				Household: "H1", Members: 3, Doc: []byte(`{"entity_id":"P000000001"}`)},
			{EntityID: "P000000002", Kind: "person", Name: "Ахметов Нурсултан", NationalID: "850314300222", Household: "H1",
				Members: 1, Conflicts: 1, Doc: []byte(`{}`)},
			{EntityID: "A000000001", Kind: "animal", Name: "KZ01 cattle", Owner: "P000000002", Members: 1, Doc: []byte(`{}`)},
		}
		terms := []store.SearchTerm{
			{Term: "nazarbaev", EntityID: "P000000001"}, {Term: "nursultan", EntityID: "P000000001"},
			{Term: "abishuli", EntityID: "P000000001"}, {Term: "nursultan", EntityID: "P000000002"},
			{Term: "ahmetov", EntityID: "P000000002"},
		}
		replaceGolden(t, st, rows, terms)
		for _, tc := range []struct {
			name  string
			words []string
			want  []string
		}{
			{"one word", []string{"nursultan"}, []string{"P000000002", "P000000001"}}, // by name: Ахметов < Назарбаев
			{"two words", []string{"nursultan", "nazarbaev"}, []string{"P000000001"}},
			{"prefix of the last word", []string{"nursultan", "ahm"}, []string{"P000000002"}},
			{"only the last word is a prefix", []string{"nurs", "ahmetov"}, nil},
			{"no match", []string{"zzz"}, nil},
		} {
			got, _, err := st.SearchNames(ctx, tc.words, 10)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, g := range got {
				ids = append(ids, g.EntityID)
			}
			if len(ids) != len(tc.want) || (len(ids) > 0 && ids[0] != tc.want[0]) {
				t.Errorf("%s: got %v, want %v", tc.name, ids, tc.want)
			}
		}
		if got, err := st.GoldenByNationalID(ctx, "400706300111", 10); err != nil || len(got) != 1 || got[0].EntityID != "P000000001" {
			t.Errorf("by IIN: %+v, %v", got, err)
		}
		g, err := st.Golden(ctx, "P000000001")
		if err != nil || string(g.Doc) != `{"entity_id":"P000000001"}` || g.Members != 3 {
			t.Fatalf("Golden = %+v, %v", g, err)
		}
		hh, err := st.GoldenBy(ctx, "household", "H1", 10)
		if err != nil || len(hh) != 2 {
			t.Fatalf("household: %d rows, %v", len(hh), err)
		}
		owned, err := st.GoldenBy(ctx, "owner_id", "P000000002", 10)
		if err != nil || len(owned) != 1 || owned[0].EntityID != "A000000001" {
			t.Fatalf("owned animals: %+v, %v", owned, err)
		}
		if _, err := st.GoldenBy(ctx, "name; DROP TABLE x", "H1", 10); err == nil {
			t.Fatal("GoldenBy accepted an unknown column")
		}
		counts, err := st.GoldenCounts(ctx)
		if err != nil || counts["person"] != 2 || counts["animal"] != 1 {
			t.Fatalf("counts %v, %v", counts, err)
		}

		// A rebuild replaces everything; an aborted one nothing.
		w, err := st.ReplaceGolden(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Add(ctx, store.GoldenRow{EntityID: "P000000009", Kind: "person", Doc: []byte(`{}`)}, nil); err != nil {
			t.Fatal(err)
		}
		w.Abort()
		if _, err := st.Golden(ctx, "P000000001"); err != nil {
			t.Fatalf("after an aborted rebuild: %v", err)
		}
		replaceGolden(t, st, rows[2:], nil)
		if _, err := st.Golden(ctx, "P000000001"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("after rebuild: %v, want ErrNotFound", err)
		}
		if got, _, _ := st.SearchNames(ctx, []string{"nursultan"}, 10); len(got) != 0 {
			t.Fatalf("stale search terms: %+v", got)
		}
	})
}

func TestSaveQuality(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustKindSource(t, st, "health_cards", "person")
		q := &store.QualitySave{
			Run: store.QualityRun{Checks: 1, Findings: 1, Score: 75},
			Results: []store.CheckResult{{Source: "health_cards", Agency: "moh", Name: "missing_national_id", Kind: "missing",
				Dimension: "completeness", Severity: "error", Failed: 1, Total: 4}},
			Scores: []store.Score{{Scope: store.ScopeSource, Key: "health_cards", Score: 75, Records: 4},
				{Scope: store.ScopeNation, Score: 75, Records: 4}},
			Alerts: []store.Alert{{Scope: store.ScopeSource, Key: "health_cards", Check: "missing_national_id", Value: 0.25,
				Message: "rose"}},
			Findings: []store.Finding{{ID: "f1", Source: "health_cards", Check: "missing_national_id", Kind: "missing",
				RecordID: "C1", Reason: "no IIN", Related: []string{"C2"}, Status: store.FindingOpen}},
		}
		run1, err := st.SaveQuality(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		fs, total, err := st.Findings(ctx, store.FindingFilter{Agency: "moh"})
		if err != nil || total != 1 || fs[0].FirstRun != run1 || fs[0].LastRun != run1 || fs[0].Related[0] != "C2" {
			t.Fatalf("findings %+v total %d: %v", fs, total, err)
		}
		if err := st.SetFindingStatus(ctx, "f1", store.FindingFixed, "typed in"); err != nil {
			t.Fatal(err)
		}
		if err := st.SetFindingStatus(ctx, "f1", store.FindingResolved, ""); err == nil {
			t.Fatal("resolved was set by hand")
		}
		if err := st.SetFindingStatus(ctx, "nope", store.FindingFixed, ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown finding: %v", err)
		}
		f, err := st.Finding(ctx, "f1")
		if err != nil || f.Status != store.FindingFixed || f.Note != "typed in" {
			t.Fatalf("after marking: %+v, %v", f, err)
		}

		// A second run carries the finding over with its first run.
		q.Findings[0].FirstRun = run1
		q.Run.Score = 80
		q.Scores[1].Score = 80
		run2, err := st.SaveQuality(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		f, _ = st.Finding(ctx, "f1")
		if f.FirstRun != run1 || f.LastRun != run2 {
			t.Fatalf("carried over: first %d last %d, want %d %d", f.FirstRun, f.LastRun, run1, run2)
		}
		runs, err := st.QualityRuns(ctx, 10)
		if err != nil || len(runs) != 2 || runs[0].ID != run2 || runs[0].Score != 80 {
			t.Fatalf("runs %+v, %v", runs, err)
		}
		hist, err := st.ScoreHistory(ctx, store.ScopeNation, "", 10)
		if err != nil || len(hist) != 2 || hist[0].Score != 75 || hist[1].Score != 80 {
			t.Fatalf("history %+v, %v", hist, err)
		}
		res, err := st.CheckResults(ctx, run2, "health_cards")
		if err != nil || len(res) != 1 || res[0].Failed != 1 || res[0].Agency != "moh" {
			t.Fatalf("results %+v, %v", res, err)
		}
		ch, err := st.CheckHistory(ctx, 10)
		if err != nil || len(ch["health_cards/missing_national_id"]) != 2 {
			t.Fatalf("check history %+v, %v", ch, err)
		}
		if al, err := st.Alerts(ctx, run2); err != nil || len(al) != 1 {
			t.Fatalf("alerts %+v, %v", al, err)
		}

		// A finding of an unknown source fails the whole run.
		q.Findings[0].Source = "nope"
		if _, err := st.SaveQuality(ctx, q); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("unknown source: %v", err)
		}
		if runs, _ := st.QualityRuns(ctx, 10); len(runs) != 2 {
			t.Fatalf("failed save left a run: %d runs", len(runs))
		}
		if _, err := st.Finding(ctx, "f1"); err != nil {
			t.Fatalf("failed save lost findings: %v", err)
		}
	})
}

func replaceGolden(t *testing.T, st *store.Store, rows []store.GoldenRow, terms []store.SearchTerm) {
	t.Helper()
	ctx := context.Background()
	w, err := st.ReplaceGolden(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, g := range rows {
		var mine []store.SearchTerm
		for _, term := range terms {
			if term.EntityID == g.EntityID {
				mine = append(mine, term)
			}
		}
		if err := w.Add(ctx, g, mine); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}
