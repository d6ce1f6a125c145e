// Package sheet writes CSV files meant to be opened in a spreadsheet by a
// person: UTF-8 with a byte-order mark, so that Excel reads Cyrillic and
// Kazakh letters, and every cell that a spreadsheet would run as a formula
// neutralised as OWASP advises for CSV injection. The console's, the
// wallet's and the command line's exports all write through it.
package sheet

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// BOM is the UTF-8 byte-order mark that tells a spreadsheet the file's
// encoding.
const BOM = "\ufeff"

// Writer writes rows of cells as CSV (RFC 4180) for a spreadsheet.
type Writer struct {
	cw *csv.Writer
}

// NewWriter writes the byte-order mark to w and returns a Writer of rows
// to it.
func NewWriter(w io.Writer) (*Writer, error) {
	if _, err := io.WriteString(w, BOM); err != nil {
		return nil, fmt.Errorf("csv: %w", err)
	}
	return &Writer{cw: csv.NewWriter(w)}, nil
}

// Write writes one row, each cell passed through Cell.
func (w *Writer) Write(row []string) error {
	out := make([]string, len(row))
	for i, c := range row {
		out[i] = Cell(c)
	}
	return w.cw.Write(out)
}

// Flush writes what is buffered and reports any error of the writing.
func (w *Writer) Flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// harmless are values that begin like a formula but that no spreadsheet
// runs: a telephone number written +7 701 123 45 67 or +77011234567 (a
// plus, then 7 to 15 digits with spaces, hyphens or brackets), and a plain
// number such as -1500 or -12,5. They stay as they are, so that an
// officer still reads a phone number and sums a column of amounts.
var harmless = regexp.MustCompile(`^(\+[0-9][0-9 ()\-]{5,20}[0-9]|[+-]?[0-9]+([.,][0-9]+)?)$`)

// Cell returns s as it is safe to put in a spreadsheet cell: a value
// beginning with =, +, -, @, a tab or a carriage return gets a leading
// apostrophe, which spreadsheets read as "this is text" (OWASP, CSV
// injection), unless it is plainly a phone number or a number.
func Cell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if harmless.MatchString(s) && digits(s) <= 15 {
		return s
	}
	return "'" + s
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}
