package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// loadR1 stores a version of R1 as the agency's own extract would, and
// returns its run.
func loadR1(t *testing.T, st *store.Store, source int64, version int, lastName string) int64 {
	t.Helper()
	ctx := context.Background()
	run, err := st.BeginRun(ctx, source, "register.csv", "delta")
	if err != nil {
		t.Fatal(err)
	}
	defer run.Abort()
	v := store.Version{RecordID: "R1", Version: version, Attrs: []byte(`{"first_name":"Даулет","last_name":"` + lastName + `"}`),
		Raw: []byte(`{"row":"x"}`), Hash: [16]byte{0xa0, byte(version)}, ObservedAt: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	if err := run.AddVersions(ctx, []store.Version{v}); err != nil {
		t.Fatal(err)
	}
	if err := run.Commit(ctx, store.RunCounts{Rows: 1, Stored: 1, Live: 2}); err != nil {
		t.Fatal(err)
	}
	return run.ID
}

func TestCorrectionOverride(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ids := correctionStore(t, st)
		fileCorrection(t, st, "r-1", "register", "R1", 15*24*time.Hour, nil)
		fileCorrection(t, st, "r-5", "register", "R1", 15*24*time.Hour, nil)
		fileCorrection(t, st, "r-3", "cards", "C1", 10*24*time.Hour, nil)

		if _, err := st.AcceptCorrection(ctx, "r-1", "x", "", correctedVersion(3), time.Time{}); err == nil {
			t.Fatal("accepted without a deadline to apply it")
		}
		if _, err := st.AcceptCorrection(ctx, "r-1", "x", "", correctedVersion(3), time.Now().Add(-time.Hour)); err == nil {
			t.Fatal("accepted with a deadline in the past")
		}
		if o, err := st.Override(ctx, "r-1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("override after failed acceptances = %+v, %v", o, err)
		}
		acc, err := st.AcceptCorrection(ctx, "r-1", "moj officer", "", correctedVersion(3), applyBy)
		if err != nil {
			t.Fatal(err)
		}
		if acc.Override != store.OverrideActive || !acc.ApplyBy.Equal(applyBy) || !acc.OverrideEndedAt.IsZero() {
			t.Fatalf("accepted correction: override %q, apply by %v, ended %v", acc.Override, acc.ApplyBy, acc.OverrideEndedAt)
		}
		o, err := st.Override(ctx, "r-1")
		want := store.Override{CorrectionID: "r-1", SourceID: ids["register"], Source: "register", Agency: "moj", RecordID: "R1",
			Attr: "last_name", Value: "Ахмедов", Version: 3, RunID: acc.RunID, AcceptedAt: acc.DecidedAt, DueAt: applyBy,
			Status: store.OverrideActive, Subject: "700101300011", EntityID: "P1", OldValue: "Ахметов"}
		if err != nil || o != want {
			t.Fatalf("override = %+v, %v;\nwant %+v", o, err, want)
		}
		if open, _, _ := st.Correction(ctx, "r-5"); open.Override != "" || !open.ApplyBy.IsZero() {
			t.Fatalf("open correction: override %q, apply by %v", open.Override, open.ApplyBy)
		}

		// The work lists: an agency's, another's, the ended ones.
		for _, tc := range []struct {
			f     store.OverrideFilter
			want  []string
			total int
		}{
			{store.OverrideFilter{}, []string{"r-1"}, 1},
			{store.OverrideFilter{Agency: "moj"}, []string{"r-1"}, 1},
			{store.OverrideFilter{Source: "register"}, []string{"r-1"}, 1},
			{store.OverrideFilter{Agency: "moh"}, nil, 0},
			{store.OverrideFilter{Status: store.OverrideRetired}, nil, 0},
		} {
			got, total, err := st.OverrideList(ctx, tc.f)
			var names []string
			for _, o := range got {
				names = append(names, o.CorrectionID)
			}
			if err != nil || total != tc.total || len(names) != len(tc.want) || (len(names) > 0 && names[0] != tc.want[0]) {
				t.Errorf("OverrideList(%+v) = %v of %d, %v; want %v of %d", tc.f, names, total, err, tc.want, tc.total)
			}
		}
		runs, err := st.CorrectionRuns(ctx)
		if err != nil || len(runs) != 1 || !runs[acc.RunID] {
			t.Fatalf("correction runs = %v, %v", runs, err)
		}

		// A version a correction stored is not the agency's: it retires
		// nothing.
		if n, err := st.RetireOverrides(ctx, []store.OverrideRetirement{{CorrectionID: "r-1", RunID: acc.RunID, Version: 3}},
			time.Now()); err == nil || n != 0 {
			t.Fatalf("retired by the correction's own run: %d, %v", n, err)
		}

		// The agency's unchanged extract: stored, the override stays.
		loadR1(t, st, ids["register"], 4, "Ахметов")

		// A later accepted correction of the same value supersedes it.
		v := correctedVersion(5)
		v.Attrs = []byte(`{"first_name":"Даулет","last_name":"Ахмедова"}`)
		acc5, err := st.AcceptCorrection(ctx, "r-5", "moj chief", "", v, applyBy)
		if err != nil {
			t.Fatal(err)
		}
		c1, events, err := st.Correction(ctx, "r-1")
		if err != nil || c1.Status != store.CorrectionAccepted || c1.Override != store.OverrideSuperseded ||
			!c1.OverrideEndedAt.Equal(acc5.DecidedAt) {
			t.Fatalf("superseded correction = %+v, %v", c1, err)
		}
		if last := events[len(events)-1]; len(events) != 3 || last.Status != store.CorrectionSuperseded ||
			last.Actor != "moj chief" || last.Note != "r-5" {
			t.Fatalf("events of the superseded correction = %+v", events)
		}
		if got, _ := st.Override(ctx, "r-1"); got.RetiredRun != acc5.RunID || got.RetiredVersion != 5 {
			t.Fatalf("superseded override = %+v", got)
		}
		active, err := st.ActiveOverrides(ctx)
		if err != nil || len(active) != 1 || active[0].CorrectionID != "r-5" || active[0].Value != "Ахмедова" {
			t.Fatalf("active overrides = %+v, %v", active, err)
		}

		// The agency's data agrees: retired once, with the run that agreed.
		run := loadR1(t, st, ids["register"], 6, "Ахмедова")
		at := time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)
		for want := range []int{1, 0} {
			n, err := st.RetireOverrides(ctx, []store.OverrideRetirement{{CorrectionID: "r-5", RunID: run, Version: 6}}, at)
			if err != nil || n != 1-want {
				t.Fatalf("retirement %d: %d, %v", want+1, n, err)
			}
		}
		c5, events, err := st.Correction(ctx, "r-5")
		if err != nil || c5.Override != store.OverrideRetired || !c5.OverrideEndedAt.Equal(at) {
			t.Fatalf("applied correction = %+v, %v", c5, err)
		}
		if last := events[len(events)-1]; len(events) != 3 || last.Status != store.CorrectionApplied || last.Actor != "moj" {
			t.Fatalf("events of the applied correction = %+v", events)
		}
		if got, _ := st.Override(ctx, "r-5"); got.Status != store.OverrideRetired || got.RetiredRun != run || got.RetiredVersion != 6 {
			t.Fatalf("retired override = %+v", got)
		}
		if got, total, err := st.OverrideList(ctx, store.OverrideFilter{Agency: "moj"}); err != nil || total != 0 || len(got) != 0 {
			t.Fatalf("work list after retirement = %+v of %d, %v", got, total, err)
		}
		if got, total, err := st.OverrideList(ctx, store.OverrideFilter{Status: store.OverrideRetired}); err != nil || total != 1 ||
			got[0].CorrectionID != "r-5" {
			t.Fatalf("retired overrides = %+v of %d, %v", got, total, err)
		}
		if active, err := st.ActiveOverrides(ctx); err != nil || len(active) != 0 {
			t.Fatalf("active overrides after retirement = %+v, %v", active, err)
		}
	})
}
