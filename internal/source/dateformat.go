package source

import (
	"fmt"
	"strings"
	"time"
)

// dateFormat is a compiled human date format such as DD.MM.YYYY. Agencies
// describe their dates this way, not with Go layouts, and parsing by hand keeps
// the per-row cost of a date field to a few nanoseconds.
type dateFormat struct {
	text  string // canonical upper-case spelling, for messages
	parts []datePart
	// sep is the one separator between tokens, or 0 when the format has none;
	// with a separator, DD and MM may drop their leading zero (5.3.1985),
	// without one every token has its exact width.
	sep byte
	// pivot is the current year for two-digit years: YY is read as the latest
	// year not after it, which is right for birth and event dates.
	pivot int
}

type datePart byte

const (
	partDay   datePart = 'D'
	partMonth datePart = 'M'
	partYear4 datePart = 'Y'
	partYear2 datePart = 'y'
)

// isoDate is the format used when neither a field nor its source names one.
var isoDate = mustDateFormat("YYYY-MM-DD")

func mustDateFormat(s string) *dateFormat {
	f, err := parseDateFormat(s)
	if err != nil {
		panic(err)
	}
	return f
}

// dateSeparators are the characters that may separate date tokens. A space
// is among them because a date split over three columns, [year, month, day],
// is joined with one space.
const dateSeparators = ".-/ "

// parseDateFormat compiles a format made of the tokens DD, MM, YYYY and YY,
// each exactly once, separated all by one of dateSeparators or all by
// nothing. Tokens are case-insensitive because people write dd.mm.yyyy as
// often as DD.MM.YYYY.
func parseDateFormat(s string) (*dateFormat, error) {
	bad := func(why string) error {
		return fmt.Errorf("bad date format %q: %s (use tokens DD, MM, YYYY or YY separated by '.', '-', '/', ' ' or nothing, e.g. DD.MM.YYYY or YYYYMMDD)", s, why)
	}
	u := strings.ToUpper(s)
	f := &dateFormat{text: u, pivot: time.Now().Year()}
	seen := map[datePart]bool{}
	for i := 0; i < len(u); {
		c := u[i]
		switch c {
		case '.', '-', '/', ' ':
			if len(f.parts) == 0 || i+1 == len(u) {
				return nil, bad("separator at an end")
			}
			if u[i-1] == c || strings.IndexByte(dateSeparators, u[i-1]) >= 0 {
				return nil, bad("two separators in a row")
			}
			if f.sep != 0 && f.sep != c {
				return nil, bad("mixed separators")
			}
			f.sep = c
			i++
			continue
		}
		var p datePart
		tokStart := i
		switch {
		case strings.HasPrefix(u[i:], "YYYY"):
			p, i = partYear4, i+4
		case strings.HasPrefix(u[i:], "YY"):
			p, i = partYear2, i+2
		case strings.HasPrefix(u[i:], "DD"):
			p, i = partDay, i+2
		case strings.HasPrefix(u[i:], "MM"):
			p, i = partMonth, i+2
		default:
			return nil, bad(fmt.Sprintf("unexpected %q", u[i:]))
		}
		if len(f.parts) > 0 && f.sep != 0 && strings.IndexByte(dateSeparators, u[tokStart-1]) < 0 {
			return nil, bad("tokens must all be separated or none")
		}
		key := p
		if p == partYear2 {
			key = partYear4
		}
		if seen[key] {
			return nil, bad("a token appears twice")
		}
		seen[key] = true
		f.parts = append(f.parts, p)
	}
	if !seen[partDay] || !seen[partMonth] || !seen[partYear4] {
		return nil, bad("needs a day, a month and a year")
	}
	// A separator that appears only once among three tokens means one gap has
	// none: DDMM.YYYY.
	if f.sep != 0 && strings.Count(u, string(f.sep)) != len(f.parts)-1 {
		return nil, bad("tokens must all be separated or none")
	}
	return f, nil
}

// String returns the canonical spelling of the format.
func (f *dateFormat) String() string { return f.text }

// parse reads b in this format. ok is false when b does not match the format
// (shape) and valid is false when it matches but names no calendar day.
func (f *dateFormat) parse(b []byte) (y, m, d int, ok, valid bool) {
	pos := 0
	for i, p := range f.parts {
		if i > 0 && f.sep != 0 {
			if pos >= len(b) || b[pos] != f.sep {
				return 0, 0, 0, false, false
			}
			pos++
		}
		minW, maxW := 2, 2
		switch p {
		case partYear4:
			minW, maxW = 4, 4
		case partDay, partMonth:
			if f.sep != 0 {
				minW = 1
			}
		}
		n, w := 0, 0
		for w < maxW && pos < len(b) && b[pos] >= '0' && b[pos] <= '9' {
			n = n*10 + int(b[pos]-'0')
			pos++
			w++
		}
		if w < minW {
			return 0, 0, 0, false, false
		}
		switch p {
		case partDay:
			d = n
		case partMonth:
			m = n
		case partYear4:
			y = n
		case partYear2:
			y = f.pivot/100*100 + n
			if y > f.pivot {
				y -= 100
			}
		}
	}
	if pos != len(b) {
		return 0, 0, 0, false, false
	}
	return y, m, d, true, m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// appendISODate appends YYYY-MM-DD; years outside 0-9999 cannot occur because
// formats have at most four year digits.
func appendISODate(dst []byte, y, m, d int) []byte {
	return append(dst,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+d/10), byte('0'+d%10))
}

// parseTimestamp reads an observation time: YYYY-MM-DD, optionally followed
// by 'T' or a space, HH:MM:SS, a fraction of a second and a zone (Z or
// ±HH:MM). That covers RFC 3339 and the SQL "YYYY-MM-DD HH:MM:SS" that
// database exports write. A time without a zone is taken as UTC, so that the
// same extract yields the same instants wherever it is loaded. It is written
// by hand because time.Parse allocates an error for each layout that fails.
func parseTimestamp(b []byte) (time.Time, bool) {
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return time.Time{}, false
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return time.Time{}, false
	}
	if len(b) == 10 {
		return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), true
	}
	b = b[10:]
	if len(b) < 9 || (b[0] != 'T' && b[0] != 't' && b[0] != ' ') || b[3] != ':' || b[6] != ':' {
		return time.Time{}, false
	}
	h, ok1 := num(b[1:3])
	mi, ok2 := num(b[4:6])
	s, ok3 := num(b[7:9])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || s > 59 {
		return time.Time{}, false
	}
	b = b[9:]
	ns := 0
	if len(b) > 0 && (b[0] == '.' || b[0] == ',') {
		i := 1
		scale := 100000000
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			ns += int(b[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == 1 || i > 10 {
			return time.Time{}, false
		}
		b = b[i:]
	}
	off := 0
	switch {
	case len(b) == 0:
	case len(b) == 1 && (b[0] == 'Z' || b[0] == 'z'):
	case len(b) == 6 && (b[0] == '+' || b[0] == '-') && b[3] == ':':
		zh, ok1 := num(b[1:3])
		zm, ok2 := num(b[4:6])
		if !ok1 || !ok2 || zh > 23 || zm > 59 {
			return time.Time{}, false
		}
		off = zh*3600 + zm*60
		if b[0] == '-' {
			off = -off
		}
	default:
		return time.Time{}, false
	}
	// Only the instant matters downstream; returning it in UTC avoids
	// allocating a zone per row.
	return time.Date(y, time.Month(mo), d, h, mi, s-off, ns, time.UTC), true
}
