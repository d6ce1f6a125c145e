package ident

import (
	"errors"
	"testing"
	"unicode/utf8"
)

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want rune
		at   int
		ok   bool
	}{
		{"P-000123", 0, 0, false},
		{"Әсел-Нұр", 0, 0, false},
		{"عربي", 0, 0, false},
		{"€ and —", 0, 0, false}, // other E2 lead bytes
		{"\uFFFD", 0, 0, false},  // another EF lead byte
		{"P-1\u202Etxt", 0x202E, 3, true},
		{"\u2066x", 0x2066, 0, true},
		{"x\u200F", 0x200F, 1, true},
		{"x\u061Cy", 0x061C, 1, true},
		{"\uFEFFP-1", 0xFEFF, 0, true},
		{"P\x00-1", 0, 1, true},
		{"\xE2\x80", 0, 0, false}, // a cut sequence is not a control
		{"FNO-\x1bESC", 0x1B, 4, true},
		{"line\nbreak", '\n', 4, true},
		{"tab\tx", '\t', 3, true},
		{"del\x7f", 0x7F, 3, true},
		{"next\u0085line", 0x85, 4, true},
		{"zero\u200Bwidth", 0x200B, 4, true},
		{"a\u2028b", 0x2028, 1, true},
		{"©2026 ¼", 0, 0, false}, // other C2 lead bytes
	} {
		r, at, ok := Find(tc.in)
		if r != tc.want || at != tc.at || ok != tc.ok {
			t.Errorf("Find(%+q) = %U, %d, %v; want %U, %d, %v", tc.in, r, at, ok, tc.want, tc.at, tc.ok)
		}
		if _, _, bok := Find([]byte(tc.in)); bok != ok {
			t.Errorf("Find([]byte(%+q)) disagrees with Find(string)", tc.in)
		}
	}
	var e *Error
	if err := Check("a\u202Eb"); !errors.As(err, &e) || e.Rune != 0x202E || err.Error() != "holds U+202E RIGHT-TO-LEFT OVERRIDE at byte 1, which no identifier may" {
		t.Errorf("Check: %v", err)
	}
}

// FuzzFind checks Find against a plain decode of every rune.
func FuzzFind(f *testing.F) {
	f.Add("P-1\u202E")
	f.Add("\uFEFF\x00")
	f.Fuzz(func(t *testing.T, s string) {
		want, wantAt, wantOK := rune(0), 0, false
		for i, r := range s {
			if r == utf8.RuneError {
				continue
			}
			if Forbidden(r) {
				want, wantAt, wantOK = r, i, true
				break
			}
		}
		r, at, ok := Find(s)
		if r != want || at != wantAt || ok != wantOK {
			t.Errorf("Find(%+q) = %U, %d, %v; want %U, %d, %v", s, r, at, ok, want, wantAt, wantOK)
		}
	})
}
