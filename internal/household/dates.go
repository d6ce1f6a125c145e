package household

import (
	"strings"
	"time"
)

// day is t's calendar day at midnight UTC.
func day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dateLayouts are the shapes dates take in stored records: ingest writes
// ISO dates, but attributes it keeps as text (a disability's term) are as
// the agency wrote them.
var dateLayouts = []string{time.DateOnly, "02.01.2006", "2006.01.02", "02/01/2006"}

// parseDate reads a date in one of dateLayouts.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
