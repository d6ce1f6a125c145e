package main

import (
	"context"
	"flag"
	"io"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestOIDCScopesFlag checks that --oidc-scopes reaches the wallet's OIDC
// configuration as a list, whichever way the operator spaces it.
func TestOIDCScopesFlag(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{nil, nil},
		{[]string{"--oidc-scopes", "profile"}, []string{"profile"}},
		{[]string{"--oidc-scopes", " profile, kz_iin ,,"}, []string{"profile", "kz_iin"}},
		{[]string{"--oidc-scopes=openid,profile"}, []string{"openid", "profile"}},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c := serverFlags(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if diff := cmp.Diff(tt.want, c.oidc.Scopes); diff != "" {
			t.Errorf("%q: scopes (-want +got):\n%s", tt.args, diff)
		}
	}
}

// TestServeHasNoSMSOutbox starts serve with the wallet on both listeners:
// the demo's SMS outbox, which shows every sign-in code, answers 404 on
// each; only demo turns it on.
func TestServeHasNoSMSOutbox(t *testing.T) {
	addr, walletAddr := freeAddr(t), freeAddr(t)
	db := "sqlite:" + filepath.Join(t.TempDir(), "o.db")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", addr, "--wallet-addr", walletAddr}, io.Discard)
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	get := func(url string) (int, error) {
		res, err := http.Get(url)
		if err != nil {
			return 0, err
		}
		res.Body.Close()
		return res.StatusCode, nil
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		a, errA := get("http://" + addr + "/api/v1/health")
		w, errW := get("http://" + walletAddr + "/wallet/sign-in")
		if errA == nil && errW == nil && a == http.StatusOK && w == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not answer within 30s: %d %v, %d %v", a, errA, w, errW)
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, base := range []string{addr, walletAddr} {
		if code, err := get("http://" + base + "/wallet/sms"); err != nil || code != http.StatusNotFound {
			t.Errorf("GET http://%s/wallet/sms under serve: %d %v; want 404", base, code, err)
		}
	}
}
