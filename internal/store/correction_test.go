package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// correctionStore has two agencies with a source each: moj's register
// holds records R1 (two versions) and R2, moh's cards record C1.
func correctionStore(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	ids := map[string]int64{}
	for _, s := range []struct{ agency, name string }{{"moj", "register"}, {"moh", "cards"}} {
		if _, err := st.PutAgency(ctx, store.Agency{Code: s.agency, Name: strings.ToUpper(s.agency)}); err != nil {
			t.Fatal(err)
		}
		id, err := st.PutSource(ctx, store.SourceDef{Name: s.name, AgencyCode: s.agency, Entity: "person", Definition: []byte(`{}`)})
		if err != nil {
			t.Fatal(err)
		}
		ids[s.name] = id
	}
	observed := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	load := func(src string, live int, vs ...store.Version) {
		run, err := st.BeginRun(ctx, ids[src], src+".csv", "delta")
		if err != nil {
			t.Fatal(err)
		}
		defer run.Abort()
		for i := range vs {
			vs[i].Raw, vs[i].ObservedAt, vs[i].Hash = []byte(`{"row":"x"}`), observed, [16]byte{byte(i), byte(vs[i].Version)}
		}
		if err := run.AddVersions(ctx, vs); err != nil {
			t.Fatal(err)
		}
		if err := run.Commit(ctx, store.RunCounts{Rows: len(vs), Stored: len(vs), Live: live}); err != nil {
			t.Fatal(err)
		}
	}
	load("register", 2,
		store.Version{RecordID: "R1", Version: 1, Attrs: []byte(`{"last_name":"Ахметов","first_name":"Дәулет"}`)},
		store.Version{RecordID: "R2", Version: 1, Attrs: []byte(`{"last_name":"Сейтова"}`)})
	load("register", 2, store.Version{RecordID: "R1", Version: 2, Attrs: []byte(`{"last_name":"Ахметов","first_name":"Даулет"}`),
		Invalid: []byte(`{"first_name":"spelling"}`)})
	load("cards", 1, store.Version{RecordID: "C1", Version: 1, Attrs: []byte(`{"phone":"+7 701 000 00 00"}`)})
	return ids
}

// fileCorrection files a correction of record's attr against version 2 of
// R1 (or 1 of others), due in due.
func fileCorrection(t *testing.T, st *store.Store, id, src, record string, due time.Duration, attachment []byte) store.Correction {
	t.Helper()
	filed := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	c := store.Correction{ID: id, Subject: "700101300011", EntityID: "P1", Source: src, RecordID: record, RecordVersion: 1,
		Attr: "last_name", CurrentValue: "Ахметов", ProposedValue: "Ахмедов", Explanation: "passport says so",
		FiledAt: filed, DueAt: filed.Add(due)}
	if record == "R1" {
		c.RecordVersion = 2
	}
	if attachment != nil {
		c.AttachmentName, c.AttachmentType = "passport.pdf", "application/pdf"
	}
	if err := st.FileCorrection(context.Background(), c, attachment); err != nil {
		t.Fatal(err)
	}
	return c
}

// correctedVersion is what the wallet builds: R1's latest attributes
// with the corrected one.
func correctedVersion(version int) store.Version {
	return store.Version{RecordID: "R1", Version: version, Attrs: []byte(`{"first_name":"Даулет","last_name":"Ахмедов"}`),
		Invalid: []byte(`{"first_name":"spelling"}`), Raw: []byte(`{"correction":"r-1","attr":"last_name","value":"Ахмедов"}`),
		Hash: [16]byte{0xc0}, ObservedAt: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}
}

func TestCorrectionFileListAccept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ids := correctionStore(t, st)
		pdf := []byte("%PDF-1.4 passport")
		want := fileCorrection(t, st, "r-1", "register", "R1", 15*24*time.Hour, pdf)
		fileCorrection(t, st, "r-2", "register", "R2", 5*24*time.Hour, nil)
		fileCorrection(t, st, "r-3", "cards", "C1", 10*24*time.Hour, nil)

		got, events, err := st.Correction(ctx, "r-1")
		if err != nil {
			t.Fatal(err)
		}
		want.SourceID, want.Agency, want.Status, want.AttachmentSize = ids["register"], "moj", store.CorrectionOpen, int64(len(pdf))
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("filed correction (-want +got):\n%s", d)
		}
		if len(events) != 1 || events[0].Seq != 1 || events[0].Status != store.CorrectionOpen || events[0].Actor != "citizen" ||
			!events[0].At.Equal(want.FiledAt) {
			t.Fatalf("events = %+v", events)
		}
		if _, _, err := st.Correction(ctx, "r-404"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing correction: %v", err)
		}
		if err := st.FileCorrection(ctx, want, nil); err == nil {
			t.Fatal("an id was filed twice")
		}

		// Attachments round-trip; the one without has none.
		name, ctype, data, err := st.CorrectionAttachment(ctx, "r-1")
		if err != nil || name != "passport.pdf" || ctype != "application/pdf" || string(data) != string(pdf) {
			t.Fatalf("attachment = %q %q %q, %v", name, ctype, data, err)
		}
		if _, _, _, err := st.CorrectionAttachment(ctx, "r-2"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("attachment of a correction without one: %v", err)
		}

		// Work lists: the nearest deadline first, by agency, source, status.
		for _, tc := range []struct {
			f     store.CorrectionFilter
			want  []string
			total int
		}{
			{store.CorrectionFilter{}, []string{"r-2", "r-3", "r-1"}, 3},
			{store.CorrectionFilter{Agency: "moj"}, []string{"r-2", "r-1"}, 2},
			{store.CorrectionFilter{Agency: "moh", Status: store.CorrectionOpen}, []string{"r-3"}, 1},
			{store.CorrectionFilter{Source: "register", Limit: 1, Offset: 1}, []string{"r-1"}, 2},
			{store.CorrectionFilter{Status: store.CorrectionAccepted}, nil, 0},
		} {
			list, total, err := st.CorrectionList(ctx, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range list {
				got = append(got, c.ID)
			}
			if !cmp.Equal(got, tc.want) || total != tc.total {
				t.Errorf("CorrectionList(%+v) = %v of %d; want %v of %d", tc.f, got, total, tc.want, tc.total)
			}
		}
		mine, err := st.CorrectionsOf(ctx, "700101300011")
		if err != nil || len(mine) != 3 || mine[0].AttachmentSize != 0 {
			t.Fatalf("CorrectionsOf = %+v, %v", mine, err)
		}

		runsBefore, err := st.Runs(ctx, "register", 10)
		if err != nil {
			t.Fatal(err)
		}
		lastRun, err := st.Runs(ctx, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		acc, err := st.AcceptCorrection(ctx, "r-1", "moj officer", "checked the passport", correctedVersion(3), applyBy)
		if err != nil {
			t.Fatal(err)
		}
		if acc.Status != store.CorrectionAccepted || acc.NewVersion != 3 || acc.RunID == 0 || acc.DecidedBy != "moj officer" ||
			acc.DecisionNote != "checked the passport" || acc.DecidedAt.IsZero() {
			t.Fatalf("accepted = %+v", acc)
		}
		h, err := st.History(ctx, "register", "R1")
		if err != nil {
			t.Fatal(err)
		}
		last := h[len(h)-1]
		var attrs map[string]string
		if err := json.Unmarshal(last.Attrs, &attrs); err != nil {
			t.Fatal(err)
		}
		if len(h) != 3 || last.Version != 3 || attrs["last_name"] != "Ахмедов" || last.RunID != acc.RunID {
			t.Fatalf("history after acceptance: %d versions, last %+v", len(h), last)
		}
		run, err := st.Run(ctx, acc.RunID)
		if err != nil {
			t.Fatal(err)
		}
		want2 := store.RunCounts{Rows: 1, Stored: 1, Flagged: 1, Live: 2}
		if run.File != "correction:r-1" || run.Mode != "delta" || run.Source != "register" || run.RunCounts != want2 {
			t.Fatalf("correction run = %+v", run)
		}
		runs, err := st.Runs(ctx, "register", 10)
		if err != nil || len(runs) != len(runsBefore)+1 || runs[0].ID != acc.RunID {
			t.Fatalf("runs after acceptance = %+v, %v", runs, err)
		}
		srcs, err := st.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range srcs {
			if s.Name == "register" && (s.Live != 2 || s.Versions != 4) {
				t.Fatalf("register after acceptance: live %d, versions %d", s.Live, s.Versions)
			}
		}
		var live []string
		err = st.LiveRecords(ctx, func(r store.LiveRecord) error {
			live = append(live, fmt.Sprintf("%s/%d/%s", r.RecordID, r.Version, r.Attrs["last_name"]))
			return nil
		})
		if err != nil || !cmp.Equal(live, []string{"R1/3/Ахмедов", "R2/1/Сейтова", "C1/1/"}) {
			t.Fatalf("live records = %v, %v", live, err)
		}
		changed := map[string]int{}
		if _, err := st.ChangedSince(ctx, "person", lastRun[0].ID, func(r store.ResolveRecord) error {
			changed[r.RecordID] = r.Version
			return nil
		}); err != nil || !cmp.Equal(changed, map[string]int{"R1": 3}) {
			t.Fatalf("changed since the last load = %v, %v", changed, err)
		}
		_, events, err = st.Correction(ctx, "r-1")
		if err != nil || len(events) != 2 || events[1].Status != store.CorrectionAccepted || events[1].Actor != "moj officer" ||
			events[1].Note != "checked the passport" || events[1].Seq != 2 {
			t.Fatalf("events after acceptance = %+v, %v", events, err)
		}

		// A decision is final.
		if _, err := st.AcceptCorrection(ctx, "r-1", "x", "", correctedVersion(4), applyBy); !errors.Is(err, store.ErrCorrectionDecided) {
			t.Fatalf("second acceptance: %v", err)
		}
		if _, err := st.RejectCorrection(ctx, "r-1", "x", "no"); !errors.Is(err, store.ErrCorrectionDecided) {
			t.Fatalf("rejection of an accepted correction: %v", err)
		}
		if h, _ := st.History(ctx, "register", "R1"); len(h) != 3 {
			t.Fatalf("a refused acceptance stored a version: %d versions", len(h))
		}
	})
}

func TestCorrectionReject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		correctionStore(t, st)
		fileCorrection(t, st, "r-2", "register", "R2", time.Hour, nil)
		rej, err := st.RejectCorrection(ctx, "r-2", "moj officer", "the register is right")
		if err != nil {
			t.Fatal(err)
		}
		if rej.Status != store.CorrectionRejected || rej.DecisionNote != "the register is right" || rej.NewVersion != 0 || rej.RunID != 0 {
			t.Fatalf("rejected = %+v", rej)
		}
		_, events, err := st.Correction(ctx, "r-2")
		if err != nil || len(events) != 2 || events[1].Status != store.CorrectionRejected || events[1].Note != "the register is right" {
			t.Fatalf("events = %+v, %v", events, err)
		}
		if _, err := st.RejectCorrection(ctx, "r-2", "x", "again"); !errors.Is(err, store.ErrCorrectionDecided) {
			t.Fatalf("second rejection: %v", err)
		}
		v := correctedVersion(2)
		v.RecordID = "R2"
		if _, err := st.AcceptCorrection(ctx, "r-2", "x", "", v, applyBy); !errors.Is(err, store.ErrCorrectionDecided) {
			t.Fatalf("acceptance of a rejected correction: %v", err)
		}
		if _, err := st.RejectCorrection(ctx, "r-404", "x", "no"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rejection of a missing correction: %v", err)
		}
		if list, _, _ := st.CorrectionList(ctx, store.CorrectionFilter{Status: store.CorrectionRejected}); len(list) != 1 {
			t.Fatalf("rejected list = %+v", list)
		}
	})
}

// TestCorrectionStaleAcceptChangesNothing: a version built on an old
// version of the record (a load came in between) is refused, and the
// store is as it was.
func TestCorrectionStaleAcceptChangesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		correctionStore(t, st)
		fileCorrection(t, st, "r-1", "register", "R1", time.Hour, nil)
		runs, _ := st.Runs(ctx, "", 100)
		for _, version := range []int{2, 4} {
			if _, err := st.AcceptCorrection(ctx, "r-1", "x", "", correctedVersion(version), applyBy); !errors.Is(err, store.ErrRecordChanged) {
				t.Fatalf("acceptance as version %d: %v; want ErrRecordChanged", version, err)
			}
		}
		wrong := correctedVersion(3)
		wrong.RecordID = "R2"
		if _, err := st.AcceptCorrection(ctx, "r-1", "x", "", wrong, applyBy); err == nil {
			t.Fatal("a version of another record was accepted")
		}
		after, _ := st.Runs(ctx, "", 100)
		if len(after) != len(runs) {
			t.Fatalf("a refused acceptance left a run: %d runs, was %d", len(after), len(runs))
		}
		if h, _ := st.History(ctx, "register", "R1"); len(h) != 2 {
			t.Fatalf("a refused acceptance left a version: %d", len(h))
		}
		c, events, err := st.Correction(ctx, "r-1")
		if err != nil || c.Status != store.CorrectionOpen || len(events) != 1 || !c.DecidedAt.IsZero() {
			t.Fatalf("correction after refused acceptance = %+v %+v, %v", c, events, err)
		}
		// The connection went back clean: the right version is accepted.
		if _, err := st.AcceptCorrection(ctx, "r-1", "x", "", correctedVersion(3), applyBy); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCorrectionConcurrentDecisions: of many decisions at once on one
// correction, exactly one wins.
func TestCorrectionConcurrentDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		correctionStore(t, st)
		fileCorrection(t, st, "r-1", "register", "R1", time.Hour, nil)
		const n = 6
		errs := make(chan error, n)
		for i := range n {
			go func() {
				var err error
				if i%2 == 0 {
					_, err = st.AcceptCorrection(ctx, "r-1", "a", "", correctedVersion(3), applyBy)
				} else {
					_, err = st.RejectCorrection(ctx, "r-1", "b", "no")
				}
				errs <- err
			}()
		}
		won := 0
		for range n {
			err := <-errs
			switch {
			case err == nil:
				won++
			case errors.Is(err, store.ErrCorrectionDecided), errors.Is(err, store.ErrRecordChanged):
			default:
				t.Errorf("decision failed: %v", err)
			}
		}
		_, events, err := st.Correction(ctx, "r-1")
		if won != 1 || err != nil || len(events) != 2 {
			t.Fatalf("%d decisions won, events %+v, %v", won, events, err)
		}
	})
}

// applyBy is the deadline the tests give agencies to apply an accepted
// correction in their own systems.
var applyBy = time.Now().UTC().Add(15 * 24 * time.Hour).Truncate(time.Microsecond)
