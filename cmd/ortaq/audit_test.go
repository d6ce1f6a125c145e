package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// mustAuditLog writes a small audit log into a fresh SQLite database and
// returns its DSN, the verifier key file and a receipt file for record 3.
func mustAuditLog(t *testing.T) (dsn, pub, receipt string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	dsn = "sqlite:" + filepath.Join(dir, "ortaq.db")
	st, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// Where serve keeps it: beside the database.
	keyFile := filepath.Join(dir, "audit.key")
	signer, verifier, err := audit.LoadOrCreateKey(keyFile, "ortaq.test/audit")
	if err != nil {
		t.Fatal(err)
	}
	l, err := audit.Open(ctx, st, signer, audit.Options{Origin: "ortaq.test/audit",
		CheckpointFile: audit.CheckpointFile(keyFile), Verifier: verifier})
	if err != nil {
		t.Fatal(err)
	}
	var recs []audit.Record
	for i := range 40 {
		recs = append(recs, audit.Record{Member: "GOV-MOH", Subsystem: "clinics", Service: "person-lookup",
			Subject: "900101300123", Fields: []string{"last_name"}, Purpose: "treatment", RequestID: "req-" + string(rune('a'+i%26)),
			Decision: audit.Allowed, Status: 200})
	}
	if _, err := l.Append(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	r, err := l.Receipt(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	receipt = filepath.Join(dir, "receipt.json")
	if err := os.WriteFile(receipt, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return dsn, keyFile + ".pub", receipt
}

func TestAuditVerifyCommand(t *testing.T) {
	tests := []struct {
		name   string
		tamper string
		want   []string // in the output; nil for a clean log
	}{
		{"clean", "", nil},
		{"edited", `UPDATE audit_records SET purpose = 'marketing' WHERE idx = 7`, []string{"edited", "index 7", "or the leaf was replaced\n"}},
		{"deleted", `DELETE FROM audit_records WHERE idx = 12`, []string{"deleted", "index 12"}},
		{"rewritten", `UPDATE audit_checkpoints SET note = replace(note, 'ortaq.test/audit', 'forged')`, []string{"bad_signature"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dsn, pub, receipt := mustAuditLog(t)
			if tt.tamper != "" {
				if _, err := storetest.ExecDSN(dsn, tt.tamper); err != nil {
					t.Fatal(err)
				}
			}
			out, err := runCLI(t, "audit", "verify", "--db", dsn, "--key", pub, "--trusted", receipt)
			if tt.want == nil {
				if err != nil || !strings.Contains(out, "no problems found") || !strings.Contains(out, "40 records") {
					t.Fatalf("clean log: %v\n%s", err, out)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "problems found") {
				t.Fatalf("tampered log: err %v\n%s", err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output does not name %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestAuditVerifyKeyAndUsage(t *testing.T) {
	dsn, pub, _ := mustAuditLog(t)
	vkey, err := os.ReadFile(pub)
	if err != nil {
		t.Fatal(err)
	}
	// The verifier key itself works as well as its file; flags may come
	// before the subcommand.
	if out, err := runCLI(t, "audit", "--db", dsn, "verify", "--key", strings.TrimSpace(string(vkey))); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, args := range [][]string{
		{"audit"},
		{"audit", "frobnicate"},
		{"audit", "verify", "--db", dsn, "--key", "no-such-file"},
		{"audit", "verify", "--nope"},
		{"audit", "verify", "extra"},
	} {
		_, err := runCLI(t, args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	out, err := runCLI(t, "audit", "verify", "-h")
	if !errors.Is(err, errHelpShown) || !strings.Contains(out, "--key") && !strings.Contains(out, "-key") {
		t.Errorf("help: %v\n%s", err, out)
	}
	out, _ = runCLI(t, "help", "audit")
	if !strings.Contains(out, audit.DefaultKeyFile+".pub") {
		t.Errorf("help does not say which key it trusts:\n%s", out)
	}
}

// TestAuditReceiptCommand checks a receipt file offline: a true one
// verifies, an edited one or one checked with another key does not.
func TestAuditReceiptCommand(t *testing.T) {
	_, pub, receipt := mustAuditLog(t)
	out, err := runCLI(t, "audit", "receipt", receipt, "--key", pub)
	if err != nil || !strings.Contains(out, "verifies") || !strings.Contains(out, "record 3") {
		t.Fatalf("a true receipt: %v\n%s", err, out)
	}
	b, err := os.ReadFile(receipt)
	if err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(t.TempDir(), "edited.json")
	if err := os.WriteFile(edited, []byte(strings.Replace(string(b), `"treatment"`, `"marketing"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := runCLI(t, "audit", "receipt", edited, "--key", pub); err == nil || !strings.Contains(err.Error(), "does not verify") {
		t.Errorf("an edited receipt: %v; want it not to verify", err)
	}
	_, otherPub, _ := mustAuditLog(t)
	if _, err := runCLI(t, "audit", "receipt", receipt, "--key", otherPub); err == nil {
		t.Error("a receipt checked with another log's key verifies")
	}
	var ue usageError
	if _, err := runCLI(t, "audit", "receipt"); !errors.As(err, &ue) {
		t.Errorf("no file: %v; want a usage error", err)
	}
}

// TestAuditVerifyCatchesCutBack is the attack of issue 14 against the
// command: the log's tail is erased back to an earlier stored checkpoint,
// which leaves the database consistent on its own. 'ortaq audit verify'
// must report it without --trusted, from the checkpoint file the server
// keeps beside its key, and must report that file missing.
func TestAuditVerifyCatchesCutBack(t *testing.T) {
	ctx := context.Background()
	dsn, pub, _ := mustAuditLog(t) // 40 records, a checkpoint of 40
	keyFile := strings.TrimSuffix(pub, ".pub")
	st, err := openStore(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	signer, verifier, err := audit.LoadOrCreateKey(keyFile, "ortaq.test/audit")
	if err != nil {
		t.Fatal(err)
	}
	l, err := audit.Open(ctx, st, signer, audit.Options{Origin: "ortaq.test/audit",
		CheckpointFile: audit.CheckpointFile(keyFile), Verifier: verifier})
	if err != nil {
		t.Fatal(err)
	}
	var recs []audit.Record
	for range 300 {
		recs = append(recs, audit.Record{Member: "GOV-MOH", Subsystem: "clinics", Service: "person-lookup",
			Subject: "900101300124", Purpose: "treatment", Decision: audit.Allowed, Status: 200})
	}
	if _, err := l.Append(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if out, err := runCLI(t, "audit", "verify", "--db", dsn); err != nil || !strings.Contains(out, "no problems found") ||
		!strings.Contains(out, "340 leaves, extended by the stored log") {
		t.Fatalf("untouched log: %v\n%s", err, out)
	}

	for _, q := range []string{
		`DELETE FROM audit_records WHERE idx >= 40`,
		`DELETE FROM audit_leaves WHERE idx >= 40`,
		`DELETE FROM audit_nodes WHERE (idx + 1) * 256 > 40`,
		`DELETE FROM audit_checkpoints WHERE size > 40`,
	} {
		if _, err := storetest.ExecDSN(dsn, q); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runCLI(t, "audit", "verify", "--db", dsn)
	if err == nil || !strings.Contains(out, "the database holds 40 leaves") || !strings.Contains(out, "covers 340") {
		t.Fatalf("log cut back from 340 to 40 leaves: %v\n%s", err, out)
	}
	if out, err := runCLI(t, "audit", "verify", "--db", dsn, "--checkpoint", "none"); err != nil {
		t.Fatalf("--checkpoint none: %v\n%s", err, out)
	}

	if err := os.Remove(audit.CheckpointFile(keyFile)); err != nil {
		t.Fatal(err)
	}
	out, err = runCLI(t, "audit", "verify", "--db", dsn, "--key", pub)
	if err == nil || !strings.Contains(out, "is missing") {
		t.Fatalf("missing checkpoint file: %v\n%s", err, out)
	}
}
