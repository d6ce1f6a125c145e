package socialwallet

import (
	"errors"
	"strconv"
	"strings"
)

// ErrAmount is wrapped by ParseTenge's errors.
var ErrAmount = errors.New("not an amount of tenge")

// ParseTenge reads a non-negative decimal amount of tenge with at most two
// decimals ("1250", "1250.5", "1250.50") and returns it in tiyn (125050).
// Signs, exponents, spaces, grouping and more than two decimals are
// refused, as are amounts over 10¹⁵ tenge.
func ParseTenge(s string) (int64, error) {
	ip, fp, dot := strings.Cut(s, ".")
	if ip == "" || len(ip) > 15 || dot && (fp == "" || len(fp) > 2) {
		return 0, fmtAmount(s)
	}
	var n int64
	for _, c := range []byte(ip) {
		if c < '0' || c > '9' {
			return 0, fmtAmount(s)
		}
		n = n*10 + int64(c-'0')
	}
	frac := int64(0)
	for i := 0; i < 2; i++ {
		frac *= 10
		if i < len(fp) {
			c := fp[i]
			if c < '0' || c > '9' {
				return 0, fmtAmount(s)
			}
			frac += int64(c - '0')
		}
	}
	return n*100 + frac, nil
}

func fmtAmount(s string) error {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return &amountError{s}
}

type amountError struct{ s string }

func (e *amountError) Error() string { return strconv.Quote(e.s) + ": " + ErrAmount.Error() }
func (e *amountError) Unwrap() error { return ErrAmount }

// FormatTenge writes tiyn as tenge with two decimals: 125050 → "1250.50",
// -5 → "-0.05". ParseTenge reads it back when it is not negative.
func FormatTenge(tiyn int64) string {
	neg := tiyn < 0
	u := uint64(tiyn)
	if neg {
		u = -u
	}
	s := strconv.FormatUint(u/100, 10) + "." + string([]byte{byte('0' + u%100/10), byte('0' + u%10)})
	if neg {
		return "-" + s
	}
	return s
}
