package socialwallet_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
)

func TestPurchaseChainsTwoVouchers(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		wd.fund(t, "2026-04") // both active on 10 March; March expires first
		amount := 3*mrp2026 + 1000_00
		code := wd.code(t, wd.h1, ledger.Food)
		r := wd.buy(t, wd.grocery, "chain-1", code, amount)
		if r.Status != "approved" || len(r.Transfers) != 2 || r.Amount != amount || r.Ledger != ledger.Food {
			t.Fatalf("purchase = %+v", r)
		}
		mar, apr := wd.voucher(t, wd.h1, "2026-03"), wd.voucher(t, wd.h1, "2026-04")
		if mar.Left != 0 || mar.State != "spent" || apr.Left != 3*mrp2026-1000_00 || apr.Spent != 1000_00 {
			t.Errorf("vouchers after the purchase: March %+v, April %+v", mar, apr)
		}
		if got := wd.balance(t, socialwallet.MerchantAccount(wd.grocery.ID)); got != amount {
			t.Errorf("grocery holds %d, want %d", got, amount)
		}
		// A retry returns the same result and moves nothing.
		again := wd.buy(t, wd.grocery, "chain-1", code, amount)
		if again.Status != r.Status || len(again.Transfers) != 2 || again.Transfers[1] != r.Transfers[1] {
			t.Errorf("retry = %+v, want %+v", again, r)
		}
		if got := wd.balance(t, socialwallet.MerchantAccount(wd.grocery.ID)); got != amount {
			t.Errorf("after the retry the grocery holds %d, want %d", got, amount)
		}
		w, err := wd.w.Wallet(context.Background(), wd.h1)
		if err != nil {
			t.Fatal(err)
		}
		purchases := 0
		for _, e := range w.History {
			if e.Kind == "purchase" {
				purchases++
				if e.Amount >= 0 || e.MerchantName != wd.grocery.Name || e.Programme != "asp" {
					t.Errorf("history entry %+v", e)
				}
			}
		}
		if purchases != 2 || len(w.Balances) != 2 || w.Balances[0].Ledger != ledger.Cash || w.Balances[1].Available != 3*mrp2026-1000_00 {
			t.Errorf("wallet: %d purchases, balances %+v", purchases, w.Balances)
		}
	})
}

func TestPharmacyRefusedFoodVoucher(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		code := wd.code(t, wd.h1, ledger.Food)
		r := wd.buy(t, wd.pharmacy, "rx-1", code, 100_00)
		if r.Status != "refused" || r.Reason != ledger.ResultLedgerMismatch.String() {
			t.Fatalf("food code at a pharmacy = %+v, want refused ledger_mismatch", r)
		}
		if v := wd.voucher(t, wd.h1, "2026-03"); v.Left != 3*mrp2026 {
			t.Errorf("voucher after the refusal = %+v", v)
		}
		if again := wd.buy(t, wd.pharmacy, "rx-1", code, 100_00); again.Reason != r.Reason {
			t.Errorf("retry = %+v, want the same refusal", again)
		}
	})
}

func TestRefundBounds(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		wd.fund(t, "2026-03")
		if r := wd.buy(t, wd.grocery, "b1", wd.code(t, wd.h1, ledger.Food), 1000_00); r.Status != "approved" {
			t.Fatal(r)
		}
		refund := func(id string, tiyn int64) socialwallet.PurchaseResult {
			r, err := wd.w.Refund(ctx, wd.grocery, "b1", id, tiyn)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if r := refund("r1", 600_00); r.Status != "approved" {
			t.Fatalf("refund 600 = %+v", r)
		}
		if r := refund("r2", 500_00); r.Reason != socialwallet.ReasonExceedsPurchase {
			t.Errorf("refund 500 more = %+v, want exceeds_purchase", r)
		}
		if r := refund("r2", 400_00); r.Status != "approved" {
			t.Errorf("refund the last 400 = %+v", r)
		}
		if r := refund("r1", 600_00); r.Status != "approved" || len(r.Transfers) != 1 {
			t.Errorf("retry of r1 = %+v", r)
		}
		// The refund id with another amount, or of another purchase, is
		// refused and moves nothing.
		if r := refund("r1", 100_00); r.Reason != socialwallet.ReasonDifferentFields {
			t.Errorf("r1 again for 100 = %+v, want exists_with_different_fields", r)
		}
		if r := wd.buy(t, wd.grocery, "b2", wd.code(t, wd.h1, ledger.Food), 100_00); r.Status != "approved" {
			t.Fatal(r)
		}
		if r, err := wd.w.Refund(ctx, wd.grocery, "b2", "r1", 600_00); err != nil || r.Reason != socialwallet.ReasonDifferentFields {
			t.Errorf("r1 of another purchase = %+v %v, want exists_with_different_fields", r, err)
		}
		if r := refund("r3", 1); r.Reason != socialwallet.ReasonExceedsPurchase {
			t.Errorf("refund beyond = %+v", r)
		}
		if r, _ := wd.w.Refund(ctx, wd.pharmacy, "b1", "r9", 1); r.Reason != socialwallet.ReasonUnknownPurchase {
			t.Errorf("refund of another merchant's purchase = %+v", r)
		}
		if v := wd.voucher(t, wd.h1, "2026-03"); v.Left != 3*mrp2026-100_00 || v.Spent != 100_00 {
			t.Errorf("voucher after full refund of b1 = %+v", v)
		}
		if got := wd.balance(t, socialwallet.MerchantAccount(wd.grocery.ID)); got != 100_00 {
			t.Errorf("grocery holds %d after refunding all of b1, want b2's 100", got)
		}
	})
}

func TestMealOncePerDay(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		price := wd.w.Support().Meals.PricePerMeal
		day := wd.clock.Now() // a Tuesday
		meal := func(m socialwallet.Merchant, iin string, day time.Time) socialwallet.PurchaseResult {
			r, err := wd.w.RecordMeal(ctx, m, iin, day)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		first := meal(wd.canteen, wd.pupil, day)
		if first.Status != "approved" || first.Amount != price || first.Ledger != ledger.SchoolMeals {
			t.Fatalf("meal = %+v", first)
		}
		if r := meal(wd.canteen, wd.pupil, day.Add(-time.Hour)); r.Status != "approved" || r.Transfers[0] != first.Transfers[0] {
			t.Errorf("same canteen, same day = %+v, want the same meal", r)
		}
		other, err := wd.w.RegisterMerchant(ctx, socialwallet.Merchant{ID: "canteen-2", Name: "Екінші асхана", Region: "55",
			Category: ledger.SchoolMeals})
		if err != nil {
			t.Fatal(err)
		}
		if r := meal(other, wd.pupil, day); r.Reason != socialwallet.ReasonMealAlreadyServed {
			t.Errorf("second canteen, same day = %+v", r)
		}
		if r := meal(other, wd.pupil, day.AddDate(0, 0, -1)); r.Status != "approved" {
			t.Errorf("the day before = %+v", r)
		}
		if r := meal(wd.canteen, wd.h1, day); r.Reason != socialwallet.ReasonNotEligible {
			t.Errorf("an adult = %+v", r)
		}
		if r := meal(wd.canteen, wd.unsupported, day); r.Reason != socialwallet.ReasonNotEligible {
			t.Errorf("a pupil of a household of the region without support = %+v", r)
		}
		if got := wd.balance(t, socialwallet.MerchantAccount(wd.canteen.ID)); got != price {
			t.Errorf("canteen holds %d, want %d", got, price)
		}
		if got := wd.balance(t, socialwallet.MerchantAccount(other.ID)); got != price {
			t.Errorf("second canteen holds %d, want %d", got, price)
		}
	})
}

// TestConcurrentPurchasesNeverExceedVoucher spends one voucher from many
// goroutines at once, as purchases whose codes were accepted (a citizen
// has one live code per ledger, so the race is run past the codes):
// exactly as many purchases as the voucher holds are approved.
func TestConcurrentPurchasesNeverExceedVoucher(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		const n = 24 // purchases of 1,000 ₸; the voucher holds 12
		var wg sync.WaitGroup
		results := make([]socialwallet.PurchaseResult, n)
		errs := make([]error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = wd.w.PayForTest(context.Background(), wd.grocery, fmt.Sprintf("race-%d", i), wd.h1,
					ledger.Food, 1000_00)
			}()
		}
		wg.Wait()
		approved := int64(0)
		for i, r := range results {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if r.Status == "approved" {
				approved++
			} else if r.Reason != socialwallet.ReasonInsufficientFunds && r.Reason != ledger.ResultExceedsCredits.String() {
				t.Errorf("purchase %d = %+v", i, r)
			}
		}
		if want := 3 * mrp2026 / 1000_00; approved != want {
			t.Errorf("%d purchases approved, want %d (the voucher holds %d)", approved, want, 3*mrp2026)
		}
		v := wd.voucher(t, wd.h1, "2026-03")
		if v.Left != 3*mrp2026-approved*1000_00 || v.Left < 0 {
			t.Errorf("voucher = %+v", v)
		}
	})
}
