package main

import (
	"flag"
	"io"
	"testing"

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
