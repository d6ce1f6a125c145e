package sheet

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Есімова", "Есімова"},
		{"=HYPERLINK(\"http://x\",\"click\")", "'=HYPERLINK(\"http://x\",\"click\")"},
		{"=1+2", "'=1+2"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(1,2)", "'@SUM(1,2)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"+1-2", "'+1-2"}, // too few digits for a phone: could be a sum
		{"+7-1", "'+7-1"},
		{"+77011234567", "+77011234567"},
		{"+7 701 123 45 67", "+7 701 123 45 67"},
		{"+7 (701) 123-45-67", "+7 (701) 123-45-67"},
		{"+7701123456789012345", "'+7701123456789012345"}, // longer than any phone number
		{"-1500", "-1500"},
		{"-12,5", "-12,5"},
		{"-12.5", "-12.5"},
		{"+7(701)1234567+A1", "'+7(701)1234567+A1"},
		{"a=1", "a=1"},
	}
	for _, tt := range tests {
		if got := Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write([]string{"Есімова", "=1+1", "+77011234567"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	s, ok := strings.CutPrefix(buf.String(), BOM)
	if !ok {
		t.Fatalf("no byte-order mark: %q", buf.String())
	}
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0][0] != "Есімова" || rows[0][1] != "'=1+1" || rows[0][2] != "+77011234567" {
		t.Errorf("rows %q", rows)
	}
}
