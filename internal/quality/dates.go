package quality

import (
	"strconv"
	"time"
)

// Ingest stores every valid date as YYYY-MM-DD, so dates compare as
// strings: no parsing, no allocation, in the loops over millions of records.

// isoDate reports whether s is shaped YYYY-MM-DD.
func isoDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := range 10 {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// periodStart returns the first day a date or a month (YYYY-MM, as tax
// periods are written) covers.
func periodStart(s string) (string, bool) {
	switch {
	case isoDate(s):
		return s, true
	case len(s) == 7 && isoDate(s+"-01"):
		return s + "-01", true
	}
	return "", false
}

// fullYears is the age in whole years on date to of something born on
// date from; both are YYYY-MM-DD.
func fullYears(from, to string) int {
	y := atoi(to[:4]) - atoi(from[:4])
	if to[5:] < from[5:] {
		y--
	}
	return y
}

func atoi(s string) int {
	n := 0
	for i := range len(s) {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// dayAfter returns the day after s, a date YYYY-MM-DD, and false when s
// is no day of the calendar.
func dayAfter(s string) (string, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", false
	}
	return dayString(t.AddDate(0, 0, 1)), true
}

// maxYear bounds the dates an anniversary is computed for: a limit of
// ten thousand years is none.
const maxYear = 9999

// anniversary returns the first day on which something born on date from
// (YYYY-MM-DD, a day of the calendar) is years old in full years (as
// fullYears counts them: one born on 29 February comes of age on 1 March
// in other years), and false when that day is past maxYear or from is no
// day of the calendar.
func anniversary(from string, years int) (string, bool) {
	t, err := time.Parse(time.DateOnly, from)
	if err != nil || years > maxYear || t.Year()+years > maxYear {
		return "", false
	}
	// time.Date carries 29 February of a common year over to 1 March.
	return dayString(time.Date(t.Year()+years, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)), true
}

// dayString formats t as YYYY-MM-DD.
func dayString(t time.Time) string { return t.Format(time.DateOnly) }

// bound is one end of a range: a number, or a date ("today" is the
// report's as-of date).
type bound struct {
	num    float64
	date   string
	isDate bool
}

// parseBound reads a range bound; today is returned as a date with date "".
func parseBound(s string) (bound, bool) {
	switch {
	case s == "today":
		return bound{isDate: true}, true
	case isoDate(s):
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return bound{}, false
		}
		return bound{date: s, isDate: true}, true
	}
	f, err := strconv.ParseFloat(s, 64)
	return bound{num: f}, err == nil
}
