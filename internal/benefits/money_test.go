package benefits

import (
	"math"
	"testing"
)

func TestMoneyExact(t *testing.T) {
	// float64 gets this one wrong: 28.06 × 4325 = 121359.5 exactly.
	m, err := MustMoney("28.06").Mul(Tenge(4325))
	if err != nil || m.String() != "121359.5" || m.Round().Int64() != 121360 {
		t.Fatalf("28.06 × 4325 = %s, rounds to %d (%v)", m, m.Round().Int64(), err)
	}
	for _, tc := range []struct{ in, out string }{
		{"30000.25", "30000.25"}, {"118500.5", "118500.5"}, {"0", "0"}, {"007", "7"}, {"-1.50", "-1.5"},
	} {
		if got := MustMoney(tc.in).String(); got != tc.out {
			t.Errorf("%s: got %s want %s", tc.in, got, tc.out)
		}
	}
	third, _ := Tenge(1).Div(Tenge(3))
	if third.String() != "1/3" {
		t.Errorf("1/3 prints %s", third)
	}
	for _, bad := range []string{"", ".", "1.", ".5", "1e5", "+1", "1,5", "12345678901234567890", "NaN", "0x10"} {
		if _, err := ParseMoney(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestRoundHalfUp(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{{"0.5", 1}, {"1.49", 1}, {"1.5", 2}, {"2.5", 3}, {"-0.5", 0}, {"-1.5", -1}, {"-1.51", -2}, {"37519.5", 37520}, {"7", 7}} {
		if got := MustMoney(tc.in).Round().Int64(); got != tc.want {
			t.Errorf("round(%s) = %d, want %d", tc.in, got, tc.want)
		}
	}
	x, _ := Tenge(2).Div(Tenge(3)) // 0.666…
	if x.Round().Int64() != 1 {
		t.Error("round(2/3) != 1")
	}
}

func TestMoneyOverflow(t *testing.T) {
	big := Tenge(math.MaxInt64 / 2)
	if _, err := big.Mul(Tenge(3)); err != ErrOverflow {
		t.Errorf("mul: %v", err)
	}
	if _, err := Tenge(math.MaxInt64).Add(Tenge(1)); err != ErrOverflow {
		t.Errorf("add: %v", err)
	}
	if _, err := Tenge(1).Div(Money{}); err == nil {
		t.Error("division by zero")
	}
	a, b := MustMoney("0.1"), MustMoney("0.2")
	s, _ := a.Add(b)
	if s.Cmp(MustMoney("0.3")) != 0 {
		t.Errorf("0.1 + 0.2 = %s", s)
	}
}

func TestDates(t *testing.T) {
	d := func(s string) Date {
		v, err := ParseDate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2024-08-31", 18, "2026-02-28"}, {"2022-08-31", 18, "2024-02-29"}, {"2026-03-31", -1, "2026-02-28"},
		{"2024-02-29", -12, "2023-02-28"}, {"2024-02-29", 12, "2025-02-28"}, {"2025-01-31", 1, "2025-02-28"},
		{"2026-01-10", -12, "2025-01-10"}, {"2025-12-15", 1, "2026-01-15"}, {"2025-01-15", -13, "2023-12-15"},
	} {
		if got := d(tc.from).AddMonths(tc.n).String(); got != tc.want {
			t.Errorf("%s + %d months = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	if a := d("2008-03-15").AgeOn(d("2026-03-15")); a != 18 {
		t.Errorf("age on birthday %d", a)
	}
	if a := d("2008-03-16").AgeOn(d("2026-03-15")); a != 17 {
		t.Errorf("age the day before %d", a)
	}
	if a := d("2004-02-29").AgeOn(d("2022-02-28")); a != 17 {
		t.Errorf("leapling %d", a)
	}
	if q := QuarterOf(d("2026-01-10")).Prev().String(); q != "2025Q4" {
		t.Errorf("preceding quarter %s", q)
	}
	if q := QuarterOf(d("2026-09-30")).Prev(); q.String() != "2026Q2" || q.Months()[2].String() != "2026-06" {
		t.Errorf("preceding quarter %s", q)
	}
	for _, bad := range []string{"2026-02-30", "2026-13-01", "26-01-01", "2026-1-1", ""} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
