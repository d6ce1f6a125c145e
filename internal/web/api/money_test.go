package api

import (
	"testing"

	"github.com/ortaq/ortaq/internal/socialwallet"
)

// TestParseAmount holds the API to its bounds on top of the wallet's exact
// parser (whose own cases are in socialwallet's tests): above zero, below
// a trillion tenge, and whatever the parser refuses.
func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1250.50", 125050, true},
		{"0.01", 1, true},
		{"999999999999.99", 99999999999999, true},
		{"1000000000000", 0, false},
		{"0", 0, false},
		{"0.00", 0, false},
		{"-5", 0, false},
		{"1e3", 0, false},
	} {
		got, err := parseAmount(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseAmount(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// FuzzParseAmount holds the parser to its contract: whatever it accepts is
// positive and written back the same by socialwallet.FormatTenge, up to trailing zeros.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1250.50", "0.01", "1", "-1", "1e9", "99999999999999", ".", "1.2.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tiyn, err := parseAmount(s)
		if err != nil {
			return
		}
		if tiyn <= 0 {
			t.Fatalf("parseAmount(%q) = %d, not positive", s, tiyn)
		}
		back, err := parseAmount(socialwallet.FormatTenge(tiyn))
		if err != nil || back != tiyn {
			t.Fatalf("parseAmount(FormatTenge(%d)) = %d, %v", tiyn, back, err)
		}
	})
}
