package ledgerlog_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/ledgerlog"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

var (
	fund    = ledger.IDOf("ll:fund")
	citizen = ledger.IDOf("ll:citizen")
	grocer  = ledger.IDOf("ll:grocer")
)

func openLog(t *testing.T, st *store.Store, dir string) *audit.Log {
	t.Helper()
	signer, _, err := audit.LoadOrCreateKey(filepath.Join(dir, "audit.key"), "ortaq.test/audit")
	if err != nil {
		t.Fatal(err)
	}
	log, err := audit.Open(context.Background(), st, signer, audit.Options{Origin: "ortaq.test/audit"})
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// seed creates the accounts and n batches of one payout each, keyed by
// from…from+n-1.
func seed(t *testing.T, st *store.Store, from, n int) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.CreateLedgerAccounts(ctx, []ledger.Account{
		{ID: fund, Ledger: ledger.Food, Flags: ledger.DebitsMayExceedCredits, UserData: "budget:asp"},
		{ID: citizen, Ledger: ledger.Food, UserData: "880514300123"},
		{ID: grocer, Ledger: ledger.Food, UserData: "merchant:M1"},
	}); err != nil {
		t.Fatal(err)
	}
	for i := from; i < from+n; i++ {
		rs, err := st.CreateLedgerTransfers(ctx, []ledger.Transfer{{ID: ledger.IDOf(fmt.Sprint("ll:pay:", i)), DebitAccount: fund,
			CreditAccount: citizen, Amount: 100, Ledger: ledger.Food, Code: 3, UserData: fmt.Sprint("decision:", i)}})
		if err != nil || rs[0] != ledger.ResultOK {
			t.Fatalf("payout %d: %v %v", i, rs, err)
		}
	}
}

func verify(t *testing.T, st *store.Store) ledgerlog.Report {
	t.Helper()
	rep, err := ledgerlog.Verify(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestKeeperLogsEachBatchOnce commits batches with no keeper running (a
// crash between the ledger's commit and the append looks the same), then
// starts keepers in turn: each logs what is missing and nothing twice.
func TestKeeperLogsEachBatchOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		dir := t.TempDir()
		log := openLog(t, st, dir)
		defer log.Close()
		seed(t, st, 0, 5)
		if rep := verify(t, st); rep.Batches != 5 || rep.Unlogged != 5 || len(rep.Discrepancies) != 0 {
			t.Fatalf("before any keeper: %+v", rep)
		}
		k, err := ledgerlog.Start(ctx, st, log, ledgerlog.Options{MaxRecords: 2})
		if err != nil {
			t.Fatal(err)
		}
		if k.Logged() != 5 {
			t.Errorf("first keeper logged %d at start, want 5", k.Logged())
		}
		seed(t, st, 5, 3)
		if err := k.Close(); err != nil {
			t.Fatal(err)
		}
		seed(t, st, 8, 2) // committed while no keeper runs
		k, err = ledgerlog.Start(ctx, st, log, ledgerlog.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := k.Close(); err != nil {
			t.Fatal(err)
		}
		rep := verify(t, st)
		if rep.Batches != 10 || rep.Logged != 10 || rep.Unlogged != 0 || len(rep.Discrepancies) != 0 {
			t.Errorf("after two keepers: %+v", rep)
		}
		n := 0
		if err := st.LedgerAuditRecords(ctx, func(store.AuditRecord) error { n++; return nil }); err != nil || n != 10 {
			t.Errorf("%d ledger records in the audit log (%v), want 10", n, err)
		}
		// No subject, and never listed as one.
		if recs, err := st.AuditBySubjects(ctx, []string{""}, 100); err != nil || len(recs) != 0 {
			t.Errorf("ledger records listed by subject: %d, %v", len(recs), err)
		}
	})
}

// TestVerifyCatchesRewrittenHistory rewrites a logged transfer and its
// batch's digest to match: the stored ledger is consistent again, and only
// the audit log still knows.
func TestVerifyCatchesRewrittenHistory(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(t *testing.T, st *store.Store)
		kinds map[string]int
	}{
		{"digest edited", func(t *testing.T, st *store.Store) {
			mustExec(t, st, `UPDATE ledger_batches SET digest = ? WHERE seq = 2`, make([]byte, 32))
		}, map[string]int{"log_mismatch": 1}},
		{"transfer and digest rewritten together", func(t *testing.T, st *store.Store) {
			id := ledger.IDOf("ll:pay:1")
			mustExec(t, st, `UPDATE ledger_transfers SET user_data = 'decision:999' WHERE id = ?`, id[:])
			ts, err := st.LedgerTransfers(context.Background(), []ledger.ID{id})
			if err != nil || len(ts) != 1 {
				t.Fatal(ts, err)
			}
			d := ledger.BatchDigest(2, ts, nil)
			mustExec(t, st, `UPDATE ledger_batches SET digest = ? WHERE seq = 2`, d[:])
			// The store's own check no longer sees anything amiss.
			ds, err := st.VerifyLedger(context.Background())
			if err != nil || len(ds) != 0 {
				t.Errorf("VerifyLedger after a consistent rewrite: %v, %v", ds, err)
			}
		}, map[string]int{"log_mismatch": 1}},
		{"batch deleted", func(t *testing.T, st *store.Store) {
			mustExec(t, st, `DELETE FROM ledger_batches WHERE seq = 3`)
		}, map[string]int{"batch_missing": 1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				log := openLog(t, st, t.TempDir())
				defer log.Close()
				seed(t, st, 0, 3)
				k, err := ledgerlog.Start(ctx, st, log, ledgerlog.Options{})
				if err != nil {
					t.Fatal(err)
				}
				if err := k.Close(); err != nil {
					t.Fatal(err)
				}
				c.edit(t, st)
				got := map[string]int{}
				for _, d := range verify(t, st).Discrepancies {
					got[d.Kind]++
				}
				if fmt.Sprint(got) != fmt.Sprint(c.kinds) {
					t.Errorf("discrepancies %v, want %v", got, c.kinds)
				}
			})
		})
	}
}

func mustExec(t *testing.T, st *store.Store, q string, args ...any) {
	t.Helper()
	if _, err := storetest.Exec(t, st, q, args...); err != nil {
		t.Fatal(err)
	}
}
