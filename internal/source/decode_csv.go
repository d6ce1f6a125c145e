package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"unicode/utf8"
)

// The CSV reader is our own rather than encoding/csv because encoding/csv
// cannot recover from an unterminated quote: it reads the rest of the file
// into one field. Here a quoted field may span lines, but one still open at
// EOF or after maxQuotedLines/maxQuotedBytes quarantines only the row where
// it opened, and reading resumes on the line after it, so no later row is
// lost.
//
// Beyond RFC 4180 it tolerates spaces around a quoted field (`a, "b" ,c`),
// since values are trimmed anyway and such files are common.

// readHeader reads the first non-blank record as the column names.
func (d *Decoder) readHeader() error {
	start, rej, err := d.readRecord()
	if err == io.EOF {
		return fmt.Errorf("%s: empty file: expected a header line", d.file)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", d.file, err)
	}
	d.headerLine = start
	if rej != nil {
		return fmt.Errorf("%s:%d: header: %s", d.file, start, rej.Reason)
	}
	if d.checkUTF8 {
		if i := d.firstInvalid(); i >= 0 {
			return fmt.Errorf("%s:%d: header column %d is not valid UTF-8; if the file is in Cyrillic windows-1251, declare encoding: windows-1251 for source %q", d.file, start, i+1, d.src.Name)
		}
	}
	d.trimCells()
	d.header = make([]string, len(d.cells))
	d.slotOf = make(map[string]int, len(d.cells))
	var errs []error
	for i := range d.cells {
		name := string(d.cell(i))
		d.header[i] = name
		if j, dup := d.slotOf[name]; dup {
			errs = append(errs, fmt.Errorf("%s:%d: column %q appears twice in the header (columns %d and %d)", d.file, start, name, j+1, i+1))
			continue
		}
		d.slotOf[name] = i
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	d.keyJSON = make([][]byte, len(d.header))
	for i, h := range d.header {
		d.keyJSON[i] = append(appendJSONString(nil, []byte(h)), ':')
	}
	d.sorted = make([]int, len(d.header))
	for i := range d.sorted {
		d.sorted[i] = i
	}
	sort.Slice(d.sorted, func(a, b int) bool { return d.header[d.sorted[a]] < d.header[d.sorted[b]] })
	return nil
}

func (d *Decoder) columnName(i int) string {
	if i < len(d.header) {
		return d.header[i]
	}
	return fmt.Sprintf("#%d", i+1)
}

// readCSVRow reads the next record and rejects it for quoting, column count
// or encoding, in that order: a row whose shape is broken cannot be blamed on
// any one column.
func (d *Decoder) readCSVRow() (int, *Rejection, error) {
	start, rej, err := d.readRecord()
	if err != nil || rej != nil {
		return start, rej, err
	}
	if len(d.rawCells) != len(d.header) {
		return start, d.reject(start, CodeColumnCount, "",
			fmt.Sprintf("got %d columns, header has %d", len(d.rawCells), len(d.header))), nil
	}
	d.trimCells()
	if d.checkUTF8 && !utf8.Valid(d.row) {
		col := d.columnName(d.firstInvalid())
		rej := d.reject(start, CodeNotUTF8, col, notUTF8Reason(col))
		rej.ID = d.rowID()
		return start, rej, nil
	}
	return start, nil, nil
}

// trimCells trims every value once; mapping and hashing both need it.
func (d *Decoder) trimCells() {
	d.cells = d.cells[:0]
	for _, c := range d.rawCells {
		t := trimSpace(d.row[c.start:c.end])
		if len(t) == 0 {
			d.cells = append(d.cells, cell{c.start, c.start})
			continue
		}
		s := c.start + (cap(d.row[c.start:]) - cap(t))
		d.cells = append(d.cells, cell{s, s + len(t)})
	}
}

// readRecord splits the next non-blank record into d.row and d.rawCells and
// sets d.text to its original text. A quoting failure comes back as a
// rejection of the record's first line, with the lines after it queued to be
// read again.
func (d *Decoder) readRecord() (int, *Rejection, error) {
	var (
		line  []byte
		start int
		err   error
	)
	for {
		line, start, err = d.in.next()
		if err != nil {
			return 0, nil, err
		}
		if !isBlank(line) {
			break
		}
	}
	d.text = line
	d.rawCells = d.rawCells[:0]
	if bytes.IndexByte(line, '"') < 0 {
		// Most rows have no quotes: split in place, no copy.
		d.row = line
		s := 0
		for {
			i := bytes.IndexByte(line[s:], d.delim)
			if i < 0 {
				break
			}
			d.rawCells = append(d.rawCells, cell{s, s + i})
			s += i + 1
		}
		d.rawCells = append(d.rawCells, cell{s, len(line)})
		return start, nil, nil
	}
	return d.readQuoted(line, start)
}

// isSpace is the padding allowed around a quoted field; a tab is padding only
// when it is not the delimiter.
func (d *Decoder) isSpace(c byte) bool {
	return c == ' ' || (c == '\t' && d.delim != '\t')
}

func (d *Decoder) readQuoted(line []byte, start int) (int, *Rejection, error) {
	buf := d.scratch[:0]
	d.lineOffs = d.lineOffs[:0]
	multi := false
	pos := 0
	col := 0
	openCol := 0 // column whose quote runs past the first line
	fail := func(why string) (int, *Rejection, error) {
		d.scratch = buf
		if multi && len(d.lineOffs) == 1 {
			// Opened on the file's last line: nothing to give back.
			d.text = d.recText
			multi = false
		}
		if !multi {
			return start, d.reject(start, CodeBadQuoting, d.fieldName(col),
				fmt.Sprintf("%s in column %s", why, d.columnName(col))), nil
		}
		// Blame the quote that opened on the first line: it was probably
		// stray, and the lines it swallowed are rows. Give every line after
		// the first back to be read again.
		failLine := start + len(d.lineOffs) - 1
		first := d.recText[:d.lineOffs[1]-1]
		var back []physLine
		for k := 1; k < len(d.lineOffs); k++ {
			end := len(d.recText)
			if k+1 < len(d.lineOffs) {
				end = d.lineOffs[k+1] - 1
			}
			back = append(back, physLine{n: start + k, text: bytes.Clone(d.recText[d.lineOffs[k]:end])})
		}
		d.in.replay = append(back, d.in.replay...)
		d.text = first
		return start, d.reject(start, CodeBadQuoting, d.fieldName(openCol),
			fmt.Sprintf("quote opened in column %s never closes: %s (line %d); reading resumes on line %d",
				d.columnName(openCol), why, failLine, start+1)), nil
	}
	for {
		fs := len(buf)
		p := pos
		for p < len(line) && d.isSpace(line[p]) {
			p++
		}
		if p < len(line) && line[p] == '"' {
			pos = p + 1
			for {
				i := bytes.IndexByte(line[pos:], '"')
				if i < 0 {
					// The field goes on past the end of this line.
					buf = append(buf, line[pos:]...)
					buf = append(buf, '\n')
					if !multi {
						multi = true
						openCol = col
						d.recText = append(d.recText[:0], line...)
						d.lineOffs = append(d.lineOffs, 0)
					}
					if len(d.lineOffs) >= maxQuotedLines || len(d.recText) >= maxQuotedBytes {
						return fail(fmt.Sprintf("still open after %d lines or %d KiB", maxQuotedLines, maxQuotedBytes>>10))
					}
					next, _, err := d.in.next()
					if err == io.EOF {
						return fail("still open at the end of the file")
					}
					if err != nil {
						return 0, nil, err
					}
					d.recText = append(d.recText, '\n')
					d.lineOffs = append(d.lineOffs, len(d.recText))
					d.recText = append(d.recText, next...)
					line, pos = d.recText[d.lineOffs[len(d.lineOffs)-1]:], 0
					continue
				}
				buf = append(buf, line[pos:pos+i]...)
				pos += i + 1
				if pos < len(line) && line[pos] == '"' {
					buf = append(buf, '"')
					pos++
					continue
				}
				break
			}
			for pos < len(line) && d.isSpace(line[pos]) {
				pos++
			}
			d.rawCells = append(d.rawCells, cell{fs, len(buf)})
			if pos == len(line) {
				break
			}
			if line[pos] != d.delim {
				return fail("text after a closing quote")
			}
			pos++
			col++
			continue
		}
		i := bytes.IndexByte(line[pos:], d.delim)
		end := len(line)
		if i >= 0 {
			end = pos + i
		}
		field := line[pos:end]
		if bytes.IndexByte(field, '"') >= 0 {
			return fail("quote inside an unquoted field")
		}
		buf = append(buf, field...)
		d.rawCells = append(d.rawCells, cell{fs, len(buf)})
		if i < 0 {
			break
		}
		pos = end + 1
		col++
	}
	d.scratch = buf
	d.row = buf
	if multi {
		d.text = d.recText
	}
	return start, nil, nil
}

// fieldName names the column at fault in a rejection; before the header is
// known it is empty.
func (d *Decoder) fieldName(col int) string {
	if col < len(d.header) {
		return d.header[col]
	}
	return ""
}
