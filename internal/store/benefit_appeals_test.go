package store_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestAppealWindow files appeals around the end of the three-month window
// of a decision made on 30 November: the window ends on the last day of
// February, at the decision's time of day.
func TestAppealWindow(t *testing.T) {
	made := time.Date(2025, 11, 30, 10, 0, 0, 0, time.UTC)
	end := time.Date(2026, 2, 28, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		now     time.Time
		wantErr error
	}{
		{"same day", made, nil},
		{"a day before the end", end.AddDate(0, 0, -1), nil},
		{"at the end", end, nil},
		{"a microsecond late", end.Add(time.Microsecond), store.ErrTooLate},
		{"a month late", end.AddDate(0, 1, 0), store.ErrTooLate},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for _, tt := range tests {
			d := benefitDecision("h-"+tt.name, nil, offerIIN)
			d.CreatedAt = made
			ids := mustDecide(t, st, store.RunMass, d)
			a, err := st.FileAppeal(ctx, store.Appeal{DecisionID: ids[0], Programme: "asp", AppellantIIN: offerIIN,
				Reason: "my income fell"}, nil, tt.now, 3, 30)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("%s: FileAppeal: %v; want %v", tt.name, err, tt.wantErr)
				continue
			}
			if err == nil && (a.Status != store.AppealOpen || !a.Deadline.Equal(tt.now.AddDate(0, 0, 30)) || a.Household != d.Household) {
				t.Errorf("%s: filed appeal = %+v", tt.name, a)
			}
		}
	})
}

func TestAppealLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		officer := mustAddOfficial(t, st, store.Official{Login: "mlsp.officer", Name: "O", Agency: "mlsp",
			Roles: []string{"social_worker"}})
		ids := mustDecide(t, st, store.RunMass, benefitDecision("h1", nil, offerIIN), benefitDecision("h2", nil, "900101400222"))
		doc := bytes.Repeat([]byte("%PDF"), 100)
		now := benefitT0.Add(24 * time.Hour)
		late, err := st.FileAppeal(ctx, store.Appeal{DecisionID: ids[0], Programme: "asp", AppellantIIN: offerIIN,
			Reason: "income fell", DocumentName: "salary.pdf", DocumentType: "application/pdf"}, doc, now, 3, 30)
		if err != nil {
			t.Fatal(err)
		}
		if late.DocumentSize != int64(len(doc)) || late.DocumentName != "salary.pdf" {
			t.Errorf("filed appeal = %+v", late)
		}
		if _, err := st.FileAppeal(ctx, store.Appeal{DecisionID: ids[0], Programme: "asp", AppellantIIN: offerIIN,
			Reason: "again"}, nil, now, 3, 30); !errors.Is(err, store.ErrExists) {
			t.Errorf("second open appeal: %v; want ErrExists", err)
		}
		soon, err := st.FileAppeal(ctx, store.Appeal{DecisionID: ids[1], Programme: "disability",
			AppellantIIN: "900101400222", Reason: "group 2"}, nil, now, 3, 10)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.FileAppeal(ctx, store.Appeal{DecisionID: 999999, Programme: "asp", AppellantIIN: offerIIN,
			Reason: "x"}, nil, now, 3, 30); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("appeal of no decision: %v; want ErrNotFound", err)
		}
		name, ctype, data, err := st.AppealDocument(ctx, late.ID)
		if err != nil || name != "salary.pdf" || ctype != "application/pdf" || !bytes.Equal(data, doc) {
			t.Errorf("AppealDocument = %q %q %d bytes, %v", name, ctype, len(data), err)
		}
		if _, _, _, err := st.AppealDocument(ctx, soon.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AppealDocument(none): %v; want ErrNotFound", err)
		}
		q, err := st.AppealQueue(ctx, 10)
		if err != nil || len(q) != 2 || q[0].ID != soon.ID {
			t.Errorf("AppealQueue = %+v, %v; want the nearer deadline first", q, err)
		}
		for _, bad := range []store.AppealAnswer{
			{Official: officer.ID, Text: "x", Outcome: "maybe", At: now},
			{Official: officer.ID, Text: "x", Outcome: store.AppealChanged, At: now},
			{Official: officer.ID, Text: "x", Outcome: store.AppealUpheld, NewDecisionID: ids[0], At: now},
			{Text: "x", Outcome: store.AppealUpheld, At: now},
		} {
			if _, err := st.AnswerAppeal(ctx, late.ID, bad); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("AnswerAppeal(%+v): %v; want ErrInvalid", bad, err)
			}
		}
		redo := mustDecide(t, st, store.RunAppeal, benefitDecision("h1", map[string]int64{"asp": 40000}, offerIIN))
		ans := store.AppealAnswer{Official: officer.ID, Text: "income recounted", RuleRef: "Order No. 473",
			Outcome: store.AppealChanged, NewDecisionID: redo[0], At: now.Add(time.Hour)}
		// Two officials answer at once: exactly one wins.
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[i] = st.AnswerAppeal(ctx, late.ID, ans) }()
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) || !errors.Is(errors.Join(errs...), store.ErrWrongState) {
			t.Errorf("concurrent answers: %v; want exactly one ErrWrongState", errs)
		}
		got, err := st.Appeal(ctx, late.ID)
		if err != nil || got.Status != store.AppealAnswered || got.Outcome != store.AppealChanged ||
			got.NewDecisionID != redo[0] || got.AnsweredBy != officer.ID || got.AnswerRule != "Order No. 473" {
			t.Errorf("answered appeal = %+v, %v", got, err)
		}
		if _, err := st.WithdrawAppeal(ctx, late.ID, offerIIN, now); !errors.Is(err, store.ErrWrongState) {
			t.Errorf("withdraw an answered appeal: %v; want ErrWrongState", err)
		}
		if _, err := st.WithdrawAppeal(ctx, soon.ID, offerIIN, now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("withdraw another person's appeal: %v; want ErrNotFound", err)
		}
		if w, err := st.WithdrawAppeal(ctx, soon.ID, "900101400222", now); err != nil || w.Status != store.AppealWithdrawn {
			t.Errorf("WithdrawAppeal = %+v, %v", w, err)
		}
		if _, err := st.AnswerAppeal(ctx, 999999, ans); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AnswerAppeal(999999): %v; want ErrNotFound", err)
		}
		mine, err := st.AppealsFor(ctx, offerIIN)
		if err != nil || len(mine) != 1 || mine[0].ID != late.ID {
			t.Errorf("AppealsFor = %+v, %v", mine, err)
		}
		counts, err := st.AppealCounts(ctx)
		want := []store.StatusCount{
			{Programme: "asp", Status: store.AppealAnswered, Outcome: store.AppealChanged, Count: 1},
			{Programme: "disability", Status: store.AppealWithdrawn, Count: 1},
		}
		if err != nil || len(counts) != 2 || counts[0] != want[0] || counts[1] != want[1] {
			t.Errorf("AppealCounts = %+v, %v; want %+v", counts, err, want)
		}
	})
}
