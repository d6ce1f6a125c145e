package source

import (
	"strings"
	"testing"
	"time"
)

func TestParseDateFormat(t *testing.T) {
	valid := map[string]string{
		"DD.MM.YYYY": "DD.MM.YYYY",
		"dd.mm.yyyy": "DD.MM.YYYY",
		"YYYY-MM-DD": "YYYY-MM-DD",
		"YYYYMMDD":   "YYYYMMDD",
		"DD/MM/YYYY": "DD/MM/YYYY",
		"MM/DD/YYYY": "MM/DD/YYYY",
		"DDMMYYYY":   "DDMMYYYY",
		"YY-MM-DD":   "YY-MM-DD",
		"DD.MM.YY":   "DD.MM.YY",
		"YYYY MM DD": "YYYY MM DD",
		"dd mm yyyy": "DD MM YYYY",
	}
	for in, canon := range valid {
		f, err := parseDateFormat(in)
		if err != nil {
			t.Errorf("parseDateFormat(%q): %v", in, err)
			continue
		}
		if f.String() != canon {
			t.Errorf("parseDateFormat(%q).String() = %q, want %q", in, f.String(), canon)
		}
	}
	invalid := map[string]string{
		"":             "needs a day, a month and a year",
		"DD.MM":        "needs a day, a month and a year",
		"DD.MM.YYY":    `unexpected "Y"`,
		"DD.MM.YYYYY":  `unexpected "Y"`,
		"D.M.YYYY":     `unexpected "D.M.YYYY"`,
		"DD-MM/YYYY":   "mixed separators",
		"DD..MM.YYYY":  "two separators in a row",
		".DD.MM.YYYY":  "separator at an end",
		"DD.MM.YYYY.":  "separator at an end",
		"DDMM.YYYY":    "tokens must all be separated or none",
		"DD.MMYYYY":    "tokens must all be separated or none",
		"DD.DD.YYYY":   "a token appears twice",
		"DD.MM.YY.YY":  "a token appears twice",
		"DD  MM YYYY":  "two separators in a row",
		"DD MM.YYYY":   "mixed separators",
		"YYYY MMDD":    "tokens must all be separated or none",
		" DD MM YYYY":  "separator at an end",
		"DD MM YYYY ":  "separator at an end",
		"DD\tMM\tYYYY": `unexpected "\tMM\tYYYY"`,
		"%d.%m.%Y":     `unexpected "%D.%M.%Y"`,
		"02.01.2006":   `unexpected "02.01.2006"`,
	}
	for in, why := range invalid {
		_, err := parseDateFormat(in)
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("parseDateFormat(%q) = %v, want an error containing %q", in, err, why)
		}
	}
}

func TestDateFormatYY(t *testing.T) {
	f := mustDateFormat("DD.MM.YY")
	f.pivot = 2026
	for in, want := range map[string]int{"01.01.26": 2026, "01.01.27": 1927, "01.01.00": 2000, "01.01.99": 1999} {
		y, _, _, ok, valid := f.parse([]byte(in))
		if !ok || !valid || y != want {
			t.Errorf("%s: year %d (%v %v), want %d", in, y, ok, valid, want)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	valid := map[string]time.Time{
		"2026-10-01":                     utc(2026, 10, 1, 0, 0, 0, 0),
		"2026-10-01 12:30:45":            utc(2026, 10, 1, 12, 30, 45, 0),
		"2026-10-01T12:30:45Z":           utc(2026, 10, 1, 12, 30, 45, 0),
		"2026-10-01t12:30:45z":           utc(2026, 10, 1, 12, 30, 45, 0),
		"2026-10-01T12:30:45.123456789Z": utc(2026, 10, 1, 12, 30, 45, 123456789),
		"2026-10-01 12:30:45,5":          utc(2026, 10, 1, 12, 30, 45, 500000000),
		"2026-10-01T05:00:00+05:00":      utc(2026, 10, 1, 0, 0, 0, 0),
		"2026-10-01T00:00:00-03:30":      utc(2026, 10, 1, 3, 30, 0, 0),
		"2024-02-29T23:59:59Z":           utc(2024, 2, 29, 23, 59, 59, 0),
	}
	for in, want := range valid {
		got, ok := parseTimestamp([]byte(in))
		if !ok || !got.Equal(want) {
			t.Errorf("parseTimestamp(%q) = %v, %v; want %v", in, got, ok, want)
		}
		// Agree with time.Parse where it has a layout for the input.
		if strings.Contains(in, "T") && (strings.HasSuffix(in, "Z") || strings.Contains(in[10:], "+") || strings.Contains(in[10:], "-")) {
			ref, err := time.Parse(time.RFC3339, in)
			if err == nil && !ref.Equal(got) {
				t.Errorf("parseTimestamp(%q) = %v, time.Parse says %v", in, got, ref)
			}
		}
	}
	for _, in := range []string{
		"", "2026", "2026-1-01", "2026-13-01", "2025-02-29", "2026-10-01 24:00:00",
		"2026-10-01 12:60:00", "2026-10-01 12:00", "2026-10-01T12:00:00+5", "2026-10-01T12:00:00.Z",
		"2026-10-01T12:00:00.1234567890Z", "2026-10-01T12:00:00Z junk", "01.10.2026", "2026-10-01x",
	} {
		if got, ok := parseTimestamp([]byte(in)); ok {
			t.Errorf("parseTimestamp(%q) = %v, want failure", in, got)
		}
	}
}
