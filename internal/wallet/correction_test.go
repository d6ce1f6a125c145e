package wallet_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/wallet"
)

const correctionContract = `
agencies:
  - {code: moj, name: Ministry of Justice}
  - {code: moh, name: Ministry of Health}
sources:
  - name: register
    agency: moj
    id: iin
    trust: 90
    date_format: DD.MM.YYYY
    fields: {national_id: iin, last_name: surname, first_name: name, birth_date: born, sex: {column: sex, allowed: [M, F]}}
  - name: cards
    agency: moh
    id: card
    trust: 40
    fields: {national_id: iin, full_name: fio, phone: phone}
`

// correctionNation is a store with two people, each with a register record
// and a health card, resolved and built into golden records. The
// citizen's register record has an impossible birth date.
type correctionNation struct {
	st       *store.Store
	c        *source.Contract
	ids      map[string]int64
	citizen  string // P1's IIN
	other    string // P2's IIN
	register string
}

func newCorrectionNation(t *testing.T, st *store.Store) *correctionNation {
	t.Helper()
	ctx := context.Background()
	c, err := source.Parse(strings.NewReader(correctionContract), "sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := ingest.Register(ctx, st, c)
	if err != nil {
		t.Fatal(err)
	}
	n := &correctionNation{st: st, c: c, ids: ids,
		citizen: correctionIIN(t, "1970-01-01", kz.Male, 11), other: correctionIIN(t, "1972-02-02", kz.Female, 12)}
	n.register = "iin,surname,name,born,sex\n" +
		n.citizen + ",Ахметов,Дәулет,30.02.1970,M\n" +
		n.other + ",Сейтова,Сара,02.02.1972,F\n"
	n.load(t, "register", n.register)
	n.load(t, "cards", "card,iin,fio,phone\nC1,"+n.citizen+",АХМЕТОВ ДӘУЛЕТ,+77011112233\nC2,"+n.other+",СЕЙТОВА САРА,+77022223344\n")
	ref := func(src, id string) store.RecordRef { return store.RecordRef{SourceID: ids[src], RecordID: id} }
	_, err = st.ApplyResolve(ctx, store.ResolveChanges{Kind: "person", Mode: "full", NewEntities: []string{"P1", "P2"},
		Members: []store.Membership{
			{RecordRef: ref("register", n.citizen), EntityID: "P1", Version: 1},
			{RecordRef: ref("cards", "C1"), EntityID: "P1", Version: 1},
			{RecordRef: ref("register", n.other), EntityID: "P2", Version: 1},
			{RecordRef: ref("cards", "C2"), EntityID: "P2", Version: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := golden.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Save(ctx, st); err != nil {
		t.Fatal(err)
	}
	return n
}

func correctionIIN(tb testing.TB, born string, sex kz.Sex, serial int) string {
	tb.Helper()
	d, err := time.Parse(time.DateOnly, born)
	if err != nil {
		tb.Fatal(err)
	}
	iin, _, err := kz.MakeIIN(d, sex, serial)
	if err != nil {
		tb.Fatal(err)
	}
	return iin
}

// load stores a full extract of a source.
func (n *correctionNation) load(t *testing.T, name, body string) {
	t.Helper()
	// A few records: deleting one is a large share, and the guard against
	// mass deletion is ingest's test.
	_, err := ingest.ExtractWith(context.Background(), n.st, n.c.Source(name), n.ids[name], strings.NewReader(body), name+".csv",
		source.ModeFull, ingest.Options{MaxDeletionShare: 1})
	if err != nil {
		t.Fatal(err)
	}
}

// goldenValue is the value of attr in an entity's stored golden record.
func (n *correctionNation) goldenValue(t *testing.T, entity, attr string) string {
	t.Helper()
	g, err := n.st.Golden(context.Background(), entity)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := golden.DecodeDoc(g.Doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc.Value(attr)
}

// request is a valid request of the citizen about their register surname.
func (n *correctionNation) request() wallet.CorrectionRequest {
	return wallet.CorrectionRequest{Subject: n.citizen, Source: "register", RecordID: n.citizen, Attr: "last_name",
		Proposed: "  Ахмедов ", Explanation: "My passport says Ахмедов.\nA scan is attached."}
}

var (
	pngFile  = append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	jpegFile = append([]byte("\xff\xd8\xff\xe0"), make([]byte, 64)...)
)

func TestCorrectionFileOwnRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		cs := wallet.NewCorrections(st, wallet.CorrectionOptions{Due: 10 * 24 * time.Hour})
		req := n.request()
		req.Attachment = &wallet.Attachment{Name: `C:\fakepath\..\scan "1".png`, Type: "application/pdf", Data: pngFile}
		c, err := cs.File(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(c.ID, "r-") || len(c.ID) != 26 || c.Status != store.CorrectionOpen || c.EntityID != "P1" ||
			c.Agency != "moj" || c.CurrentValue != "Ахметов" || c.ProposedValue != "Ахмедов" || c.RecordVersion != 1 ||
			c.DueAt.Sub(c.FiledAt) != 10*24*time.Hour {
			t.Fatalf("filed %+v", c)
		}
		if c.AttachmentType != "image/png" || c.AttachmentName != "scan 1.png" || c.AttachmentSize != int64(len(pngFile)) {
			t.Fatalf("attachment %q %q %d", c.AttachmentName, c.AttachmentType, c.AttachmentSize)
		}
		got, events, err := cs.Get(ctx, c.ID)
		if err != nil || got != c || len(events) != 1 {
			t.Fatalf("Get = %+v %+v, %v; want %+v", got, events, err, c)
		}
		att, err := cs.Attachment(ctx, c.ID)
		if err != nil || att.Type != "image/png" || string(att.Data) != string(pngFile) {
			t.Fatalf("Attachment = %+v, %v", att, err)
		}
		other, err := cs.File(ctx, wallet.CorrectionRequest{Subject: n.citizen, Source: "cards", RecordID: "C1", Attr: "phone",
			Proposed: "+77019998877", Explanation: "new number", Attachment: &wallet.Attachment{Name: "../../", Data: jpegFile}})
		if err != nil || other.AttachmentName != "attachment.jpg" || other.AttachmentType != "image/jpeg" {
			t.Fatalf("second request = %+v, %v", other, err)
		}
		if c.ID == other.ID {
			t.Fatal("two requests got one id")
		}
		mine, err := cs.Of(ctx, n.citizen)
		if err != nil || len(mine) != 2 || mine[0].ID != other.ID {
			t.Fatalf("Of = %+v, %v", mine, err)
		}
		for agency, want := range map[string]string{"moj": c.ID, "moh": other.ID} {
			list, total, err := cs.List(ctx, store.CorrectionFilter{Agency: agency, Status: store.CorrectionOpen})
			if err != nil || total != 1 || list[0].ID != want {
				t.Errorf("work list of %s = %+v (%d), %v", agency, list, total, err)
			}
		}
		var ie *wallet.InputError
		if _, _, err := cs.List(ctx, store.CorrectionFilter{Status: "lost"}); !errors.As(err, &ie) || ie.Field != "status" {
			t.Errorf("List of an unknown status: %v", err)
		}
	})
}

// TestCorrectionOthersRecordIsNotFound: a citizen cannot file against a
// record that is not theirs, and cannot tell it from one that does not
// exist.
func TestCorrectionOthersRecordIsNotFound(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		cs := wallet.NewCorrections(st, wallet.CorrectionOptions{})
		stranger := correctionIIN(t, "1980-05-05", kz.Male, 99)
		for _, tc := range []struct {
			name                    string
			subject, source, record string
		}{
			{"another person's register record", n.citizen, "register", n.other},
			{"another person's card", n.citizen, "cards", "C2"},
			{"the other person asking about the citizen", n.other, "register", n.citizen},
			{"no such record", n.citizen, "register", "000000000000"},
			{"no such source", n.citizen, "tax", n.citizen},
			{"a person without a golden record", stranger, "register", n.citizen},
		} {
			req := n.request()
			req.Subject, req.Source, req.RecordID = tc.subject, tc.source, tc.record
			if _, err := cs.File(ctx, req); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v; want ErrNotFound", tc.name, err)
			}
		}
		if list, total, _ := cs.List(ctx, store.CorrectionFilter{}); total != 0 {
			t.Fatalf("refused requests were stored: %+v", list)
		}
	})
}

func TestCorrectionBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		cs := wallet.NewCorrections(st, wallet.CorrectionOptions{MaxAttachment: 100})
		for _, tc := range []struct {
			name  string
			edit  func(r *wallet.CorrectionRequest)
			field string
		}{
			{"subject not an IIN", func(r *wallet.CorrectionRequest) { r.Subject = "123" }, "subject"},
			{"attribute the record lacks", func(r *wallet.CorrectionRequest) { r.Attr = "phone" }, "attr"},
			{"no attribute", func(r *wallet.CorrectionRequest) { r.Attr = "" }, "attr"},
			{"empty value", func(r *wallet.CorrectionRequest) { r.Proposed = "   " }, "proposed"},
			{"value too long", func(r *wallet.CorrectionRequest) { r.Proposed = strings.Repeat("ә", 501) }, "proposed"},
			{"value not UTF-8", func(r *wallet.CorrectionRequest) { r.Proposed = "Ахм\xffедов" }, "proposed"},
			{"value with a line break", func(r *wallet.CorrectionRequest) { r.Proposed = "Ахмедов\nх" }, "proposed"},
			{"the current value", func(r *wallet.CorrectionRequest) { r.Proposed = "Ахметов" }, "proposed"},
			{"a date not in canonical form", func(r *wallet.CorrectionRequest) { r.Attr, r.Proposed = "birth_date", "01.01.1970" }, "proposed"},
			{"no such day", func(r *wallet.CorrectionRequest) { r.Attr, r.Proposed = "birth_date", "1970-02-31" }, "proposed"},
			{"a value not allowed", func(r *wallet.CorrectionRequest) { r.Attr, r.Proposed = "sex", "X" }, "proposed"},
			{"no explanation", func(r *wallet.CorrectionRequest) { r.Explanation = "" }, "explanation"},
			{"explanation too long", func(r *wallet.CorrectionRequest) { r.Explanation = strings.Repeat("a", 2001) }, "explanation"},
			{"empty attachment", func(r *wallet.CorrectionRequest) { r.Attachment = &wallet.Attachment{Name: "a.pdf"} }, "attachment"},
			{"attachment too big", func(r *wallet.CorrectionRequest) {
				r.Attachment = &wallet.Attachment{Name: "a.png", Data: append(pngFile, make([]byte, 100)...)}
			}, "attachment"},
			{"HTML sent as a PDF", func(r *wallet.CorrectionRequest) {
				r.Attachment = &wallet.Attachment{Name: "a.pdf", Type: "application/pdf", Data: []byte("<html><script>alert(1)</script>")}
			}, "attachment"},
		} {
			req := n.request()
			tc.edit(&req)
			_, err := cs.File(ctx, req)
			var ie *wallet.InputError
			if !errors.As(err, &ie) || ie.Field != tc.field || ie.Reason == "" {
				t.Errorf("%s: %v; want an InputError of %s", tc.name, err, tc.field)
			}
		}
		// The longest value and explanation allowed are fine, and a date in
		// canonical form is taken.
		req := n.request()
		req.Proposed, req.Explanation = strings.Repeat("ә", 500), strings.Repeat("ә", 2000)
		if _, err := cs.File(ctx, req); err != nil {
			t.Fatal(err)
		}
		if list, total, _ := cs.List(ctx, store.CorrectionFilter{}); total != 1 {
			t.Fatalf("refused requests were stored: %+v", list)
		}
	})
}

func TestCorrectionAccept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		cs := wallet.NewCorrections(st, wallet.CorrectionOptions{})
		surname, err := cs.File(ctx, n.request())
		if err != nil {
			t.Fatal(err)
		}
		req := n.request()
		req.Attr, req.Proposed = "birth_date", "1970-01-01"
		born, err := cs.File(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if born.CurrentValue != "30.02.1970" {
			t.Fatalf("birth date filed against %q", born.CurrentValue)
		}

		var ie *wallet.InputError
		if _, err := cs.Accept(ctx, surname.ID, " ", ""); !errors.As(err, &ie) || ie.Field != "by" {
			t.Fatalf("acceptance by no one: %v", err)
		}
		if _, err := cs.Accept(ctx, surname.ID, "officer", strings.Repeat("n", 1001)); !errors.As(err, &ie) || ie.Field != "note" {
			t.Fatalf("acceptance with a long note: %v", err)
		}
		if _, err := cs.Accept(ctx, "r-000000000000000000000000", "officer", ""); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("acceptance of a missing request: %v", err)
		}

		acc, err := cs.Accept(ctx, surname.ID, "moj: A. Officer", "checked the passport")
		if err != nil {
			t.Fatal(err)
		}
		if acc.Status != store.CorrectionAccepted || acc.NewVersion != 2 || acc.RunID == 0 || acc.DecidedBy != "moj: A. Officer" {
			t.Fatalf("accepted = %+v", acc)
		}
		h, err := st.History(ctx, "register", n.citizen)
		if err != nil {
			t.Fatal(err)
		}
		last := h[len(h)-1]
		var attrs, invalid, raw map[string]any
		for b, into := range map[*[]byte]*map[string]any{&last.Attrs: &attrs, &last.Invalid: &invalid, &last.Raw: &raw} {
			if err := json.Unmarshal(*b, into); err != nil {
				t.Fatal(err)
			}
		}
		if len(h) != 2 || last.RunID != acc.RunID || attrs["last_name"] != "Ахмедов" || attrs["first_name"] != "Дәулет" ||
			raw["correction"] != surname.ID || invalid["birth_date"] == nil || last.Hash == h[0].Hash {
			t.Fatalf("new version %+v: attrs %v, invalid %v, raw %v", last, attrs, invalid, raw)
		}
		if run, err := st.Run(ctx, acc.RunID); err != nil || run.File != store.CorrectionRunPrefix+surname.ID {
			t.Fatalf("run %+v, %v", run, err)
		}
		if got := n.goldenValue(t, "P1", "last_name"); got != "Ахмедов" {
			t.Fatalf("golden surname %q after acceptance", got)
		}
		if g, _ := st.Golden(ctx, "P1"); !strings.HasPrefix(g.Name, "Ахмедов ") {
			t.Fatalf("golden name %q after acceptance", g.Name)
		}

		// The invalid birth date is corrected: the new version builds on the
		// accepted one, and the flag goes.
		if _, err := cs.Accept(ctx, born.ID, "moj: A. Officer", ""); err != nil {
			t.Fatal(err)
		}
		h, _ = st.History(ctx, "register", n.citizen)
		last = h[len(h)-1]
		if len(h) != 3 || last.Invalid != nil || !strings.Contains(string(last.Attrs), `"last_name":"Ахмедов"`) ||
			!strings.Contains(string(last.Attrs), `"birth_date":"1970-01-01"`) {
			t.Fatalf("version 3: attrs %s, invalid %s", last.Attrs, last.Invalid)
		}
		if got := n.goldenValue(t, "P1", "birth_date"); got != "1970-01-01" {
			t.Fatalf("golden birth date %q after acceptance", got)
		}

		// A decision is final.
		if _, err := cs.Accept(ctx, surname.ID, "x", ""); !errors.Is(err, store.ErrCorrectionDecided) {
			t.Fatalf("second acceptance: %v", err)
		}
		if _, err := cs.Reject(ctx, surname.ID, "x", "no"); !errors.Is(err, store.ErrCorrectionDecided) {
			t.Fatalf("rejection after acceptance: %v", err)
		}
		if h, _ := st.History(ctx, "register", n.citizen); len(h) != 3 {
			t.Fatalf("%d versions after refused decisions", len(h))
		}
		_, events, err := cs.Get(ctx, surname.ID)
		if err != nil || len(events) != 2 || events[1].Actor != "moj: A. Officer" || events[1].Note != "checked the passport" {
			t.Fatalf("history %+v, %v", events, err)
		}
	})
}

func TestCorrectionReject(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		cs := wallet.NewCorrections(st, wallet.CorrectionOptions{})
		c, err := cs.File(ctx, n.request())
		if err != nil {
			t.Fatal(err)
		}
		var ie *wallet.InputError
		for _, reason := range []string{"", "  ", strings.Repeat("r", 1001)} {
			if _, err := cs.Reject(ctx, c.ID, "officer", reason); !errors.As(err, &ie) || ie.Field != "reason" {
				t.Fatalf("rejection with reason %q: %v", reason, err)
			}
		}
		rej, err := cs.Reject(ctx, c.ID, "moj: A. Officer", "The register matches the birth certificate.")
		if err != nil {
			t.Fatal(err)
		}
		if rej.Status != store.CorrectionRejected || rej.DecisionNote != "The register matches the birth certificate." {
			t.Fatalf("rejected = %+v", rej)
		}
		if _, err := cs.Accept(ctx, c.ID, "x", ""); !errors.Is(err, store.ErrCorrectionDecided) {
			t.Fatalf("acceptance after rejection: %v", err)
		}
		if _, err := cs.Reject(ctx, c.ID, "x", "again"); !errors.Is(err, store.ErrCorrectionDecided) {
			t.Fatalf("second rejection: %v", err)
		}
		if h, _ := st.History(ctx, "register", n.citizen); len(h) != 1 {
			t.Fatalf("a rejection stored a version: %d", len(h))
		}
		if got := n.goldenValue(t, "P1", "last_name"); got != "Ахметов" {
			t.Fatalf("golden surname %q after rejection", got)
		}
	})
}

func TestCorrectionAcceptDeletedRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		cs := wallet.NewCorrections(st, wallet.CorrectionOptions{})
		c, err := cs.File(ctx, wallet.CorrectionRequest{Subject: n.citizen, Source: "cards", RecordID: "C1", Attr: "phone",
			Proposed: "+77019998877", Explanation: "new number"})
		if err != nil {
			t.Fatal(err)
		}
		// The next full extract of the cards no longer has C1.
		n.load(t, "cards", "card,iin,fio,phone\nC2,"+n.other+",СЕЙТОВА САРА,+77022223344\n")
		if _, err := cs.Accept(ctx, c.ID, "moh", ""); !errors.Is(err, wallet.ErrRecordGone) {
			t.Fatalf("acceptance on a deleted record: %v", err)
		}
		got, _, err := cs.Get(ctx, c.ID)
		if err != nil || got.Status != store.CorrectionOpen {
			t.Fatalf("after a refused acceptance: %+v, %v", got, err)
		}
		// It can still be rejected.
		if _, err := cs.Reject(ctx, c.ID, "moh", "the card was closed"); err != nil {
			t.Fatal(err)
		}
	})
}
