package wellbeing

import (
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in tiyn (1/100 tenge). Register incomes may carry
// fractions of a tenge (30000.25) and an АСП poverty line such as
// 0.35 × median income may too; tiyn hold both exactly.
type Money int64

// Tenge returns n whole tenge.
func Tenge(n int64) Money { return Money(n * 100) }

// ParseMoney reads a decimal amount of tenge with at most two fraction
// digits ("30000", "30000.25", "118500.5"). More digits could not be held
// exactly, so they are an error rather than silently rounded.
func ParseMoney(s string) (Money, error) {
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || strings.HasPrefix(whole, "+") || strings.HasPrefix(whole, "-") && len(whole) == 1 {
		return 0, fmt.Errorf("amount %q: expected tenge such as 30000 or 30000.25", s)
	}
	if dot && (len(frac) == 0 || len(frac) > 2) {
		return 0, fmt.Errorf("amount %q: expected one or two digits after the point", s)
	}
	for _, r := range frac {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("amount %q: expected tenge such as 30000 or 30000.25", s)
		}
	}
	t, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || t > maxTenge || t < -maxTenge {
		return 0, fmt.Errorf("amount %q: expected tenge such as 30000 or 30000.25", s)
	}
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi(frac)
		if len(frac) == 1 {
			f *= 10
		}
	}
	if strings.HasPrefix(whole, "-") {
		f = -f
	}
	return Money(t*100 + int64(f)), nil
}

// maxTenge keeps t*100 inside int64.
const maxTenge = 1<<63/100 - 1

// String formats m as tenge with two fraction digits ("30000.25").
func (m Money) String() string {
	sign := ""
	u := uint64(m)
	if m < 0 {
		sign, u = "-", uint64(-m)
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}
