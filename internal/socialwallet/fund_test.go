package socialwallet_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
)

func TestFundIdempotent(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		first := wd.fund(t, "2026-03")
		want := socialwallet.FundReport{Month: "2026-03", Households: 3, Payouts: 4, Vouchers: 2,
			Cash: (20000 + 15000 + 50000 + 100000) * 100, Earmarked: mrp2026 * (3 + 2), Refused: map[string]int{}}
		if diff := cmp.Diff(want, first, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("first run (-want +got):\n%s", diff)
		}
		again := wd.fund(t, "2026-03")
		want = socialwallet.FundReport{Month: "2026-03", Households: 3, Existing: 6}
		if diff := cmp.Diff(want, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("second run changed something (-want +got):\n%s", diff)
		}
		if got := wd.balance(t, socialwallet.CashAccount(wd.h1)); got != 20000*100 {
			t.Errorf("cash of h1 = %d, want %d", got, 20000*100)
		}
		// Voucher = МРП × members.
		v := wd.voucher(t, wd.h1, "2026-03")
		if v.Amount != 3*mrp2026 || v.Left != 3*mrp2026 || v.State != "active" || v.Ledger != ledger.Food {
			t.Errorf("voucher of h1 = %+v, want %d left, active", v, 3*mrp2026)
		}
		if want := time.Date(2026, 3, 30, 0, 0, 0, 0, time.FixedZone("", 5*3600)); !v.ExpiresAt.Equal(want) {
			t.Errorf("voucher expires %s, want the end of the 29th in Almaty (%s)", v.ExpiresAt, want)
		}
		// The next month pays the monthly programmes again, not the once.
		next := wd.fund(t, "2026-04")
		if next.Payouts != 2 || next.Vouchers != 2 || next.Existing != 2 || len(next.Refused) != 0 {
			t.Errorf("April = %+v, want 2 payouts, 2 vouchers, the birth grants existing", next)
		}
		// Before the decision: nothing.
		if before := wd.fund(t, "2026-02"); before.Payouts+before.Vouchers+before.Existing != 0 {
			t.Errorf("February, before the decision = %+v", before)
		}
	})
}

func TestFundWithoutMoney(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		// Spend the asp food appropriation: vouchers are refused by the
		// ledger, nothing is recorded, and a later run funds them.
		ctx := context.Background()
		wd.fund(t, "2026-03")
		rep := wd.fund(t, "2026-05")
		if rep.Vouchers != 2 || len(rep.Refused) != 0 {
			t.Fatalf("May = %+v", rep)
		}
		if err := wd.w.Appropriate(ctx, "asp", ledger.Food, 5, "budget-2026"); err == nil {
			t.Error("Appropriate with another amount under the same reference succeeded")
		}
	})
}

func TestExpireReturnsWhatIsLeft(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		wd.fund(t, "2026-03")
		prog := socialwallet.ProgrammeAccount("asp", ledger.Food)
		before := wd.balance(t, prog)
		if r := wd.buy(t, wd.grocery, "p1", wd.code(t, wd.h1, ledger.Food), 500_00); r.Status != "approved" {
			t.Fatalf("purchase = %+v", r)
		}
		left := 3*mrp2026 - 500_00
		if n, tiyn, err := wd.w.Expire(ctx, wd.clock.Now()); err != nil || n != 0 || tiyn != 0 {
			t.Fatalf("Expire before the 29th = %d, %d, %v", n, tiyn, err)
		}
		wd.clock.Set(time.Date(2026, 3, 30, 0, 0, 0, 0, almaty))
		n, tiyn, err := wd.w.Expire(ctx, wd.clock.Now())
		if err != nil || n != 2 || tiyn != left+2*mrp2026 {
			t.Fatalf("Expire = %d, %d, %v; want 2 vouchers, %d", n, tiyn, err, left+2*mrp2026)
		}
		if got := wd.balance(t, prog); got != before+left+2*mrp2026 {
			t.Errorf("programme = %d, want %d", got, before+left+2*mrp2026)
		}
		v := wd.voucher(t, wd.h1, "2026-03")
		if v.State != "expired" || v.Returned != left || v.Spent != 500_00 || v.Left != 0 {
			t.Errorf("voucher after expiry = %+v", v)
		}
		if n, tiyn, err := wd.w.Expire(ctx, wd.clock.Now()); err != nil || n != 0 || tiyn != 0 {
			t.Errorf("Expire again = %d, %d, %v", n, tiyn, err)
		}
		// A late code finds nothing to spend.
		if r := wd.buy(t, wd.grocery, "p2", wd.code(t, wd.h1, ledger.Food), 1_00); r.Reason != socialwallet.ReasonInsufficientFunds {
			t.Errorf("purchase after expiry = %+v", r)
		}
	})
}

// TestExpireReturnsStrandedRefunds simulates a refund credited to a
// voucher after Expire swept it (a refund racing the sweep, or one a
// crash left pending and retried after expiry): the next Expire returns
// it, once per credit, within ResweepWindow.
func TestExpireReturnsStrandedRefunds(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		wd.fund(t, "2026-03")
		prog := socialwallet.ProgrammeAccount("asp", ledger.Food)
		if r := wd.buy(t, wd.grocery, "p1", wd.code(t, wd.h1, ledger.Food), 500_00); r.Status != "approved" {
			t.Fatalf("purchase = %+v", r)
		}
		left := 3*mrp2026 - 500_00
		wd.clock.Set(time.Date(2026, 3, 30, 0, 0, 0, 0, almaty))
		if n, _, err := wd.w.Expire(ctx, wd.clock.Now()); err != nil || n != 2 {
			t.Fatalf("Expire = %d, %v", n, err)
		}
		vs, err := wd.st.WalletVouchersOf(ctx, wd.h1, 10)
		if err != nil || len(vs) != 1 {
			t.Fatalf("vouchers of h1 = %+v, %v", vs, err)
		}
		account := vs[0].Account
		// credit sends what the refund's planned transfer sends: merchant
		// → the voucher, now expired.
		credit := func(id string, tiyn int64) {
			t.Helper()
			rs, err := wd.st.CreateLedgerTransfers(ctx, []ledger.Transfer{{ID: ledger.IDOf(id),
				DebitAccount: socialwallet.MerchantAccount(wd.grocery.ID), CreditAccount: account, Amount: tiyn,
				Ledger: ledger.Food, Code: socialwallet.TransferRefund}})
			if err != nil || !rs[0].Applied() {
				t.Fatalf("credit %s: %v %v", id, rs, err)
			}
		}
		for i, tiyn := range []int64{200_00, 50_00} {
			credit(fmt.Sprint("late-refund-", i), tiyn)
			if n, _, err := wd.w.Expire(ctx, wd.clock.Now()); err != nil || n != 0 {
				t.Errorf("Expire within the hour of its last look = %d, %v; want it to wait", n, err)
			}
			wd.clock.Add(time.Hour) // Expire looks again once an hour
			before := wd.balance(t, prog)
			if n, got, err := wd.w.Expire(ctx, wd.clock.Now()); err != nil || n != 1 || got != tiyn {
				t.Errorf("Expire after late refund %d = %d, %d, %v; want 1, %d", i, n, got, err, tiyn)
			}
			if got := wd.balance(t, account); got != 0 {
				t.Errorf("the voucher holds %d after the sweep", got)
			}
			if got := wd.balance(t, prog); got != before+tiyn {
				t.Errorf("programme = %d, want %d", got, before+tiyn)
			}
			if n, got, err := wd.w.Expire(ctx, wd.clock.Now()); err != nil || n != 0 || got != 0 {
				t.Errorf("Expire again = %d, %d, %v", n, got, err)
			}
		}
		if v := wd.voucher(t, wd.h1, "2026-03"); v.Returned != left+250_00 || v.Left != 0 {
			t.Errorf("voucher after the late refunds = %+v, returned want %d", v, left+250_00)
		}
		// Beyond the window Expire no longer looks.
		wd.clock.Add(socialwallet.ResweepWindow)
		credit("too-late", 1_00)
		if n, got, err := wd.w.Expire(ctx, wd.clock.Now()); err != nil || n != 0 || got != 0 {
			t.Errorf("Expire past the window = %d, %d, %v; want nothing", n, got, err)
		}
	})
}
