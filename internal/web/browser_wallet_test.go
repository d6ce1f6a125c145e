package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/api"
	"github.com/ortaq/ortaq/internal/web/view"
)

// The exchange query the Go side makes before the browser looks: the
// wallet must list it under its case reference, naming the agency but
// never the official.
const (
	walletCase     = "case-wallet-1"
	walletOfficial = "officer-wallet-7"
)

// TestBrowserWallet serves the demo store with the citizen's wallet, the
// exchange, the audit log, consents and corrections, and runs the
// wallet's browser steps (e2e/wallet.spec.mjs) in headless Chromium as one
// citizen: signing in with a code from the demo's SMS outbox, reading who
// looked at their data and keeping a receipt, giving and withdrawing a
// consent the exchange then obeys, asking for a correction that an
// officer accepts in the console, downloading their data, on a phone, in
// three view.Languages, and with axe-core's accessibility checks. Afterwards
// it checks what the browser left: the receipt verifies, and the record
// holds the corrected value.
func TestBrowserWallet(t *testing.T) {
	root := browserRoot(t)
	d := demoSQLite(t)
	ctx := context.Background()
	c := walletCitizen(t, d)

	p := newPlatform(t, d.st, 0)
	x, log, consents, verifier := p.x, p.log, p.consents, p.verify
	corrections := wallet.NewCorrections(d.st, wallet.CorrectionOptions{})
	t.Cleanup(func() { restoreValue(t, d.st, corrections, c) })
	// Every step signs in afresh, which sends a code: more than the three
	// per quarter of an hour a citizen may ask for.
	w := wallet.New(d.st, log, wallet.Options{CodeLimit: 20, CodeClientLimit: 1000})
	_, ts := mustServe(t, d.st, Options{Exchange: x, Audit: log, AuditVerifier: verifier, Wallet: w, Consents: consents,
		Corrections: corrections, SMSOutbox: true})

	e := walletExpectations(t, x, c)
	// The access the wallet must show: a query under a consent-free basis.
	right, basis, ok := x.ExampleRight()
	if !ok {
		t.Fatal("the seeded registry has no consent-free right on a golden-record person service")
	}
	token, _, err := x.CreateKey(ctx, right.Member, right.Subsystem, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, http.MethodGet, ts.URL+"/api/v1/exchange/"+right.Service+"/"+c.IIN, "", "",
		"Authorization", "Bearer "+token, api.HeaderClient, right.Member+"/"+right.Subsystem, api.HeaderPurpose, right.Purpose,
		api.HeaderLegalBasis, basis.Code, api.HeaderUser, walletOfficial, api.HeaderRequestID, walletCase)
	if r.status != http.StatusOK {
		t.Fatalf("exchange query for the citizen: status %d\n%s", r.status, r.body)
	}
	e.Access.Agency = registryTitles(x, right.Member)

	out := filepath.Join(root, "test-output", "browser", "wallet")
	runSpec(t, root, "wallet.spec.mjs", ts.URL, out, e, c.Agency)

	if ranStep("access") {
		checkReceipt(t, filepath.Join(out, "receipt.json"), verifier, c.IIN)
	}
	if ranStep("correction") {
		checkCorrected(t, d.st, corrections, c, e.Correction.Proposed)
	}
}

// ranStep reports whether the browser ran the step name: all of them
// unless ONLY (see e2e/lib.mjs) names some.
func ranStep(name string) bool {
	only := os.Getenv("ONLY")
	return only == "" || slices.Contains(strings.Split(strings.ReplaceAll(only, " ", ""), ","), name)
}

// citizen is the person the wallet steps sign in as, and the value they
// ask to correct.
type citizen struct {
	IIN, Name, Phone string
	// Source's record Record holds Current as Attr; Agency owns Source.
	Source, Record, Attr, Current, Agency string
}

// walletCitizen picks from the demo nation a person the console's steps
// leave alone: one golden record with their valid IIN, a phone to send
// the code to, several records, and an address in one of them to correct.
func walletCitizen(t *testing.T, d *demo) citizen {
	t.Helper()
	ctx := context.Background()
	f, err := os.Open(filepath.Join(demoExtracts(t), "truth", "persons.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := d.st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]store.SourceDef{}
	for _, s := range srcs {
		byID[s.ID] = s.SourceDef
	}
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		iin := row[2]
		if seen[iin] || iin == d.Person.NationalID {
			continue
		}
		seen[iin] = true
		if _, err := kz.ParseIIN(iin); err != nil {
			continue
		}
		gs, err := d.st.GoldenByNationalID(ctx, iin, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) != 1 || gs[0].Kind != source.EntityPerson || gs[0].Members < 2 || gs[0].Name == "" {
			continue
		}
		doc, err := golden.DecodeDoc(gs[0].Doc)
		if err != nil {
			t.Fatal(err)
		}
		if doc.Value("phone") == "" {
			continue
		}
		recs, err := d.st.EntityRecords(ctx, []string{gs[0].EntityID})
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs {
			src := byID[rec.SourceID]
			if v := rec.Attrs["address"]; v != "" && src.Entity == source.EntityPerson && rec.Invalid["address"] == "" {
				return citizen{IIN: iin, Name: gs[0].Name, Phone: doc.Value("phone"), Source: src.Name,
					Record: rec.RecordID, Attr: "address", Current: v, Agency: src.AgencyCode}
			}
		}
	}
	t.Fatal("the demo nation has no person fit for the wallet's steps")
	return citizen{}
}

// walletExpect is what the wallet's browser steps need: the citizen, the
// exchange's codes and keys, and the words of the pages in each language.
type walletExpect struct {
	Citizen struct {
		IIN    string `json:"iin"`
		BadIIN string `json:"badIIN"` // twelve digits with a wrong check digit
		Name   string `json:"name"`
		Phone  string `json:"phone"`
	} `json:"citizen"`
	Access struct {
		Case   string            `json:"case"`
		User   string            `json:"user"`   // the official, whom the wallet must not name
		Agency map[string]string `json:"agency"` // lang -> the agency that asked
	} `json:"access"`
	Consent struct {
		Offer   string            `json:"offer"` // the offer form's key
		Path    string            `json:"path"`  // the exchange query the consent allows
		Headers map[string]string `json:"headers"`
	} `json:"consent"`
	Correction struct {
		Source   string `json:"source"`
		Record   string `json:"record"`
		Attr     string `json:"attr"`
		Current  string `json:"current"`
		Proposed string `json:"proposed"`
		Agency   string `json:"agency"`
	} `json:"correction"`
	CSVHeader map[string]string            `json:"csvHeader"`
	Text      map[string]map[string]string `json:"text"` // lang -> message key -> text
}

func walletExpectations(t *testing.T, x *exchange.Exchange, c citizen) walletExpect {
	t.Helper()
	ctx := context.Background()
	var e walletExpect
	e.Citizen.IIN, e.Citizen.Name, e.Citizen.Phone = c.IIN, c.Name, c.Phone
	for i := range 10 {
		bad := c.IIN[:11] + string(rune('0'+i))
		if _, err := kz.ParseIIN(bad); err != nil {
			e.Citizen.BadIIN = bad
			break
		}
	}
	e.Access.Case, e.Access.User = walletCase, walletOfficial

	// The use that needs consent: the wallet offers it, keyed as
	// consentOffers keys it.
	i := slices.IndexFunc(x.LegalBases(), func(b exchange.LegalBasis) bool { return b.ConsentRequired })
	if i < 0 {
		t.Fatal("the seeded registry has no legal basis that requires consent")
	}
	basis := x.LegalBases()[i]
	j := slices.IndexFunc(x.Rights(), func(r exchange.Right) bool {
		return slices.Contains(basis.Purposes, r.Purpose) && (len(basis.Services) == 0 || slices.Contains(basis.Services, r.Service))
	})
	if j < 0 {
		t.Fatalf("no right of the seeded registry may be used under %s", basis.Code)
	}
	right := x.Rights()[j]
	token, _, err := x.CreateKey(ctx, right.Member, right.Subsystem, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.Consent.Offer = strings.Join([]string{right.Member, right.Subsystem, right.Service, right.Purpose, basis.Code}, "/")
	e.Consent.Path = "/api/v1/exchange/" + right.Service + "/" + c.IIN
	e.Consent.Headers = map[string]string{"Authorization": "Bearer " + token, api.HeaderClient: right.Member + "/" + right.Subsystem,
		api.HeaderPurpose: right.Purpose, api.HeaderLegalBasis: basis.Code, api.HeaderUser: walletOfficial, api.HeaderRequestID: "case-wallet-consent"}

	e.Correction.Source, e.Correction.Record, e.Correction.Attr = c.Source, c.Record, c.Attr
	e.Correction.Current, e.Correction.Agency = c.Current, c.Agency
	e.Correction.Proposed = "Астана қ., Тәуелсіздік даңғылы 12, 7-пәтер"
	if e.Correction.Proposed == c.Current {
		t.Fatal("the citizen already lives at the corrected address")
	}

	// The CSV's columns in each language, as the wallet's catalogue names
	// them; the file itself starts with a byte-order mark.
	e.CSVHeader = map[string]string{}
	for _, lang := range view.Languages {
		l := view.Locale{Lang: lang.Code}
		var cols []string
		for _, k := range []string{"csv.section", "csv.agency", "csv.source", "csv.record", "csv.version", "csv.observed",
			"csv.field", "csv.value"} {
			cols = append(cols, l.T(k))
		}
		e.CSVHeader[lang.Code] = strings.Join(cols, ",")
	}

	e.Text = map[string]map[string]string{}
	keys := []string{"wallet.signin.title", "wallet.data.title", "wallet.access.title", "wallet.consents.title",
		"wallet.corrections.title", "wallet.correct.title", "wallet.correction.title", "wallet.receipt.title",
		"wallet.badiin", "wallet.codesent", "wallet.codewrong", "wallet.codeused", "wallet.offer.granted",
		"consent.status.ACTIVE", "consent.status.REVOKED", "consent.frequency.periodic",
		"correction.status.open", "correction.status.accepted", "correction.status.waiting"}
	for _, lang := range view.Languages {
		l := view.Locale{Lang: lang.Code}
		e.Text[lang.Code] = map[string]string{}
		for _, key := range keys {
			e.Text[lang.Code][key] = l.T(key)
		}
	}
	return e
}

// registryTitles names a member of the exchange in each language, as the
// wallet names it.
func registryTitles(x *exchange.Exchange, member string) map[string]string {
	out := map[string]string{}
	for _, m := range x.Members() {
		if m.Code != member {
			continue
		}
		for _, lang := range view.Languages {
			out[lang.Code] = view.Locale{Lang: lang.Code}.Name(m.Code, m.Title)
		}
	}
	return out
}

// checkReceipt checks the receipt the browser downloaded: it verifies
// against the log's key, and it is the record of the Go side's query.
func checkReceipt(t *testing.T, file string, v note.Verifier, iin string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the downloaded receipt: %v", err)
	}
	var rc audit.Receipt
	if err := json.Unmarshal(b, &rc); err != nil {
		t.Fatalf("the downloaded receipt: %v", err)
	}
	if err := rc.Verify(v); err != nil {
		t.Errorf("the downloaded receipt does not verify: %v", err)
	}
	if rc.Record.Subject != iin || rc.Record.RequestID != walletCase {
		t.Errorf("the downloaded receipt is of subject %s, case %q; want %s, %q", rc.Record.Subject, rc.Record.RequestID,
			iin, walletCase)
	}
}

// checkCorrected checks in the store that the officer's acceptance in the
// browser stored a new version of the record with the proposed value.
func checkCorrected(t *testing.T, st *store.Store, corrections *wallet.Corrections, c citizen, proposed string) {
	t.Helper()
	ctx := context.Background()
	cs, err := corrections.Of(ctx, c.IIN)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(cs, func(r store.Correction) bool {
		return r.Source == c.Source && r.RecordID == c.Record && r.Attr == c.Attr && r.ProposedValue == proposed
	})
	if i < 0 {
		t.Fatalf("no correction request of %s for %s:%s %s in the store", c.IIN, c.Source, c.Record, c.Attr)
	}
	r := cs[i]
	if r.Status != store.CorrectionAccepted || r.NewVersion == 0 || r.AttachmentName == "" {
		t.Errorf("correction %s: status %s, new version %d, attachment %q; want accepted, a version, an attachment",
			r.ID, r.Status, r.NewVersion, r.AttachmentName)
	}
	hist, err := st.History(ctx, c.Source, c.Record)
	if err != nil {
		t.Fatal(err)
	}
	last := hist[len(hist)-1]
	var attrs map[string]string
	if err := json.Unmarshal(last.Attrs, &attrs); err != nil {
		t.Fatal(err)
	}
	if last.Version != r.NewVersion || attrs[c.Attr] != proposed {
		t.Errorf("record %s:%s: latest version %d holds %s %q; want version %d with %q", c.Source, c.Record,
			last.Version, c.Attr, attrs[c.Attr], r.NewVersion, proposed)
	}
}

// restoreValue puts the citizen's value back as it was, by a correction
// of its own, for the tests that share the demo store.
func restoreValue(t *testing.T, st *store.Store, corrections *wallet.Corrections, c citizen) {
	t.Helper()
	ctx := context.Background()
	hist, err := st.History(ctx, c.Source, c.Record)
	if err != nil {
		t.Error(err)
		return
	}
	var attrs map[string]string
	if err := json.Unmarshal(hist[len(hist)-1].Attrs, &attrs); err != nil {
		t.Error(err)
		return
	}
	if attrs[c.Attr] == c.Current {
		return
	}
	r, err := corrections.File(ctx, wallet.CorrectionRequest{Subject: c.IIN, Source: c.Source, RecordID: c.Record,
		Attr: c.Attr, Proposed: c.Current, Explanation: "restored after the browser test"})
	if err == nil {
		_, err = corrections.Accept(ctx, r.ID, "browser test", "")
	}
	if err != nil {
		t.Errorf("restore %s:%s %s: %v", c.Source, c.Record, c.Attr, err)
	}
}
