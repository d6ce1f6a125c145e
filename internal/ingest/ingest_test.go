package ingest_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

const ingestContract = `
agencies:
  - code: moh
    name: Ministry of Health
    names: {kk: Денсаулық сақтау министрлігі, ru: Министерство здравоохранения}
sources:
  - name: cards
    agency: moh
    title: Patient cards
    id: card
    date_format: DD.MM.YYYY
    fields:
      national_id: iin
      full_name: fio
      birth_date: dob
      sex: {column: sex, allowed: [M, F]}
      clinic: {column: clinic, required: true}
  - name: legacy
    agency: moh
    encoding: windows-1251
    delimiter: ";"
    id: id
    fields:
      full_name: fio
`

// mustIngest registers the contract and loads body into the named source.
func mustIngest(t *testing.T, st *store.Store, name, body, mode string) ingest.Summary {
	t.Helper()
	return mustIngestWith(t, st, name, body, mode, ingest.Options{})
}

// mustIngestWith is mustIngest guarded by opts.
func mustIngestWith(t *testing.T, st *store.Store, name, body, mode string, opts ingest.Options) ingest.Summary {
	t.Helper()
	sum, err := loadWith(t, st, name, strings.NewReader(body), mode, opts)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != sum.Stored+sum.Unchanged+sum.Quarantined {
		t.Fatalf("counts do not add up: %+v", sum)
	}
	return sum
}

func load(t *testing.T, st *store.Store, name string, r io.Reader, mode string) (ingest.Summary, error) {
	t.Helper()
	return loadWith(t, st, name, r, mode, ingest.Options{})
}

func loadWith(t *testing.T, st *store.Store, name string, r io.Reader, mode string, opts ingest.Options) (ingest.Summary, error) {
	t.Helper()
	ctx := context.Background()
	c, err := source.Parse(strings.NewReader(ingestContract), "sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := ingest.Register(ctx, st, c)
	if err != nil {
		t.Fatal(err)
	}
	return ingest.ExtractWith(ctx, st, c.Source(name), ids[name], r, name+".csv", mode, opts)
}

const cardsV1 = `card,iin,fio,dob,sex,clinic
C1,900101300017,Ахметов Нұрсұлтан,01.01.1990,M,GP-5
C2,900101300018,Сүлейменова Әсел,31.02.1985,F,GP-5
C3,,IVANOV IVAN,15.03.1970,X,GP-1
`

func TestIngestStoresFlagsAndIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sum := mustIngest(t, st, "cards", cardsV1, source.ModeFull)
		if sum.Rows != 3 || sum.Stored != 3 || sum.Flagged != 2 || sum.Live != 3 {
			t.Fatalf("first load = %+v", sum)
		}
		h, err := st.History(ctx, "cards", "C2")
		if err != nil {
			t.Fatal(err)
		}
		inv := string(h[0].Invalid)
		if !strings.Contains(inv, "national_id") || !strings.Contains(inv, "birth_date") {
			t.Fatalf("C2 invalid = %s; want national_id and birth_date flagged", inv)
		}
		if !strings.Contains(string(h[0].Attrs), "31.02.1985") {
			t.Fatalf("C2 attrs = %s; the invalid raw value must be kept", h[0].Attrs)
		}
		if h[0].ObservedAt.IsZero() || h[0].LoadedAt.IsZero() {
			t.Fatalf("C2 times not set: %+v", h[0])
		}

		again := mustIngest(t, st, "cards", cardsV1, source.ModeFull)
		if again.Stored != 0 || again.Unchanged != 3 || again.Deleted != 0 || again.Live != 3 {
			t.Fatalf("second load of the same file = %+v; want everything unchanged", again)
		}
		// Column order does not matter for "unchanged".
		reordered := "iin,card,fio,dob,sex,clinic\n900101300017,C1,Ахметов Нұрсұлтан,01.01.1990,M,GP-5\n"
		d := mustIngest(t, st, "cards", reordered, source.ModeDelta)
		if d.Unchanged != 1 || d.Stored != 0 {
			t.Fatalf("reordered columns = %+v; want unchanged", d)
		}
	})
}

func TestIngestDeletionIsAVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustIngest(t, st, "cards", cardsV1, source.ModeFull)
		v2 := `card,iin,fio,dob,sex,clinic
C1,900101300017,Ахметов Нұрсұлтан,01.01.1990,M,GP-7
C3,,IVANOV IVAN,15.03.1970,X,GP-1
`
		// One of three records is a third of the source: confirmed.
		sum := mustIngestWith(t, st, "cards", v2, source.ModeFull, ingest.Options{AllowDeletions: 1})
		if sum.Stored != 1 || sum.Unchanged != 1 || sum.Deleted != 1 || sum.Live != 2 {
			t.Fatalf("second extract = %+v; want C1 changed, C3 unchanged, C2 deleted", sum)
		}
		h, err := st.History(ctx, "cards", "C2")
		if err != nil {
			t.Fatal(err)
		}
		if len(h) != 2 || h[0].Deleted || !h[1].Deleted || h[1].Version != 2 {
			t.Fatalf("C2 history = %+v; want version 1 kept and version 2 deleted", h)
		}
		// A delta load never deletes; a record coming back is a new version.
		back := mustIngest(t, st, "cards", "card,iin,fio,dob,sex,clinic\nC2,900101300018,Сүлейменова Әсел,31.02.1985,F,GP-5\n", source.ModeDelta)
		if back.Stored != 1 || back.Deleted != 0 || back.Live != 3 {
			t.Fatalf("C2 returning = %+v", back)
		}
		if h, _ := st.History(ctx, "cards", "C2"); len(h) != 3 || h[2].Deleted || h[2].Version != 3 {
			t.Fatalf("C2 history after return = %+v", h)
		}
		if h, _ := st.History(ctx, "cards", "C1"); len(h) != 2 || !strings.Contains(string(h[1].Attrs), "GP-7") {
			t.Fatalf("C1 history = %+v", h)
		}
	})
}

func TestIngestQuarantinesEveryReason(t *testing.T) {
	body := "card,iin,fio,dob,sex,clinic\n" +
		"C1,900101300017,Ахметов,01.01.1990,M,GP-5\n" +
		"C2,900101300017,Too,Many,Columns,GP-5,extra\n" + // column_count
		"C3,900101300017,\"broken \"quote,01.01.1990,M,GP-5\n" + // bad_quoting
		"C4,900101300017,\xc1\xee\xeb,01.01.1990,M,GP-5\n" + // not_utf8
		",900101300017,No Id,01.01.1990,M,GP-5\n" + // no_record_id
		"C1,900101300017,Ахметов again,01.01.1990,M,GP-5\n" + // duplicate_id
		"C7,900101300017,No Clinic,01.01.1990,M,\n" + // required_missing
		"C8,900101300017,Fine,02.01.1990,F,GP-2\n"
	want := map[string]int{"column_count": 3, "bad_quoting": 4, "not_utf8": 5, "no_record_id": 6, "duplicate_id": 7, "required_missing": 8}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sum := mustIngest(t, st, "cards", body, source.ModeFull)
		if sum.Rows != 8 || sum.Stored != 2 || sum.Quarantined != 6 {
			t.Fatalf("summary = %+v; want 8 rows, 2 stored, 6 quarantined", sum)
		}
		q, err := st.Quarantine(ctx, store.QuarantineFilter{Source: "cards"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, r := range q {
			got[r.Code] = r.Line
			if r.Reason == "" || r.Raw == "" || r.File != "cards.csv" {
				t.Errorf("quarantined row lacks reason, raw or file: %+v", r)
			}
		}
		for code, line := range want {
			if got[code] != line {
				t.Errorf("quarantine %s at line %d; want line %d (all: %v)", code, got[code], line, got)
			}
		}
		// Field-level reasons name the field.
		for _, r := range q {
			if r.Code == "required_missing" && r.Field != "clinic" {
				t.Errorf("required_missing field = %q; want clinic", r.Field)
			}
		}
	})
}

func TestIngestBadJSONLine(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c, err := source.Parse(strings.NewReader(`
sources:
  - name: pupils
    format: ndjson
    id: id
    fields: {full_name: name}
`), "sources.yaml")
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		ids, err := ingest.Register(ctx, st, c)
		if err != nil {
			t.Fatal(err)
		}
		body := `{"id":"P1","name":"Айгүл"}` + "\n" + `["not","an","object"]` + "\n" + `{"id":"P2","name":` + "\n"
		sum, err := ingest.Extract(ctx, st, c.Source("pupils"), ids["pupils"], strings.NewReader(body), "pupils.ndjson", source.ModeFull)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Stored != 1 || sum.Quarantined != 2 {
			t.Fatalf("summary = %+v; want 1 stored, 2 quarantined", sum)
		}
		q, _ := st.Quarantine(ctx, store.QuarantineFilter{Source: "pupils"})
		for _, r := range q {
			if r.Code != "bad_json" {
				t.Errorf("quarantine code = %s; want bad_json", r.Code)
			}
		}
	})
}

func TestIngestWindows1251(t *testing.T) {
	enc, err := charmap.Windows1251.NewEncoder().String("id;fio\nL1;Иванов Иван\n")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sum := mustIngest(t, st, "legacy", enc, source.ModeFull)
		if sum.Stored != 1 || sum.Quarantined != 0 {
			t.Fatalf("summary = %+v", sum)
		}
		h, err := st.History(context.Background(), "legacy", "L1")
		if err != nil || !strings.Contains(string(h[0].Attrs), "Иванов Иван") {
			t.Fatalf("L1 = %+v, %v; want the name converted to UTF-8", h, err)
		}
	})
}

// failingReader yields its text, then an error, as a disk or network would.
type failingReader struct {
	r   io.Reader
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, f.err
	}
	return n, err
}

func TestIngestIsAtomic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustIngest(t, st, "cards", cardsV1, source.ModeFull)
		before, _ := st.Runs(ctx, "", 100)

		// A read error in the middle of a file.
		var big strings.Builder
		big.WriteString("card,iin,fio,dob,sex,clinic\n")
		for i := 0; i < 5000; i++ {
			big.WriteString("N")
			big.WriteString(strings.Repeat("x", i%7))
			big.WriteString(string(rune('a' + i%26)))
			big.WriteString(",,Name,01.01.1990,M,GP\n")
		}
		broken := &failingReader{r: strings.NewReader(big.String()), err: errors.New("disk on fire")}
		if _, err := load(t, st, "cards", broken, source.ModeFull); err == nil || !strings.Contains(err.Error(), "disk on fire") || errors.Is(err, ingest.ErrBadInput) {
			t.Fatalf("ingest of a failing reader = %v; want the read error, not ErrBadInput", err)
		}
		// A header that does not match the contract.
		if _, err := load(t, st, "cards", strings.NewReader("card,fio\nC9,X\n"), source.ModeFull); !errors.Is(err, ingest.ErrBadInput) {
			t.Fatalf("a header without mapped columns = %v; want ErrBadInput", err)
		}
		// A cancelled context.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		c, _ := source.Parse(strings.NewReader(ingestContract), "sources.yaml")
		ids, _ := ingest.Register(ctx, st, c)
		if _, err := ingest.Extract(cctx, st, c.Source("cards"), ids["cards"], strings.NewReader(big.String()), "x.csv", source.ModeFull); err == nil {
			t.Fatal("ingest under a cancelled context succeeded")
		}

		after, _ := st.Runs(ctx, "", 100)
		if len(after) != len(before) {
			t.Fatalf("failed loads left runs behind: before %d, after %d", len(before), len(after))
		}
		h, err := st.History(ctx, "cards", "C2")
		if err != nil || len(h) != 1 || h[0].Deleted {
			t.Fatalf("a failed full load changed C2: %+v, %v", h, err)
		}
		if q, _ := st.Quarantine(ctx, store.QuarantineFilter{}); len(q) != 0 {
			t.Fatalf("failed loads left quarantine rows: %+v", q)
		}
	})
}

func TestPushUsesStoredDefinition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustIngest(t, st, "cards", cardsV1, source.ModeFull)
		sum, err := ingest.Push(ctx, st, "cards", strings.NewReader(`{"card":"C9","iin":"900101300017","fio":"Ким Ольга","dob":"05.05.1980","sex":"F","clinic":"GP-9"}`+"\n"), "ndjson", "")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Stored != 1 || sum.Deleted != 0 || sum.Live != 4 {
			t.Fatalf("push = %+v; want one stored, nothing deleted (delta by default)", sum)
		}
		h, err := st.History(ctx, "cards", "C9")
		if err != nil || !strings.Contains(string(h[0].Attrs), "1980-05-05") {
			t.Fatalf("pushed record = %+v, %v; want the date normalised as for files", h, err)
		}
		if _, err := ingest.Push(ctx, st, "nope", strings.NewReader(""), "csv", ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("push to unknown source = %v; want ErrNotFound", err)
		}
	})
}

func TestIngestKeepsQuarantinedRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustIngest(t, st, "cards", cardsV1, source.ModeFull)
		// C2's row lost its required clinic: quarantined, but C2 is still in
		// the extract, so it must not be marked deleted.
		v2 := "card,iin,fio,dob,sex,clinic\nC1,900101300017,Ахметов Нұрсұлтан,01.01.1990,M,GP-5\nC2,900101300018,Сүлейменова Әсел,31.02.1985,F,\nC3,,IVANOV IVAN,15.03.1970,X,GP-1\n"
		sum := mustIngest(t, st, "cards", v2, source.ModeFull)
		if sum.Quarantined != 1 || sum.Deleted != 0 || sum.Unchanged != 2 || sum.Live != 3 {
			t.Fatalf("summary = %+v; want C2 quarantined and not deleted", sum)
		}
	})
}

// TestIngestQuarantinesHiddenCharactersInIDs loads rows whose record ids
// hold NUL, a byte-order mark or bidirectional controls, from a file and
// through a push: each is quarantined with its file, line, field and a
// reason naming the character, and the clean rows are stored. They used to
// be stored: C1 and C1 with U+FEFF before it are two records that look
// like one, and U+202E reorders the page around the id.
func TestIngestQuarantinesHiddenCharactersInIDs(t *testing.T) {
	file := "card,iin,fio,dob,sex,clinic\n" +
		"C1,900101300017,Ахметов,01.01.1990,M,GP-5\n" +
		"\uFEFFC1,900101300017,Ахметов,01.01.1990,M,GP-5\n" + // line 3
		"C3\u202Egpj.exe,900101300017,Ахметов,01.01.1990,M,GP-5\n" + // line 4
		"C4\x00,900101300017,Ахметов,01.01.1990,M,GP-5\n" + // line 5
		"C5\u2067,900101300017,Ахметов,01.01.1990,M,GP-5\n" + // line 6
		"C6,900101300017,Ахметов,01.01.1990,M,GP-5\n"
	push := `{"card":"P1","iin":"900101300017","fio":"Ким","dob":"05.05.1980","sex":"F","clinic":"GP-9"}` + "\n" +
		`{"card":"P2\u200f","iin":"900101300017","fio":"Ким","dob":"05.05.1980","sex":"F","clinic":"GP-9"}` + "\n" +
		`{"card":"P3\u0000","iin":"900101300017","fio":"Ким","dob":"05.05.1980","sex":"F","clinic":"GP-9"}` + "\n" +
		`{"card":"\u061cP4","iin":"900101300017","fio":"Ким","dob":"05.05.1980","sex":"F","clinic":"GP-9"}` + "\n"
	type place struct {
		file string
		line int
	}
	want := map[place]string{
		{"cards.csv", 3}: "U+FEFF", {"cards.csv", 4}: "U+202E", {"cards.csv", 5}: "U+0000", {"cards.csv", 6}: "U+2067",
		{"api", 2}: "U+200F", {"api", 3}: "U+0000", {"api", 4}: "U+061C",
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		sum := mustIngest(t, st, "cards", file, source.ModeFull)
		if sum.Stored != 2 || sum.Quarantined != 4 {
			t.Errorf("file: %+v; want 2 stored, 4 quarantined", sum)
		}
		sum, err := ingest.Push(ctx, st, "cards", strings.NewReader(push), "ndjson", "")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Stored != 1 || sum.Quarantined != 3 {
			t.Errorf("push: %+v; want 1 stored, 3 quarantined", sum)
		}
		q, err := st.Quarantine(ctx, store.QuarantineFilter{Source: "cards"})
		if err != nil {
			t.Fatal(err)
		}
		got := map[place]string{}
		for _, r := range q {
			if r.Code != string(source.CodeBadRecordID) {
				t.Errorf("unexpected quarantine %+v", r)
				continue
			}
			if r.Field != "card" || r.Raw == "" {
				t.Errorf("quarantined row lacks the field or raw text: %+v", r)
			}
			got[place{r.File, r.Line}] = r.Reason
		}
		for p, char := range want {
			if !strings.Contains(got[p], char) || !strings.Contains(got[p], "record id") {
				t.Errorf("%s line %d: reason %q; want one naming the record id and %s", p.file, p.line, got[p], char)
			}
		}
		if len(got) != len(want) {
			t.Errorf("quarantined %v; want %v", got, want)
		}
	})
}
