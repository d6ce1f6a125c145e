package socialwallet_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
)

// TestPaymentCodeBoundToCitizen: a code is the citizen's: the same digits
// with another IIN are no code, the IIN is required, and the QR's text
// carries it.
func TestPaymentCodeBoundToCitizen(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		c := wd.issue(t, wd.h1, ledger.Food, 0)
		if c.QR != "ortaq-pay:"+wd.h1+":"+c.Code || len(c.Code) != 6 || c.IIN != wd.h1 {
			t.Fatalf("code = %+v", c)
		}
		if r := wd.buyAs(t, wd.grocery, socialwallet.PurchaseRequest{ID: "b0", IIN: wd.h2, Code: c.Code, Amount: 1_00}); r.Reason != socialwallet.ReasonCodeInvalid {
			t.Errorf("h1's digits with h2's IIN = %+v, want code_invalid", r)
		}
		for _, bad := range []socialwallet.PurchaseRequest{
			{ID: "b1", Code: c.Code, Amount: 1_00},                      // no IIN
			{ID: "b1", IIN: "123456789012", Code: c.Code, Amount: 1_00}, // not an IIN
			{ID: "b1", IIN: wd.h2, Code: c.QR, Amount: 1_00},            // another IIN than the QR's
		} {
			if _, err := wd.w.Purchase(context.Background(), wd.grocery, bad); !errors.Is(err, socialwallet.ErrRequest) {
				t.Errorf("%+v: %v, want ErrRequest", bad, err)
			}
		}
		if r := wd.buyAs(t, wd.grocery, socialwallet.PurchaseRequest{ID: "b1", IIN: wd.h1, Code: c.Code[:3] + " " + c.Code[3:], Amount: 1_00}); r.Status != "approved" {
			t.Errorf("digits with the IIN = %+v, want approved", r)
		}
		d := wd.issue(t, wd.h1, ledger.Food, 0)
		if r := wd.buyAs(t, wd.grocery, socialwallet.PurchaseRequest{ID: "b2", IIN: wd.h1, Code: d.QR, Amount: 1_00}); r.Status != "approved" {
			t.Errorf("the QR's text with the same IIN = %+v, want approved", r)
		}
	})
}

// TestNewCodeRevokesEarlier: one live code per citizen and ledger.
func TestNewCodeRevokesEarlier(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		first := wd.code(t, wd.h1, ledger.Food)
		medicine := wd.code(t, wd.h1, ledger.Medicine)
		second := wd.code(t, wd.h1, ledger.Food)
		if r := wd.buy(t, wd.grocery, "r1", first, 1_00); r.Reason != socialwallet.ReasonCodeUsed {
			t.Errorf("the earlier code = %+v, want code_used", r)
		}
		if r := wd.buy(t, wd.grocery, "r2", second, 1_00); r.Status != "approved" {
			t.Errorf("the newer code = %+v, want approved", r)
		}
		// Another ledger's code lives on: it reaches the vouchers (none).
		if r := wd.buy(t, wd.pharmacy, "r3", medicine, 1_00); r.Reason != socialwallet.ReasonInsufficientFunds {
			t.Errorf("the medicine code = %+v, want insufficient_funds", r)
		}
	})
}

// TestCodeEndsAtFirstPresentation: a refusal ends the code too, so a
// merchant cannot probe the balance with it, and the citizen's limit
// refuses more and ends the code.
func TestCodeEndsAtFirstPresentation(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		probe := wd.code(t, wd.h1, ledger.Food)
		if r := wd.buy(t, wd.grocery, "p1", probe, 10*mrp2026); r.Reason != socialwallet.ReasonInsufficientFunds {
			t.Fatalf("too much = %+v, want insufficient_funds", r)
		}
		if r := wd.buy(t, wd.grocery, "p2", probe, 10_00); r.Reason != socialwallet.ReasonCodeUsed {
			t.Errorf("the same code again for less = %+v, want code_used", r)
		}
		capped := wd.issue(t, wd.h1, ledger.Food, 50_00)
		if capped.MaxAmount != 50_00 {
			t.Fatalf("code = %+v", capped)
		}
		if r := wd.buy(t, wd.grocery, "p3", capped.QR, 50_01); r.Reason != socialwallet.ReasonExceedsCodeLimit {
			t.Errorf("above the code's limit = %+v, want exceeds_code_limit", r)
		}
		if r := wd.buy(t, wd.grocery, "p3", capped.QR, 50_01); r.Reason != socialwallet.ReasonExceedsCodeLimit {
			t.Errorf("its retry = %+v, want the stored exceeds_code_limit", r)
		}
		if r := wd.buy(t, wd.grocery, "p4", capped.QR, 10_00); r.Reason != socialwallet.ReasonCodeUsed {
			t.Errorf("the capped code after its refusal = %+v, want code_used", r)
		}
		if v := wd.voucher(t, wd.h1, "2026-03"); v.Left != 3*mrp2026 {
			t.Errorf("refusals moved money: %+v", v)
		}
		if r := wd.buy(t, wd.grocery, "p5", wd.issue(t, wd.h1, ledger.Food, 50_00).QR, 50_00); r.Status != "approved" {
			t.Errorf("at the code's limit = %+v, want approved", r)
		}
		wd.clock.Add(socialwallet.CodeTTL)
		if r := wd.buy(t, wd.grocery, "p6", wd.code(t, wd.h1, ledger.Food), 1_00); r.Status != "approved" {
			t.Errorf("a fresh code = %+v", r)
		}
	})
}

// guess is a code that is not c.
func guess(c string, i int) string {
	g := fmt.Sprintf("%06d", i)
	if g == c {
		g = fmt.Sprintf("%06d", i+500_000)
	}
	return g
}

// TestCitizenAttempts: CitizenAttempts presentations of codes that do
// not exist naming an IIN revoke the citizen's live code, but no merchant
// can lock the citizen out: a new code pays at once, and the citizen's
// retries of the revoked code never count against the honest merchant.
func TestCitizenAttempts(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		good := wd.issue(t, wd.h2, ledger.Food, 0)
		ms := []socialwallet.Merchant{wd.grocery, wd.owned}
		for i := range socialwallet.CitizenAttempts {
			r := wd.buyAs(t, ms[i%2], socialwallet.PurchaseRequest{ID: fmt.Sprintf("g%d", i), IIN: wd.h2, Code: guess(good.Code, i), Amount: 1_00})
			if r.Reason != socialwallet.ReasonCodeInvalid {
				t.Fatalf("guess %d = %+v, want code_invalid", i, r)
			}
		}
		if r := wd.buy(t, wd.grocery, "g-good", good.QR, 1_00); r.Reason != socialwallet.ReasonCodeUsed {
			t.Errorf("the right code after %d guesses = %+v, want code_used (revoked)", socialwallet.CitizenAttempts, r)
		}
		// Another citizen is not concerned.
		if r := wd.buy(t, wd.grocery, "h1-1", wd.code(t, wd.h1, ledger.Food), 1_00); r.Status != "approved" {
			t.Errorf("another citizen = %+v, want approved", r)
		}
		// The victim retries the revoked code at the honest pharmacy more
		// often than a merchant may fail: never too_many_attempts there.
		for i := range socialwallet.MerchantFailures + 1 {
			r := wd.buy(t, wd.pharmacy, fmt.Sprintf("v%d", i), good.QR, 1_00)
			if r.Reason != socialwallet.ReasonCodeUsed {
				t.Fatalf("the victim's retry %d = %+v, want code_used", i, r)
			}
		}
		// A new code made at the till pays at once, without waiting.
		if r := wd.buy(t, wd.grocery, "g-new", wd.code(t, wd.h2, ledger.Food), 1_00); r.Status != "approved" {
			t.Errorf("a new code after the guesses = %+v, want approved", r)
		}
		// A new code starts afresh: CitizenAttempts-1 guesses leave it live.
		fresh := wd.issue(t, wd.h2, ledger.Food, 0)
		for i := range socialwallet.CitizenAttempts - 1 {
			r := wd.buyAs(t, wd.owned, socialwallet.PurchaseRequest{ID: fmt.Sprintf("f%d", i), IIN: wd.h2, Code: guess(fresh.Code, 200+i), Amount: 1_00})
			if r.Reason != socialwallet.ReasonCodeInvalid {
				t.Fatalf("guess %d at the fresh code = %+v, want code_invalid", i, r)
			}
		}
		if r := wd.buy(t, wd.grocery, "f-good", fresh.QR, 1_00); r.Status != "approved" {
			t.Errorf("the fresh code after %d guesses = %+v, want approved", socialwallet.CitizenAttempts-1, r)
		}
	})
}

// TestMerchantFailures: a merchant's presentations that found no code are
// limited, even spread over many citizens; another merchant is not
// concerned, and the good code refused so was not spent.
func TestMerchantFailures(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		good := wd.code(t, wd.h2, ledger.Food)
		for i := range socialwallet.MerchantFailures {
			r := wd.buyAs(t, wd.owned, socialwallet.PurchaseRequest{ID: fmt.Sprintf("g%d", i), IIN: iin(t, 1970, 1, 1, 100+i),
				Code: "123456", Amount: 1_00})
			if r.Reason != socialwallet.ReasonCodeInvalid {
				t.Fatalf("guess %d = %+v, want code_invalid", i, r)
			}
		}
		if r := wd.buy(t, wd.owned, "g-good", good, 1_00); r.Reason != socialwallet.ReasonTooManyAttempts {
			t.Errorf("after %d bad codes = %+v, want too_many_attempts", socialwallet.MerchantFailures, r)
		}
		if r := wd.buy(t, wd.grocery, "g-good", good, 1_00); r.Status != "approved" {
			t.Errorf("the same code at another merchant = %+v, want approved", r)
		}
		wd.clock.Add(socialwallet.AttemptWindow)
		if r := wd.buy(t, wd.owned, "g-after", wd.code(t, wd.h2, ledger.Food), 1_00); r.Status != "approved" {
			t.Errorf("after the window = %+v, want approved", r)
		}
	})
}

// TestGuessBurstsAreCounted sends bursts of guesses at once: the counters
// are atomic, so no more guesses reach the codes than the limits allow
// (before, a burst of 200 got 55 through a limit of 10).
func TestGuessBurstsAreCounted(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		burst := func(n int, req func(i int) (socialwallet.Merchant, socialwallet.PurchaseRequest)) map[string]int {
			var mu sync.Mutex
			var wg sync.WaitGroup
			got := map[string]int{}
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					m, r := req(i)
					res, err := wd.w.Purchase(context.Background(), m, r)
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						t.Error(err)
					}
					got[res.Reason]++
				}()
			}
			wg.Wait()
			return got
		}
		// One merchant, many citizens.
		iins := make([]string, 200)
		for i := range iins {
			iins[i] = iin(t, 1970, 1, 1+i/100, i%100)
		}
		got := burst(len(iins), func(i int) (socialwallet.Merchant, socialwallet.PurchaseRequest) {
			return wd.owned, socialwallet.PurchaseRequest{ID: fmt.Sprintf("m%d", i), IIN: iins[i], Code: "123456", Amount: 1_00}
		})
		if got[socialwallet.ReasonCodeInvalid] != socialwallet.MerchantFailures || got[socialwallet.ReasonTooManyAttempts] != len(iins)-socialwallet.MerchantFailures {
			t.Errorf("a merchant's burst of %d guesses: %v; want %d looked up", len(iins), got, socialwallet.MerchantFailures)
		}
		// One citizen, three merchants.
		good := wd.issue(t, wd.h1, ledger.Food, 0)
		ms := []socialwallet.Merchant{wd.grocery, wd.pharmacy, wd.canteen}
		// Fewer than each merchant's limit, so that the right code is
		// then refused for the citizen's count alone.
		got = burst(12, func(i int) (socialwallet.Merchant, socialwallet.PurchaseRequest) {
			return ms[i%3], socialwallet.PurchaseRequest{ID: fmt.Sprintf("c%d", i), IIN: wd.h1, Code: guess(good.Code, i), Amount: 1_00}
		})
		if got[socialwallet.ReasonCodeInvalid] != 12 {
			t.Errorf("a burst of 12 guesses at one citizen: %v; want all code_invalid", got)
		}
		if r := wd.buy(t, wd.grocery, "late", good.QR, 1_00); r.Reason != socialwallet.ReasonCodeUsed {
			t.Errorf("the citizen's right code after the burst = %+v, want code_used (revoked)", r)
		}
	})
}

// TestPurchaseIDReuse: a retry with the same amount and code returns the
// stored result; another amount or code under the same id is refused and
// changes nothing.
func TestPurchaseIDReuse(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		wd.fund(t, "2026-03")
		c := wd.issue(t, wd.h1, ledger.Food, 0)
		first := wd.buy(t, wd.grocery, "s1", c.QR, 100_00)
		if first.Status != "approved" {
			t.Fatalf("purchase = %+v", first)
		}
		// The same code as digits with the IIN is the same code.
		again := wd.buyAs(t, wd.grocery, socialwallet.PurchaseRequest{ID: "s1", IIN: wd.h1, Code: c.Code, Amount: 100_00})
		if again.Status != "approved" || len(again.Transfers) != 1 || again.Transfers[0] != first.Transfers[0] {
			t.Errorf("exact retry = %+v, want %+v", again, first)
		}
		if r := wd.buy(t, wd.grocery, "s1", c.QR, 1_00); r.Status != "refused" || r.Reason != socialwallet.ReasonDifferentFields || len(r.Transfers) != 0 {
			t.Errorf("the id with another amount = %+v, want exists_with_different_fields", r)
		}
		other := wd.code(t, wd.h1, ledger.Food)
		if r := wd.buy(t, wd.grocery, "s1", other, 100_00); r.Reason != socialwallet.ReasonDifferentFields {
			t.Errorf("the id with another code = %+v, want exists_with_different_fields", r)
		}
		if v := wd.voucher(t, wd.h1, "2026-03"); v.Left != 3*mrp2026-100_00 {
			t.Errorf("voucher = %+v", v)
		}
		// The other code was not presented: it is still good.
		if r := wd.buy(t, wd.grocery, "s2", other, 1_00); r.Status != "approved" {
			t.Errorf("the other code under a new id = %+v, want approved", r)
		}
	})
}

func FuzzParseCode(f *testing.F) {
	f.Add("", "ortaq-pay:850401400113:123456")
	f.Add("850401400113", "123 456")
	f.Add("850401400113", "ortaq-pay:123456")
	f.Add("850401400113", "ortaq-pay:950401400113:1-2-3")
	f.Add("x", "ortaq-pay::")
	f.Fuzz(func(t *testing.T, iinIn, code string) {
		iin, digits, err := socialwallet.ParseCode(iinIn, code)
		if err != nil {
			if !errors.Is(err, socialwallet.ErrRequest) {
				t.Fatalf("error %v is not ErrRequest", err)
			}
			return
		}
		if !kz.ValidIIN(iin) || strings.ContainsAny(digits, " -") {
			t.Fatalf("ParseCode(%q, %q) = %q, %q", iinIn, code, iin, digits)
		}
	})
}
