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
// code ends at its first presentation, the citizen's attempts are counted
// before the look-up and their limit revokes the live codes, and racing
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
		// Three attempts are counted (a, b, b): the next is over the limit
		// until an approved purchase resets the count.
		if _, err := present("b", "m1", "m1/2", now); !errors.Is(err, store.ErrLimitReached) {
			t.Errorf("a fourth attempt: %v, want ErrLimitReached", err)
		}
		if err := st.ResetCodeAttempts(ctx, iin); err != nil {
			t.Fatal(err)
		}
		if _, err := present("b", "m1", "m1/2", now); err != nil {
			t.Errorf("the same purchase again (a retry after a crash): %v", err)
		}
		if err := st.ResetCodeAttempts(ctx, iin); err != nil {
			t.Fatal(err)
		}
		add("c", ledger.Food, 0)
		for i := range 3 {
			if _, err := present(fmt.Sprint("wrong", i), "m3", "m3/x", now); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("guess %d: %v, want ErrNotFound", i, err)
			}
		}
		if _, err := present("c", "m4", "m4/1", now); !errors.Is(err, store.ErrLimitReached) {
			t.Errorf("the right code past the citizen's attempts: %v, want ErrLimitReached", err)
		}
		later := now.Add(time.Hour + time.Second) // the window passed, the code has not expired
		if _, err := present("c", "m4", "m4/2", later); !errors.Is(err, store.ErrWrongState) {
			t.Errorf("the code after the limit was reached: %v, want ErrWrongState (revoked)", err)
		}
		if _, err := present("zzz", "m4", "m4/3", now.Add(3*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after the window: %v, want ErrNotFound", err)
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
