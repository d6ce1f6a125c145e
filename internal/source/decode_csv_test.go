package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/kz"
)

const benchContract = `
sources:
  - name: health_cards
    agency: moh
    file: cards.csv
    delimiter: ";"
    id: card_no
    date_format: DD.MM.YYYY
    observed_at: updated
    fields:
      national_id: iin
      last_name: fam
      first_name: im
      middle_name: ot
      birth_date: dob
      sex: {column: gender, values: {"1": M, "2": F}}
      phone: phone
      email: email
      address: [street, house]
      region: region
`

// healthCSV builds n rows of a 12-column health-style extract with Cyrillic
// names, valid IINs and a few quoted fields, like a real DAMUMED export.
func healthCSV(tb testing.TB, n int) []byte {
	tb.Helper()
	var b bytes.Buffer
	b.WriteString("card_no;iin;fam;im;ot;dob;gender;phone;email;street;house;region;updated\n")
	fams := []string{"Әбенов", "Иванова", "Серікбаев", "Ким", "Нұрланова"}
	ims := []string{"Айгүл", "Сергей", "Дәурен", "Мария", "Ерлан"}
	for i := 0; i < n; i++ {
		birth := time.Date(1950+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		sex := kz.Male
		if i%2 == 1 {
			sex = kz.Female
		}
		iin, _, err := kz.MakeIIN(birth, sex, i%9000)
		if err != nil {
			tb.Fatal(err)
		}
		street := "ул. Абая"
		if i%10 == 0 {
			street = `"пр. ""Достық"""`
		}
		fmt.Fprintf(&b, "%08d;%s;%s;%s;%sович;%s;%d;+7 701 %07d;user%d@Mail.kz;%s;%d;Алматы;2026-10-%02d 12:00:00\n",
			i, iin, fams[i%len(fams)], ims[i%len(ims)], ims[(i+1)%len(ims)], birth.Format("02.01.2006"), 1+i%2, i, i, street, i%200, 1+i%28)
	}
	return b.Bytes()
}

func BenchmarkDecodeCSV(b *testing.B) {
	c, err := Parse(strings.NewReader(benchContract), "sources.yaml")
	if err != nil {
		b.Fatal(err)
	}
	src := c.Source("health_cards")
	const rows = 10000
	data := healthCSV(b, rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d, err := NewDecoder(src, bytes.NewReader(data), "cards.csv")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, rej, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
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

func FuzzDecodeCSV(f *testing.F) {
	for _, p := range []string{
		"testdata/source/cases/legacy.csv",
		"testdata/source/docs_example/health/cards.csv",
	} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// Drop the file's own header: the fuzz body is rows only.
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
		f.Add(data, false, false)
		f.Add(bytes.ReplaceAll(data, []byte(";"), []byte(",")), false, false)
	}
	f.Add(healthCSV(f, 5)[bytes.IndexByte(healthCSV(f, 5), '\n')+1:], true, false)
	f.Add([]byte("1,\"open\n2,x,,\n\"\"\n3,\"a\"\"b\",\xff,\r\n\n"), false, false)
	f.Add([]byte("\ufeff\r\n\"id\", name ,\"d\nob\",n\r\n1,2,3,4"), false, true)
	c := mustParse(f, `
sources:
  - name: comma
    id: [id, n]
    date_format: DD.MM.YYYY
    missing: [NA, "-"]
    fields:
      full_name: [name, n]
      birth_date: dob
      head_count: {column: n, type: int}
  - name: semi
    delimiter: ";"
    id: id
    fields:
      sex: {column: name, values: {"1": M}}
      income: {column: n, type: number, required: true, missing: [нет]}
`)
	// With ownHeader the body brings its own header, so that header parsing
	// is fuzzed too; otherwise a valid header is put in front of it.
	f.Fuzz(func(t *testing.T, body []byte, semi, ownHeader bool) {
		src, header := c.Source("comma"), "id,name,dob,n\n"
		if semi {
			src, header = c.Source("semi"), "id;name;dob;n\n"
		}
		data := append([]byte(header), body...)
		if ownHeader {
			data = body
		}
		d, err := NewDecoder(src, bytes.NewReader(data), "f.csv")
		if err != nil {
			if !ownHeader {
				t.Fatalf("NewDecoder: %v", err)
			}
			return
		}
		lines := fuzzLines(data)
		rowLines := 0
		for _, l := range lines[d.headerLine:] {
			if !isBlank(l) {
				rowLines++
			}
		}
		last, n := d.headerLine, 0
		for {
			rec, rej, err := d.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			n++
			line := rec.Line
			if rej != nil {
				if rec.Line != 0 || rec.Raw != nil {
					t.Fatal("both a record and a rejection")
				}
				if rej.Code == "" || rej.Reason == "" || !utf8.ValidString(rej.Raw) {
					t.Fatalf("incomplete rejection %+v", rej)
				}
				line = rej.Line
			} else {
				var raw map[string]string
				if err := json.Unmarshal(rec.Raw, &raw); err != nil || len(raw) != 4 {
					t.Fatalf("Raw %s: %v", rec.Raw, err)
				}
				for _, a := range rec.Attrs {
					if a.Value == "" || !utf8.ValidString(a.Value) {
						t.Fatalf("attr %+v", a)
					}
					// A marker is skipped column by column, so no
					// attribute can be one whole.
					for _, m := range src.Missing {
						if strings.EqualFold(a.Value, m) {
							t.Fatalf("attr %+v is a missing marker", a)
						}
					}
				}
			}
			if line <= last || line > len(lines) {
				t.Fatalf("line %d after %d (of %d)", line, last, len(lines))
			}
			last = line
		}
		if n > rowLines {
			t.Fatalf("%d outcomes from %d non-blank lines", n, rowLines)
		}
		// Without quotes every non-blank line is exactly one row.
		if !bytes.Contains(data, []byte{'"'}) && n != rowLines {
			t.Fatalf("%d outcomes from %d non-blank lines", n, rowLines)
		}
	})
}
