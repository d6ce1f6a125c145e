package wellbeing

import (
	"fmt"
	"math/big"
	"math/bits"
	"strings"
)

// maxDen bounds the denominator of every configured rational, and the
// common denominator of the weights, so that scores fit int64 with room for
// trillions of households in an aggregate.
const maxDen = 1_000_000

// parseRat reads a non-negative rational written as a fraction ("1/6"), an
// integer or a decimal ("0.25"); YAML numbers arrive as their source text,
// so 0.1 is exactly one tenth, never a float.
func parseRat(s string, max int64) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "eEpPxX_ +-") || len(s) > 40 {
		return nil, fmt.Errorf("%q: expected a fraction such as 1/6 or a decimal such as 0.25", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, fmt.Errorf("%q: expected a fraction such as 1/6 or a decimal such as 0.25", s)
	}
	if r.Denom().Cmp(big.NewInt(maxDen)) > 0 {
		return nil, fmt.Errorf("%q: denominator over %d", s, maxDen)
	}
	if r.Cmp(big.NewRat(max, 1)) > 0 {
		return nil, fmt.Errorf("%q: must be at most %d", s, max)
	}
	return r, nil
}

// ratString writes r as the configuration would ("1/6", "1", "0").
func ratString(r *big.Rat) string { return r.RatString() }

// ceilUnits returns the smallest integer u with u/den ≥ r.
func ceilUnits(r *big.Rat, den int64) int64 {
	n := new(big.Int).Mul(r.Num(), big.NewInt(den))
	q, m := new(big.Int).QuoRem(n, r.Denom(), new(big.Int))
	if m.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// ratPair returns r's numerator and denominator as uint64; callers bound r.
func ratPair(r *big.Rat) (num, den uint64) { return r.Num().Uint64(), r.Denom().Uint64() }

// cmpMul compares a×b with c×d exactly (128-bit products).
func cmpMul(a, b, c, d uint64) int {
	h1, l1 := bits.Mul64(a, b)
	h2, l2 := bits.Mul64(c, d)
	switch {
	case h1 != h2:
		if h1 < h2 {
			return -1
		}
		return 1
	case l1 < l2:
		return -1
	case l1 > l2:
		return 1
	}
	return 0
}
