package socialwallet

import (
	"errors"
	"testing"
)

func TestParseTenge(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1250.50", 125050, true},
		{"1250.5", 125050, true},
		{"1250", 125000, true},
		{"0.01", 1, true},
		{"0", 0, true},
		{"007.10", 710, true},
		{"999999999999999.99", 99999999999999999, true},
		{"1250.", 0, false},
		{".5", 0, false},
		{"1.234", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1e3", 0, false},
		{"1 000", 0, false},
		{"1,5", 0, false},
		{"", 0, false},
		{"1000000000000000", 0, false},
	} {
		got, err := ParseTenge(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseTenge(%q) = %d, %v; want %d, ok %v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !errors.Is(err, ErrAmount) {
			t.Errorf("ParseTenge(%q): %v is not ErrAmount", c.in, err)
		}
	}
}

func TestFormatTenge(t *testing.T) {
	for in, want := range map[int64]string{125050: "1250.50", 0: "0.00", 5: "0.05", -5: "-0.05", 100: "1.00", -125001: "-1250.01"} {
		if got := FormatTenge(in); got != want {
			t.Errorf("FormatTenge(%d) = %q, want %q", in, got, want)
		}
	}
}

// FuzzTenge checks that ParseTenge never panics, never returns a
// negative amount, and that FormatTenge reads back exactly.
func FuzzTenge(f *testing.F) {
	for _, s := range []string{"1250.50", "0", "0.1", "999999999999999.99", "-1", "1..2", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseTenge(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseTenge(%q) = %d < 0", s, n)
		}
		back, err := ParseTenge(FormatTenge(n))
		if err != nil || back != n {
			t.Fatalf("ParseTenge(FormatTenge(%d)) = %d, %v", n, back, err)
		}
	})
}
