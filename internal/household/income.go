package household

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
)

// Months of income the profile reads before the date's month.
const (
	incomeMonths   = 24 // the averaging window of benefits
	employedMonths = 3  // recent enough to count as working
)

// incomes sums the tax declarations of each of the 24 months before the
// date's month (several employers' declarations of one month add up),
// their exact total and average, and derives insurance and employment
// from them. A declaration whose income ingest found invalid is not
// counted, and is flagged.
func (b *builder) incomes(e *golden.Entity, m *Member) {
	ix := b.ix
	type month struct {
		sum  big.Rat
		srcs []Source
	}
	months := map[string]*month{}
	var (
		total             big.Rat
		all, recent, paid []Source
	)
	for _, r := range records(e, SourceTax) {
		label := r.get("period")
		k, ok := parseMonth(label)
		if !ok || k >= ix.month || k < ix.month-incomeMonths {
			continue
		}
		var amount big.Rat
		if why := r.rec.Invalid["income"]; why != "" || !parseMoney(r.get("income"), &amount) {
			b.conflict(Conflict{Entity: e.ID, Field: "income", Used: "0",
				Values: []Alternative{{Value: r.get("income"), Sources: []Source{r.source()}}},
				Rule:   RuleInvalid})
			continue
		}
		label = monthLabel(k)
		mo := months[label]
		if mo == nil {
			mo = &month{}
			months[label] = mo
		}
		mo.sum.Add(&mo.sum, &amount)
		mo.srcs = append(mo.srcs, r.source())
		total.Add(&total, &amount)
		all = append(all, r.source())
		if amount.Sign() > 0 && r.get("employer_bin") != "" {
			paid = append(paid, r.source())
			if k >= ix.month-employedMonths {
				recent = append(recent, r.source())
			}
		}
	}
	none := []Source{ix.absent(SourceTax)}
	m.Income = make(map[string]Fact[string], len(months))
	for label, mo := range months {
		m.Income[label] = Fact[string]{Value: decimal(&mo.sum, 0), Sources: mo.srcs}
	}
	if len(all) == 0 {
		all = none
	}
	m.Income24m = Fact[string]{Value: decimal(&total, 0), Sources: all}
	avg := new(big.Rat).Quo(&total, big.NewRat(incomeMonths, 1))
	m.AvgIncome24m = Fact[string]{Value: decimal(avg, 8), Sources: all}
	m.Insured = Fact[bool]{Value: len(paid) > 0, Sources: cmpOr(paid, none)}
	m.Employed = Fact[bool]{Value: len(recent) > 0, Sources: cmpOr(recent, none)}
}

func cmpOr(a, b []Source) []Source {
	if len(a) > 0 {
		return a
	}
	return b
}

// parseMoney reads a decimal amount of tenge ("350000.00", "30000.25").
func parseMoney(s string, into *big.Rat) bool {
	s = strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if s == "" || strings.ContainsAny(s, "eE/") {
		return false
	}
	_, ok := into.SetString(strings.Replace(s, ",", ".", 1))
	return ok
}

// decimal writes r exactly when it has at most 18 decimals, without
// trailing zeros; otherwise rounded half up (away from zero) to places
// decimals, which must then be positive.
func decimal(r *big.Rat, places int) string {
	den := new(big.Int).Set(r.Denom())
	q, rem := new(big.Int), new(big.Int)
	strip := func(f int64) int {
		n := 0
		for {
			q.QuoRem(den, big.NewInt(f), rem)
			if rem.Sign() != 0 {
				return n
			}
			den.Set(q)
			n++
		}
	}
	twos, fives := strip(2), strip(5)
	if n := max(twos, fives); den.IsInt64() && den.Int64() == 1 && n <= 18 {
		return trimZeros(r.FloatString(n))
	}
	// FloatString rounds half away from zero: half up for incomes.
	return trimZeros(r.FloatString(places))
}

func trimZeros(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		return "0"
	}
	return s
}

// monthIndex numbers months: year*12 + month-1.
func monthIndex(y, m int) int { return y*12 + m - 1 }

// parseMonth reads "YYYY-MM" (also "YYYY-MM-DD" and "MM.YYYY").
func parseMonth(s string) (int, bool) {
	s = strings.TrimSpace(s)
	var ys, ms string
	switch {
	case len(s) >= 7 && s[4] == '-':
		ys, ms = s[:4], s[5:7]
	case len(s) == 7 && s[2] == '.':
		ys, ms = s[3:], s[:2]
	default:
		return 0, false
	}
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || m < 1 || m > 12 {
		return 0, false
	}
	return monthIndex(y, m), true
}

// monthLabel writes month index k as "YYYY-MM".
func monthLabel(k int) string {
	y, m := k/12, k%12+1
	return strconv.Itoa(y) + "-" + string([]byte{byte('0' + m/10), byte('0' + m%10)})
}
