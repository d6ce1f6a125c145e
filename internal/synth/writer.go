package synth

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// table writes one delimited file row by row, quoting fields by the rules of
// encoding/csv (a field is quoted when it holds the delimiter, a quote, a
// line break, or starts with a space; quotes are doubled). Rows end in "\n".
// Values are appended straight into a reused row buffer: no allocation per
// field, which matters at a million rows.
type table struct {
	w     *bufio.Writer
	delim byte
	row   []byte
	nf    int // fields so far in this row
	rows  int // data rows written (the header excluded)
}

func newTable(w *bufio.Writer, delim byte, header ...string) *table {
	t := &table{w: w, delim: delim, row: make([]byte, 0, 512)}
	for _, h := range header {
		t.str(h)
	}
	t.flushRow()
	return t
}

func (t *table) sep() {
	if t.nf > 0 {
		t.row = append(t.row, t.delim)
	}
	t.nf++
}

// str writes a text field.
func (t *table) str(s string) { writeField(t, s) }

// plain writes a field the caller knows needs no quoting: digits, ASCII
// identifiers.
func (t *table) plain(s string) {
	t.sep()
	t.row = append(t.row, s...)
}

// bytes writes a text field held in a scratch buffer.
func (t *table) bytes(b []byte) { writeField(t, b) }

func writeField[S ~string | ~[]byte](t *table, s S) {
	t.sep()
	t.row = appendField(t.row, t.delim, s)
}

// appendField appends one CSV field, quoted when needed.
func appendField[S ~string | ~[]byte](b []byte, delim byte, s S) []byte {
	if !needsQuotes(delim, s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// appendRow appends a whole comma-separated row ending in "\n".
func appendRow(b []byte, fields ...string) []byte {
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendField(b, ',', f)
	}
	return append(b, '\n')
}

// int writes a decimal integer.
func (t *table) int(n int64) {
	t.sep()
	t.row = strconv.AppendInt(t.row, n, 10)
}

// date writes a day in layout l.
func (t *table) date(d date, l dateLayout) {
	t.sep()
	t.row = appendDate(t.row, d, l)
}

// empty writes an empty field.
func (t *table) empty() { t.sep() }

// line writes a data row taken as it is, without quoting: a row that is
// broken on purpose. It returns the row's line number in the file.
func (t *table) line(row []byte) int {
	t.row = append(t.row[:0], row...)
	t.flushRow()
	t.rows++
	return t.rows + 1
}

// end finishes a data row.
func (t *table) end() {
	t.flushRow()
	t.rows++
}

func (t *table) flushRow() {
	t.row = append(t.row, '\n')
	t.w.Write(t.row) // errors surface at Flush
	t.row, t.nf = t.row[:0], 0
}

// needsQuotes follows encoding/csv's fieldNeedsQuotes.
func needsQuotes[S ~string | ~[]byte](delim byte, s S) bool {
	if len(s) == 0 {
		return false
	}
	if len(s) == 2 && s[0] == '\\' && s[1] == '.' {
		return true
	}
	for i := 0; i < len(s); i++ {
		// Most bytes are letters or UTF-8 continuation bytes, above '"'.
		if c := s[i]; c == delim || (c <= '"' && (c == '"' || c == '\r' || c == '\n')) {
			return true
		}
	}
	if s[0] < utf8.RuneSelf {
		return unicode.IsSpace(rune(s[0]))
	}
	r, _ := utf8.DecodeRuneInString(string(s[:min(len(s), utf8.UTFMax)]))
	return unicode.IsSpace(r)
}

// output is one file being written, with its buffered writer.
type output struct {
	f   *os.File
	w   *bufio.Writer
	enc io.WriteCloser // windows-1251 transformer, or nil
}

// create opens dir/name for writing (creating directories), optionally
// encoding to windows-1251. Runes that code page cannot hold make Close fail.
func create(dir, name string, cp1251 bool) (*output, error) {
	path := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	o := &output{f: f}
	var dst io.Writer = f
	if cp1251 {
		o.enc = transform.NewWriter(f, charmap.Windows1251.NewEncoder())
		dst = o.enc
	}
	o.w = bufio.NewWriterSize(dst, 1<<20)
	return o, nil
}

// Close flushes and closes the file, reporting the first error.
func (o *output) Close() error {
	err := o.w.Flush()
	if o.enc != nil {
		if e := o.enc.Close(); err == nil {
			err = e
		}
	}
	if e := o.f.Close(); err == nil {
		err = e
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", o.f.Name(), err)
	}
	return nil
}

// object writes one NDJSON line: a JSON object with keys in a fixed order.
type object struct {
	w    *bufio.Writer
	line []byte
	n    int
	rows int
}

func (o *object) key(k string) {
	if o.n == 0 {
		o.line = append(o.line, '{')
	} else {
		o.line = append(o.line, ',')
	}
	o.n++
	o.line = appendJSONString(o.line, k)
	o.line = append(o.line, ':')
}

func (o *object) str(k, v string) {
	o.key(k)
	o.line = appendJSONString(o.line, v)
}

func (o *object) int(k string, v int64) {
	o.key(k)
	o.line = strconv.AppendInt(o.line, v, 10)
}

func (o *object) date(k string, d date, l dateLayout) {
	o.key(k)
	o.line = append(o.line, '"')
	o.line = appendDate(o.line, d, l)
	o.line = append(o.line, '"')
}

func (o *object) end() {
	o.line = append(o.line, '}', '\n')
	o.w.Write(o.line)
	o.line, o.n = o.line[:0], 0
	o.rows++
}

// appendJSONString appends s as a JSON string; s must be valid UTF-8.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
