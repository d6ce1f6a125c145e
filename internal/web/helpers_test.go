package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/consent"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// testContract has two agencies, a CSV source with a required field and a
// validated IIN, and an NDJSON source, so that the fixtures produce stored,
// flagged and quarantined rows.
const testContract = `
agencies:
  - code: moh
    name: Ministry of Health
    names: {kk: Денсаулық сақтау министрлігі, ru: Министерство здравоохранения, en: Ministry of Health}
  - code: mia
    name: Ministry of Internal Affairs
    names: {ru: Министерство внутренних дел}
sources:
  - name: health_cards
    agency: moh
    title: Patient cards
    id: card_no
    date_format: DD.MM.YYYY
    fields:
      national_id: iin
      full_name: fio
      birth_date: dob
      clinic: {column: clinic, required: true}
  - name: addresses
    agency: mia
    title: Address register
    format: ndjson
    id: id
    fields:
      national_id: iin
      address: addr
`

// Names the pages must show, by language.
var agencyNames = map[string][]string{
	"kk": {"Денсаулық сақтау министрлігі", "Ministry of Internal Affairs"},
	"ru": {"Министерство здравоохранения", "Министерство внутренних дел"},
	"en": {"Ministry of Health", "Ministry of Internal Affairs"},
}

// Valid IINs for the fixtures, made by the national algorithm.
var (
	iinAigerim = mustIIN(time.Date(1985, 3, 14, 0, 0, 0, 0, time.UTC), kz.Female, 123)
	iinDaulet  = mustIIN(time.Date(1990, 7, 1, 0, 0, 0, 0, time.UTC), kz.Male, 42)
)

func mustIIN(birth time.Time, sex kz.Sex, serial int) string {
	s, _, err := kz.MakeIIN(birth, sex, serial)
	if err != nil {
		panic(err)
	}
	return s
}

// cardsCSV has one good row, one with a wrong IIN check digit (stored,
// flagged), one without the required clinic and one with a column too many
// carrying markup (both quarantined).
func cardsCSV() string {
	bad := iinDaulet[:11] + string('0'+(iinDaulet[11]-'0'+1)%10)
	return "card_no,iin,fio,dob,clinic\n" +
		"C1," + iinAigerim + ",Айгерім Сәрсенова,14.03.1985,Polyclinic 4\n" +
		"C2," + bad + ",Daulet Nurlanov,01.07.1990,Polyclinic 1\n" +
		"C3," + iinDaulet + ",Без клиники,01.07.1990,\n" +
		"C4,1,<script>alert(1)</script>,x,y,z\n"
}

// addressesNDJSON has two good lines and one that is not JSON.
func addressesNDJSON() string {
	return `{"id":"A1","iin":"` + iinDaulet + `","addr":"Астана, Мәңгілік Ел 8"}` + "\n" +
		`{"id":"A2","addr":"Алматы, Абай 10"}` + "\n" +
		"not json at all\n"
}

// mustContract parses testContract.
func mustContract(tb testing.TB) *source.Contract {
	tb.Helper()
	c, err := source.Parse(strings.NewReader(testContract), "sources.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// mustRegister registers testContract's agencies and sources, with no data.
func mustRegister(tb testing.TB, st *store.Store) {
	tb.Helper()
	if _, err := ingest.Register(context.Background(), st, mustContract(tb)); err != nil {
		tb.Fatal(err)
	}
}

// mustSeed registers the contract and loads both fixtures.
func mustSeed(tb testing.TB, st *store.Store) {
	tb.Helper()
	mustRegister(tb, st)
	ctx := context.Background()
	if _, err := ingest.Push(ctx, st, "health_cards", strings.NewReader(cardsCSV()), "csv", source.ModeFull); err != nil {
		tb.Fatal(err)
	}
	if _, err := ingest.Push(ctx, st, "addresses", strings.NewReader(addressesNDJSON()), "ndjson", ""); err != nil {
		tb.Fatal(err)
	}
}

// testServer is every audience over one store, mounted on its listeners
// as serve mounts them.
type testServer struct {
	st  *store.Store
	aud Audiences
	// officials signs the test's officials in.
	officials *officials.Directory
	// x is the exchange whose credentials the API accepts.
	x *exchange.Exchange
}

func newTestServer(st *store.Store, opts Options) (*testServer, error) {
	aud, err := NewAudiences(st, opts)
	if err != nil {
		return nil, err
	}
	return &testServer{st: st, aud: aud, x: opts.Exchange}, nil
}

// key makes an API key of member (member-wide) with scopes, default
// sources, and returns the Authorization header to send it in, as the
// header pairs do and get take. The member is created when missing:
// testContract's mia is no member of the demo registry.
func (s *testServer) key(tb testing.TB, member string, scopes ...string) []string {
	tb.Helper()
	if s.x == nil {
		tb.Fatal("key: the server has no exchange")
	}
	ctx := context.Background()
	if !slices.ContainsFunc(s.x.Members(), func(m exchange.Member) bool { return m.Code == member }) {
		if err := s.x.PutMember(ctx, exchange.Member{Code: member}); err != nil {
			tb.Fatal(err)
		}
	}
	if len(scopes) == 0 {
		scopes = []string{exchange.ScopeSources}
	}
	token, _, err := s.x.CreateKey(ctx, member, "", scopes)
	if err != nil {
		tb.Fatal(err)
	}
	return []string{"Authorization", "Bearer " + token}
}

// Handler is the internal listener's handler.
func (s *testServer) Handler() http.Handler { return Internal(s.aud).Handler }

// WalletHandler is the public listener's handler.
func (s *testServer) WalletHandler() http.Handler {
	m, err := Public(s.aud)
	if err != nil {
		panic(err)
	}
	return m.Handler
}

// Serve serves the internal listener on addr until ctx ends.
func (s *testServer) Serve(ctx context.Context, addr string) error {
	return Serve(ctx, s.st, addr, nil, Internal(s.aud))
}

// mustServe starts the server over st on a real listener. Without an
// exchange in opts it builds the platform serve wires (the demo registry
// and an audit log), since every API route but a few public ones needs a
// system credential: take one with testServer.key.
func mustServe(tb testing.TB, st *store.Store, opts Options) (*testServer, *httptest.Server) {
	tb.Helper()
	if opts.Version == "" {
		opts.Version = "test"
	}
	if opts.Exchange == nil {
		p := newPlatform(tb, st, 0)
		opts.Exchange, opts.Audit, opts.AuditVerifier = p.x, p.log, p.verify
		if opts.Consents == nil {
			opts.Consents = p.consents
		}
	}
	cookie := withOfficials(tb, st, &opts)
	s, err := newTestServer(st, opts)
	if err != nil {
		tb.Fatal(err)
	}
	s.officials = opts.Officials
	ts := httptest.NewServer(s.Handler())
	tb.Cleanup(ts.Close)
	rememberSession(tb, ts.URL, st, opts.Officials, cookie)
	return s, ts
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request and reads the whole answer.
func do(tb testing.TB, method, url, contentType, body string, header ...string) response {
	tb.Helper()
	return doWith(tb, http.DefaultClient, method, url, contentType, body, header...)
}

// doWith is do through client c (an HTTPS client with or without a client
// certificate).
func doWith(tb testing.TB, c *http.Client, method, url, contentType, body string, header ...string) response {
	tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	setHeaders(req, header)
	res, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// setHeaders sets header (name, value pairs) on req. A console request
// comes from an official of its server (see testConsole.sessionFor) unless
// it names the console's session cookie itself, or sends "Cookie", "" to
// ask as no one; other cookies it names are kept.
func setHeaders(req *http.Request, header []string) {
	named := false
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
		if strings.EqualFold(header[i], "Cookie") {
			named = header[i+1] == "" || strings.Contains(header[i+1], consoleCookieName+"=")
		}
	}
	if !named {
		if sess, ok := sessionFor(req, nil); ok {
			if c := req.Header.Get("Cookie"); c != "" {
				req.Header.Set("Cookie", c+"; "+sess.Cookie)
			} else {
				req.Header.Set("Cookie", sess.Cookie)
			}
		}
	}
	if req.Header.Get("Cookie") == "" {
		req.Header.Del("Cookie")
	}
}

func get(tb testing.TB, url string, header ...string) response {
	tb.Helper()
	return do(tb, http.MethodGet, url, "", "", header...)
}

// decode unmarshals a JSON answer into a generic value for schema checks.
func decode(tb testing.TB, r response) any {
	tb.Helper()
	var v any
	if err := json.Unmarshal(r.body, &v); err != nil {
		tb.Fatalf("answer is not JSON: %v\n%s", err, r.body)
	}
	return v
}

// decodeInto unmarshals a JSON answer into v.
func decodeInto(tb testing.TB, r response, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		tb.Fatalf("answer does not decode into %T: %v\n%s", v, err, r.body)
	}
}

// platform is the exchange with the demo registry, an audit log and the
// consent registry the exchange asks, over one store: what serve wires.
type platform struct {
	x        *exchange.Exchange
	log      *audit.Log
	consents *consent.Registry
	verify   note.Verifier
}

// newPlatform builds a platform over st; the log signs a checkpoint every
// checkpointEvery (0: the log's default).
func newPlatform(t testing.TB, st *store.Store, checkpointEvery time.Duration) *platform {
	t.Helper()
	ctx := context.Background()
	signer, verifier, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit.key"), testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	p := &platform{consents: consent.New(st, signer), verify: verifier}
	if p.x, err = exchange.New(ctx, st, exchange.Options{Consent: p.consents.Allows}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.x.Close)
	if err := exchange.SeedDemo(ctx, p.x); err != nil {
		t.Fatal(err)
	}
	if p.log, err = audit.Open(ctx, st, signer, audit.Options{Origin: testOrigin, CheckpointInterval: checkpointEvery}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.log.Close(); err != nil {
			t.Errorf("close audit log: %v", err)
		}
	})
	return p
}
