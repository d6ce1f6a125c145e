package socialwallet_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
)

// TestMealRefusalsFromAuditLog: a canteen's refused meal requests, as the
// API writes them to the audit log, make a meal_refusals anomaly for the
// day when they reach MealRefusalsMin and outnumber its approved meals;
// not_a_canteen refusals, purchases' refusals, another month and a day
// below the minimum do not.
func TestMealRefusalsFromAuditLog(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		signer, _, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit.key"), "ortaq.test/audit")
		if err != nil {
			t.Fatal(err)
		}
		log, err := audit.Open(ctx, wd.st, signer, audit.Options{Origin: "ortaq.test/audit"})
		if err != nil {
			t.Fatal(err)
		}
		defer log.Close()
		now := wd.clock.Now()
		if r, err := wd.w.RecordMeal(ctx, wd.canteen, wd.pupil, now); err != nil || r.Status != store.PaymentApproved {
			t.Fatalf("a meal: %+v %v", r, err)
		}
		rec := func(m socialwallet.Merchant, service, day, reason string, at time.Time) audit.Record {
			return audit.Record{Kind: audit.KindMerchant, Member: "canteen", Subsystem: "till", Service: service,
				Subject: wd.pupil, Case: m.ID, RequestID: day, Decision: audit.Refused, Status: 422, Reason: reason, Time: at}
		}
		var recs []audit.Record
		reasons := []string{socialwallet.ReasonNotEligible, socialwallet.ReasonNotThisCanteen,
			socialwallet.ReasonMealAlreadyServed, socialwallet.ReasonMealDateNotAllowed}
		for i := range socialwallet.MealRefusalsMin {
			recs = append(recs,
				rec(wd.canteen, socialwallet.AuditServiceMeal, "2026-03-10", reasons[i%len(reasons)], now),
				rec(wd.canteen, socialwallet.AuditServiceMeal, "2026-04-01", reasons[i%len(reasons)], now.AddDate(0, 0, 22)),
				rec(wd.pharmacy, socialwallet.AuditServiceMeal, "2026-03-10", "not_a_canteen", now),
				rec(wd.grocery, socialwallet.AuditServicePurchase, "sale-1", socialwallet.ReasonCodeInvalid, now))
			if i > 0 {
				recs = append(recs, rec(wd.canteen, socialwallet.AuditServiceMeal, "2026-03-09", reasons[0], now))
			}
		}
		if _, err := log.Append(ctx, recs...); err != nil {
			t.Fatal(err)
		}
		as, err := wd.w.Anomalies(ctx, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 1 || as[0].Kind != "meal_refusals" || as[0].Merchant != wd.canteen.ID || as[0].Detail != "2026-03-10" ||
			as[0].Count != socialwallet.MealRefusalsMin || as[0].Amount != 0 {
			t.Errorf("March anomalies: %+v; want the canteen's refusals of 2026-03-10", as)
		}
		as, err = wd.w.Anomalies(ctx, "2026-04")
		if err != nil {
			t.Fatal(err)
		}
		if len(as) != 1 || as[0].Detail != "2026-04-01" {
			t.Errorf("April anomalies: %+v; want the canteen's refusals of 2026-04-01", as)
		}
	})
}

// TestCanteensBilledBefore tells a canteen with meals before a time from a
// new one: its first day's meals make the meal-spike's "no usual".
func TestCanteensBilledBefore(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		now := wd.clock.Now()
		if r, err := wd.w.RecordMeal(ctx, wd.canteen, wd.pupil, now); err != nil || r.Status != store.PaymentApproved {
			t.Fatalf("a meal: %+v %v", r, err)
		}
		for _, c := range []struct {
			merchant string
			before   time.Time
			want     bool
		}{{wd.canteen.ID, now.Add(time.Second), true}, {wd.canteen.ID, now, false}, {wd.grocery.ID, now.AddDate(1, 0, 0), false}} {
			billed, err := wd.st.CanteensBilledBefore(ctx, []string{wd.canteen.ID, wd.grocery.ID}, c.before)
			if got := billed[c.merchant]; err != nil || got != c.want {
				t.Errorf("CanteensBilledBefore(%s, %s) = %v, %v; want %v", c.merchant, c.before, got, err, c.want)
			}
		}
	})
}
