package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

const offerIIN = "880514300123"

// mustOffer stores an offer of asp to household h on decision, made at
// benefitT0 and open for a week.
func mustOffer(t *testing.T, st *store.Store, h string, decision int64) store.Offer {
	t.Helper()
	o, created, err := st.CreateOffer(context.Background(), store.Offer{Household: h, Programme: "asp",
		DecisionID: decision, Agency: "mlsp", RecipientIIN: offerIIN, Amount: 51234, Period: "month", Language: "kk",
		CreatedAt: benefitT0, ExpiresAt: benefitT0.Add(7 * 24 * time.Hour)})
	if err != nil || !created {
		t.Fatalf("CreateOffer = %+v, %t, %v", o, created, err)
	}
	return o
}

func TestCreateOfferIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ids := mustDecide(t, st, store.RunMass, benefitDecision("h1", map[string]int64{"asp": 51234}))
		first := mustOffer(t, st, "h1", ids[0])
		if first.Status != store.OfferOffered || first.ID == 0 {
			t.Fatalf("created offer = %+v", first)
		}
		again := first
		again.Amount = 1
		got, created, err := st.CreateOffer(ctx, again)
		if err != nil || created || got.ID != first.ID || got.Amount != 51234 {
			t.Errorf("CreateOffer again = %+v, %t, %v; want the first, not created", got, created, err)
		}
		// A later decision cannot open a second offer while one is open…
		later := mustDecide(t, st, store.RunIncremental, benefitDecision("h1", map[string]int64{"asp": 60000}))
		next := first
		next.DecisionID = later[0]
		if _, _, err := st.CreateOffer(ctx, next); !errors.Is(err, store.ErrExists) {
			t.Errorf("second open offer: %v; want ErrExists", err)
		}
		// …but can once the first is answered.
		if _, err := st.RespondOffer(ctx, first.ID, offerIIN, false, benefitT0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, created, err := st.CreateOffer(ctx, next); err != nil || !created {
			t.Errorf("offer after a decline: %t, %v", created, err)
		}
		bad := first
		bad.ExpiresAt = bad.CreatedAt
		if _, _, err := st.CreateOffer(ctx, bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("offer expiring when made: %v; want ErrInvalid", err)
		}
		mine, err := st.OffersFor(ctx, offerIIN)
		if err != nil || len(mine) != 2 || mine[0].DecisionID != later[0] {
			t.Errorf("OffersFor = %+v, %v", mine, err)
		}
	})
}

func TestOfferStateMachine(t *testing.T) {
	day := 24 * time.Hour
	type step struct {
		do      string // accept, decline, expire, confirm, reject
		iin     string
		at      time.Duration // after benefitT0
		wantErr error
		status  string // after the step
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"accept then confirm", []step{
			{do: "accept", at: day, status: store.OfferAccepted},
			{do: "confirm", at: 2 * day, status: store.OfferConfirmed},
			{do: "reject", at: 3 * day, wantErr: store.ErrWrongState, status: store.OfferConfirmed},
			{do: "decline", at: 3 * day, wantErr: store.ErrWrongState, status: store.OfferConfirmed},
		}},
		{"accept then reject", []step{
			{do: "accept", at: day, status: store.OfferAccepted},
			{do: "accept", at: day, wantErr: store.ErrWrongState, status: store.OfferAccepted},
			{do: "reject", at: 2 * day, status: store.OfferRejected},
		}},
		{"decline is final", []step{
			{do: "decline", at: day, status: store.OfferDeclined},
			{do: "accept", at: day, wantErr: store.ErrWrongState, status: store.OfferDeclined},
			{do: "confirm", at: day, wantErr: store.ErrWrongState, status: store.OfferDeclined},
		}},
		{"not confirmed before acceptance", []step{
			{do: "confirm", at: day, wantErr: store.ErrWrongState, status: store.OfferOffered},
		}},
		{"another person's offer", []step{
			{do: "accept", iin: "900101400222", at: day, wantErr: store.ErrNotFound, status: store.OfferOffered},
		}},
		{"expires at expires_at", []step{
			{do: "accept", at: 7 * day, wantErr: store.ErrTooLate, status: store.OfferOffered},
			{do: "expire", at: 7 * day, status: store.OfferExpired},
			{do: "accept", at: 7 * day, wantErr: store.ErrTooLate, status: store.OfferExpired},
		}},
		{"accepted just before expiry", []step{
			{do: "accept", at: 7*day - time.Microsecond, status: store.OfferAccepted},
			{do: "expire", at: 8 * day, status: store.OfferAccepted},
		}},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		officer := mustAddOfficial(t, st, store.Official{Login: "mlsp.officer", Name: "O", Agency: "mlsp",
			Roles: []string{"social_worker"}})
		for i, tt := range tests {
			h := "hh" + string(rune('a'+i))
			ids := mustDecide(t, st, store.RunMass, benefitDecision(h, map[string]int64{"asp": 51234}))
			o := mustOffer(t, st, h, ids[0])
			for j, s := range tests[i].steps {
				iin := s.iin
				if iin == "" {
					iin = offerIIN
				}
				at := benefitT0.Add(s.at)
				var err error
				switch s.do {
				case "accept", "decline":
					_, err = st.RespondOffer(ctx, o.ID, iin, s.do == "accept", at)
				case "expire":
					_, err = st.ExpireOffers(ctx, at)
				case "confirm", "reject":
					_, err = st.ConfirmOffer(ctx, o.ID, officer.ID, s.do == "confirm", "checked", at)
				}
				if !errors.Is(err, s.wantErr) || (s.wantErr == nil) != (err == nil) {
					t.Errorf("%s: step %d (%s): %v; want %v", tt.name, j, s.do, err, s.wantErr)
				}
				got, err := st.Offer(ctx, o.ID)
				if err != nil {
					t.Fatal(err)
				}
				if got.Status != s.status {
					t.Errorf("%s: step %d (%s): status %s; want %s", tt.name, j, s.do, got.Status, s.status)
				}
				if got.Status == store.OfferConfirmed && (got.ConfirmedBy != officer.ID || got.Note != "checked" || got.ConfirmedAt.IsZero()) {
					t.Errorf("%s: confirmed offer = %+v", tt.name, got)
				}
			}
		}
		if _, err := st.ConfirmOffer(ctx, 999999, officer.ID, true, "", benefitT0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ConfirmOffer(999999): %v; want ErrNotFound", err)
		}
		if _, err := st.ConfirmOffer(ctx, 1, 0, true, "", benefitT0); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("ConfirmOffer without an official: %v; want ErrInvalid", err)
		}
		counts, err := st.OfferCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		byStatus := map[string]int{}
		for _, c := range counts {
			byStatus[c.Status] += c.Count
		}
		// ExpireOffers expired every offer still offered, those of other
		// cases among them.
		want := map[string]int{store.OfferConfirmed: 1, store.OfferRejected: 1, store.OfferDeclined: 1,
			store.OfferOffered: 0, store.OfferExpired: 3, store.OfferAccepted: 1}
		for s, n := range want {
			if byStatus[s] != n {
				t.Errorf("OfferCounts: %s = %d; want %d (all: %+v)", s, byStatus[s], n, counts)
			}
		}
	})
}

func TestOfficerQueue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var offers []store.Offer
		for i, h := range []string{"h1", "h2", "h3"} {
			ids := mustDecide(t, st, store.RunMass, benefitDecision(h, map[string]int64{"asp": 1}))
			o := mustOffer(t, st, h, ids[0])
			// h3 accepts first, then h1; h2 never answers.
			if h != "h2" {
				if _, err := st.RespondOffer(ctx, o.ID, offerIIN, true, benefitT0.Add(time.Duration(3-i)*time.Hour)); err != nil {
					t.Fatal(err)
				}
			}
			offers = append(offers, o)
		}
		q, err := st.OfficerQueue(ctx, "mlsp", 10)
		if err != nil || len(q) != 2 || q[0].ID != offers[2].ID || q[1].ID != offers[0].ID {
			t.Errorf("OfficerQueue(mlsp) = %+v, %v; want h3's then h1's", q, err)
		}
		if q, err := st.OfficerQueue(ctx, "", 1); err != nil || len(q) != 1 {
			t.Errorf("OfficerQueue(all, 1) = %d, %v", len(q), err)
		}
		if q, err := st.OfficerQueue(ctx, "kgd", 10); err != nil || len(q) != 0 {
			t.Errorf("OfficerQueue(kgd) = %d, %v", len(q), err)
		}
	})
}

// TestOfferRaces runs two requests at once on the same offer, many times:
// exactly one of them may win.
func TestOfferRaces(t *testing.T) {
	const rounds = 10
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := mustAddOfficial(t, st, store.Official{Login: "a", Name: "A", Roles: []string{"social_worker"}})
		b := mustAddOfficial(t, st, store.Official{Login: "b", Name: "B", Roles: []string{"social_worker"}})
		for r := range rounds {
			h := "race" + string(rune('a'+r))
			ids := mustDecide(t, st, store.RunMass, benefitDecision(h, map[string]int64{"asp": 1}))
			o := mustOffer(t, st, h, ids[0])
			race := func(fns ...func() error) []error {
				errs := make([]error, len(fns))
				var wg sync.WaitGroup
				for i, fn := range fns {
					wg.Add(1)
					go func() { defer wg.Done(); errs[i] = fn() }()
				}
				wg.Wait()
				return errs
			}
			check := func(what string, errs []error) {
				t.Helper()
				won := 0
				for _, err := range errs {
					switch {
					case err == nil:
						won++
					case !errors.Is(err, store.ErrWrongState):
						t.Errorf("round %d %s: %v; want ErrWrongState for the loser", r, what, err)
					}
				}
				if won != 1 {
					t.Errorf("round %d %s: %d won; want exactly 1 (%v)", r, what, won, errs)
				}
			}
			at := benefitT0.Add(time.Hour)
			check("accept/decline", race(
				func() error { _, err := st.RespondOffer(ctx, o.ID, offerIIN, true, at); return err },
				func() error { _, err := st.RespondOffer(ctx, o.ID, offerIIN, false, at); return err },
			))
			if got, _ := st.Offer(ctx, o.ID); got.Status != store.OfferAccepted {
				continue // declined won: nothing to confirm
			}
			check("confirm/reject", race(
				func() error { _, err := st.ConfirmOffer(ctx, o.ID, a.ID, true, "", at); return err },
				func() error { _, err := st.ConfirmOffer(ctx, o.ID, b.ID, false, "", at); return err },
			))
		}
	})
}
