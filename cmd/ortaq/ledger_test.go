package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/ledgerlog"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// mustLedger writes a small ledger, logged to the audit log, into the
// database at dsn, with the audit key in dir; it returns the key's .pub.
func mustLedger(t *testing.T, dsn, dir string) string {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	keyFile := filepath.Join(dir, "audit.key")
	signer, _, err := audit.LoadOrCreateKey(keyFile, "ortaq.test/audit")
	if err != nil {
		t.Fatal(err)
	}
	l, err := audit.Open(ctx, st, signer, audit.Options{Origin: "ortaq.test/audit"})
	if err != nil {
		t.Fatal(err)
	}
	fund, voucher, shop := ledger.IDOf("cli:fund"), ledger.IDOf("cli:voucher"), ledger.IDOf("cli:shop")
	if _, err := st.CreateLedgerAccounts(ctx, []ledger.Account{
		{ID: fund, Ledger: ledger.Food, Code: 1, Flags: ledger.DebitsMayExceedCredits, UserData: "budget:asp"},
		{ID: voucher, Ledger: ledger.Food, Code: 4, UserData: "880514300123"},
		{ID: shop, Ledger: ledger.Food, Code: 5, UserData: "merchant:M1"},
	}); err != nil {
		t.Fatal(err)
	}
	for _, tr := range []ledger.Transfer{
		{ID: ledger.IDOf("cli:pay"), DebitAccount: fund, CreditAccount: voucher, Amount: 393200, Ledger: ledger.Food, Code: 3, UserData: "decision:1"},
		{ID: ledger.IDOf("cli:buy"), DebitAccount: voucher, CreditAccount: shop, Amount: 125050, Ledger: ledger.Food, Code: 4, UserData: "purchase:M1:1"},
	} {
		if rs, err := st.CreateLedgerTransfers(ctx, []ledger.Transfer{tr}); err != nil || rs[0] != ledger.ResultOK {
			t.Fatalf("%v %v", rs, err)
		}
	}
	k, err := ledgerlog.Start(ctx, st, l, ledgerlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return keyFile + ".pub"
}

func TestLedgerVerifyCommand(t *testing.T) {
	buy := ledger.IDOf("cli:buy")
	tests := []struct {
		name   string
		tamper string
		args   []any
		want   []string // in the output; nil for a clean ledger
	}{
		{"clean", "", nil, nil},
		{"transfer rewritten", `UPDATE ledger_transfers SET amount = 5 WHERE id = ?`, []any{buy[:]}, []string{"batch_digest batch 2", "balance on food"}},
		{"sum rewritten", `UPDATE ledger_accounts SET credits_posted = 999999999 WHERE user_data = 'merchant:M1'`, nil,
			[]string{"balance on food", "ledger_unbalanced on food"}},
		{"transfer deleted", `DELETE FROM ledger_transfers WHERE id = ?`, []any{buy[:]}, []string{"batch_digest batch 2"}},
		{"digest edited", `UPDATE ledger_batches SET digest = ? WHERE seq = 1`, []any{make([]byte, 32)},
			[]string{"batch_digest batch 1", "log_mismatch batch 1"}},
		{"audit record edited", `UPDATE audit_records SET reason = 'x' WHERE kind = 'ledger'`, nil,
			[]string{"log_mismatch", "audit log edited"}},
	}
	for _, db := range []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "ortaq.db") }},
		{"postgres", func(t *testing.T) string { return storetest.PostgresDSN(t) }},
	} {
		for _, tt := range tests {
			t.Run(db.name+"/"+tt.name, func(t *testing.T) {
				dsn := db.dsn(t)
				pub := mustLedger(t, dsn, t.TempDir())
				if tt.tamper != "" {
					if _, err := storetest.ExecDSN(dsn, tt.tamper, tt.args...); err != nil {
						t.Fatal(err)
					}
				}
				out, err := runCLI(t, "ledger", "verify", "--db", dsn, "--key", pub)
				if tt.want == nil {
					for _, w := range []string{"3 accounts, 2 transfers, 2 batches", "posted 5 182.50 ₸", "2 of 2 batches in the audit log",
						"no discrepancies found"} {
						if err != nil || !strings.Contains(out, w) {
							t.Errorf("clean ledger: %v; output lacks %q:\n%s", err, w, out)
						}
					}
					return
				}
				if err == nil || !strings.Contains(err.Error(), "discrepancies found") {
					t.Fatalf("tampered ledger: err %v\n%s", err, out)
				}
				for _, w := range tt.want {
					if !strings.Contains(out, w) {
						t.Errorf("output does not name %q:\n%s", w, out)
					}
				}
			})
		}
	}
}

func TestLedgerCommandUsage(t *testing.T) {
	for _, args := range [][]string{{"ledger"}, {"ledger", "frobnicate"}, {"ledger", "verify", "extra"}, {"ledger", "verify", "--nope"}} {
		_, err := runCLI(t, args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	// An empty ledger without an audit key verifies.
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "ortaq.db")
	out, err := runCLI(t, "ledger", "verify", "--db", dsn)
	if err != nil || !strings.Contains(out, "0 accounts") || !strings.Contains(out, "audit log: empty, not checked") {
		t.Errorf("empty ledger: %v\n%s", err, out)
	}
}
