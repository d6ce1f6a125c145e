package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestSocialPaymentCodeLimits holds PresentPaymentCode to its contract on
// both databases: a new code revokes the earlier one of the ledger, a
// code ends at its first presentation, codes that do not exist are
// counted against the citizen's live code (revoking it at the limit) and
// the merchant, a new code starts afresh, a code that exists never costs
// the merchant, racing retries of one purchase count once, and racing
// presentations never pass a limit together.
func TestSocialPaymentCodeLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		const iin = "850401400113"
		hash := func(s string) []byte { return []byte(iin + ":" + s) }
		add := func(code string, l ledger.Ledger, maxAmount int64) {
			t.Helper()
			if ok, err := st.AddPaymentCode(ctx, hash(code), iin, l, maxAmount, now, now.Add(2*time.Hour)); err != nil || !ok {
				t.Fatalf("add %s: %v %v", code, ok, err)
			}
		}
		present := func(code, merchant, holder string, at time.Time) (store.PaymentCodeClaim, error) {
			return st.PresentPaymentCode(ctx, store.CodePresentation{Hash: hash(code), IIN: iin, Merchant: merchant,
				Holder: holder, Now: at, Window: time.Hour, CitizenAttempts: 3, MerchantFailures: 4})
		}
		// racing presents code n times at once as one purchase.
		racing := func(n int, code, merchant, holder string) []error {
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = present(code, merchant, holder, now)
				}()
			}
			wg.Wait()
			return errs
		}
		add("a", ledger.Food, 0)
		add("b", ledger.Food, 500)
		if _, err := present("a", "m1", "m1/1", now); !errors.Is(err, store.ErrWrongState) {
			t.Errorf("a code revoked by a newer one: %v, want ErrWrongState", err)
		}
		c, err := present("b", "m1", "m1/2", now)
		if err != nil || c.Ledger != ledger.Food || c.MaxAmount != 500 {
			t.Fatalf("the live code: %+v %v", c, err)
		}
		if _, err := present("b", "m2", "m2/1", now); !errors.Is(err, store.ErrWrongState) {
			t.Errorf("a code presented before: %v, want ErrWrongState", err)
		}
		if _, err := present("b", "m1", "m1/2", now); err != nil {
			t.Errorf("the same purchase again (a retry after a crash): %v", err)
		}
		// One guess, then racing retries of one purchase with one wrong
		// code: they count once, so the live code survives (2 of 3).
		add("c", ledger.Food, 0)
		if _, err := present("wrong0", "m3", "m3/x", now); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a guess: %v, want ErrNotFound", err)
		}
		for _, err := range racing(10, "wrong1", "m3", "m3/y") {
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("a retried guess: %v, want ErrNotFound", err)
			}
		}
		if _, err := present("c", "m4", "m4/1", now); err != nil {
			t.Errorf("the live code after two bad presentations: %v", err)
		}
		// The merchant's count too: m3 counted 2 of 4, so 2 more guesses
		// are looked up and the next is over the limit.
		for i := range 3 {
			want := store.ErrNotFound
			if i == 2 {
				want = store.ErrLimitReached
			}
			if _, err := present(fmt.Sprint("m3-", i), "m3", "m3/z", now); !errors.Is(err, want) {
				t.Errorf("m3's guess %d: %v, want %v", i, err, want)
			}
		}
		// A merchant's guesses revoke the victim's live code, but the
		// victim's retries of it at another merchant cost that merchant
		// nothing, and a new code pays at once.
		add("d", ledger.Food, 0)
		for i := range 3 {
			if _, err := present(fmt.Sprint("evil", i), "evil", fmt.Sprint("evil/", i), now); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("guess %d: %v, want ErrNotFound", i, err)
			}
		}
		for i := range 6 {
			if _, err := present("d", "honest", fmt.Sprint("honest/", i), now); !errors.Is(err, store.ErrWrongState) {
				t.Fatalf("the revoked code, try %d: %v, want ErrWrongState", i, err)
			}
		}
		add("e", ledger.Food, 0)
		if _, err := present("e", "honest", "honest/new", now); err != nil {
			t.Errorf("a new code at the honest merchant after the lock-out attempt: %v", err)
		}
		// Racing retries of one purchase with the right code all pass and
		// cost the merchant nothing: 4 guesses are still looked up.
		add("f", ledger.Food, 0)
		for _, err := range racing(10, "f", "m5", "m5/1") {
			if err != nil {
				t.Errorf("a retried purchase: %v", err)
			}
		}
		for i := range 4 {
			if _, err := present(fmt.Sprint("m5-", i), "m5", "m5/2", now); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("m5's guess %d: %v, want ErrNotFound", i, err)
			}
		}
		// A burst at one merchant, each naming another citizen: exactly
		// MerchantFailures look-ups.
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[string]int{}
		for i := range 60 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := st.PresentPaymentCode(ctx, store.CodePresentation{Hash: []byte{byte(i)}, IIN: fmt.Sprintf("p%d", i),
					Merchant: "burst", Holder: "burst/x", Now: now, Window: time.Hour, CitizenAttempts: 3, MerchantFailures: 4})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, store.ErrNotFound):
					got["lookup"]++
				case errors.Is(err, store.ErrLimitReached):
					got["limit"]++
				default:
					t.Errorf("burst: %v", err)
				}
			}()
		}
		wg.Wait()
		if got["lookup"] != 4 || got["limit"] != 56 {
			t.Errorf("a burst of 60: %v, want 4 look-ups", got)
		}
	})
}

// TestDeletePaymentCodes deletes the codes that expired before the cutoff,
// oldest first and at most the limit, and leaves the live ones.
func TestDeletePaymentCodes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
		for i := range 5 { // expired 5, 4, 3, 2 and 1 days ago, each of another citizen
			made := now.Add(-time.Duration(5-i) * 24 * time.Hour)
			if ok, err := st.AddPaymentCode(ctx, []byte{byte(i)}, fmt.Sprint("old", i), ledger.Food, 0, made.Add(-time.Minute), made); err != nil || !ok {
				t.Fatalf("add %d: %v %v", i, ok, err)
			}
		}
		if ok, err := st.AddPaymentCode(ctx, []byte("live"), "live", ledger.Food, 0, now, now.Add(5*time.Minute)); err != nil || !ok {
			t.Fatalf("add live: %v %v", ok, err)
		}
		cutoff := now.Add(-36 * time.Hour)
		for _, want := range []int{2, 2, 0} {
			if n, err := st.DeletePaymentCodes(ctx, cutoff, 2); err != nil || n != want {
				t.Errorf("DeletePaymentCodes = %d, %v; want %d", n, err, want)
			}
		}
		// The one expired a day ago stays until its day has passed.
		if _, err := st.PresentPaymentCode(ctx, store.CodePresentation{Hash: []byte{4}, IIN: "old4", Merchant: "m",
			Holder: "m/1", Now: now, Window: time.Hour, CitizenAttempts: 3, MerchantFailures: 4}); !errors.Is(err, store.ErrTooLate) {
			t.Errorf("the code expired a day ago: %v, want ErrTooLate", err)
		}
		if _, err := st.PresentPaymentCode(ctx, store.CodePresentation{Hash: []byte("live"), IIN: "live", Merchant: "m",
			Holder: "m/2", Now: now, Window: time.Hour, CitizenAttempts: 3, MerchantFailures: 4}); err != nil {
			t.Errorf("the live code after the deletion: %v", err)
		}
	})
}
