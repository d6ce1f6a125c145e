package benefits

import (
	"errors"
	"math/bits"
	"strconv"
	"strings"
)

// ErrOverflow is returned when exact money arithmetic would leave int64.
// Real amounts are many orders of magnitude below it; hitting it means a
// malformed input or rule, never a rounding.
var ErrOverflow = errors.New("money overflow")

// Money is an exact rational amount of tenge: num/den with den > 0 and
// the fraction in lowest terms. The zero value is 0 ₸. Every operation is
// exact or reports ErrOverflow; nothing is ever computed in floating
// point, so 28.06 × 4325 is 121359.5 and rounds half up to 121360.
type Money struct {
	num, den int64
}

// Tenge returns n whole tenge.
func Tenge(n int64) Money { return Money{num: n, den: 1} }

func (m Money) norm() Money {
	if m.den == 0 {
		return Money{0, 1}
	}
	return m
}

// ParseMoney reads a plain decimal number ("118500.5", "30000.25", "-3").
// Exponents, signs other than a leading minus, and empty strings are refused.
func ParseMoney(s string) (Money, error) {
	t := s
	neg := false
	if strings.HasPrefix(t, "-") {
		neg, t = true, t[1:]
	}
	ip, fp, dot := strings.Cut(t, ".")
	if ip == "" || dot && fp == "" || len(ip)+len(fp) > 18 {
		return Money{}, errors.New("not a decimal amount")
	}
	var num, den int64 = 0, 1
	for _, part := range []string{ip, fp} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return Money{}, errors.New("not a decimal amount")
			}
			num = num*10 + int64(c-'0')
		}
	}
	for range fp {
		den *= 10
	}
	if neg {
		num = -num
	}
	return reduce(num, den), nil
}

// MustMoney is ParseMoney for constants in code and tests; it panics on
// a malformed literal, which is a programming error.
func MustMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic("benefits: bad money literal " + strconv.Quote(s))
	}
	return m
}

func gcd(a, b int64) int64 {
	if a < 0 {
		a = -a
	}
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func reduce(num, den int64) Money {
	if den < 0 {
		num, den = -num, -den
	}
	if g := gcd(num, den); g > 1 {
		num, den = num/g, den/g
	}
	return Money{num, den}
}

// mul64 multiplies with overflow detection.
func mul64(a, b int64) (int64, bool) {
	neg := (a < 0) != (b < 0)
	ua, ub := abs64(a), abs64(b)
	hi, lo := bits.Mul64(ua, ub)
	if hi != 0 || lo > 1<<63-1 {
		return 0, false
	}
	if neg {
		return -int64(lo), true
	}
	return int64(lo), true
}

func add64(a, b int64) (int64, bool) {
	c := a + b
	if (c > a) != (b > 0) {
		return 0, false
	}
	return c, true
}

func abs64(a int64) uint64 {
	if a < 0 {
		return uint64(-a)
	}
	return uint64(a)
}

// Add returns m + o.
func (m Money) Add(o Money) (Money, error) {
	m, o = m.norm(), o.norm()
	if m.den == o.den {
		n, ok := add64(m.num, o.num)
		if !ok {
			return Money{}, ErrOverflow
		}
		return reduce(n, m.den), nil
	}
	g := gcd(m.den, o.den)
	a, ok1 := mul64(m.num, o.den/g)
	b, ok2 := mul64(o.num, m.den/g)
	d, ok3 := mul64(m.den, o.den/g)
	n, ok4 := add64(a, b)
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return Money{}, ErrOverflow
	}
	return reduce(n, d), nil
}

// Neg returns −m.
func (m Money) Neg() Money { m = m.norm(); return Money{-m.num, m.den} }

// Sub returns m − o.
func (m Money) Sub(o Money) (Money, error) { return m.Add(o.Neg()) }

// Mul returns m × o.
func (m Money) Mul(o Money) (Money, error) {
	m, o = m.norm(), o.norm()
	g1, g2 := gcd(m.num, o.den), gcd(o.num, m.den)
	if g1 == 0 {
		g1 = 1
	}
	if g2 == 0 {
		g2 = 1
	}
	n, ok1 := mul64(m.num/g1, o.num/g2)
	d, ok2 := mul64(m.den/g2, o.den/g1)
	if !ok1 || !ok2 {
		return Money{}, ErrOverflow
	}
	return reduce(n, d), nil
}

// Div returns m ÷ o; dividing by zero is an error.
func (m Money) Div(o Money) (Money, error) {
	o = o.norm()
	if o.num == 0 {
		return Money{}, errors.New("division by zero")
	}
	return m.Mul(Money{o.den, o.num}.normSign())
}

func (m Money) normSign() Money {
	if m.den < 0 {
		return Money{-m.num, -m.den}
	}
	return m
}

// Cmp compares m and o: −1, 0 or +1.
func (m Money) Cmp(o Money) int {
	m, o = m.norm(), o.norm()
	// Compare m.num*o.den with o.num*m.den in 128 bits.
	ah, al := mul128(m.num, o.den)
	bh, bl := mul128(o.num, m.den)
	switch {
	case ah < bh || ah == bh && al < bl:
		return -1
	case ah == bh && al == bl:
		return 0
	}
	return 1
}

// mul128 returns a×b as a signed 128-bit number (hi signed, lo unsigned).
func mul128(a, b int64) (int64, uint64) {
	hi, lo := bits.Mul64(abs64(a), abs64(b))
	if (a < 0) != (b < 0) && (hi|lo) != 0 {
		lo = ^lo + 1
		hi = ^hi
		if lo == 0 {
			hi++
		}
	}
	return int64(hi), lo
}

// Round returns m rounded half up to whole tenge: floor(m + 1/2), so
// 0.5 → 1 and −0.5 → 0.
func (m Money) Round() Money {
	m = m.norm()
	if m.den == 1 {
		return m
	}
	// floor((2n + d) / 2d) without overflow: split n = q·d + r.
	q, r := m.num/m.den, m.num%m.den
	if r < 0 {
		q, r = q-1, r+m.den
	}
	if 2*uint64(r) >= uint64(m.den) {
		q++
	}
	return Money{q, 1}
}

// IsWhole reports whether m is a whole number of tenge.
func (m Money) IsWhole() bool { return m.norm().den == 1 }

// Int64 returns m in whole tenge, truncated toward zero; callers round
// first where a rule says so.
func (m Money) Int64() int64 { m = m.norm(); return m.num / m.den }

// Sign returns −1, 0 or +1.
func (m Money) Sign() int { return m.Cmp(Money{0, 1}) }

// String writes m exactly: "121360", "118500.5", or "1/3" when m has no
// finite decimal form.
func (m Money) String() string {
	m = m.norm()
	if m.den == 1 {
		return strconv.FormatInt(m.num, 10)
	}
	d, k := m.den, 0
	for d%10 == 0 {
		d, k = d/10, k+1
	}
	for d%2 == 0 || d%5 == 0 {
		if d%2 == 0 {
			d /= 2
		} else {
			d /= 5
		}
		k++
	}
	if d != 1 || k > 18 {
		return strconv.FormatInt(m.num, 10) + "/" + strconv.FormatInt(m.den, 10)
	}
	scale := int64(1)
	for range k {
		scale *= 10
	}
	n, ok := mul64(m.num, scale/m.den)
	if !ok {
		return strconv.FormatInt(m.num, 10) + "/" + strconv.FormatInt(m.den, 10)
	}
	neg := n < 0
	s := strconv.FormatUint(abs64(n), 10)
	for len(s) <= k {
		s = "0" + s
	}
	s = s[:len(s)-k] + "." + s[len(s)-k:]
	if neg {
		s = "-" + s
	}
	return s
}

// MarshalJSON writes m as a JSON number when it has a finite decimal
// form, and as a string "n/d" otherwise.
func (m Money) MarshalJSON() ([]byte, error) {
	s := m.String()
	if strings.Contains(s, "/") {
		return []byte(strconv.Quote(s)), nil
	}
	return []byte(s), nil
}

// UnmarshalJSON reads a JSON number (or a string holding one) exactly.
func (m *Money) UnmarshalJSON(b []byte) error {
	s := string(b)
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}
