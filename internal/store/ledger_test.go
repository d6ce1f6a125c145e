package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// Accounts of the ledger tests: a food budget line, a citizen's food
// voucher account, a grocery, a pharmacy on the medicine ledger and its
// budget line.
var (
	acFund     = ledger.IDOf("test:fund:food")
	acCitizen  = ledger.IDOf("test:citizen:food")
	acGrocery  = ledger.IDOf("test:grocery:food")
	acPharmacy = ledger.IDOf("test:pharmacy:medicine")
	acMedFund  = ledger.IDOf("test:fund:medicine")
)

func ledgerAccounts(tb testing.TB, st *store.Store) {
	tb.Helper()
	as := []ledger.Account{
		{ID: acFund, Ledger: ledger.Food, Code: 1, Flags: ledger.DebitsMayExceedCredits, UserData: "budget food"},
		{ID: acCitizen, Ledger: ledger.Food, Code: 3, UserData: "880514300123"},
		{ID: acGrocery, Ledger: ledger.Food, Code: 4, UserData: "grocery"},
		{ID: acPharmacy, Ledger: ledger.Medicine, Code: 4, UserData: "pharmacy"},
		{ID: acMedFund, Ledger: ledger.Medicine, Code: 1, Flags: ledger.DebitsMayExceedCredits},
	}
	rs, err := st.CreateLedgerAccounts(context.Background(), as)
	if err != nil {
		tb.Fatal(err)
	}
	for i, r := range rs {
		if r != ledger.ResultOK {
			tb.Fatalf("account %d: %v", i, r)
		}
	}
}

func mustTransfer(tb testing.TB, st *store.Store, ts ...ledger.Transfer) {
	tb.Helper()
	rs, err := st.CreateLedgerTransfers(context.Background(), ts)
	if err != nil {
		tb.Fatal(err)
	}
	for i, r := range rs {
		if r != ledger.ResultOK {
			tb.Fatalf("transfer %d: %v", i, r)
		}
	}
}

func account(tb testing.TB, st *store.Store, id ledger.ID) ledger.Account {
	tb.Helper()
	as, err := st.LedgerAccounts(context.Background(), []ledger.ID{id})
	if err != nil || len(as) != 1 {
		tb.Fatalf("account %s: %v, %d found", id, err, len(as))
	}
	return as[0]
}

// discrepancies verifies the ledger and returns what it found, as text.
func discrepancies(tb testing.TB, st *store.Store) []string {
	tb.Helper()
	ds, err := st.VerifyLedger(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.String())
	}
	return got
}

func mustVerify(tb testing.TB, st *store.Store) {
	tb.Helper()
	for _, d := range discrepancies(tb, st) {
		tb.Errorf("verify: %s", d)
	}
}

// fund credits the citizen with amount from the food budget.
func fund(key string, amount int64) ledger.Transfer {
	return ledger.Transfer{ID: ledger.IDOf(key), DebitAccount: acFund, CreditAccount: acCitizen, Amount: amount, Ledger: ledger.Food, Code: 1,
		UserData: "decision:" + key}
}

func TestLedgerAccounts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ledgerAccounts(t, st)
		rs, err := st.CreateLedgerAccounts(ctx, []ledger.Account{
			{ID: acCitizen, Ledger: ledger.Food, Code: 3, UserData: "880514300123"},
			{ID: acGrocery, Ledger: ledger.Medicine, Code: 4, UserData: "grocery"},
			{ID: ledger.ID{}, Ledger: ledger.Food},
			{ID: ledger.NewID(), Ledger: 99},
			{ID: ledger.NewID(), Ledger: ledger.Cash, Flags: 64},
			{ID: ledger.NewID(), Ledger: ledger.Cash, CreditsPosted: 100},
		})
		if err != nil {
			t.Fatal(err)
		}
		want := []ledger.Result{ledger.ResultExists, ledger.ResultExistsWithDifferentFields, ledger.ResultIDMustNotBeZero,
			ledger.ResultLedgerInvalid, ledger.ResultUnknownFlags, ledger.ResultBalancesMustBeZero}
		if fmt.Sprint(rs) != fmt.Sprint(want) {
			t.Errorf("results %v, want %v", rs, want)
		}
	})
}

func TestLedgerTransferResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ledgerAccounts(t, st)
		mustTransfer(t, st, fund("seed", 10000))
		pend := ledger.Transfer{ID: ledger.IDOf("hold"), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 1000,
			Ledger: ledger.Food, Flags: ledger.Pending, UserData: "purchase:hold"}
		mustTransfer(t, st, pend)
		id := func(s string) ledger.ID { return ledger.IDOf("results:" + s) }
		tr := func(s string, dr, cr ledger.ID, amount int64, l ledger.Ledger) ledger.Transfer {
			return ledger.Transfer{ID: id(s), DebitAccount: dr, CreditAccount: cr, Amount: amount, Ledger: l, UserData: "purchase:" + s}
		}
		cases := []struct {
			name string
			t    ledger.Transfer
			want ledger.Result
		}{
			{"ok", tr("ok", acCitizen, acGrocery, 500, ledger.Food), ledger.ResultOK},
			{"exists", tr("ok", acCitizen, acGrocery, 500, ledger.Food), ledger.ResultExists},
			{"exists with different amount", tr("ok", acCitizen, acGrocery, 501, ledger.Food), ledger.ResultExistsWithDifferentFields},
			{"zero id", ledger.Transfer{DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 1, Ledger: ledger.Food}, ledger.ResultIDMustNotBeZero},
			{"same account", tr("same", acCitizen, acCitizen, 1, ledger.Food), ledger.ResultAccountsMustDiffer},
			{"zero amount", tr("zero", acCitizen, acGrocery, 0, ledger.Food), ledger.ResultAmountMustBePositive},
			{"negative amount", tr("neg", acCitizen, acGrocery, -5, ledger.Food), ledger.ResultAmountMustBePositive},
			{"no debit account", tr("nodr", ledger.ID{}, acGrocery, 1, ledger.Food), ledger.ResultDebitAccountIDMustNotBeZero},
			{"unknown debit account", tr("unkdr", ledger.IDOf("nobody"), acGrocery, 1, ledger.Food), ledger.ResultDebitAccountNotFound},
			{"unknown credit account", tr("unkcr", acCitizen, ledger.IDOf("nobody"), 1, ledger.Food), ledger.ResultCreditAccountNotFound},
			{"food voucher at a pharmacy", tr("pharm", acCitizen, acPharmacy, 100, ledger.Food), ledger.ResultLedgerMismatch},
			{"food voucher as medicine", tr("pharm2", acCitizen, acPharmacy, 100, ledger.Medicine), ledger.ResultLedgerMismatch},
			{"invalid ledger", tr("badl", acCitizen, acGrocery, 1, 42), ledger.ResultLedgerInvalid},
			// 10000 - 500 spent - 1000 held = 8500 available.
			{"overdraft", tr("over", acCitizen, acGrocery, 8501, ledger.Food), ledger.ResultExceedsCredits},
			{"all of it", tr("all", acCitizen, acGrocery, 8500, ledger.Food), ledger.ResultOK},
			{"funding may go negative", tr("fund", acFund, acCitizen, 1<<40, ledger.Food), ledger.ResultOK},
			{"overflow", tr("overflow", acFund, acCitizen, 1<<63-1, ledger.Food), ledger.ResultOverflows},
			{"timeout without pending", ledger.Transfer{ID: id("to"), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 1,
				Ledger: ledger.Food, Timeout: time.Hour}, ledger.ResultTimeoutReservedForPendingTransfer},
			{"pending id on a plain transfer", ledger.Transfer{ID: id("pid"), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 1,
				Ledger: ledger.Food, PendingID: pend.ID}, ledger.ResultPendingIDMustBeZero},
			{"post and void", ledger.Transfer{ID: id("pv"), PendingID: pend.ID, Amount: 1, Flags: ledger.PostPending | ledger.VoidPending},
				ledger.ResultFlagsAreMutuallyExclusive},
			{"unknown flag", ledger.Transfer{ID: id("uf"), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 1,
				Ledger: ledger.Food, Flags: 1 << 10}, ledger.ResultUnknownFlags},
			{"post without pending id", ledger.Transfer{ID: id("np"), Amount: 1, Flags: ledger.PostPending}, ledger.ResultPendingIDMustNotBeZero},
			{"post of unknown", ledger.Transfer{ID: id("pu"), PendingID: ledger.IDOf("nothing"), Amount: 1, Flags: ledger.PostPending},
				ledger.ResultPendingTransferNotFound},
			{"post of a posted transfer", ledger.Transfer{ID: id("pp"), PendingID: id("ok"), Amount: 1, Flags: ledger.PostPending},
				ledger.ResultPendingTransferNotPending},
			{"post too much", ledger.Transfer{ID: id("pm"), PendingID: pend.ID, Amount: 1001, Flags: ledger.PostPending},
				ledger.ResultExceedsPendingTransferAmount},
			{"post to another account", ledger.Transfer{ID: id("pa"), PendingID: pend.ID, CreditAccount: acFund, Amount: 1, Flags: ledger.PostPending},
				ledger.ResultPendingTransferHasDifferentFields},
			{"post part", ledger.Transfer{ID: id("post"), PendingID: pend.ID, Amount: 600, Flags: ledger.PostPending}, ledger.ResultOK},
			{"post again", ledger.Transfer{ID: id("post2"), PendingID: pend.ID, Amount: 1, Flags: ledger.PostPending},
				ledger.ResultPendingTransferAlreadyPosted},
			{"void after post", ledger.Transfer{ID: id("void"), PendingID: pend.ID, Flags: ledger.VoidPending},
				ledger.ResultPendingTransferAlreadyPosted},
		}
		for _, c := range cases {
			rs, err := st.CreateLedgerTransfers(ctx, []ledger.Transfer{c.t})
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if rs[0] != c.want {
				t.Errorf("%s: %v, want %v", c.name, rs[0], c.want)
			}
		}
		c := account(t, st, acCitizen)
		// Credits: 10000 + 2^40; debits posted 500 + 8500 + 600, pending 0.
		if c.CreditsPosted != 10000+1<<40 || c.DebitsPosted != 9600 || c.DebitsPending != 0 {
			t.Errorf("citizen %+v", c)
		}
		g := account(t, st, acGrocery)
		if g.CreditsPosted != 9600 || g.CreditsPending != 0 {
			t.Errorf("grocery %+v", g)
		}
		mustVerify(t, st)
	})
}

func TestLedgerRetryAndBatchOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ledgerAccounts(t, st)
		batch := []ledger.Transfer{
			fund("r1", 300),
			{ID: ledger.IDOf("r2"), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 300, Ledger: ledger.Food, UserData: "purchase:r2"},
			// Spends what the first transfer of the batch funded: in order.
			{ID: ledger.IDOf("r3"), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 1, Ledger: ledger.Food, UserData: "purchase:r3"},
			fund("r1", 300), // the same id twice in one batch
		}
		want := "[ok ok exceeds_credits exists]"
		for try := 0; try < 3; try++ {
			rs, err := st.CreateLedgerTransfers(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(rs) != want {
				t.Errorf("try %d: %v, want %v", try, rs, want)
			}
			want = "[exists exists exceeds_credits exists]"
		}
		if c := account(t, st, acCitizen); c.CreditsPosted != 300 || c.DebitsPosted != 300 {
			t.Errorf("citizen after retries %+v", c)
		}
		ts, err := st.LedgerTransfers(ctx, []ledger.ID{ledger.IDOf("r1"), ledger.IDOf("r3")})
		if err != nil || len(ts) != 1 || ts[0].Amount != 300 || ts[0].Timestamp.IsZero() {
			t.Errorf("stored transfers %+v, %v", ts, err)
		}
		mustVerify(t, st)
	})
}

func TestLedgerLinked(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ledgerAccounts(t, st)
		mustTransfer(t, st, fund("l0", 1000))
		spend := func(k string, amount int64, flags ledger.TransferFlags) ledger.Transfer {
			return ledger.Transfer{ID: ledger.IDOf(k), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: amount,
				Ledger: ledger.Food, Flags: flags, UserData: "purchase:" + k}
		}
		cases := []struct {
			batch []ledger.Transfer
			want  string
		}{
			// The chain's third transfer overdraws: the first two are undone.
			{[]ledger.Transfer{spend("a1", 400, ledger.Linked), spend("a2", 400, ledger.Linked), spend("a3", 400, 0), spend("a4", 100, 0)},
				"[linked_event_failed linked_event_failed exceeds_credits ok]"},
			// A failure in the middle fails the rest of the chain too.
			{[]ledger.Transfer{spend("b1", 100, ledger.Linked), spend("b2", 0, ledger.Linked), spend("b3", 100, 0), spend("b4", 100, 0)},
				"[linked_event_failed amount_must_be_positive linked_event_failed ok]"},
			// A chain left open at the end of the batch fails.
			{[]ledger.Transfer{spend("c1", 100, 0), spend("c2", 100, ledger.Linked), spend("c3", 100, ledger.Linked)},
				"[ok linked_event_chain_open linked_event_chain_open]"},
			// A chain that holds commits whole.
			{[]ledger.Transfer{spend("d1", 300, ledger.Linked), spend("d2", 300, 0)}, "[ok ok]"},
		}
		for i, c := range cases {
			rs, err := st.CreateLedgerTransfers(ctx, c.batch)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(rs) != c.want {
				t.Errorf("case %d: %v, want %v", i, rs, c.want)
			}
		}
		// Spent: a4 100, b4 100, c1 100, d1+d2 600.
		if c := account(t, st, acCitizen); c.DebitsPosted != 900 {
			t.Errorf("citizen %+v", c)
		}
		ts, err := st.LedgerTransfers(ctx, []ledger.ID{ledger.IDOf("a1"), ledger.IDOf("a2"), ledger.IDOf("b1"), ledger.IDOf("c2")})
		if err != nil || len(ts) != 0 {
			t.Errorf("failed chains left %d transfers (%v)", len(ts), err)
		}
		mustVerify(t, st)
	})
}

func TestLedgerPending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ledgerAccounts(t, st)
		mustTransfer(t, st, fund("p0", 1000))
		hold := func(k string, amount int64, timeout time.Duration) ledger.Transfer {
			return ledger.Transfer{ID: ledger.IDOf(k), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: amount,
				Ledger: ledger.Food, Flags: ledger.Pending, Timeout: timeout, UserData: "purchase:" + k}
		}
		mustTransfer(t, st, hold("h1", 300, 0), hold("h2", 300, time.Hour), hold("h3", 300, time.Minute+1500))
		// A retry matches although the timeout is kept in microseconds.
		if rs, err := st.CreateLedgerTransfers(ctx, []ledger.Transfer{hold("h3", 300, time.Minute+1500)}); err != nil || rs[0] != ledger.ResultExists {
			t.Errorf("retry of h3: %v, %v", rs, err)
		}
		c := account(t, st, acCitizen)
		if c.DebitsPending != 900 || c.Available() != 100 {
			t.Fatalf("after holds %+v", c)
		}
		rs, _ := st.CreateLedgerTransfers(ctx, []ledger.Transfer{hold("h4", 101, 0)})
		if rs[0] != ledger.ResultExceedsCredits {
			t.Errorf("hold over available: %v", rs[0])
		}
		// Post part of h1, void h2, let h3 expire.
		mustTransfer(t, st,
			ledger.Transfer{ID: ledger.IDOf("h1post"), PendingID: ledger.IDOf("h1"), Amount: 250, Flags: ledger.PostPending},
			ledger.Transfer{ID: ledger.IDOf("h2void"), PendingID: ledger.IDOf("h2"), Flags: ledger.VoidPending})
		n, err := st.ExpireLedgerTransfers(ctx, time.Now().Add(30*time.Minute))
		if err != nil || n != 1 {
			t.Fatalf("expired %d, %v; want 1", n, err)
		}
		if n, err := st.ExpireLedgerTransfers(ctx, time.Now().Add(2*time.Hour)); err != nil || n != 0 {
			t.Errorf("second sweep expired %d, %v; want 0", n, err)
		}
		rs, _ = st.CreateLedgerTransfers(ctx, []ledger.Transfer{
			{ID: ledger.IDOf("h3post"), PendingID: ledger.IDOf("h3"), Amount: 1, Flags: ledger.PostPending},
			{ID: ledger.IDOf("h2void"), PendingID: ledger.IDOf("h2"), Flags: ledger.VoidPending},
			{ID: ledger.IDOf("h2post"), PendingID: ledger.IDOf("h2"), Amount: 1, Flags: ledger.PostPending},
		})
		if fmt.Sprint(rs) != "[pending_transfer_expired exists pending_transfer_already_voided]" {
			t.Errorf("after fates: %v", rs)
		}
		c = account(t, st, acCitizen)
		if c.DebitsPending != 0 || c.DebitsPosted != 250 || c.Available() != 750 {
			t.Errorf("citizen %+v", c)
		}
		g := account(t, st, acGrocery)
		if g.CreditsPending != 0 || g.CreditsPosted != 250 {
			t.Errorf("grocery %+v", g)
		}
		ts, err := st.LedgerTransfers(ctx, []ledger.ID{ledger.IDOf("h1"), ledger.IDOf("h2"), ledger.IDOf("h3")})
		if err != nil || len(ts) != 3 || ts[0].State != ledger.StatePosted || ts[1].State != ledger.StateVoided || ts[2].State != ledger.StateExpired {
			t.Errorf("pending states %+v, %v", ts, err)
		}
		mustVerify(t, st)
	})
}

// TestLedgerNoOverdraftUnderConcurrency has goroutines spend one voucher at
// once: what they spend never exceeds it.
func TestLedgerNoOverdraftUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ledgerAccounts(t, st)
		const voucher, spend, workers, tries = 1000, 7, 8, 40
		mustTransfer(t, st, fund("c0", voucher))
		var mu sync.Mutex
		ok := 0
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range tries {
					tr := ledger.Transfer{ID: ledger.IDOf(fmt.Sprintf("c%d-%d", w, i)), DebitAccount: acCitizen,
						CreditAccount: acGrocery, Amount: spend, Ledger: ledger.Food, UserData: "purchase:c"}
					if i%2 == 1 {
						tr.Flags = ledger.Pending
					}
					rs, err := st.CreateLedgerTransfers(ctx, []ledger.Transfer{tr})
					if err != nil {
						t.Error(err)
						return
					}
					if rs[0] == ledger.ResultOK {
						mu.Lock()
						ok++
						mu.Unlock()
					} else if rs[0] != ledger.ResultExceedsCredits {
						t.Errorf("spend: %v", rs[0])
					}
				}
			}()
		}
		wg.Wait()
		if ok != voucher/spend {
			t.Errorf("%d spends of %d succeeded, want %d", ok, spend, voucher/spend)
		}
		c := account(t, st, acCitizen)
		if c.DebitsPosted+c.DebitsPending != int64(ok*spend) || c.Available() < 0 {
			t.Errorf("citizen %+v after %d spends", c, ok)
		}
		mustVerify(t, st)
	})
}

func TestLedgerVerifyCatchesTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ledgerAccounts(t, st)
		mustTransfer(t, st, fund("v0", 1000),
			ledger.Transfer{ID: ledger.IDOf("v1"), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 400, Ledger: ledger.Food, UserData: "purchase:v1"})
		mustVerify(t, st)
		// Someone adds a thousand tenge to the citizen's account behind
		// the ledger's back, and moves a transfer to the medicine ledger.
		v1 := ledger.IDOf("v1")
		if _, err := storetest.Exec(t, st, `UPDATE ledger_accounts SET credits_posted = credits_posted + 100000 WHERE id = ?`, acCitizen[:]); err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.Exec(t, st, `UPDATE ledger_transfers SET credit_account = ? WHERE id = ?`, acPharmacy[:], v1[:]); err != nil {
			t.Fatal(err)
		}
		got := discrepancies(t, st)
		want := []string{
			fmt.Sprintf("balance on food account %s: credits_posted stored 101000, computed 1000", acCitizen),
			fmt.Sprintf("balance on food account %s: credits_posted stored 400, computed 0", acGrocery),
			fmt.Sprintf("balance on medicine account %s: credits_posted stored 0, computed 400", acPharmacy),
			"ledger_unbalanced on food: posted debits and credits stored 1400, computed 101400",
			fmt.Sprintf("cross_ledger on food transfer %s: debit and credit ledgers stored 1, computed 3", ledger.IDOf("v1")),
			"batch_digest batch 1: transfers and fates no longer make the stored digest",
			// The moved transfer is in no chain of the pharmacy's, and
			// still the grocer's latest.
			fmt.Sprintf("history_chain on medicine account %s: transfers, links and latest stored 0, computed 1", acPharmacy),
			fmt.Sprintf("history_chain on food account %s transfer %s: latest transfer is not the account's", acGrocery, ledger.IDOf("v1")),
		}
		if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
			t.Errorf("discrepancies:\n%v\nwant\n%v", got, want)
		}
	})
}

// TestLedgerVerifyCatchesRewrittenFates: a posted hold set back to
// pending, and a post whose hold is deleted.
func TestLedgerVerifyCatchesRewrittenFates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ledgerAccounts(t, st)
		h1, h2 := ledger.IDOf("f-h1"), ledger.IDOf("f-h2")
		mustTransfer(t, st, fund("f0", 1000),
			ledger.Transfer{ID: h1, DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 100, Ledger: ledger.Food, Flags: ledger.Pending, UserData: "purchase:h1"},
			ledger.Transfer{ID: h2, DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 200, Ledger: ledger.Food, Flags: ledger.Pending, UserData: "purchase:h2"},
			ledger.Transfer{ID: ledger.IDOf("f-p1"), PendingID: h1, Amount: 100, Flags: ledger.PostPending},
			ledger.Transfer{ID: ledger.IDOf("f-v2"), PendingID: h2, Flags: ledger.VoidPending})
		mustVerify(t, st)
		if _, err := storetest.Exec(t, st, `UPDATE ledger_transfers SET state = 'pending' WHERE id = ?`, h1[:]); err != nil {
			t.Fatal(err)
		}
		if _, err := storetest.Exec(t, st, `DELETE FROM ledger_transfers WHERE id = ?`, h2[:]); err != nil {
			t.Fatal(err)
		}
		ds, err := st.VerifyLedger(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, d := range ds {
			kinds[d.Kind]++
		}
		// h1 counted pending again: the citizen's and the grocer's
		// debits_pending / credits_pending; h1 pending with a post, and
		// with the batch that posted it; the void of the deleted h2; the
		// batch's digest.
		if kinds["balance"] != 2 || kinds["pending_fate"] != 3 || kinds["ledger_unbalanced"] != 0 || kinds["batch_digest"] != 1 {
			t.Errorf("discrepancies %v", ds)
		}
	})
}

func sorted(ss []string) []string {
	out := append([]string(nil), ss...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestLedgerRandomWorkload runs random batches from several goroutines at
// once (payouts, purchases across and within ledgers, holds with timeouts,
// posts, voids, linked chains, retries of earlier transfers, expiry
// sweeps) and then requires Verify to find nothing and every retry of an
// applied transfer to report ResultExists.
func TestLedgerRandomWorkload(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		ls := []ledger.Ledger{ledger.Food, ledger.Medicine, ledger.Cash}
		funds := map[ledger.Ledger]ledger.ID{}
		people := map[ledger.Ledger][]ledger.ID{}
		var as []ledger.Account
		var all []ledger.ID
		for _, l := range ls {
			funds[l] = ledger.IDOf("rw:fund:" + l.String())
			as = append(as, ledger.Account{ID: funds[l], Ledger: l, Flags: ledger.DebitsMayExceedCredits})
			for i := range 8 {
				id := ledger.IDOf(fmt.Sprintf("rw:%s:%d", l, i))
				people[l] = append(people[l], id)
				all = append(all, id)
				as = append(as, ledger.Account{ID: id, Ledger: l})
			}
		}
		if _, err := st.CreateLedgerAccounts(ctx, as); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rnd := newRand(uint64(w + 1))
				var done []ledger.Transfer // applied, for retries
				var holds []ledger.ID
				for batch := range 40 {
					var ts []ledger.Transfer
					for i := range 1 + rnd.n(30) {
						id := ledger.IDOf(fmt.Sprintf("rw:%d:%d:%d", w, batch, i))
						l := ls[rnd.n(len(ls))]
						p := people[l]
						tr := ledger.Transfer{ID: id, Ledger: l, Amount: int64(1 + rnd.n(500)), UserData: "rw"}
						switch k := rnd.n(10); {
						case k < 3:
							tr.DebitAccount, tr.CreditAccount, tr.Amount = funds[l], p[rnd.n(len(p))], int64(100+rnd.n(1000))
						case k < 5:
							tr.DebitAccount, tr.CreditAccount = p[rnd.n(len(p))], p[rnd.n(len(p))]
						case k < 6: // perhaps across ledgers: refused
							tr.DebitAccount, tr.CreditAccount = p[rnd.n(len(p))], all[rnd.n(len(all))]
						case k < 8:
							tr.DebitAccount, tr.CreditAccount = p[rnd.n(len(p))], p[rnd.n(len(p))]
							tr.Flags = ledger.Pending
							if rnd.n(2) == 0 {
								tr.Timeout = time.Duration(1+rnd.n(3)) * time.Millisecond
							}
						case k < 9 && len(holds) > 0:
							tr = ledger.Transfer{ID: id, PendingID: holds[rnd.n(len(holds))], Flags: ledger.VoidPending}
							if rnd.n(2) == 0 {
								tr.Flags, tr.Amount = ledger.PostPending, int64(1+rnd.n(200))
							}
						case len(done) > 0:
							tr = done[rnd.n(len(done))] // a retry
						default:
							tr.DebitAccount, tr.CreditAccount = funds[l], p[0]
						}
						if rnd.n(5) == 0 {
							tr.Flags |= ledger.Linked
						}
						ts = append(ts, tr)
					}
					rs, err := st.CreateLedgerTransfers(ctx, ts)
					if err != nil {
						t.Error(err)
						return
					}
					for i, r := range rs {
						if r == ledger.ResultOK {
							done = append(done, ts[i])
							if ts[i].Flags.Has(ledger.Pending) {
								holds = append(holds, ts[i].ID)
							}
						}
					}
					if batch%10 == 9 {
						if _, err := st.ExpireLedgerTransfers(ctx, time.Now()); err != nil {
							t.Error(err)
							return
						}
					}
				}
				// Every applied transfer not linked, retried alone, exists.
				for _, tr := range done {
					if tr.Flags.Has(ledger.Linked) {
						continue // alone in a batch, its chain would be open
					}
					rs, err := st.CreateLedgerTransfers(ctx, []ledger.Transfer{tr})
					if err != nil {
						t.Error(err)
						return
					}
					if rs[0] != ledger.ResultExists {
						t.Errorf("retry of %s: %v", tr.ID, rs[0])
					}
				}
			}()
		}
		wg.Wait()
		mustVerify(t, st)
	})
}

// TestLedgerRacingSameID has goroutines create one transfer id at once on
// disjoint accounts: one succeeds, the others report it exists.
func TestLedgerRacingSameID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ledgerAccounts(t, st)
		mustTransfer(t, st, fund("race0", 1000))
		var mu sync.Mutex
		counts := map[ledger.Result]int{}
		var wg sync.WaitGroup
		for range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rs, err := st.CreateLedgerTransfers(context.Background(), []ledger.Transfer{fund("race1", 50)})
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				counts[rs[0]]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if counts[ledger.ResultOK] != 1 || counts[ledger.ResultExists] != 5 {
			t.Errorf("results %v", counts)
		}
		mustVerify(t, st)
	})
}

// ledgerRand is a small deterministic generator (splitmix64).
type ledgerRand struct{ s uint64 }

func newRand(seed uint64) *ledgerRand { return &ledgerRand{s: seed} }

func (r *ledgerRand) n(k int) int {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return int((z ^ (z >> 31)) % uint64(k))
}

// TestLedgerVerifyCatchesEdits edits the stored ledger behind its back,
// one way per case, and requires VerifyLedger to report what each breaks.
func TestLedgerVerifyCatchesEdits(t *testing.T) {
	v1, h1 := ledger.IDOf("e-v1"), ledger.IDOf("e-h1")
	cases := []struct {
		name  string
		sql   string
		args  []any
		kinds map[string]int
	}{
		{"user data rewritten", `UPDATE ledger_transfers SET user_data = 'purchase:other' WHERE id = ?`, []any{v1[:]},
			map[string]int{"batch_digest": 1}},
		{"user data removed", `UPDATE ledger_transfers SET user_data = '' WHERE id = ?`, []any{v1[:]},
			map[string]int{"batch_digest": 1, "untraceable": 1}},
		{"amount rewritten", `UPDATE ledger_transfers SET amount = 401 WHERE id = ?`, []any{v1[:]},
			map[string]int{"batch_digest": 1, "balance": 2, "ledger_unbalanced": 0}},
		{"transfer deleted", `DELETE FROM ledger_transfers WHERE id = ?`, []any{v1[:]},
			map[string]int{"batch_digest": 1, "balance": 2}},
		{"sum rewritten", `UPDATE ledger_accounts SET debits_posted = 0 WHERE id = ?`, []any{acCitizen[:]},
			map[string]int{"balance": 1, "ledger_unbalanced": 1}},
		{"batch digest edited", `UPDATE ledger_batches SET digest = ? WHERE seq = 2`, []any{make([]byte, 32)},
			map[string]int{"batch_digest": 1}},
		{"batch deleted", `DELETE FROM ledger_batches WHERE seq = 2`, nil,
			map[string]int{"batch_missing": 1}},
		{"expiry moved", `UPDATE ledger_transfers SET expires_us = expires_us + 3600000000 WHERE id = ?`, []any{h1[:]},
			map[string]int{"expiry": 1}},
		{"transfer moved to another batch", `UPDATE ledger_transfers SET batch = 1 WHERE id = ?`, []any{v1[:]},
			map[string]int{"batch_digest": 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ledgerAccounts(t, st)
				mustTransfer(t, st, fund("e0", 1000))
				mustTransfer(t, st,
					ledger.Transfer{ID: v1, DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 400, Ledger: ledger.Food, UserData: "purchase:v1"},
					ledger.Transfer{ID: h1, DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: 100, Ledger: ledger.Food,
						Flags: ledger.Pending, Timeout: time.Hour, UserData: "purchase:h1"})
				mustVerify(t, st)
				if _, err := storetest.Exec(t, st, c.sql, c.args...); err != nil {
					t.Fatal(err)
				}
				ds, err := st.VerifyLedger(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]int{}
				for _, d := range ds {
					got[d.Kind]++
				}
				for k, n := range c.kinds {
					if got[k] != n {
						t.Errorf("%d %s discrepancies, want %d; all: %v", got[k], k, n, ds)
					}
				}
				if len(ds) == 0 {
					t.Error("no discrepancy found")
				}
			})
		})
	}
}
