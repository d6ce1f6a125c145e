package wellbeing

import "testing"

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		ok   bool
	}{
		{"30000", 3_000_000, true},
		{"30000.25", 3_000_025, true},
		{"118500.5", 11_850_050, true},
		{"0", 0, true},
		{"-1.5", -150, true},
		{"1.", 0, false},
		{"1.234", 0, false},
		{".5", 0, false},
		{"1e3", 0, false},
		{"+1", 0, false},
		{"-", 0, false},
		{"1.-5", 0, false},
		{"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseMoney(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"30000.25", "-0.5", "1.", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		back, err := ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("%q -> %d -> %q -> %d, %v", s, m, m.String(), back, err)
		}
	})
}
