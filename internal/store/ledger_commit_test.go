package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestLedgerTwoWriters has two stores (two processes, say) on one
// database write the same account in turn: each committer's cache of the
// accounts must see the other's batches, or the second spend would pass on
// a stale balance.
func TestLedgerTwoWriters(t *testing.T) {
	for _, db := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "ortaq.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := db.dsn(t)
			open := func() *store.Store {
				st, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				if _, err := st.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				return st
			}
			a, b := open(), open()
			ledgerAccounts(t, a)
			mustTransfer(t, a, fund("tw0", 1000))
			spend := func(st *store.Store, k string, amount int64) ledger.Result {
				rs, err := st.CreateLedgerTransfers(ctx, []ledger.Transfer{{ID: ledger.IDOf(k), DebitAccount: acCitizen,
					CreditAccount: acGrocery, Amount: amount, Ledger: ledger.Food, UserData: "purchase:" + k}})
				if err != nil {
					t.Fatal(err)
				}
				return rs[0]
			}
			got := []ledger.Result{spend(a, "tw1", 600), spend(b, "tw2", 300), spend(a, "tw3", 300), spend(b, "tw4", 100)}
			want := "[ok ok exceeds_credits ok]"
			if fmt.Sprint(got) != want {
				t.Errorf("spends %v, want %v", got, want)
			}
			// Batches that open an account and are large enough that
			// their callers read the accounts ahead of the committer,
			// which must not take what it read for current once the other
			// writer spent: 1,000 more, then a reads ahead, b spends
			// 64 × 10 and a's 64 × 10 find only 360 left.
			mustTransfer(t, b, fund("tw5", 1000))
			spendMany := func(st *store.Store, k string, between func()) (ok int) {
				ts := make([]ledger.Transfer, 64)
				for i := range ts {
					key := fmt.Sprintf("%s-%d", k, i)
					ts[i] = ledger.Transfer{ID: ledger.IDOf(key), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 10,
						Ledger: ledger.Food, UserData: "purchase:" + key}
				}
				till := ledger.Account{ID: ledger.IDOf(k + "-till"), Ledger: ledger.Food, Code: 4, UserData: "till " + k}
				_, rs, err := store.CreateLedgerAccountsAndTransfersAfter(ctx, st, []ledger.Account{till}, ts, between)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rs {
					if r == ledger.ResultOK {
						ok++
					}
				}
				return ok
			}
			var second int
			first := spendMany(a, "tw6", func() { second = spendMany(b, "tw7", func() {}) })
			if first != 36 || second != 64 {
				t.Errorf("batches of 64 spent %d after %d read ahead before it, want 36 after 64", first, second)
			}
			mustVerify(t, a)
		})
	}
}

// TestLedgerGroupFailsOnlyItsBatch sends batches at once, one of which the
// database may refuse (a NUL byte in user data, which PostgreSQL does not
// store): the others are applied, and a batch whose call failed left
// nothing behind.
func TestLedgerGroupFailsOnlyItsBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ledgerAccounts(t, st)
		const clients = 16
		errs := make([]error, clients)
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var ts []ledger.Transfer
				for i := range 5 {
					tr := fund(fmt.Sprintf("g%d-%d", c, i), 10)
					tr.UserData = "decision:1"
					if c == 7 && i == 3 {
						tr.UserData = "bad\x00byte"
					}
					ts = append(ts, tr)
				}
				_, errs[c] = st.CreateLedgerTransfers(ctx, ts)
			}()
		}
		wg.Wait()
		applied := 0
		for c := range clients {
			var ids []ledger.ID
			for i := range 5 {
				ids = append(ids, ledger.IDOf(fmt.Sprintf("g%d-%d", c, i)))
			}
			ts, err := st.LedgerTransfers(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case errs[c] != nil && len(ts) != 0:
				t.Errorf("client %d failed (%v) but %d of its transfers are stored", c, errs[c], len(ts))
			case errs[c] == nil && len(ts) != 5:
				t.Errorf("client %d succeeded but %d of its 5 transfers are stored", c, len(ts))
			case errs[c] != nil && c != 7:
				t.Errorf("client %d failed with the bad batch: %v", c, errs[c])
			}
			applied += len(ts)
		}
		if c := account(t, st, acCitizen); c.CreditsPosted != int64(applied*10) {
			t.Errorf("citizen credited %d for %d transfers", c.CreditsPosted, applied)
		}
		mustVerify(t, st)
	})
}

// TestLedgerRetryInChain retries a spent transfer at the head of a chain:
// taken for new it would overdraw and fail the chain; it exists, so the
// chain goes through.
func TestLedgerRetryInChain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ledgerAccounts(t, st)
		mustTransfer(t, st, fund("rc0", 500))
		spend := ledger.Transfer{ID: ledger.IDOf("rc1"), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 500,
			Ledger: ledger.Food, UserData: "purchase:rc1"}
		mustTransfer(t, st, spend)
		mustTransfer(t, st, fund("rc2", 100))
		pair := []ledger.Transfer{
			{ID: ledger.IDOf("rc3"), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 100, Ledger: ledger.Food,
				Flags: ledger.Linked, UserData: "purchase:rc3"},
			fund("rc4", 50),
		}
		mustTransfer(t, st, pair...)
		// The citizen holds 50 now: rc3 taken for new would overdraw.
		rs, err := st.CreateLedgerTransfers(context.Background(), pair)
		if err != nil || fmt.Sprint(rs) != "[exists exists]" {
			t.Errorf("retry of a chain: %v, %v", rs, err)
		}
		rs, err = st.CreateLedgerTransfers(context.Background(), []ledger.Transfer{pair[0], fund("rc5", 7)})
		if err != nil || fmt.Sprint(rs) != "[exists ok]" {
			t.Errorf("a stored head and a new tail: %v, %v", rs, err)
		}
		if c := account(t, st, acCitizen); c.CreditsPosted != 657 {
			t.Errorf("citizen %+v", c)
		}
		mustVerify(t, st)
	})
}
