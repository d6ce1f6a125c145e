package main

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
)

func TestCACommand(t *testing.T) {
	dir := t.TempDir()
	caDir, out := filepath.Join(dir, "ca"), filepath.Join(dir, "certs")
	db := "sqlite:" + filepath.Join(dir, "ortaq.db")

	mustCLI(t, "ca", "init", "--dir", caDir, "--name", "test platform CA")
	if _, err := runCLI(t, "ca", "init", "--dir", caDir); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Fatalf("second ca init: %v", err)
	}
	// Issuing for a subsystem the registry does not know fails and
	// leaves no files.
	if _, err := runCLI(t, "ca", "issue", "--dir", caDir, "--out", out, "--member", "moh", "--subsystem", "health-cards", "--db", db); err == nil {
		t.Fatal("issued a certificate for an unknown subsystem")
	}
	if _, err := os.Stat(filepath.Join(out, "moh-health-cards.crt")); err == nil {
		t.Fatal("certificate written for an unknown subsystem")
	}
	mustCLI(t, "exchange", "seed", "--db", db)
	printed := mustCLI(t, "ca", "issue", "--dir", caDir, "--out", out, "--member", "moh", "--subsystem", "health-cards", "--days", "30", "--db", db)
	m := regexp.MustCompile(`serial ([0-9a-f]+)`).FindStringSubmatch(printed)
	if m == nil {
		t.Fatalf("no serial printed:\n%s", printed)
	}

	b, err := os.ReadFile(filepath.Join(out, "moh-health-cards.crt"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(out, "moh-health-cards.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v", err)
	}
	ca, err := exchange.LoadCA(caDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: ca.Pool(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatal(err)
	}

	authenticate := func() error {
		ctx := context.Background()
		st, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		x, err := exchange.New(ctx, st, exchange.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		_, err = x.AuthenticateCert(cert)
		return err
	}
	if err := authenticate(); err != nil {
		t.Fatalf("issued certificate does not authenticate: %v", err)
	}
	mustCLI(t, "ca", "revoke", "--serial", strings.ToUpper(m[1]), "--db", db)
	var ref *exchange.Refusal
	if err := authenticate(); !errors.As(err, &ref) || ref.Code != exchange.CodeRevoked {
		t.Fatalf("after ca revoke: %v", err)
	}
	if _, err := runCLI(t, "ca", "issue", "--dir", filepath.Join(dir, "nowhere"), "--member", "moh", "--subsystem", "health-cards", "--db", db); err == nil ||
		!strings.Contains(err.Error(), "ca init") {
		t.Fatalf("issue without a CA: %v", err)
	}
}
