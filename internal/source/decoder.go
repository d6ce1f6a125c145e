package source

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"

	"github.com/ortaq/ortaq/internal/ident"
)

// Limits that keep one broken row from taking the rest of the extract with
// it, or from exhausting memory.
const (
	// A quoted CSV field still open after this many lines or bytes is taken
	// to be a stray quote; its row is quarantined and reading resumes on the
	// next line.
	maxQuotedLines = 1000
	maxQuotedBytes = 64 << 10
	// A physical line longer than this is not a row of any agency extract:
	// the file is corrupt and the load fails.
	maxLineBytes = 16 << 20
	// NDJSON values nested deeper than this are rejected as bad JSON.
	maxJSONDepth = 512
)

// Decoder reads one extract of one source row by row, mapping each row onto
// the contract. It holds O(1) rows in memory, plus 16 bytes and a line number
// per record id seen (to quarantine repeated ids).
//
// Contract for callers:
//   - Next yields exactly one Record or one *Rejection per non-blank row, in
//     file order, with strictly increasing Line; blank lines are not rows.
//   - Records and Rejections own their memory: nothing is reused by later
//     calls, so a caller may batch them.
//   - The first occurrence of a record id wins; later rows with the same id
//     are rejected with CodeDuplicateID. Rows rejected for other reasons do
//     not claim their id.
//   - Any error other than io.EOF (an I/O error, a line over 16 MiB) means the
//     extract cannot be read to the end; the load must fail rather than treat
//     the rows seen so far as complete. The error repeats on later calls.
type Decoder struct {
	src  *Source
	file string
	in   *lineReader
	csv  bool

	delim   byte
	header  []string // CSV: the header; NDJSON: the columns the contract names
	keyJSON [][]byte // CSV: `"column":` per header column, escaped once
	sorted  []int    // CSV: header indexes in column-name order, for the hash
	slotOf  map[string]int

	idCols     []int
	obsCol     int // -1 when the source has no observed_at column
	obsFmt     *dateFormat
	obsMissing [][]byte // the source's missing markers, which observed_at honours too
	plan       []fieldPlan

	// The current row. For CSV, rawCells index the header and point into
	// row, and cells are the same values trimmed; for NDJSON cells index
	// header (the named columns) and point into jbuf.
	row       []byte
	rawCells  []cell
	cells     []cell
	text      []byte // the row's original text, for rejections
	checkUTF8 bool   // source is UTF-8, so rows must be checked

	// CSV scratch.
	scratch  []byte
	recText  []byte
	lineOffs []int

	// NDJSON scratch.
	jbuf  []byte
	pairs []jsonPair
	order []int

	// known, when set, reports whether a record with this id and content
	// hash is already stored; such rows skip normalisation (see SkipKnown).
	known func(id []byte, hash [16]byte) bool
	// attrsOnly leaves Raw and Hash unset (see AttributesOnly).
	attrsOnly bool

	// Mapping scratch.
	vals   []byte
	spans  []span
	issues []issueSpan
	lower  []byte
	hbuf   []byte

	seen       map[[16]byte]int32
	seed1      maphash.Seed
	seed2      maphash.Seed
	headerLine int
	err        error
}

type cell struct{ start, end int }

type span struct {
	name       string
	start, end int
}

type issueSpan struct {
	field      string
	start, end int
	reason     string
}

// fieldPlan is a Field resolved against the extract's columns.
type fieldPlan struct {
	f        *Field
	cols     []int
	df       *dateFormat
	values   map[string][]byte
	allowed  map[string]string // lower-cased -> spelling in the contract
	missing  [][]byte          // the source's and the field's markers, trimmed
	plain    bool              // a string with no values: or allowed: is stored as gathered
	shapeWhy string            // reasons built once, not per row
	calWhy   string
	allowWhy string
}

// NewDecoder prepares to read src's extract from r; file names it in errors
// and rejections. For CSV it reads and checks the header: an empty file, a
// header that cannot be split, duplicate header names and columns the
// contract names but the header lacks are errors that fail the whole load,
// all reported at once.
func NewDecoder(src *Source, r io.Reader, file string) (*Decoder, error) {
	d := &Decoder{
		src:       src,
		file:      file,
		csv:       src.Format != "ndjson",
		delim:     ',',
		obsCol:    -1,
		checkUTF8: src.Encoding != "windows-1251",
		seen:      map[[16]byte]int32{},
		seed1:     maphash.MakeSeed(),
		seed2:     maphash.MakeSeed(),
	}
	if src.Delimiter != 0 {
		if src.Delimiter >= utf8.RuneSelf || src.Delimiter == '"' || src.Delimiter == '\n' || src.Delimiter == '\r' {
			return nil, fmt.Errorf("%s: source %q: delimiter %q must be one ASCII character", file, src.Name, src.Delimiter)
		}
		d.delim = byte(src.Delimiter)
	}
	if len(src.ID) == 0 {
		return nil, fmt.Errorf("%s: source %q has no id column", file, src.Name)
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		if !d.checkUTF8 {
			return nil, fmt.Errorf("%s: file starts with a UTF-8 byte order mark but source %q is declared %s", file, src.Name, src.Encoding)
		}
		br.Discard(3)
	}
	if _, err := br.Peek(1); err == io.EOF {
		return nil, fmt.Errorf("%s: empty file", file)
	} else if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if !d.checkUTF8 {
		br = bufio.NewReaderSize(transform.NewReader(br, charmap.Windows1251.NewDecoder()), 64<<10)
	}
	d.in = &lineReader{r: br}

	var err error
	if d.csv {
		err = d.readHeader()
	} else {
		d.nameColumns()
	}
	if err != nil {
		return nil, err
	}
	if err := d.makePlan(); err != nil {
		return nil, err
	}
	return d, nil
}

// columnIndex resolves a contract column against the extract; ok is false
// when the CSV header lacks it.
func (d *Decoder) columnIndex(name string) (int, bool) {
	i, ok := d.slotOf[name]
	return i, ok
}

func (d *Decoder) makePlan() error {
	var errs []error
	missing := func(col, of string) {
		msg := fmt.Sprintf("%s:%d: column %q of %s is not in the header", d.file, d.headerLine, col, of)
		for _, h := range d.header {
			if strings.EqualFold(h, col) {
				msg += fmt.Sprintf(" (the header has %q; names are case-sensitive)", h)
				break
			}
		}
		errs = append(errs, errors.New(msg))
	}
	for _, c := range d.src.ID {
		i, ok := d.columnIndex(c)
		if !ok {
			missing(c, "the record id")
		}
		d.idCols = append(d.idCols, i)
	}
	if d.src.ObservedAt != "" {
		i, ok := d.columnIndex(d.src.ObservedAt)
		if !ok {
			missing(d.src.ObservedAt, "observed_at")
		}
		d.obsCol = i
	}
	d.obsMissing = missingMarkers(d.src.Missing)
	srcFmt := isoDate
	if d.src.DateFormat != "" {
		f, err := parseDateFormat(d.src.DateFormat)
		if err != nil {
			errs = append(errs, fmt.Errorf("source %q: %w", d.src.Name, err))
		} else {
			srcFmt = f
			d.obsFmt = f
		}
	}
	d.plan = make([]fieldPlan, len(d.src.Fields))
	for fi := range d.src.Fields {
		f := &d.src.Fields[fi]
		p := &d.plan[fi]
		p.f = f
		for _, c := range f.Columns {
			i, ok := d.columnIndex(c)
			if !ok {
				missing(c, "field "+f.Name)
			}
			p.cols = append(p.cols, i)
		}
		if f.Type == TypeDate {
			p.df = srcFmt
			if f.DateFormat != "" {
				df, err := parseDateFormat(f.DateFormat)
				if err != nil {
					errs = append(errs, fmt.Errorf("source %q: field %q: %w", d.src.Name, f.Name, err))
					continue
				}
				p.df = df
			}
			p.shapeWhy = "date: does not match " + p.df.String()
			p.calWhy = "date: not a calendar date"
		}
		if len(f.Values) > 0 {
			p.values = make(map[string][]byte, len(f.Values))
			for k, v := range f.Values {
				// Contracts built in code may not have lower-cased their keys.
				p.values[string(appendLower(nil, []byte(strings.TrimSpace(k))))] = []byte(v)
			}
		}
		p.missing = missingMarkers(d.src.Missing, f.Missing)
		if len(f.Allowed) > 0 {
			p.allowed = make(map[string]string, len(f.Allowed))
			for _, a := range f.Allowed {
				p.allowed[string(appendLower(nil, []byte(a)))] = a
			}
			p.allowWhy = "not one of the allowed values: " + strings.Join(f.Allowed, ", ")
		}
		if !validType(f.Type) {
			errs = append(errs, fmt.Errorf("source %q: field %q: unknown type %q", d.src.Name, f.Name, f.Type))
		}
		p.plain = f.Type == TypeString && p.values == nil && p.allowed == nil
	}
	return errors.Join(errs...)
}

// Next returns the next row as exactly one of a Record or a *Rejection, or
// io.EOF after the last row. See Decoder for the guarantees.
func (d *Decoder) Next() (Record, *Rejection, error) {
	if d.err != nil {
		return Record{}, nil, d.err
	}
	var (
		start int
		rej   *Rejection
		err   error
	)
	if d.csv {
		start, rej, err = d.readCSVRow()
	} else {
		start, rej, err = d.readJSONRow()
	}
	if err != nil {
		if err != io.EOF {
			err = fmt.Errorf("%s: %w", d.file, err)
		}
		d.err = err
		return Record{}, nil, err
	}
	if rej != nil {
		return Record{}, rej, nil
	}
	rec, rej := d.mapRow(start)
	return rec, rej, nil
}

// cell returns column i's value, trimmed.
func (d *Decoder) cell(i int) []byte {
	c := d.cells[i]
	return d.row[c.start:c.end]
}

func (d *Decoder) reject(line int, code Code, field, reason string) *Rejection {
	return &Rejection{Line: line, Code: code, Field: field, Reason: reason, Raw: escapeInvalid(d.text)}
}

func (d *Decoder) rejectID(line int, code Code, field string, id []byte, reason string) *Rejection {
	r := d.reject(line, code, field, reason)
	r.ID = string(id)
	return r
}

// rowID reads the record id of a row about to be rejected for its encoding,
// when the id columns themselves are clean; see Rejection.ID.
func (d *Decoder) rowID() string {
	var b []byte
	empty := true
	for k, ci := range d.idCols {
		if k > 0 {
			b = append(b, '|')
		}
		c := d.cell(ci)
		if !utf8.Valid(c) {
			return ""
		}
		if len(c) > 0 {
			empty = false
		}
		b = append(b, c...)
	}
	if empty {
		return ""
	}
	return string(b)
}

// SkipKnown makes the decoder ask known(id, hash) for every row whose id can
// be read, and return a row it answers true for as a Record with only Line,
// ID and Hash set: the row's content is already stored, so its attributes,
// issues and raw form are not built. A full extract that repeats yesterday's
// is mostly such rows. known is called from the goroutine calling Next.
func (d *Decoder) SkipKnown(known func(id []byte, hash [16]byte) bool) { d.known = known }

// AttributesOnly makes the decoder leave every Record's Raw and Hash unset:
// linking reads only the attributes, and building the row's JSON and
// hashing it were a fifth of reading an extract.
func (d *Decoder) AttributesOnly() { d.attrsOnly = true }

// rowHash is the content hash of the current row.
func (d *Decoder) rowHash() [16]byte {
	if d.csv {
		return d.csvHash()
	}
	return d.jsonHash()
}

// mapRow turns the split row into a Record, or rejects it for an empty id, an
// empty required field or a repeated id. The attribute and issue strings are
// cut from one allocation, which keeps the per-row cost to a few allocations.
func (d *Decoder) mapRow(line int) (Record, *Rejection) {
	v := d.vals[:0]
	d.spans = d.spans[:0]
	d.issues = d.issues[:0]

	empty := true
	for k, ci := range d.idCols {
		if k > 0 {
			v = append(v, '|')
		}
		c := d.cell(ci)
		if len(c) > 0 {
			empty = false
		}
		v = append(v, c...)
	}
	if empty {
		d.vals = v
		return Record{}, d.reject(line, CodeNoRecordID, strings.Join(d.src.ID, "|"),
			fmt.Sprintf("record id (%s) is empty", columnWord(d.src.ID)))
	}
	idEnd := len(v)
	// An id is compared byte for byte and shown to people: an invisible
	// character in it would make a record that looks like another, or
	// reorder the text around it on a page.
	if err := ident.Check(v[:idEnd]); err != nil {
		d.vals = v
		return Record{}, d.reject(line, CodeBadRecordID, strings.Join(d.src.ID, "|"),
			fmt.Sprintf("record id (%s) %v", columnWord(d.src.ID), err))
	}

	if d.known != nil {
		if hash := d.rowHash(); d.known(v[:idEnd], hash) {
			key := d.idKey(v[:idEnd])
			if first, dup := d.seen[key]; dup {
				d.vals = v
				return Record{}, d.rejectID(line, CodeDuplicateID, strings.Join(d.src.ID, "|"), v[:idEnd],
					fmt.Sprintf("record id %q already seen at line %d", v[:idEnd], first))
			}
			d.seen[key] = int32(line)
			d.vals = v
			return Record{Line: line, ID: string(v[:idEnd]), Hash: hash}, nil
		}
	}

	for fi := range d.plan {
		p := &d.plan[fi]
		rs := len(v)
		var marker []byte
		v, marker = d.gather(v, p)
		if len(v) == rs {
			if p.f.Required {
				d.vals = v
				why := fmt.Sprintf("required field %s (%s) is empty", p.f.Name, columnWord(p.f.Columns))
				if marker != nil {
					why = fmt.Sprintf("required field %s (%s) is missing (%q)", p.f.Name, columnWord(p.f.Columns), marker)
				}
				return Record{}, d.rejectID(line, CodeRequiredMissing, p.f.Name, v[:idEnd], why)
			}
			continue
		}
		re := len(v)
		if p.plain {
			d.spans = append(d.spans, span{name: p.f.Name, start: rs, end: re})
			continue
		}
		// The raw value stays at v[rs:re]; the normalised one is appended after
		// it and then moved down, so an invalid value costs nothing extra.
		in := v[rs:re]
		if p.values != nil {
			d.lower = appendLower(d.lower[:0], in)
			if canon, ok := p.values[string(d.lower)]; ok {
				if len(canon) == 0 {
					v = v[:rs]
					if p.f.Required {
						d.vals = v
						return Record{}, d.rejectID(line, CodeRequiredMissing, p.f.Name, v[:idEnd],
							fmt.Sprintf("required field %s is empty after values: recoding", p.f.Name))
					}
					continue
				}
				in = canon
			}
		}
		var why string
		switch p.f.Type {
		case TypeIIN:
			v, why = normIIN(v, in)
		case TypeBIN:
			v, why = normBIN(v, in)
		case TypeDate:
			var shape, cal bool
			v, shape, cal = normDate(v, in, p.df)
			if !shape {
				why = p.shapeWhy
			} else if !cal {
				why = p.calWhy
			}
		case TypeSex:
			v, d.lower, why = normSex(v, in, d.lower)
		case TypeInt:
			v, why = normInt(v, in)
		case TypeNumber:
			v, why = normNumber(v, in)
		case TypeEmail:
			v, why = normEmail(v, in)
		default:
			v = append(v, in...)
		}
		if why == "" && p.allowed != nil {
			d.lower = appendLower(d.lower[:0], v[re:])
			if spelling, ok := p.allowed[string(d.lower)]; ok {
				v = append(v[:re], spelling...)
			} else {
				why = p.allowWhy
			}
		}
		if why != "" {
			v = v[:re]
			d.issues = append(d.issues, issueSpan{field: p.f.Name, start: rs, end: re, reason: why})
			d.spans = append(d.spans, span{name: p.f.Name, start: rs, end: re})
			continue
		}
		n := copy(v[rs:], v[re:])
		v = v[:rs+n]
		d.spans = append(d.spans, span{name: p.f.Name, start: rs, end: len(v)})
	}

	var observed time.Time
	if d.obsCol >= 0 {
		if c := d.cell(d.obsCol); len(c) > 0 && !isMissing(c, d.obsMissing) {
			t, ok := d.parseObserved(c)
			if ok {
				observed = t
			} else {
				s := len(v)
				v = append(v, c...)
				d.issues = append(d.issues, issueSpan{field: "observed_at", start: s, end: len(v),
					reason: d.observedWhy()})
			}
		}
	}

	key := d.idKey(v[:idEnd])
	if first, dup := d.seen[key]; dup {
		d.vals = v
		return Record{}, d.rejectID(line, CodeDuplicateID, strings.Join(d.src.ID, "|"), v[:idEnd],
			fmt.Sprintf("record id %q already seen at line %d", v[:idEnd], first))
	}
	d.seen[key] = int32(line)
	d.vals = v

	// The id gets its own allocation because callers keep ids for the whole
	// load (to find duplicates and deletions); cut from s, it would keep the
	// row's every value alive with it.
	s := string(v)
	rec := Record{Line: line, ID: string(v[:idEnd]), ObservedAt: observed}
	if len(d.spans) > 0 {
		rec.Attrs = make([]Attr, len(d.spans))
		for i, sp := range d.spans {
			rec.Attrs[i] = Attr{Name: sp.name, Value: s[sp.start:sp.end]}
		}
	}
	if len(d.issues) > 0 {
		rec.Invalid = make([]Issue, len(d.issues))
		for i, is := range d.issues {
			rec.Invalid[i] = Issue{Field: is.field, Value: s[is.start:is.end], Reason: is.reason}
		}
	}
	if d.attrsOnly {
		return rec, nil
	}
	if d.csv {
		rec.Raw = d.csvRaw()
	} else {
		rec.Raw = d.jsonRaw()
	}
	rec.Hash = d.rowHash()
	return rec, nil
}

// gather appends a field's trimmed column values joined by one space,
// skipping empty ones and missing markers, so that [street, house, flat]
// reads naturally even when a flat number is missing. marker is the last
// marker skipped, or nil, to explain an empty required field.
func (d *Decoder) gather(v []byte, p *fieldPlan) (out, marker []byte) {
	start := len(v)
	for _, ci := range p.cols {
		c := d.cell(ci)
		if len(c) == 0 {
			continue
		}
		if p.missing != nil && isMissing(c, p.missing) {
			marker = c
			continue
		}
		if len(v) > start {
			v = append(v, ' ')
		}
		v = append(v, c...)
	}
	return v, marker
}

// missingMarkers joins a source's and a field's markers, trimmed and without
// repeats; nil when there are none, which keeps gather's common path to one
// comparison.
func missingMarkers(lists ...[]string) [][]byte {
	var out [][]byte
	for _, list := range lists {
	next:
		for _, m := range list {
			b := trimSpace([]byte(m))
			if len(b) == 0 {
				continue
			}
			for _, o := range out {
				if bytes.EqualFold(o, b) {
					continue next
				}
			}
			out = append(out, b)
		}
	}
	return out
}

// isMissing reports whether the trimmed value v is one of the markers,
// ignoring case. Lists are a handful of short words, so a scan beats a map
// that would need v lower-cased first.
func isMissing(v []byte, markers [][]byte) bool {
	for _, m := range markers {
		if bytes.EqualFold(v, m) {
			return true
		}
	}
	return false
}

func (d *Decoder) idKey(id []byte) [16]byte {
	var k [16]byte
	binary.LittleEndian.PutUint64(k[:8], maphash.Bytes(d.seed1, id))
	binary.LittleEndian.PutUint64(k[8:], maphash.Bytes(d.seed2, id))
	return k
}

// parseObserved tries the source's date format, then parseTimestamp.
func (d *Decoder) parseObserved(c []byte) (time.Time, bool) {
	if d.obsFmt != nil {
		if y, m, dd, ok, valid := d.obsFmt.parse(c); ok && valid {
			return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, time.UTC), true
		}
	}
	return parseTimestamp(c)
}

func (d *Decoder) observedWhy() string {
	if d.obsFmt != nil {
		return "observed_at: expected " + d.obsFmt.String() + ", RFC 3339, YYYY-MM-DD HH:MM:SS or YYYY-MM-DD"
	}
	return "observed_at: expected RFC 3339, YYYY-MM-DD HH:MM:SS or YYYY-MM-DD"
}

// csvRaw writes the row as a JSON object in header order with the values as
// read (untrimmed), so quarantine review and re-mapping see what the agency
// sent.
func (d *Decoder) csvRaw() []byte {
	n := 2 + len(d.row) + 3*len(d.rawCells)
	for _, k := range d.keyJSON {
		n += len(k)
	}
	raw := make([]byte, 0, n+n/8)
	raw = append(raw, '{')
	for i, c := range d.rawCells {
		if i > 0 {
			raw = append(raw, ',')
		}
		raw = append(raw, d.keyJSON[i]...)
		raw = appendJSONStringValid(raw, d.row[c.start:c.end])
	}
	return append(raw, '}')
}

// csvHash frames each non-empty trimmed (column, value) pair with length
// prefixes, in column-name order: reordering or adding empty columns in a
// later extract leaves the hash alone, any value change moves it.
func (d *Decoder) csvHash() [16]byte {
	h := d.hbuf[:0]
	for _, i := range d.sorted {
		v := d.cell(i)
		if len(v) == 0 {
			continue
		}
		h = appendFramed(h, d.header[i], v)
	}
	d.hbuf = h
	return sum16(h)
}

func appendFramed[S string | []byte](h []byte, name S, v []byte) []byte {
	h = binary.AppendUvarint(h, uint64(len(name)))
	h = append(h, name...)
	h = binary.AppendUvarint(h, uint64(len(v)))
	return append(h, v...)
}

func sum16(b []byte) [16]byte {
	full := sha256.Sum256(b)
	var out [16]byte
	copy(out[:], full[:16])
	return out
}

// columnWord names columns for a message: column "a", or columns "a", "b".
func columnWord(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = fmt.Sprintf("%q", c)
	}
	if len(q) == 1 {
		return "column " + q[0]
	}
	return "columns " + strings.Join(q, ", ")
}

// escapeInvalid returns text as a string, writing each byte that is not
// UTF-8, and NUL, as \xNN so that quarantine can store and show it:
// PostgreSQL's text holds no NUL.
func escapeInvalid(text []byte) string {
	if utf8.Valid(text) && bytes.IndexByte(text, 0) < 0 {
		return string(text)
	}
	var b strings.Builder
	b.Grow(len(text) + 16)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size == 1 || r == 0 {
			fmt.Fprintf(&b, `\x%02X`, text[i])
			i++
			continue
		}
		b.Write(text[i : i+size])
		i += size
	}
	return b.String()
}

// firstInvalid returns the index of the first CSV column that is not UTF-8.
func (d *Decoder) firstInvalid() int {
	for i, c := range d.rawCells {
		if !utf8.Valid(d.row[c.start:c.end]) {
			return i
		}
	}
	return -1
}

func notUTF8Reason(column string) string {
	return fmt.Sprintf("column %q is not valid UTF-8; if the file is in Cyrillic windows-1251, declare encoding: windows-1251 for this source", column)
}

// jsonSafe marks the bytes a JSON string may hold unescaped; bytes from 0x80
// are safe only in text already known to be UTF-8.
var jsonSafe = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Bytes that are not UTF-8
// become U+FFFD, as encoding/json does, so the output is always valid JSON.
func appendJSONString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendJSONStringValid is appendJSONString for text already checked to be
// UTF-8: it skips rune decoding, which matters for Cyrillic-heavy rows, and
// steps over eight bytes at a time while none needs escaping. Raw is written
// for every stored row, so this loop is on the ingest's critical path.
func appendJSONStringValid(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if i+8 <= len(s) && !needsEscape8(binary.LittleEndian.Uint64(s[i:])) {
			i += 8
			continue
		}
		c := s[i]
		if !jsonSafe[c] {
			dst = append(dst, s[start:i]...)
			dst = appendEscape(dst, c)
			start = i + 1
		}
		i++
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// needsEscape8 reports whether any of the eight bytes in w is a control
// character, '"' or '\\', with the classic has-less-than and has-zero-byte
// bit tricks; both are exact for "any byte", which is all that is asked.
func needsEscape8(w uint64) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	less := (w - ones*0x20) & ^w & highs
	quote := w ^ (ones * '"')
	quote = (quote - ones) & ^quote & highs
	slash := w ^ (ones * '\\')
	slash = (slash - ones) & ^slash & highs
	return less|quote|slash != 0
}

func appendEscape(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// lineReader yields physical lines without their line ending, first from a
// replay queue of lines a failed multi-line CSV record consumed, then from
// the input.
type lineReader struct {
	r      *bufio.Reader
	n      int // physical lines read from r
	long   []byte
	replay []physLine
}

type physLine struct {
	n    int
	text []byte
}

// next returns the next line and its 1-based number. The slice is valid only
// until the next call.
func (lr *lineReader) next() ([]byte, int, error) {
	if len(lr.replay) > 0 {
		l := lr.replay[0]
		lr.replay = lr.replay[1:]
		return l.text, l.n, nil
	}
	line, err := lr.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		lr.long = append(lr.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = lr.r.ReadSlice('\n')
			lr.long = append(lr.long, line...)
			if len(lr.long) > maxLineBytes {
				return nil, 0, fmt.Errorf("line %d is longer than %d MiB", lr.n+1, maxLineBytes>>20)
			}
		}
		line = lr.long
	}
	if err != nil && err != io.EOF {
		return nil, 0, err
	}
	if len(line) == 0 {
		return nil, 0, io.EOF
	}
	lr.n++
	if line[len(line)-1] == '\n' {
		line = line[:len(line)-1]
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, lr.n, nil
}

// trimSpace is bytes.TrimSpace without its fallback to a Unicode scan of the
// whole value when it meets a non-ASCII byte, which made Cyrillic rows slow:
// only a rune at either end that could be a space is decoded. Every Unicode
// space above ASCII is encoded with lead byte C2, E1, E2 or E3, and no
// Cyrillic letter is.
func trimSpace(b []byte) []byte {
	i := 0
	for i < len(b) {
		c := b[i]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			i++
			continue
		}
		if !spaceLead(c) {
			break
		}
		r, size := utf8.DecodeRune(b[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	j := len(b)
	for j > i {
		c := b[j-1]
		if c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			j--
			continue
		}
		k := j - 1
		for k > i && j-k < utf8.UTFMax && !utf8.RuneStart(b[k]) {
			k--
		}
		if !spaceLead(b[k]) {
			break
		}
		r, size := utf8.DecodeLastRune(b[i:j])
		if !unicode.IsSpace(r) {
			break
		}
		j -= size
	}
	return b[i:j]
}

func spaceLead(c byte) bool { return c == 0xC2 || c == 0xE1 || c == 0xE2 || c == 0xE3 }

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// isBlank reports a line with nothing but spaces: not a row.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' {
			return false
		}
	}
	return true
}
