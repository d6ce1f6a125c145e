package quality

import (
	"strings"
	"unicode"

	"github.com/ortaq/ortaq/internal/golden"
)

// runLetterCase finds values not in the letter case the source normally
// writes. Title case is judged leniently, because names such as
// "Мак-Дональд" or a separate "ұлы" are proper title case too: a value
// fails it only when all its letters are capitals or all small letters.
func runLetterCase(x *env, s *golden.Source, c *Check, res *Result) {
	for r := range records(s, c) {
		v := r.Attrs.Get(c.Field)
		upper, lower := letterCase(v)
		if upper+lower < 2 {
			continue
		}
		res.count(s, r)
		var key string
		switch {
		case c.Want != "upper" && lower == 0:
			key = "q.case.upper"
		case c.Want != "lower" && upper == 0:
			key = "q.case.lower"
		case c.Want == "upper" && lower > 0:
			key = "q.case.notupper"
		case c.Want == "lower" && upper > 0:
			key = "q.case.haupper"
		default:
			continue
		}
		f := finding(r, v, msg(key, attrArg(c.Field), v))
		f.suggest(msg("q.case.fix", inCase(v, c.Want)))
		res.Findings = append(res.Findings, f)
	}
}

// letterCase counts the capital and small letters of s.
func letterCase(s string) (upper, lower int) {
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		}
	}
	return upper, lower
}

// inCase writes s in the wanted case; title capitalises the first letter
// of every word and of every part after a hyphen.
func inCase(s, want string) string {
	switch want {
	case "upper":
		return strings.ToUpper(s)
	case "lower":
		return strings.ToLower(s)
	}
	rs := []rune(strings.ToLower(s))
	start := true
	for i, r := range rs {
		if start && unicode.IsLetter(r) {
			rs[i] = unicode.ToUpper(r)
		}
		start = r == ' ' || r == '-'
	}
	return string(rs)
}

func describeLetterCase(c *Check) Msg {
	switch c.Want {
	case "upper":
		return msg("q.desc.case.upper", attrArg(c.Field))
	case "lower":
		return msg("q.desc.case.lower", attrArg(c.Field))
	}
	return msg("q.desc.case.title", attrArg(c.Field))
}

// runScript finds values with letters of another script: a name in Latin
// where the source writes Cyrillic, or a Cyrillic word with a Latin
// look-alike letter (Latin "a" for Cyrillic "а"), which defeats exact
// search. Another record of the entity in the wanted script is suggested.
func runScript(x *env, s *golden.Source, c *Check, res *Result) {
	want, other := unicode.Cyrillic, unicode.Latin
	if c.Want == "latin" {
		want, other = unicode.Latin, unicode.Cyrillic
	}
	for r := range records(s, c) {
		v := r.Attrs.Get(c.Field)
		in, out := scriptLetters(v, want, other)
		if in+out == 0 {
			continue
		}
		res.count(s, r)
		if out == 0 {
			continue
		}
		key := "q.script.other." + scriptKey(c.Want)
		if in > 0 {
			key = "q.script.mixed"
		}
		f := finding(r, v, msg(key, attrArg(c.Field), v))
		f.suggest(msg("q.script.fix." + scriptKey(c.Want)))
		if g := x.spelledIn(r, c.Field, want, other); g != "" {
			f.suggest(msg("q.script.fix."+scriptKey(c.Want)+".entity", r.EntityID, g))
		}
		res.Findings = append(res.Findings, f)
	}
}

// spelledIn returns attr as another record of r's entity writes it
// entirely in the wanted script, or "".
func (x *env) spelledIn(r *golden.Record, attr string, want, other *unicode.RangeTable) string {
	e := x.ds.EntityOf(r)
	if e == nil {
		return ""
	}
	for _, m := range e.Members {
		v := m.Record.Attrs.Get(attr)
		if in, out := scriptLetters(v, want, other); in > 0 && out == 0 {
			return v
		}
	}
	return ""
}

// scriptLetters counts the letters of s in the wanted and the other script.
func scriptLetters(s string, want, other *unicode.RangeTable) (in, out int) {
	for _, r := range s {
		switch {
		case r < 0x80:
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
				if other == unicode.Latin {
					out++
				} else {
					in++
				}
			}
		case unicode.Is(want, r):
			in++
		case unicode.Is(other, r):
			out++
		}
	}
	return in, out
}

// scriptKey is the script's part of a message key.
func scriptKey(s string) string {
	if s == "latin" {
		return "latin"
	}
	return "cyrillic"
}
