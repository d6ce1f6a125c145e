package source

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
)

func ndjsonSource(tb testing.TB) *Source {
	tb.Helper()
	return mustParse(tb, `
sources:
  - name: t
    format: ndjson
    id: id
    observed_at: seen
    fields:
      full_name: name
      head_count: {column: n, type: int}
      meta: meta
`).Sources[0]
}

func TestDecodeNDJSON(t *testing.T) {
	tests := []struct {
		name string
		data string
		want []string
	}{
		{
			name: "values flattened to text",
			data: `{"id": 1, "name": " Ким ", "n": 3, "meta": {"a": [1, 2.50, true, null], "b": "x"}}` + "\n" +
				`{"id": "2", "name": null, "n": "4", "meta": [ ]}` + "\n" +
				`{"id": true, "meta": false}` + "\n" +
				`{"id": 4, "name": "", "meta": "  "}` + "\n",
			want: []string{
				`1 id=1 full_name=Ким head_count=3 meta={"a":[1,2.50,true,null],"b":"x"}`,
				`2 id=2 head_count=4 meta=[]`,
				`3 id=true meta=false`,
				`4 id=4`,
			},
		},
		{
			name: "string escapes",
			data: `{"id":"\u0041\/\\","name":"\ud83d\udc04 \ud800 \u00e9\t\"q\""}` + "\n",
			want: []string{"1 id=A/\\ full_name=🐄 \ufffd é\t\"q\""},
		},
		{
			name: "blank lines, CRLF, BOM and no final newline",
			data: "\ufeff{\"id\":\"a\"}\r\n\r\n \t \n{\"id\":\"b\", \"seen\": \"2026-10-01\"}",
			want: []string{"1 id=a", "4 id=b @2026-10-01T00:00:00Z"},
		},
		{
			name: "missing keys are empty values",
			data: `{"other": 1}` + "\n" + `{}` + "\n",
			want: []string{
				`1 no_record_id id: record id (column "id") is empty`,
				`2 no_record_id id: record id (column "id") is empty`,
			},
		},
		{
			name: "not an object",
			data: "[1]\n\"s\"\n42\nnull\n",
			want: []string{
				"1 bad_json : not a JSON object",
				"2 bad_json : not a JSON object",
				"3 bad_json : not a JSON object",
				"4 bad_json : not a JSON object",
			},
		},
		{
			name: "broken JSON",
			data: strings.Join([]string{
				`{"id":1,}`,
				`{'id':1}`,
				`{id:1}`,
				`{"id":01}`,
				`{"id":1.}`,
				`{"id":-}`,
				`{"id":tru}`,
				"{\"id\":\"a\tb\"}",
				`{"id":"\x41"}`,
				`{"id":"\u12G4"}`,
				`{"id":1} x`,
				`{"id":1}{"id":2}`,
				`{"id":"open`,
				`{"id":[1,2}`,
				`{"id":{"a" 1}}`,
				`{"id":1,"id":2}`,
			}, "\n"),
			want: []string{
				`1 bad_json : bad JSON at byte 9: expected a string key`,
				`2 bad_json : bad JSON at byte 2: expected a string key`,
				`3 bad_json : bad JSON at byte 2: expected a string key`,
				`4 bad_json : bad JSON at byte 8: expected "," or "}"`,
				`5 bad_json : bad JSON at byte 9: expected a digit`,
				`6 bad_json : bad JSON at byte 8: expected a JSON value`,
				`7 bad_json : bad JSON at byte 7: expected a JSON value`,
				`8 bad_json : bad JSON at byte 9: expected no control character in a string`,
				`9 bad_json : bad JSON at byte 9: expected an escape: one of \" \\ \/ \b \f \n \r \t \u`,
				`10 bad_json : bad JSON at byte 9: expected four hex digits after \u`,
				`11 bad_json : text after the JSON object at byte 10`,
				`12 bad_json : text after the JSON object at byte 9`,
				`13 bad_json : JSON ends inside a string`,
				`14 bad_json : bad JSON at byte 11: expected "," or "]"`,
				`15 bad_json : bad JSON at byte 12: expected ":"`,
				`16 bad_json id: key "id" appears twice`,
			},
		},
		{
			name: "nesting limit",
			data: `{"id":1,"meta":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + "}\n" +
				`{"id":2,"meta":` + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "}\n",
			want: []string{
				"1 bad_json : JSON nested deeper than 512 levels",
				"2 id=2 meta=" + strings.Repeat("[", 500) + strings.Repeat("]", 500),
			},
		},
		{
			name: "not UTF-8",
			data: "{\"id\":\"1\",\"name\":\"\xc8\xe2\"}\n{\"id\":\"2\",\"k\xff\":1}\n",
			want: []string{
				`1 not_utf8 name: column "name" is not valid UTF-8; if the file is in Cyrillic windows-1251, declare encoding: windows-1251 for this source [id=1]`,
				`2 not_utf8 k\xFF: column "k\\xFF" is not valid UTF-8; if the file is in Cyrillic windows-1251, declare encoding: windows-1251 for this source [id=2]`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summaries(mustDecode(t, ndjsonSource(t), tt.data))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRawNDJSON(t *testing.T) {
	rs := mustDecode(t, ndjsonSource(t), `{ "z" : 1.50 , "id" : "x\u0041\n" , "a":{ "k" : [ 1 , "\u0041" ] }, "n": null, "t": true }`+"\n")
	want := `{"z":1.50,"id":"xA\n","a":{"k":[1,"\u0041"]},"n":null,"t":true}`
	if got := string(rs[0].Rec.Raw); got != want {
		t.Errorf("Raw =\n %s\nwant\n %s", got, want)
	}
}

func TestNDJSONWindows1251(t *testing.T) {
	src := ndjsonSource(t)
	src.Encoding = "windows-1251"
	enc, err := charmap.Windows1251.NewEncoder().Bytes([]byte(`{"id":"1","name":"Иванов Иван"}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := decodeAll(t, src, enc)
	if err != nil {
		t.Fatal(err)
	}
	if got := summaries(rs); len(got) != 1 || got[0] != "1 id=1 full_name=Иванов Иван" {
		t.Errorf("got %v", got)
	}
}

// fuzzLines splits input the way the decoder does, so that each outcome can
// be checked against the text of its line.
func fuzzLines(data []byte) [][]byte {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	lines := bytes.Split(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = bytes.TrimSuffix(l, []byte("\r"))
	}
	return lines
}

func FuzzDecodeNDJSON(f *testing.F) {
	data, err := os.ReadFile("testdata/source/cases/animals.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, l := range bytes.Split(data, []byte("\n")) {
		f.Add(l)
	}
	f.Add([]byte(`{"id":"\ud800\udc00\ud800","n":-0.0e+1,"meta":{"":[{}]}}`))
	f.Add([]byte("{\"id\":\"\xff\"}\r\n\n{}"))
	src := ndjsonSource(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := NewDecoder(src, bytes.NewReader(data), "f.ndjson")
		if err != nil {
			return // only an empty file fails here
		}
		lines := fuzzLines(data)
		nonBlank := 0
		for _, l := range lines {
			if !isBlankJSON(l) {
				nonBlank++
			}
		}
		last, n := 0, 0
		for {
			rec, rej, err := d.Next()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("Next: %v", err)
				}
				break
			}
			n++
			line := rec.Line
			if rej != nil {
				if rec.Line != 0 || rec.Raw != nil {
					t.Fatal("both a record and a rejection")
				}
				line = rej.Line
			}
			if line <= last || line > len(lines) {
				t.Fatalf("line %d after %d (of %d)", line, last, len(lines))
			}
			last = line
			text := lines[line-1]
			isObject := json.Valid(text) && bytes.TrimLeft(text, " \t\r\n")[0] == '{'
			switch {
			case rej == nil:
				if !isObject {
					t.Fatalf("line %q accepted but encoding/json rejects it", text)
				}
				var fromRaw, fromLine any
				if err := unmarshalNumbers(rec.Raw, &fromRaw); err != nil {
					t.Fatalf("Raw %s is not JSON: %v", rec.Raw, err)
				}
				if err := unmarshalNumbers(text, &fromLine); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(fromLine, fromRaw); diff != "" {
					t.Fatalf("Raw %s differs from line %q:\n%s", rec.Raw, text, diff)
				}
			case rej.Code == CodeBadJSON:
				if isObject && !strings.Contains(rej.Reason, "appears twice") && !strings.Contains(rej.Reason, "nested deeper") {
					t.Fatalf("line %q rejected (%s) but encoding/json accepts it", text, rej.Reason)
				}
			case rej.Code == CodeNotUTF8:
				if utf8.Valid(text) {
					t.Fatalf("valid UTF-8 line %q rejected as not UTF-8", text)
				}
			}
		}
		if n != nonBlank {
			t.Fatalf("%d outcomes for %d non-blank lines", n, nonBlank)
		}
	})
}

func unmarshalNumbers(b []byte, v *any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

func BenchmarkDecodeNDJSON(b *testing.B) {
	c, err := Parse(strings.NewReader(benchContract), "sources.yaml")
	if err != nil {
		b.Fatal(err)
	}
	const rows = 10000
	// Convert the CSV rows so both benchmarks decode the same content.
	csv := healthCSV(b, rows)
	d, err := NewDecoder(c.Source("health_cards"), bytes.NewReader(csv), "cards.csv")
	if err != nil {
		b.Fatal(err)
	}
	var data []byte
	for {
		rec, _, err := d.Next()
		if err != nil {
			break
		}
		data = append(append(data, rec.Raw...), '\n')
	}
	src := *c.Source("health_cards")
	src.Format = "ndjson"
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := NewDecoder(&src, bytes.NewReader(data), "cards.ndjson")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, rej, err := d.Next()
			if err != nil {
				break
			}
			if rej != nil {
				b.Fatalf("rejected: %+v", rej)
			}
			n++
		}
		if n != rows {
			b.Fatalf("got %d rows", n)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
