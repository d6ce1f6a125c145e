package source

import (
	"unicode"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/kz"
)

// The normalisers below take a trimmed, non-empty value and append its
// canonical form to dst. On an invalid value they return dst unchanged and a
// reason naming what was expected; the caller keeps the raw value, because a
// record with a mistyped field is still a record to be linked.

// normIIN strips the spaces and dashes people type into IINs before checking.
func normIIN(dst, v []byte) ([]byte, string) {
	n := len(dst)
	dst = appendDigitsOnly(dst, v)
	if _, err := kz.ParseIIN(string(dst[n:])); err != nil {
		return dst[:n], "iin: " + err.Error()
	}
	return dst, ""
}

// normBIN is normIIN for business numbers.
func normBIN(dst, v []byte) ([]byte, string) {
	n := len(dst)
	dst = appendDigitsOnly(dst, v)
	if err := kz.CheckBIN(string(dst[n:])); err != nil {
		return dst[:n], "bin: " + err.Error()
	}
	return dst, ""
}

func appendDigitsOnly(dst, v []byte) []byte {
	for _, c := range v {
		if c != ' ' && c != '-' {
			dst = append(dst, c)
		}
	}
	return dst
}

// normDate returns shapeOK false when v does not match f at all and
// calendarOK false when it matches but names no day (31.02.1985); the two get
// different reasons because they have different fixes.
func normDate(dst, v []byte, f *dateFormat) (out []byte, shapeOK, calendarOK bool) {
	y, m, d, ok, valid := f.parse(v)
	if !ok || !valid {
		return dst, ok, false
	}
	return appendISODate(dst, y, m, d), true, true
}

// normSex accepts the spellings found in Kazakh, Russian and English
// extracts; numeric codes differ between agencies and belong in values:.
func normSex(dst, v []byte, scratch []byte) ([]byte, []byte, string) {
	scratch = appendLower(scratch[:0], v)
	switch string(scratch) {
	case "m", "м", "е", "male", "man", "муж", "мужской", "мужчина", "ер", "еркек":
		return append(dst, 'M'), scratch, ""
	case "f", "ж", "ә", "female", "woman", "жен", "женский", "женщина", "әйел":
		return append(dst, 'F'), scratch, ""
	}
	return dst, scratch, "sex: expected M or F (or М/Ж, Е/Ә, male/female, муж/жен, ер/әйел); map other codes with values:"
}

// normInt writes the integer without a plus sign or leading zeros so that
// "007" and "7" are the same value.
func normInt(dst, v []byte) ([]byte, string) {
	i := 0
	neg := false
	if v[0] == '+' || v[0] == '-' {
		neg = v[0] == '-'
		i = 1
	}
	if i == len(v) {
		return dst, "int: not an integer"
	}
	for _, c := range v[i:] {
		if c < '0' || c > '9' {
			return dst, "int: not an integer"
		}
	}
	for i < len(v)-1 && v[i] == '0' {
		i++
	}
	if neg && !(len(v)-i == 1 && v[i] == '0') {
		dst = append(dst, '-')
	}
	return append(dst, v[i:]...), ""
}

// normNumber accepts a decimal comma, which Kazakh and Russian spreadsheets
// write, and an optional exponent; it writes a decimal point.
func normNumber(dst, v []byte) ([]byte, string) {
	const reason = "number: not a decimal number"
	i := 0
	neg := false
	if v[0] == '+' || v[0] == '-' {
		neg = v[0] == '-'
		i = 1
	}
	intStart := i
	for i < len(v) && v[i] >= '0' && v[i] <= '9' {
		i++
	}
	intPart := v[intStart:i]
	var frac []byte
	if i < len(v) && (v[i] == '.' || v[i] == ',') {
		i++
		fs := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		frac = v[fs:i]
	}
	if len(intPart) == 0 && len(frac) == 0 {
		return dst, reason
	}
	var exp []byte
	if i < len(v) && (v[i] == 'e' || v[i] == 'E') {
		es := i
		i++
		if i < len(v) && (v[i] == '+' || v[i] == '-') {
			i++
		}
		ds := i
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == ds {
			return dst, reason
		}
		exp = v[es:i]
	}
	if i != len(v) {
		return dst, reason
	}
	for len(intPart) > 1 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	if neg {
		dst = append(dst, '-')
	}
	if len(intPart) == 0 {
		dst = append(dst, '0')
	}
	dst = append(dst, intPart...)
	if len(frac) > 0 {
		dst = append(dst, '.')
		dst = append(dst, frac...)
	}
	return append(dst, exp...), ""
}

// normEmail lower-cases the whole address: mailbox names are case-sensitive in
// theory but never in practice, and linking needs one spelling.
func normEmail(dst, v []byte) ([]byte, string) {
	at := -1
	for i, c := range v {
		switch c {
		case '@':
			at = i
		case ' ', '\t', '\n', '\r':
			return dst, "email: contains a space"
		}
	}
	if at <= 0 || at == len(v)-1 {
		return dst, "email: expected text@text"
	}
	return appendLower(dst, v), ""
}

// appendLower lower-cases with unicode.ToLower per rune, exactly as
// strings.ToLower does, so that values: keys lower-cased by the contract
// parser match; invalid UTF-8 bytes are copied unchanged.
func appendLower(dst, v []byte) []byte {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(v[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, c)
			i++
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += size
	}
	return dst
}
