package source

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/source")

// result is one Next outcome: exactly one of Rec and Rej is set.
type result struct {
	Rec *Record
	Rej *Rejection
}

func (r result) line() int {
	if r.Rej != nil {
		return r.Rej.Line
	}
	return r.Rec.Line
}

// decodeAll reads an extract to the end, checking the Decoder's contract
// (one outcome per row, increasing lines) on the way.
func decodeAll(tb testing.TB, src *Source, data []byte) ([]result, error) {
	tb.Helper()
	d, err := NewDecoder(src, bytes.NewReader(data), "test.csv")
	if err != nil {
		return nil, err
	}
	var out []result
	last := 0
	for {
		rec, rej, err := d.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		r := result{Rej: rej}
		if rej == nil {
			r.Rec = &rec
		} else if rec.Line != 0 || rec.ID != "" || rec.Raw != nil {
			tb.Fatalf("Next returned both a record and a rejection: %+v %+v", rec, rej)
		}
		if r.line() <= last {
			tb.Fatalf("line %d after line %d", r.line(), last)
		}
		last = r.line()
		out = append(out, r)
	}
}

func mustDecode(tb testing.TB, src *Source, data string) []result {
	tb.Helper()
	out, err := decodeAll(tb, src, []byte(data))
	if err != nil {
		tb.Fatalf("decode: %v", err)
	}
	return out
}

// summary renders an outcome on one line, so that table tests read like the
// quarantine report a person would see.
func summary(r result) string {
	if j := r.Rej; j != nil {
		s := fmt.Sprintf("%d %s %s: %s", j.Line, j.Code, j.Field, j.Reason)
		if j.ID != "" {
			s += " [id=" + j.ID + "]"
		}
		return s
	}
	rec := r.Rec
	var b strings.Builder
	fmt.Fprintf(&b, "%d id=%s", rec.Line, rec.ID)
	for _, a := range rec.Attrs {
		fmt.Fprintf(&b, " %s=%s", a.Name, a.Value)
	}
	for _, is := range rec.Invalid {
		fmt.Fprintf(&b, " !%s(%s): %s", is.Field, is.Value, is.Reason)
	}
	if !rec.ObservedAt.IsZero() {
		fmt.Fprintf(&b, " @%s", rec.ObservedAt.Format(time.RFC3339))
	}
	return b.String()
}

func summaries(rs []result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = summary(r)
	}
	return out
}

// golden is the stored form of an outcome: every field, with Raw as text.
type golden struct {
	Line       int      `json:"line"`
	ID         string   `json:"id,omitempty"`
	Attrs      []string `json:"attrs,omitempty"`
	Invalid    []string `json:"invalid,omitempty"`
	ObservedAt string   `json:"observed_at,omitempty"`
	Hash       string   `json:"hash,omitempty"`
	Code       Code     `json:"code,omitempty"`
	Field      string   `json:"field,omitempty"`
	Reason     string   `json:"reason,omitempty"`
	Raw        string   `json:"raw"`
}

func toGolden(r result) golden {
	if j := r.Rej; j != nil {
		return golden{Line: j.Line, ID: j.ID, Code: j.Code, Field: j.Field, Reason: j.Reason, Raw: j.Raw}
	}
	rec := r.Rec
	g := golden{Line: rec.Line, ID: rec.ID, Raw: string(rec.Raw), Hash: hex.EncodeToString(rec.Hash[:])}
	for _, a := range rec.Attrs {
		g.Attrs = append(g.Attrs, a.Name+"="+a.Value)
	}
	for _, is := range rec.Invalid {
		g.Invalid = append(g.Invalid, fmt.Sprintf("%s(%s): %s", is.Field, is.Value, is.Reason))
	}
	if !rec.ObservedAt.IsZero() {
		g.ObservedAt = rec.ObservedAt.Format(time.RFC3339Nano)
	}
	return g
}

// TestFixtures decodes every extract named by the contracts under
// testdata/source and compares the outcomes with <source>.golden.json next to
// the contract. Run with -update after an intended change and review the diff.
func TestFixtures(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "source", "*", "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range dirs {
		dir := filepath.Dir(path)
		if filepath.Base(dir) == "bad_contract" {
			continue
		}
		c, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, src := range c.Sources {
			if src.File == "" {
				continue
			}
			t.Run(filepath.Base(dir)+"/"+src.Name, func(t *testing.T) {
				data, err := os.ReadFile(src.File)
				if err != nil {
					t.Fatal(err)
				}
				rs, err := decodeAll(t, src, data)
				if err != nil {
					t.Fatal(err)
				}
				got := make([]golden, len(rs))
				for i, r := range rs {
					got[i] = toGolden(r)
				}
				gpath := filepath.Join(dir, src.Name+".golden.json")
				if *update {
					b, err := json.MarshalIndent(got, "", "  ")
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(gpath, append(b, '\n'), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				b, err := os.ReadFile(gpath)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				var want []golden
				if err := json.Unmarshal(b, &want); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", gpath, diff)
				}
			})
		}
	}
}

// testSource is a CSV source with one field of each common kind.
func testSource(tb testing.TB) *Source {
	tb.Helper()
	return mustParse(tb, `
sources:
  - name: t
    id: id
    date_format: DD.MM.YYYY
    fields:
      full_name: name
      birth_date: dob
      status: {column: status, allowed: [active, closed]}
      region: {column: region, required: true}
`).Sources[0]
}

func TestDecodeCSV(t *testing.T) {
	const header = "id,name,dob,status,region\n"
	tests := []struct {
		name string
		data string
		want []string
	}{
		{
			name: "valid and invalid values",
			data: header + "1, Иванов Иван ,15.03.1985,Active,Алматы\n2,Ким,31.02.1985,frozen,Астана\n",
			want: []string{
				"2 id=1 full_name=Иванов Иван birth_date=1985-03-15 status=active region=Алматы",
				"3 id=2 full_name=Ким birth_date=31.02.1985 status=frozen region=Астана !birth_date(31.02.1985): date: not a calendar date !status(frozen): not one of the allowed values: active, closed",
			},
		},
		{
			name: "empty values are absent",
			data: header + "1,,, ,Алматы\n",
			want: []string{"2 id=1 region=Алматы"},
		},
		{
			name: "column count",
			data: header + "1,a,15.03.1985,active\n2,b,15.03.1985,active,x,extra\n3,c,,,y\n",
			want: []string{
				"2 column_count : got 4 columns, header has 5",
				"3 column_count : got 6 columns, header has 5",
				"4 id=3 full_name=c region=y",
			},
		},
		{
			name: "no record id",
			data: header + " ,a,,,x\n",
			want: []string{`2 no_record_id id: record id (column "id") is empty`},
		},
		{
			name: "required missing",
			data: header + "1,a,,, \n",
			want: []string{`2 required_missing region: required field region (column "region") is empty [id=1]`},
		},
		{
			name: "duplicate id, first wins, rejected rows do not claim ids",
			data: header + "1,a,,,\n1,b,,,x\n2,c,,,x\n1,d,,,y\n",
			want: []string{
				`2 required_missing region: required field region (column "region") is empty [id=1]`,
				"3 id=1 full_name=b region=x",
				"4 id=2 full_name=c region=x",
				`5 duplicate_id id: record id "1" already seen at line 3 [id=1]`,
			},
		},
		{
			name: "bare quote",
			data: header + "1,Ив\"ан,,,x\n2,b,,,x\n",
			want: []string{
				"2 bad_quoting name: quote inside an unquoted field in column name",
				"3 id=2 full_name=b region=x",
			},
		},
		{
			name: "text after closing quote",
			data: header + "1,\"Иван\"ов,,,x\n2,b,,,x\n",
			want: []string{
				"2 bad_quoting name: text after a closing quote in column name",
				"3 id=2 full_name=b region=x",
			},
		},
		{
			name: "quoted fields",
			data: header + "\"1\",\"a, \"\"b\"\"\",\"\",  \"active\"  ,\"x\"\n",
			want: []string{`2 id=1 full_name=a, "b" status=active region=x`},
		},
		{
			name: "multi-line quoted field keeps its start line",
			data: header + "1,\"two\nlines\",,,x\n\n2,\"three\n\nlines\",,,y\n3,c,,,z\n",
			want: []string{
				"2 id=1 full_name=two\nlines region=x",
				"5 id=2 full_name=three\n\nlines region=y",
				"8 id=3 full_name=c region=z",
			},
		},
		{
			name: "unterminated quote at end of file gives back the rows it swallowed",
			data: header + "1,a,,,x\n2,\"open,,,x\n3,c,,,y\n4,d,,,z\n",
			want: []string{
				"2 id=1 full_name=a region=x",
				"3 bad_quoting name: quote opened in column name never closes: still open at the end of the file (line 5); reading resumes on line 4",
				"4 id=3 full_name=c region=y",
				"5 id=4 full_name=d region=z",
			},
		},
		{
			name: "quote opened on the last line",
			data: header + "1,a,,,x\n2,\"open,,,x",
			want: []string{
				"2 id=1 full_name=a region=x",
				"3 bad_quoting name: still open at the end of the file in column name",
			},
		},
		{
			name: "stray quote closed by a later quote",
			data: header + "1,\"open,,,x\n2,c,,,y\n3,\"ok\",,,z\n",
			want: []string{
				"2 bad_quoting name: quote opened in column name never closes: text after a closing quote (line 4); reading resumes on line 3",
				"3 id=2 full_name=c region=y",
				"4 id=3 full_name=ok region=z",
			},
		},
		{
			name: "blank lines, CRLF and no final newline",
			data: "\r\n" + strings.ReplaceAll(header, "\n", "\r\n") + "\r\n1,a,,,x\r\n   \r\n2,\"b\r\nc\",,,y\r\n3,d,,,z",
			want: []string{
				"4 id=1 full_name=a region=x",
				"6 id=2 full_name=b\nc region=y",
				"8 id=3 full_name=d region=z",
			},
		},
		{
			name: "BOM",
			data: "\ufeff" + header + "1,a,,,x\n",
			want: []string{"2 id=1 full_name=a region=x"},
		},
		{
			name: "not UTF-8",
			data: header + "1,\xc8\xe2\xe0\xed,,,x\n2,b,,,\xff\n",
			want: []string{
				`2 not_utf8 name: column "name" is not valid UTF-8; if the file is in Cyrillic windows-1251, declare encoding: windows-1251 for this source [id=1]`,
				`3 not_utf8 region: column "region" is not valid UTF-8; if the file is in Cyrillic windows-1251, declare encoding: windows-1251 for this source [id=2]`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summaries(mustDecode(t, testSource(t), tt.data))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRejectionRaw(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"single line", "1,a,b\n", "1,a,b"},
		{"invalid bytes escaped", "1,\xc8\xe2\xe0\xed,\n", `1,\xC8\xE2\xE0\xED,`},
		{"multi-line row keeps its lines", "1,\"a\nb\",c,d\n", "1,\"a\nb\",c,d"},
		{"unterminated keeps only its first line", "1,\"a\n2,b,x\n", `1,"a`},
	}
	src := mustParse(t, "sources:\n  - {name: t, id: id}\n").Sources[0]
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := mustDecode(t, src, "id,x\n"+tt.data)
			if len(rs) == 0 || rs[0].Rej == nil {
				t.Fatalf("want a rejection, got %v", summaries(rs))
			}
			if rs[0].Rej.Raw != tt.want {
				t.Errorf("Raw = %q, want %q", rs[0].Rej.Raw, tt.want)
			}
		})
	}
}

func TestQuoteBounds(t *testing.T) {
	src := mustParse(t, "sources:\n  - {name: t, id: id, fields: {note: note}}\n").Sources[0]
	long := strings.Repeat("x", 1000)
	tests := []struct {
		name   string
		line   string // repeated after the opening row
		rows   int
		reason string
	}{
		{"lines", "%d,x", 1500, "still open after 1000 lines or 64 KiB (line 1001)"},
		{"bytes", "%d," + long, 200, "still open after 1000 lines or 64 KiB (line 68)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("id,note\n0,\"open\n")
			for i := 1; i <= tt.rows; i++ {
				fmt.Fprintf(&b, tt.line+"\n", i)
			}
			rs := mustDecode(t, src, b.String())
			if len(rs) != tt.rows+1 {
				t.Fatalf("got %d outcomes, want %d", len(rs), tt.rows+1)
			}
			if rs[0].Rej == nil || !strings.Contains(rs[0].Rej.Reason, tt.reason) {
				t.Fatalf("first outcome %q, want a rejection containing %q", summary(rs[0]), tt.reason)
			}
			for i, r := range rs[1:] {
				if r.Rec == nil || r.Rec.ID != fmt.Sprint(i+1) || r.Rec.Line != i+3 {
					t.Fatalf("outcome %d = %q", i+1, summary(r))
				}
			}
		})
	}
}

func TestHeaderErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"empty file", "", "test.csv: empty file"},
		{"only a BOM", "\ufeff", "test.csv: empty file"},
		{"only blank lines", "\n\n  \n", "test.csv: empty file: expected a header line"},
		{"missing columns, all reported", "id,name\n", strings.Join([]string{
			`test.csv:1: column "dob" of field birth_date is not in the header`,
			`test.csv:1: column "status" of field status is not in the header`,
			`test.csv:1: column "region" of field region is not in the header`,
		}, "\n")},
		{"case hint", "\n\nID,name,dob,status,region\n", `test.csv:3: column "id" of the record id is not in the header (the header has "ID"; names are case-sensitive)`},
		{"duplicate names", "id,name,dob,name,status,region,id\n", strings.Join([]string{
			`test.csv:1: column "name" appears twice in the header (columns 2 and 4)`,
			`test.csv:1: column "id" appears twice in the header (columns 1 and 7)`,
		}, "\n")},
		{"bad quoting", "id,na\"me\n", `test.csv:1: header: quote inside an unquoted field in column #2`},
		{"not UTF-8", "id,\xff\n", `test.csv:1: header column 2 is not valid UTF-8; if the file is in Cyrillic windows-1251, declare encoding: windows-1251 for source "t"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewDecoder(testSource(t), strings.NewReader(tt.data), "test.csv")
			if err == nil || err.Error() != tt.want {
				t.Errorf("NewDecoder error:\n got %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestObservedAt(t *testing.T) {
	src := mustParse(t, `
sources:
  - {name: t, id: id, observed_at: seen, date_format: DD.MM.YYYY}
`).Sources[0]
	data := "id,seen\n" +
		"1,01.10.2026\n" +
		"2,2026-10-02\n" +
		"3,2026-10-03 14:05:06\n" +
		"4,2026-10-04T10:00:00+05:00\n" +
		"5,2026-10-05T10:00:00.25Z\n" +
		"6,\n" +
		"7,yesterday\n" +
		"8,2026-02-30\n"
	want := []string{
		"2 id=1 @2026-10-01T00:00:00Z",
		"3 id=2 @2026-10-02T00:00:00Z",
		"4 id=3 @2026-10-03T14:05:06Z",
		"5 id=4 @2026-10-04T05:00:00Z",
		"6 id=5 @2026-10-05T10:00:00Z",
		"7 id=6",
		"8 id=7 !observed_at(yesterday): observed_at: expected DD.MM.YYYY, RFC 3339, YYYY-MM-DD HH:MM:SS or YYYY-MM-DD",
		"9 id=8 !observed_at(2026-02-30): observed_at: expected DD.MM.YYYY, RFC 3339, YYYY-MM-DD HH:MM:SS or YYYY-MM-DD",
	}
	rs := mustDecode(t, src, data)
	if diff := cmp.Diff(want, summaries(rs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if ns := rs[4].Rec.ObservedAt.Nanosecond(); ns != 250000000 {
		t.Errorf("fraction = %dns", ns)
	}
}

func TestMultiColumnIDAndFields(t *testing.T) {
	src := mustParse(t, `
sources:
  - name: t
    id: [series, number]
    fields:
      address: [street, house, flat]
`).Sources[0]
	rs := mustDecode(t, src, "series,number,street,house,flat\nAB,1,ул. Абая, 10 ,\n,2,,,\n,,x,,\n")
	want := []string{
		"2 id=AB|1 address=ул. Абая 10",
		"3 id=|2",
		`4 no_record_id series|number: record id (columns "series", "number") is empty`,
	}
	if diff := cmp.Diff(want, summaries(rs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestValuesRecoding(t *testing.T) {
	src := mustParse(t, `
sources:
  - name: t
    id: id
    fields:
      sex: {column: g, values: {"1": M, "2": F, "Н/Д": ""}}
      status: {column: s, values: {A: active, "": x}, allowed: [active], required: true}
`).Sources[0]
	rs := mustDecode(t, src, "id,g,s\n1,1,a\n2,2,active\n3,н/д,A\n4,Ж,A\n5,3,A\n6,1,B\n")
	want := []string{
		"2 id=1 sex=M status=active",
		"3 id=2 sex=F status=active",
		"4 id=3 status=active",
		"5 id=4 sex=F status=active",
		"6 id=5 sex=3 status=active !sex(3): sex: expected M or F (or М/Ж, Е/Ә, male/female, муж/жен, ер/әйел); map other codes with values:",
		"7 id=6 sex=M status=B !status(B): not one of the allowed values: active",
	}
	if diff := cmp.Diff(want, summaries(rs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	blank := mustParse(t, `
sources:
  - name: t
    id: id
    fields:
      status: {column: s, values: {"-": ""}, required: true}
`).Sources[0]
	rs = mustDecode(t, blank, "id,s\n1,-\n")
	if got := summary(rs[0]); got != "2 required_missing status: required field status is empty after values: recoding [id=1]" {
		t.Errorf("got %q", got)
	}
}

func TestWindows1251(t *testing.T) {
	text := "id;fio;city\n1;Иванов Иван;Алматы\n2;Серікбаев;Өскемен\n"
	// Kazakh letters such as і and ө are not in windows-1251; agencies'
	// legacy systems write them as the nearest Russian letters.
	text = strings.NewReplacer("і", "и", "Ө", "О").Replace(text)
	enc, err := charmap.Windows1251.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	c := mustParse(t, `
sources:
  - {name: cp, id: id, delimiter: ";", encoding: windows-1251, fields: {full_name: fio, locality: city}}
  - {name: utf, id: id, delimiter: ";", fields: {full_name: fio, locality: city}}
`)
	rs, err := decodeAll(t, c.Source("cp"), enc)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"2 id=1 full_name=Иванов Иван locality=Алматы",
		"3 id=2 full_name=Серикбаев locality=Оскемен",
	}
	if diff := cmp.Diff(want, summaries(rs)); diff != "" {
		t.Errorf("windows-1251 (-want +got):\n%s", diff)
	}
	if want := `{"id":"1","fio":"Иванов Иван","city":"Алматы"}`; string(rs[0].Rec.Raw) != want {
		t.Errorf("Raw = %s, want %s", rs[0].Rec.Raw, want)
	}

	rs, err = decodeAll(t, c.Source("utf"), enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Rej == nil || rs[0].Rej.Code != CodeNotUTF8 || rs[0].Rej.Field != "fio" {
		t.Fatalf("undeclared windows-1251: %v", summaries(rs))
	}
	if !strings.Contains(rs[0].Rej.Reason, "encoding: windows-1251") || !strings.HasPrefix(rs[0].Rej.Raw, `1;\xC8\xE2`) {
		t.Errorf("rejection = %+v", rs[0].Rej)
	}

	// A UTF-8 BOM on a file declared windows-1251 means the declaration is wrong.
	_, err = NewDecoder(c.Source("cp"), strings.NewReader("\ufeffid;fio;city\n"), "x.csv")
	if err == nil || !strings.Contains(err.Error(), "byte order mark") {
		t.Errorf("BOM in a windows-1251 file: %v", err)
	}
}

func TestRawCSV(t *testing.T) {
	src := mustParse(t, "sources:\n  - {name: t, id: id}\n").Sources[0]
	rs := mustDecode(t, src, "id, \"the \"\"name\"\"\" ,\\path\n 1 ,\"Ки \"\"м\"\"\ttab\",C:\\x\n")
	want := `{"id":" 1 ","the \"name\"":"Ки \"м\"\ttab","\\path":"C:\\x"}`
	if got := string(rs[0].Rec.Raw); got != want {
		t.Errorf("Raw =\n %s\nwant\n %s", got, want)
	}
}

func TestHash(t *testing.T) {
	csvSrc := mustParse(t, "sources:\n  - {name: t, id: id, fields: {full_name: name}}\n").Sources[0]
	jsonSrc := mustParse(t, "sources:\n  - {name: t, id: id, format: ndjson, fields: {full_name: name}}\n").Sources[0]
	hash := func(src *Source, data string) [16]byte {
		t.Helper()
		rs := mustDecode(t, src, data)
		if len(rs) != 1 || rs[0].Rec == nil {
			t.Fatalf("%q: %v", data, summaries(rs))
		}
		return rs[0].Rec.Hash
	}
	base := hash(csvSrc, "id,name,city\n1,Ким,Алматы\n")
	same := []struct{ name, data string }{
		{"columns reordered", "city,id,name\nАлматы,1,Ким\n"},
		{"padding", "id,name,city\n 1,\"Ким \",Алматы\n"},
		{"empty column added", "id,name,city,extra\n1,Ким,Алматы,\n"},
	}
	for _, tt := range same {
		if h := hash(csvSrc, tt.data); h != base {
			t.Errorf("%s: hash changed", tt.name)
		}
	}
	if h := hash(jsonSrc, `{"city":"Алматы","name":"Ким","id":"1","gone":null}`); h != base {
		t.Errorf("NDJSON row with the same content hashes differently")
	}
	differ := []struct{ name, data string }{
		{"value changed", "id,name,city\n1,Ким,Астана\n"},
		{"unmapped column changed", "id,name,city,extra\n1,Ким,Алматы,x\n"},
		{"value moved between columns", "id,name,city\n1,Алматы,Ким\n"},
		{"framing: boundary moved", "id,name,city\n1,Ки,мАлматы\n"},
		{"column renamed", "id,name,town\n1,Ким,Алматы\n"},
	}
	for _, tt := range differ {
		if h := hash(csvSrc, tt.data); h == base {
			t.Errorf("%s: hash unchanged", tt.name)
		}
	}
}

func TestJSONStringRoundTrip(t *testing.T) {
	var all []byte
	for c := 0; c < 0x80; c++ {
		all = append(all, byte(c))
	}
	inputs := []string{
		"", "plain", `quote " backslash \ slash /`, "Алматы Өскемен әйел", "emoji 🐄 and \u2028\u2029",
		string(all), "\x00\x1f\x7f", "tab\tnl\ncr\r", "<html>&amp;",
		"bad \xff byte", "truncated \xd0", "surrogate \xed\xa0\x80",
	}
	for _, in := range inputs {
		var want string
		// encoding/json's own round trip is the reference, including how it
		// replaces bytes that are not UTF-8.
		m, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(m, &want); err != nil {
			t.Fatal(err)
		}
		out := appendJSONString(nil, []byte(in))
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s: %v", in, out, err)
		}
		if got != want {
			t.Errorf("round trip of %q = %q, want %q", in, got, want)
		}
		if valid := []byte(in); bytes.Equal(bytes.ToValidUTF8(valid, nil), valid) {
			if fast := appendJSONStringValid(nil, valid); !bytes.Equal(fast, out) {
				t.Errorf("appendJSONStringValid(%q) = %s, want %s", in, fast, out)
			}
		}
	}
}

func TestNewDecoderErrors(t *testing.T) {
	_, err := NewDecoder(&Source{Name: "x"}, strings.NewReader("a\n"), "f")
	if err == nil {
		t.Error("source without id accepted")
	}
	_, err = NewDecoder(&Source{Name: "x", ID: []string{"a"}, Delimiter: '¦'}, strings.NewReader("a\n"), "f")
	if err == nil {
		t.Error("non-ASCII delimiter accepted")
	}
	_, err = NewDecoder(&Source{Name: "x", ID: []string{"a"}}, iotestErr{}, "f")
	if err == nil || !errors.Is(err, errBoom) {
		t.Errorf("read error: %v", err)
	}
}

var errBoom = errors.New("boom")

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errBoom }

// TestReadErrorSticks checks that an I/O error mid-file fails the load
// instead of passing for the end of the extract.
func TestReadErrorSticks(t *testing.T) {
	r := io.MultiReader(strings.NewReader("id\n1\n2\n"), iotestErr{})
	d, err := NewDecoder(&Source{Name: "x", ID: []string{"id"}}, r, "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		_, _, err = d.Next()
		if err != nil {
			break
		}
		n++
	}
	if n != 2 || !errors.Is(err, errBoom) {
		t.Fatalf("after %d rows: %v", n, err)
	}
	if _, _, err2 := d.Next(); !errors.Is(err2, errBoom) {
		t.Errorf("second call: %v", err2)
	}
}

func TestLongLine(t *testing.T) {
	data := "id\n1\n" + strings.Repeat("x", maxLineBytes+1) + "\n3\n"
	d, err := NewDecoder(&Source{Name: "x", ID: []string{"id"}}, strings.NewReader(data), "f.csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, rej, err := d.Next(); err != nil || rej != nil {
		t.Fatalf("first row: %v %v", rej, err)
	}
	_, _, err = d.Next()
	if err == nil || err.Error() != "f.csv: line 3 is longer than 16 MiB" {
		t.Errorf("long line: %v", err)
	}
}

func TestTrimSpace(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", " a ", "\t\r\n a b \v\f", "\u00a0Алматы\u3000", "Ә\u2028", "\u0085x\u0085",
		"\u200b zero width is not a space \u200b", "Ким", " \xff ", "\xe2\x80", "а\xe2\x80\xa8",
	} {
		if got, want := trimSpace([]byte(s)), bytes.TrimSpace([]byte(s)); !bytes.Equal(got, want) {
			t.Errorf("trimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzTrimSpace(f *testing.F) {
	f.Add([]byte(" \u00a0Ким\u2003\t"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := trimSpace(b), bytes.TrimSpace(b); !bytes.Equal(got, want) {
			t.Fatalf("trimSpace(%q) = %q, want %q", b, got, want)
		}
	})
}

// FuzzAppendJSONString checks both escapers against encoding/json.
func FuzzAppendJSONString(f *testing.F) {
	f.Add([]byte("Ки \"м\"\t\\ \x00\x1f\xff 🐄"))
	f.Add([]byte("12345678\"2345678\\"))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := appendJSONString(nil, b)
		var got, want string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("%q encodes to invalid JSON %s", b, out)
		}
		m, _ := json.Marshal(string(b))
		if err := json.Unmarshal(m, &want); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("round trip of %q = %q, want %q", b, got, want)
		}
		if utf8.Valid(b) {
			if fast := appendJSONStringValid(nil, b); !bytes.Equal(fast, out) {
				t.Fatalf("appendJSONStringValid(%q) = %s, want %s", b, fast, out)
			}
		}
	})
}

func TestSkipKnown(t *testing.T) {
	src := &Source{Name: "cards", ID: []string{"id"}, Fields: []Field{{Name: "full_name", Columns: []string{"fio"}, Type: TypeString}}}
	body := "id,fio\nA,Әсел\nB,Ғалым\nA,Әсел\n"
	plain, err := NewDecoder(src, strings.NewReader(body), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	a, _, _ := plain.Next()
	b, _, _ := plain.Next()

	d, err := NewDecoder(src, strings.NewReader(body), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	d.SkipKnown(func(id []byte, hash [16]byte) bool { return string(id) == "A" && hash == a.Hash })
	got, rej, err := d.Next()
	if err != nil || rej != nil || got.ID != "A" || got.Hash != a.Hash || got.Raw != nil || got.Attrs != nil || got.Line != 2 {
		t.Fatalf("known row = %+v, %v, %v; want only line, id and hash", got, rej, err)
	}
	got, rej, err = d.Next()
	if err != nil || rej != nil || got.ID != "B" || got.Raw == nil || got.Hash != b.Hash || len(got.Attrs) != 1 {
		t.Fatalf("unknown row = %+v, %v, %v; want it mapped in full", got, rej, err)
	}
	if _, rej, _ = d.Next(); rej == nil || rej.Code != CodeDuplicateID {
		t.Fatalf("repeated known id = %+v; want duplicate_id", rej)
	}
}

func TestAttributesOnly(t *testing.T) {
	src := &Source{Name: "cards", ID: []string{"id"}, Fields: []Field{
		{Name: "full_name", Columns: []string{"fio"}, Type: TypeString},
		{Name: "birth_date", Columns: []string{"born"}, Type: TypeDate},
	}}
	for _, body := range []string{
		"id,fio,born\nA,Әсел,1990-02-03\nB,Ғалым,1990-02-31\nA,Әсел,1990-02-03\n",
		`{"id":"A","fio":"Әсел","born":"1990-02-03"}` + "\n" + `{"id":"B","fio":"Ғалым","born":"1990-02-31"}` + "\n" + `{"id":"A","fio":"Әсел"}` + "\n",
	} {
		name := "x.csv"
		src.Format = ""
		if body[0] == '{' {
			name, src.Format = "x.ndjson", "ndjson"
		}
		full, err := NewDecoder(src, strings.NewReader(body), name)
		if err != nil {
			t.Fatal(err)
		}
		d, err := NewDecoder(src, strings.NewReader(body), name)
		if err != nil {
			t.Fatal(err)
		}
		d.AttributesOnly()
		for row := 0; row < 3; row++ {
			want, wantRej, err1 := full.Next()
			got, gotRej, err2 := d.Next()
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if !reflect.DeepEqual(gotRej, wantRej) {
				t.Fatalf("%s row %d: rejection %+v, want %+v", name, row, gotRej, wantRej)
			}
			if got.Raw != nil || got.Hash != ([16]byte{}) {
				t.Errorf("%s row %d: raw %q and hash %x set", name, row, got.Raw, got.Hash)
			}
			want.Raw, want.Hash = nil, [16]byte{}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s row %d: %+v, want %+v", name, row, got, want)
			}
		}
	}
}

func TestMissingMarkers(t *testing.T) {
	c := mustParse(t, `
sources:
  - name: t
    id: id
    missing: [NA, "-"]
    observed_at: seen
    fields:
      first_name: [fname_c1, fname_c2]
      birth_date: {columns: [by, bm, bd], format: YYYY MM DD}
      email: {column: mail, missing: [none]}
      note: note
      region: {column: region, required: true, missing: ["0"]}
`)
	const header = "id,fname_c1,fname_c2,by,bm,bd,mail,note,region,seen\n"
	tests := []struct {
		name string
		row  string
		want string
	}{
		{"no markers", "1,ANNA,MARIA,1967,9,27,a@b.kz,x,Алматы,2026-10-01", "2 id=1 first_name=ANNA MARIA birth_date=1967-09-27 email=a@b.kz note=x region=Алматы @2026-10-01T00:00:00Z"},
		{"second column missing", "1,ANNA,NA,1967,9,27,,,Алматы,", "2 id=1 first_name=ANNA birth_date=1967-09-27 region=Алматы"},
		{"first column missing", "1,NA,MARIA,,,,,,Алматы,", "2 id=1 first_name=MARIA region=Алматы"},
		{"every column missing", "1,NA,na,NA,NA,NA,,,Алматы,", "2 id=1 region=Алматы"},
		{"case and padding", "1, n/A ,  Na ,,,,,,Алматы,", "2 id=1 first_name=n/A region=Алматы"},
		{"a marker is not invalid", "1,-,-,-,-,-,NA,-,Алматы,NA", "2 id=1 region=Алматы"},
		{"part of a date missing leaves it invalid", "1,,,1967,NA,27,,,Алматы,", "2 id=1 birth_date=1967 27 region=Алматы !birth_date(1967 27): date: does not match YYYY MM DD"},
		{"field markers add to the source's", "1,,,,,,NONE,,Алматы,", "2 id=1 region=Алматы"},
		{"field markers stay in their field", "1,none,,,,,,0,Алматы,", "2 id=1 first_name=none note=0 region=Алматы"},
		{"markers match whole values only", "1,NAN,,,,,,N-A,Алматы,", "2 id=1 first_name=NAN note=N-A region=Алматы"},
		{"required with a field marker", "1,,,,,,,,0,", `2 required_missing region: required field region (column "region") is missing ("0") [id=1]`},
		{"required with a source marker", "1,,,,,,,,na,", `2 required_missing region: required field region (column "region") is missing ("na") [id=1]`},
		{"required and empty", "1,,,,,,,,,", `2 required_missing region: required field region (column "region") is empty [id=1]`},
		{"the record id is not a field", "NA,,,,,,,,Алматы,", "2 id=NA region=Алматы"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := mustDecode(t, c.Sources[0], header+tt.row+"\n")
			if len(rs) != 1 {
				t.Fatalf("%d outcomes", len(rs))
			}
			if got := summary(rs[0]); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// TestMissingMarkersKeepHashAndRaw checks that declaring markers changes
// what is mapped but neither the row's content hash nor its raw form: a
// contract gaining missing: must not make every record a new version.
func TestMissingMarkersKeepHashAndRaw(t *testing.T) {
	c := mustParse(t, `
sources:
  - {name: with, id: id, missing: [NA], fields: {first_name: [f1, f2]}}
  - {name: without, id: id, fields: {first_name: [f1, f2]}}
  - {name: json, id: id, format: ndjson, missing: [NA], fields: {first_name: [f1, f2]}}
`)
	const data = "id,f1,f2\n1,ANNA,NA\n"
	with := mustDecode(t, c.Source("with"), data)[0].Rec
	without := mustDecode(t, c.Source("without"), data)[0].Rec
	nd := mustDecode(t, c.Source("json"), `{"id":"1","f1":"ANNA","f2":"NA"}`+"\n")[0].Rec
	if with == nil || without == nil || nd == nil {
		t.Fatal("a row was rejected")
	}
	if got := summary(result{Rec: with}); got != "2 id=1 first_name=ANNA" {
		t.Errorf("with markers: %s", got)
	}
	if got := summary(result{Rec: nd}); got != "1 id=1 first_name=ANNA" {
		t.Errorf("NDJSON with markers: %s", got)
	}
	if got := summary(result{Rec: without}); got != "2 id=1 first_name=ANNA NA" {
		t.Errorf("without markers: %s", got)
	}
	if with.Hash != without.Hash || nd.Hash != with.Hash {
		t.Errorf("hash depends on missing: %x %x %x", with.Hash, without.Hash, nd.Hash)
	}
	if !bytes.Equal(with.Raw, without.Raw) || !bytes.Contains(with.Raw, []byte(`"f2":"NA"`)) {
		t.Errorf("raw = %s, want the marker kept as %s", with.Raw, without.Raw)
	}
}
