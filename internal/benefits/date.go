package benefits

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar day, counted in days from 1970-01-01. Decisions use
// no clock times and no time zones.
type Date int32

// MakeDate returns the date y-m-d; it does not normalise overflowing days.
func MakeDate(y, m, d int) Date {
	return Date(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// ParseDate reads YYYY-MM-DD and refuses days a calendar does not have
// ("2026-02-30").
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 {
		return 0, errors.New("not a date")
	}
	return Date(t.Unix() / 86400), nil
}

func (d Date) time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// YMD returns the year, month and day.
func (d Date) YMD() (int, int, int) {
	y, m, dd := d.time().Date()
	return y, int(m), dd
}

// String writes YYYY-MM-DD.
func (d Date) String() string { return d.time().Format(time.DateOnly) }

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return errors.New("not a date")
	}
	v, err := ParseDate(s)
	*d = v
	return err
}

// AgeOn returns the full years completed on day on by a person born on
// d; on the birthday itself the new age counts. A person born on 29
// February comes of age on 1 March in common years.
func (d Date) AgeOn(on Date) int {
	by, bm, bd := d.YMD()
	y, m, dd := on.YMD()
	a := y - by
	if m < bm || m == bm && dd < bd {
		a--
	}
	return a
}

// maxMonthShift bounds the months a rule may add to a date: a thousand
// years.
const maxMonthShift = 12_000

// AddMonths returns the same day n calendar months later (n may be
// negative); when that month is shorter, its last day: 31 Aug + 18 months
// is 28 Feb, or 29 Feb in a leap year.
func (d Date) AddMonths(n int) Date {
	y, m, dd := d.YMD()
	mi := y*12 + (m - 1) + n
	ny, nm := floorDiv(mi, 12), mi-floorDiv(mi, 12)*12+1
	last := time.Date(ny, time.Month(nm)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return MakeDate(ny, nm, min(dd, last))
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// Quarter is a calendar quarter: Q1 is January–March.
type Quarter struct{ Year, Q int }

// QuarterOf returns the quarter containing d.
func QuarterOf(d Date) Quarter {
	y, m, _ := d.YMD()
	return Quarter{y, (m-1)/3 + 1}
}

// Prev returns the quarter before q, across a year: 2026Q1 → 2025Q4.
func (q Quarter) Prev() Quarter {
	if q.Q == 1 {
		return Quarter{q.Year - 1, 4}
	}
	return Quarter{q.Year, q.Q - 1}
}

// Months returns the quarter's three months.
func (q Quarter) Months() [3]Month {
	f := MonthOf(q.Year, (q.Q-1)*3+1)
	return [3]Month{f, f + 1, f + 2}
}

// String writes "2025Q4", the key of the regional tables.
func (q Quarter) String() string { return fmt.Sprintf("%dQ%d", q.Year, q.Q) }

// Month is a calendar month counted from year 0 (year×12 + month−1).
type Month int32

// MonthOf returns the month m (1–12) of year y.
func MonthOf(y, m int) Month { return Month(y*12 + m - 1) }

// ParseMonth reads YYYY-MM.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return 0, errors.New("not a month")
	}
	return MonthOf(t.Year(), int(t.Month())), nil
}

// String writes YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", int(m)/12, int(m)%12+1) }

// ParseQuarter reads "2025Q4".
func ParseQuarter(s string) (Quarter, error) {
	if len(s) != 6 || s[4] != 'Q' || s[5] < '1' || s[5] > '4' {
		return Quarter{}, fmt.Errorf("not a quarter %q", s)
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil {
		return Quarter{}, fmt.Errorf("not a quarter %q", s)
	}
	return Quarter{y, int(s[5] - '0')}, nil
}

// MarshalText writes YYYY-MM, so a Month keys a JSON object.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads YYYY-MM.
func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	*m = v
	return err
}
