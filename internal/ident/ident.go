// Package ident says which characters an identifier may not hold: record
// ids, registry codes, header values that name a caller or a case.
//
// An identifier is compared byte for byte and shown to people, so it must
// not hold characters that change how text around it reads while staying
// invisible themselves: bidirectional controls (U+202E turns
// "exe.txt" into what reads "txt.exe"), NUL (which cuts a string short in
// C and in many terminals), other control characters (a newline or an
// escape sequence rewrites a log line or a terminal), and the invisible
// characters that make two ids that look alike differ: the byte-order mark,
// zero-width spaces and joiners, line and paragraph separators.
package ident

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// names are the characters no identifier may hold, with their Unicode names
// for error messages.
var names = map[rune]string{
	0x0000: "NULL",
	0xFEFF: "BYTE ORDER MARK",
	0x061C: "ARABIC LETTER MARK",
	0x200E: "LEFT-TO-RIGHT MARK",
	0x200F: "RIGHT-TO-LEFT MARK",
	0x202A: "LEFT-TO-RIGHT EMBEDDING",
	0x202B: "RIGHT-TO-LEFT EMBEDDING",
	0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE",
	0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2066: "LEFT-TO-RIGHT ISOLATE",
	0x2067: "RIGHT-TO-LEFT ISOLATE",
	0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE",
	0x200B: "ZERO WIDTH SPACE",
	0x200C: "ZERO WIDTH NON-JOINER",
	0x200D: "ZERO WIDTH JOINER",
	0x2060: "WORD JOINER",
	0x2028: "LINE SEPARATOR",
	0x2029: "PARAGRAPH SEPARATOR",
}

// Forbidden reports whether no identifier may hold r: one of names, or a
// C0 or C1 control character (tab and newline among them).
func Forbidden(r rune) bool {
	_, ok := names[r]
	return ok || unicode.IsControl(r)
}

// Find returns the first character of s no identifier may hold and its
// byte offset, or ok false when there is none. It reads only the bytes that
// can start one, so a clean identifier costs one pass over its bytes.
func Find[T ~string | ~[]byte](s T) (r rune, at int, ok bool) {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b < 0x20 || b == 0x7F:
			return rune(b), i, true
		case b == 0xC2 || b == 0xD8 || b == 0xE2 || b == 0xEF: // the lead bytes of C1 controls, U+061C, U+200B…U+2069, U+FEFF
			r, _ := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
			if Forbidden(r) {
				return r, i, true
			}
		}
	}
	return 0, 0, false
}

// Error is an identifier holding a character it may not.
type Error struct {
	Rune rune
	At   int // byte offset
}

func (e *Error) Error() string {
	name, ok := names[e.Rune]
	if !ok {
		name = "CONTROL CHARACTER"
	}
	return fmt.Sprintf("holds %U %s at byte %d, which no identifier may", e.Rune, name, e.At)
}

// Check returns an *Error for the first character of s no identifier may
// hold, or nil.
func Check[T ~string | ~[]byte](s T) error {
	if r, at, ok := Find(s); ok {
		return &Error{Rune: r, At: at}
	}
	return nil
}
