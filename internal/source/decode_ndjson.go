package source

import (
	"bytes"
	"fmt"
	"slices"
	"unicode/utf16"
	"unicode/utf8"
)

// NDJSON rows are scanned by hand rather than with encoding/json: we need the
// keys in their original order (for Raw) and every value as text (for
// mapping), which encoding/json gives only through its slow token API.
// FuzzDecodeNDJSON checks this scanner against encoding/json.

// jsonPair is one top-level key of a row. Both parts live in Decoder.jbuf.
type jsonPair struct {
	key  cell // unescaped
	val  cell // a string's unescaped text; any other value's compact JSON
	kind byte // 's' string, 'n' null, 'o' other
}

// nameColumns gives each column the contract names a slot in d.cells: NDJSON
// has no header, and a missing key is simply an empty value.
func (d *Decoder) nameColumns() {
	d.slotOf = map[string]int{}
	add := func(c string) {
		if _, ok := d.slotOf[c]; !ok {
			d.slotOf[c] = len(d.header)
			d.header = append(d.header, c)
		}
	}
	for _, c := range d.src.ID {
		add(c)
	}
	for _, f := range d.src.Fields {
		for _, c := range f.Columns {
			add(c)
		}
	}
	if d.src.ObservedAt != "" {
		add(d.src.ObservedAt)
	}
	d.cells = make([]cell, len(d.header))
}

func isBlankJSON(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// readJSONRow scans the next non-blank line into d.pairs and fills the
// contract's slots. A line that is not one JSON object, or that repeats a
// key (which value would be meant?), is rejected as bad JSON.
func (d *Decoder) readJSONRow() (int, *Rejection, error) {
	var (
		line []byte
		n    int
		err  error
	)
	for {
		line, n, err = d.in.next()
		if err != nil {
			return 0, nil, err
		}
		if !isBlankJSON(line) {
			break
		}
	}
	d.text = line
	sc := jsonScanner{b: line, out: d.jbuf[:0], pairs: d.pairs[:0]}
	why := sc.object()
	d.jbuf, d.pairs = sc.out, sc.pairs
	if why != "" {
		return n, d.reject(n, CodeBadJSON, "", why), nil
	}
	d.order = d.order[:0]
	for i := range d.pairs {
		d.order = append(d.order, i)
	}
	key := func(i int) []byte { return d.jbuf[d.pairs[i].key.start:d.pairs[i].key.end] }
	slices.SortFunc(d.order, func(a, b int) int { return bytes.Compare(key(a), key(b)) })
	for k := 1; k < len(d.order); k++ {
		if bytes.Equal(key(d.order[k-1]), key(d.order[k])) {
			k := escapeInvalid(key(d.order[k]))
			return n, d.reject(n, CodeBadJSON, k, fmt.Sprintf("key %q appears twice", k)), nil
		}
	}
	d.row = d.jbuf
	clear(d.cells)
	for i, p := range d.pairs {
		if slot, ok := d.slotOf[string(key(i))]; ok && p.kind != 'n' {
			t := trimSpace(d.jbuf[p.val.start:p.val.end])
			s := p.val.start + (cap(d.jbuf[p.val.start:]) - cap(t))
			d.cells[slot] = cell{s, s + len(t)}
		}
	}
	if d.checkUTF8 && !utf8.Valid(line) {
		field := ""
		for i, p := range d.pairs {
			if !utf8.Valid(key(i)) || !utf8.Valid(d.jbuf[p.val.start:p.val.end]) {
				field = escapeInvalid(key(i))
				break
			}
		}
		rej := d.reject(n, CodeNotUTF8, field, notUTF8Reason(field))
		rej.ID = d.rowID()
		return n, rej, nil
	}
	return n, nil, nil
}

// jsonRaw re-encodes the row compactly with its keys in their original
// order; top-level strings are re-escaped, nested values kept as written.
func (d *Decoder) jsonRaw() []byte {
	raw := make([]byte, 0, len(d.jbuf)+6*len(d.pairs)+8)
	raw = append(raw, '{')
	for i, p := range d.pairs {
		if i > 0 {
			raw = append(raw, ',')
		}
		raw = appendJSONStringValid(raw, d.jbuf[p.key.start:p.key.end])
		raw = append(raw, ':')
		switch p.kind {
		case 's':
			raw = appendJSONStringValid(raw, d.jbuf[p.val.start:p.val.end])
		case 'n':
			raw = append(raw, "null"...)
		default:
			raw = append(raw, d.jbuf[p.val.start:p.val.end]...)
		}
	}
	return append(raw, '}')
}

// jsonHash hashes as csvHash does, so that null, "" and a missing key are the
// same and key order does not matter.
func (d *Decoder) jsonHash() [16]byte {
	h := d.hbuf[:0]
	for _, i := range d.order {
		p := d.pairs[i]
		v := trimSpace(d.jbuf[p.val.start:p.val.end])
		if p.kind == 'n' || len(v) == 0 {
			continue
		}
		h = appendFramed(h, d.jbuf[p.key.start:p.key.end], v)
	}
	d.hbuf = h
	return sum16(h)
}

// jsonScanner validates one line as a JSON object and collects its top-level
// pairs. Methods return "" on success or a reason for the rejection.
type jsonScanner struct {
	b     []byte
	i     int
	out   []byte
	pairs []jsonPair
}

func (s *jsonScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *jsonScanner) object() string {
	s.ws()
	if s.peek() != '{' {
		return "not a JSON object"
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			s.ws()
			if s.peek() != '"' {
				return s.expected("a string key")
			}
			ks := len(s.out)
			if why := s.unquote(); why != "" {
				return why
			}
			key := cell{ks, len(s.out)}
			s.ws()
			if s.peek() != ':' {
				return s.expected(`":"`)
			}
			s.i++
			s.ws()
			vs := len(s.out)
			var kind byte
			switch s.peek() {
			case '"':
				kind = 's'
				if why := s.unquote(); why != "" {
					return why
				}
			case 'n':
				kind = 'n'
				if why := s.literal("null"); why != "" {
					return why
				}
				s.out = s.out[:vs]
			default:
				kind = 'o'
				if why := s.compact(1); why != "" {
					return why
				}
			}
			s.pairs = append(s.pairs, jsonPair{key: key, val: cell{vs, len(s.out)}, kind: kind})
			s.ws()
			if s.peek() == ',' {
				s.i++
				continue
			}
			if s.peek() == '}' {
				s.i++
				break
			}
			return s.expected(`"," or "}"`)
		}
	}
	s.ws()
	if s.i != len(s.b) {
		return fmt.Sprintf("text after the JSON object at byte %d", s.i+1)
	}
	return ""
}

func (s *jsonScanner) expected(what string) string {
	if s.i >= len(s.b) {
		return "JSON ends early: expected " + what
	}
	return fmt.Sprintf("bad JSON at byte %d: expected %s", s.i+1, what)
}

// compact validates one value and appends it without insignificant space.
func (s *jsonScanner) compact(depth int) string {
	if depth > maxJSONDepth {
		return fmt.Sprintf("JSON nested deeper than %d levels", maxJSONDepth)
	}
	switch c := s.peek(); c {
	case '{', '[':
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		s.out = append(s.out, c)
		s.i++
		s.ws()
		if s.peek() == closer {
			s.out = append(s.out, closer)
			s.i++
			return ""
		}
		for {
			s.ws()
			if c == '{' {
				if s.peek() != '"' {
					return s.expected("a string key")
				}
				if why := s.verbatim(); why != "" {
					return why
				}
				s.ws()
				if s.peek() != ':' {
					return s.expected(`":"`)
				}
				s.out = append(s.out, ':')
				s.i++
				s.ws()
			}
			if why := s.compact(depth + 1); why != "" {
				return why
			}
			s.ws()
			switch s.peek() {
			case ',':
				s.out = append(s.out, ',')
				s.i++
				continue
			case closer:
				s.out = append(s.out, closer)
				s.i++
				return ""
			}
			return s.expected(fmt.Sprintf(`"," or "%c"`, closer))
		}
	case '"':
		return s.verbatim()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.number()
}

func (s *jsonScanner) literal(word string) string {
	if !bytes.HasPrefix(s.b[s.i:], []byte(word)) {
		return s.expected("a JSON value")
	}
	s.out = append(s.out, word...)
	s.i += len(word)
	return ""
}

// number validates JSON's number grammar and copies the number as written,
// so that 1.50 stays 1.50.
func (s *jsonScanner) number() string {
	start := s.i
	b := s.b
	i := s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		digits()
	default:
		s.i = i
		return s.expected("a JSON value")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			s.i = i
			return s.expected("a digit")
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			s.i = i
			return s.expected("a digit")
		}
	}
	s.out = append(s.out, b[start:i]...)
	s.i = i
	return ""
}

// scanString finds the end of the string starting at s.i and checks its
// escapes; it returns the index after the closing quote.
func (s *jsonScanner) scanString() (int, string) {
	b := s.b
	for i := s.i + 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			return i + 1, ""
		case c == '\\':
			i++
			if i >= len(b) {
				break
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := hex4(b[i+1:]); !ok {
					s.i = i
					return 0, s.expected("four hex digits after \\u")
				}
				i += 4
			default:
				s.i = i
				return 0, s.expected("an escape: one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u")
			}
		case c < 0x20:
			s.i = i
			return 0, s.expected("no control character in a string")
		}
	}
	s.i = len(b)
	return 0, "JSON ends inside a string"
}

// verbatim copies a string token as written, for nested values.
func (s *jsonScanner) verbatim() string {
	end, why := s.scanString()
	if why != "" {
		return why
	}
	s.out = append(s.out, s.b[s.i:end]...)
	s.i = end
	return ""
}

// unquote appends a string's decoded text. Like encoding/json it turns an
// unpaired surrogate escape into U+FFFD; unlike it, it keeps bytes that are
// not UTF-8, so that the caller can reject the row rather than store
// replacement characters.
func (s *jsonScanner) unquote() string {
	end, why := s.scanString()
	if why != "" {
		return why
	}
	body := s.b[s.i+1 : end-1]
	s.i = end
	if bytes.IndexByte(body, '\\') < 0 {
		s.out = append(s.out, body...)
		return ""
	}
	for i := 0; i < len(body); {
		c := body[i]
		if c != '\\' {
			j := bytes.IndexByte(body[i:], '\\')
			if j < 0 {
				j = len(body) - i
			}
			s.out = append(s.out, body[i:i+j]...)
			i += j
			continue
		}
		i++
		switch e := body[i]; e {
		case 'b':
			s.out = append(s.out, '\b')
		case 'f':
			s.out = append(s.out, '\f')
		case 'n':
			s.out = append(s.out, '\n')
		case 'r':
			s.out = append(s.out, '\r')
		case 't':
			s.out = append(s.out, '\t')
		case 'u':
			r, _ := hex4(body[i+1:])
			i += 4
			if utf16.IsSurrogate(r) {
				r2, ok := rune(0), false
				if i+2 < len(body) && body[i+1] == '\\' && body[i+2] == 'u' {
					r2, ok = hex4(body[i+3:])
				}
				if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
					r = dec
					i += 6
				} else {
					r = utf8.RuneError
				}
			}
			s.out = utf8.AppendRune(s.out, r)
		default: // '"', '\\', '/'
			s.out = append(s.out, e)
		}
		i++
	}
	return ""
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
