package api

import (
	"errors"
	"strconv"
	"strings"
)

// maxTengeDigits bounds the whole tenge of an amount: up to a trillion
// tenge, far beyond any purchase, and 10^14 tiyn stays well inside int64.
const maxTengeDigits = 12

// errAmount is the one reason an amount is refused; the API's problem
// names the field.
var errAmount = errors.New(`an amount is a string of tenge with at most two decimals, greater than zero: "1250.50"`)

// parseTenge reads an amount the API receives, a decimal string of tenge
// with at most two decimals ("1250.50", "1250.5", "1250"), as tiyn.
// Money is never a float: the digits are read as they are. Signs,
// exponents, spaces, grouping and zero are refused.
func parseTenge(s string) (int64, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > maxTengeDigits || hasFrac && (frac == "" || len(frac) > 2) {
		return 0, errAmount
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, errAmount
			}
		}
	}
	frac += "00"[len(frac):]
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, errAmount
	}
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, errAmount
	}
	tiyn := w*100 + f
	if tiyn <= 0 {
		return 0, errAmount
	}
	return tiyn, nil
}

// formatTenge writes tiyn as the API answers amounts: tenge with two
// decimals, "1250.50", a minus sign for a negative amount.
func formatTenge(tiyn int64) string {
	sign := ""
	u := uint64(tiyn)
	if tiyn < 0 {
		sign, u = "-", uint64(-tiyn)
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + frac
}
