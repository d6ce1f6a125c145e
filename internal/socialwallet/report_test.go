package socialwallet_test

import (
	"context"
	"testing"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
)

func TestSpendingEqualsLedger(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		wd.fund(t, "2026-03")
		for i, p := range []struct {
			m      socialwallet.Merchant
			iin    string
			amount int64
		}{{wd.grocery, wd.h1, 700_00}, {wd.grocery, wd.h2, 300_00}, {wd.owned, wd.h2, 250_50}} {
			if r := wd.buy(t, p.m, "s"+string(rune('a'+i)), wd.code(t, p.iin, ledger.Food), p.amount); r.Status != "approved" {
				t.Fatal(r)
			}
		}
		if _, err := wd.w.Refund(ctx, wd.grocery, "sa", "ra", 100_00); err != nil {
			t.Fatal(err)
		}
		if r, err := wd.w.RecordMeal(ctx, wd.canteen, wd.pupil, wd.clock.Now()); err != nil || r.Status != "approved" {
			t.Fatal(r, err)
		}
		sp, err := wd.w.Spending(ctx, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range sp.ByMerchant {
			if got := wd.balance(t, socialwallet.MerchantAccount(m.Key)); got != m.Spent-m.Refunded {
				t.Errorf("merchant %s: spent %d - refunded %d, ledger holds %d", m.Key, m.Spent, m.Refunded, got)
			}
		}
		if sp.Spent != 700_00+300_00+250_50+wd.w.Support().Meals.PricePerMeal || sp.Refunded != 100_00 {
			t.Errorf("totals: spent %d, refunded %d", sp.Spent, sp.Refunded)
		}
		unspent := int64(0)
		for _, who := range []string{wd.h1, wd.h2} {
			unspent += wd.voucher(t, who, "2026-03").Left
		}
		if sp.Unspent.Amount != unspent || sp.Unspent.Count != 2 || sp.Funded.Amount != 5*mrp2026 {
			t.Errorf("unspent %+v (want %d), funded %+v", sp.Unspent, unspent, sp.Funded)
		}
		for _, f := range sp.Programmes {
			if got := wd.balance(t, socialwallet.ProgrammeAccount(f.Programme, f.Ledger)); got != f.Left || f.In-f.Out != f.Left {
				t.Errorf("programme %s on %s: %+v, ledger %d", f.Programme, f.Ledger, f, got)
			}
		}
		if len(sp.ByRegion) != 1 || sp.ByRegion[0].Key != "55" {
			t.Errorf("by region: %+v", sp.ByRegion)
		}
	})
}

func TestAnomalies(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		wd.fund(t, "2026-03")
		for i := range socialwallet.ManyPurchases {
			if r := wd.buy(t, wd.grocery, "many-"+string(rune('a'+i)), wd.code(t, wd.h1, ledger.Food), 10_00); r.Status != "approved" {
				t.Fatal(r)
			}
		}
		if r := wd.buy(t, wd.owned, "own-1", wd.code(t, wd.h2, ledger.Food), 10_00); r.Status != "approved" {
			t.Fatal(r)
		}
		as, err := wd.w.Anomalies(ctx, "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		found := map[string]socialwallet.Anomaly{}
		for _, a := range as {
			found[a.Kind+"/"+a.Merchant+"/"+a.Household] = a
		}
		if a, ok := found["many_vouchers_one_merchant/"+wd.grocery.ID+"/h1"]; !ok || a.Count != socialwallet.ManyPurchases {
			t.Errorf("many purchases not found: %+v", as)
		}
		if _, ok := found["merchant_linked_to_household/"+wd.owned.ID+"/h2"]; !ok || len(as) != 2 {
			t.Errorf("linked merchant not found, or more: %+v", as)
		}
		if as, _ := wd.w.Anomalies(ctx, "2026-04"); len(as) != 0 {
			t.Errorf("April anomalies: %+v", as)
		}
	})
}
