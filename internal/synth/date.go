package synth

import (
	"math"
	"time"
)

// date is a calendar day as days since 1970-01-01. Generation works on days
// rather than time.Time: it is compact, cheap to compare and to format.
type date int32

// noDate marks an absent date (a person who has not died).
const noDate date = math.MaxInt32

// mkDate returns the day for a proleptic Gregorian year, month and day
// (H. Hinnant's days_from_civil).
func mkDate(y, m, d int) date {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := m - 3
	if m <= 2 {
		mp = m + 9
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return date(era*146097 + doe - 719468)
}

func dateOf(t time.Time) date { return mkDate(t.Year(), int(t.Month()), t.Day()) }

// ymd splits a day into year, month and day (civil_from_days).
func (d date) ymd() (y, m, dd int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	dd = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if mp >= 10 {
		m = mp - 9
		y++
	}
	return y, m, dd
}

func (d date) time() time.Time {
	y, m, dd := d.ymd()
	return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC)
}

// addYears moves a day by whole years, clamping 29 February to the 28th.
func (d date) addYears(n int) date {
	y, m, dd := d.ymd()
	if m == 2 && dd == 29 {
		dd = 28
	}
	return mkDate(y+n, m, dd)
}

// age is the number of whole years from birth to at.
func age(birth, at date) int {
	y1, m1, d1 := birth.ymd()
	y2, m2, d2 := at.ymd()
	a := y2 - y1
	if m2 < m1 || (m2 == m1 && d2 < d1) {
		a--
	}
	return a
}

// dateLayout is one of the date formats agencies use, named by the tokens
// that sources.yaml uses.
type dateLayout byte

const (
	layoutDMY     dateLayout = iota // DD.MM.YYYY
	layoutISO                       // YYYY-MM-DD
	layoutCompact                   // YYYYMMDD
)

func (l dateLayout) String() string {
	switch l {
	case layoutDMY:
		return "DD.MM.YYYY"
	case layoutISO:
		return "YYYY-MM-DD"
	}
	return "YYYYMMDD"
}

// appendYMD writes y, m, d in layout l, whether or not they form a real date.
func appendYMD(b []byte, y, m, d int, l dateLayout) []byte {
	switch l {
	case layoutDMY:
		b = append2(b, d)
		b = append(b, '.')
		b = append2(b, m)
		b = append(b, '.')
		return append4(b, y)
	case layoutISO:
		b = append4(b, y)
		b = append(b, '-')
		b = append2(b, m)
		b = append(b, '-')
		return append2(b, d)
	}
	b = append4(b, y)
	b = append2(b, m)
	return append2(b, d)
}

func appendDate(b []byte, d date, l dateLayout) []byte {
	y, m, dd := d.ymd()
	return appendYMD(b, y, m, dd, l)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10%10), byte('0'+v%10)) }

func append4(b []byte, v int) []byte {
	return append(b, byte('0'+v/1000%10), byte('0'+v/100%10), byte('0'+v/10%10), byte('0'+v%10))
}
