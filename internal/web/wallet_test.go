package web

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/consent"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// The wallet's cookie names: __Host- makes browsers refuse them unless they
// are Secure, host-only and for the whole site.
const (
	sessionCookie = "__Host-ortaq-wallet"
	signinCookie  = "__Host-ortaq-signin"
	oidcCookie    = "__Host-ortaq-oidc"
)

// walletRig serves the wallet over the demo store, with a clock the test
// moves, and knows two citizens whose phones the registers hold.
type walletRig struct {
	st       *store.Store
	ts       *httptest.Server
	log      *audit.Log
	consents *consent.Registry
	clock    *walletClock
	// wallet is the wallet served, whose sign-in codes a test waits for.
	wallet *wallet.Wallet
	// citizen and other are IINs of people with phones.
	citizen, other string
}

type walletClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *walletClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *walletClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newWalletRig(t *testing.T) *walletRig {
	t.Helper()
	return newWalletRigWith(t, wallet.Options{})
}

// newWalletRigWith is newWalletRig with wallet options; the clock is the
// rig's, and the limits on codes are high unless opts set them.
func newWalletRigWith(t *testing.T, opts wallet.Options) *walletRig {
	t.Helper()
	d := demoSQLite(t)
	p := newPlatform(t, d.st, 0)
	log, consents, verifier, x := p.log, p.consents, p.verify, p.x
	rig := &walletRig{st: d.st, log: log, consents: consents, clock: &walletClock{t: time.Now()}}
	people := peopleWithPhones(t, d.st, 2)
	rig.citizen, rig.other = people[0], people[1]
	opts.Now = rig.clock.now
	opts.CodeLimit = cmp.Or(opts.CodeLimit, 1000)
	opts.CodeClientLimit = cmp.Or(opts.CodeClientLimit, 1000)
	w := wallet.New(d.st, log, opts)
	rig.wallet = w
	_, rig.ts = mustServe(t, d.st, Options{Exchange: x, Audit: log, AuditVerifier: verifier, Consents: consents, Wallet: w,
		Corrections: wallet.NewCorrections(d.st, wallet.CorrectionOptions{}), SMSOutbox: true})
	return rig
}

// peopleWithPhones returns n IINs whose golden records hold a phone.
func peopleWithPhones(t *testing.T, st *store.Store, n int) []string {
	t.Helper()
	ids, err := st.SampleNationalIDs(context.Background(), 200)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, id := range ids {
		phone, err := wallet.PhoneOf(context.Background(), st, id)
		if err != nil {
			t.Fatal(err)
		}
		if phone != "" {
			out = append(out, id)
		}
		if len(out) == n {
			return out
		}
	}
	t.Fatalf("the demo nation has fewer than %d people with phones", n)
	return nil
}

// browserish is one browser: it keeps the wallet's cookies itself (Go's
// cookie jar will not send Secure cookies over plain HTTP, which browsers
// do for localhost) and never follows redirects.
type browserish struct {
	t       *testing.T
	rig     *walletRig
	cookies map[string]string
}

func (rig *walletRig) browser(t *testing.T) *browserish {
	return &browserish{t: t, rig: rig, cookies: map[string]string{}}
}

type walletResp struct {
	status int
	header http.Header
	body   string
}

func (b *browserish) do(method, path string, form url.Values, header ...string) walletResp {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.rig.ts.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", b.rig.ts.URL)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	for k, v := range b.cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c.Value
		}
	}
	return walletResp{status: res.StatusCode, header: res.Header, body: string(data)}
}

var (
	hiddenField = regexp.MustCompile(`name="(csrf|challenge)" value="([^"]*)"`)
	smsCode     = regexp.MustCompile(`\b[0-9]{6}\b`)
)

// fields reads a page's hidden form fields.
func fields(page string) map[string]string {
	out := map[string]string{}
	for _, m := range hiddenField.FindAllStringSubmatch(page, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// askCode asks for a sign-in code for iin and returns the code page's
// hidden fields and the code from the outbox.
func (b *browserish) askCode(iin string) (map[string]string, string) {
	b.t.Helper()
	page := b.do("GET", "/wallet/sign-in", nil)
	if page.status != http.StatusOK {
		b.t.Fatalf("sign-in page: %d", page.status)
	}
	r := b.do("POST", "/wallet/sign-in", url.Values{"csrf": {fields(page.body)["csrf"]}, "iin": {iin}})
	if r.status != http.StatusOK {
		b.t.Fatalf("ask for a code: %d\n%s", r.status, r.body)
	}
	b.rig.wallet.Wait()
	msgs, err := wallet.NewOutbox(b.rig.st).Messages(context.Background(), 1)
	if err != nil || len(msgs) == 0 {
		b.t.Fatalf("outbox: %v, %v", msgs, err)
	}
	return fields(r.body), smsCode.FindString(msgs[0].Body)
}

// signIn signs iin in and returns the CSRF token of its pages.
func (b *browserish) signIn(iin string) string {
	b.t.Helper()
	f, code := b.askCode(iin)
	r := b.do("POST", "/wallet/sign-in/code", url.Values{"csrf": {f["csrf"]}, "challenge": {f["challenge"]}, "code": {code}})
	if r.status != http.StatusSeeOther || b.cookies[sessionCookie] == "" {
		b.t.Fatalf("sign in: %d, cookies %v\n%s", r.status, b.cookies, r.body)
	}
	home := b.do("GET", "/wallet", nil)
	if home.status != http.StatusOK {
		b.t.Fatalf("wallet home: %d", home.status)
	}
	return fields(home.body)["csrf"]
}

// TestWalletSignIn signs in with a code and shows the citizen's own data,
// never cached; a replayed code, a code typed in another browser and a
// sign-in form without its cookie or token are refused.
func TestWalletSignIn(t *testing.T) {
	rig := newWalletRig(t)
	b := rig.browser(t)
	if r := b.do("GET", "/wallet", nil); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/wallet/sign-in") {
		t.Fatalf("/wallet before signing in: %d %s; want a redirect to sign in", r.status, r.header.Get("Location"))
	}
	f, code := b.askCode(rig.citizen)
	binding := b.cookies[signinCookie]
	form := url.Values{"csrf": {f["csrf"]}, "challenge": {f["challenge"]}, "code": {code}}
	thief := rig.browser(t)
	thiefForm := fields(thief.do("GET", "/wallet/sign-in", nil).body)
	r := thief.do("POST", "/wallet/sign-in/code", url.Values{"csrf": {thiefForm["csrf"]}, "challenge": {f["challenge"]}, "code": {code}})
	if r.status != http.StatusUnauthorized || thief.cookies[sessionCookie] != "" {
		t.Errorf("the code typed in another browser: %d; want 401 and no session", r.status)
	}
	if r := b.do("POST", "/wallet/sign-in/code", form); r.status != http.StatusSeeOther {
		t.Fatalf("the right code: %d", r.status)
	}
	// Someone who captured the whole request, cookie and all, sends it again.
	replay := &browserish{t: t, rig: rig, cookies: map[string]string{signinCookie: binding}}
	r = replay.do("POST", "/wallet/sign-in/code", form)
	if r.status != http.StatusUnauthorized || replay.cookies[sessionCookie] != "" ||
		!strings.Contains(r.body, view.Locale{Lang: view.DefaultLang}.T("wallet.codeused")) {
		t.Errorf("a replayed code: %d; want 401, no session and the page saying the code was used", r.status)
	}
	home := b.do("GET", "/wallet?iin="+rig.other, nil)
	if home.status != http.StatusOK || !strings.Contains(home.body, ">"+rig.citizen+"<") ||
		strings.Contains(home.body, ">"+rig.other+"<") || strings.Contains(home.body, nameOf(t, rig.st, rig.other)) {
		t.Errorf("/wallet?iin=OTHER: %d; want the citizen's own page and nothing of the other's data", home.status)
	}
	if cc := home.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("wallet page Cache-Control %q; want no-store", cc)
	}

	stranger := rig.browser(t)
	page := fields(stranger.do("GET", "/wallet/sign-in", nil).body)
	for name, tc := range map[string]struct {
		cookies bool
		form    url.Values
		header  []string
		want    int
	}{
		"no binding cookie": {false, url.Values{"csrf": {page["csrf"]}, "iin": {rig.citizen}}, nil, http.StatusBadRequest},
		"no form token":     {true, url.Values{"iin": {rig.citizen}}, nil, http.StatusForbidden},
		"wrong form token":  {true, url.Values{"csrf": {"x" + page["csrf"]}, "iin": {rig.citizen}}, nil, http.StatusForbidden},
		"cross-site":        {true, url.Values{"csrf": {page["csrf"]}, "iin": {rig.citizen}}, []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
	} {
		c := rig.browser(t)
		if tc.cookies {
			c.cookies = map[string]string{signinCookie: stranger.cookies[signinCookie]}
		}
		if r := c.do("POST", "/wallet/sign-in", tc.form, tc.header...); r.status != tc.want {
			t.Errorf("%s: %d; want %d", name, r.status, tc.want)
		}
	}
}

// TestWalletSessionEnds refuses a session after sign-out, when idle, and
// a cookie holding what the database stores instead of the token.
func TestWalletSessionEnds(t *testing.T) {
	rig := newWalletRig(t)
	signedOut := func(b *browserish, what string) {
		t.Helper()
		if r := b.do("GET", "/wallet/access", nil); r.status != http.StatusSeeOther {
			t.Errorf("%s: GET %d; want a redirect to sign in", what, r.status)
		}
		if r := b.do("POST", "/wallet/consents", url.Values{"csrf": {"x"}}); r.status != http.StatusUnauthorized {
			t.Errorf("%s: POST %d; want 401", what, r.status)
		}
	}
	b := rig.browser(t)
	csrf := b.signIn(rig.citizen)
	stolen := b.cookies[sessionCookie]
	if r := b.do("POST", "/wallet/sign-out", url.Values{"csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", r.status)
	}
	signedOut(&browserish{t: t, rig: rig, cookies: map[string]string{sessionCookie: stolen}}, "a cookie kept after sign-out")

	b = rig.browser(t)
	b.signIn(rig.citizen)
	rig.clock.add(16 * time.Minute)
	signedOut(b, "a session idle for 16 minutes")

	b = rig.browser(t)
	b.signIn(rig.citizen)
	sum := sha256Hex("ortaq wallet session\x00" + b.cookies[sessionCookie])
	signedOut(&browserish{t: t, rig: rig, cookies: map[string]string{sessionCookie: sum}}, "the stored hash as a cookie")
	signedOut(&browserish{t: t, rig: rig, cookies: map[string]string{sessionCookie: "forged"}}, "a made-up cookie")
}

// TestWalletOthersData tries to reach another citizen's accesses,
// receipts, consents, records and corrections by changing the URL: each
// is answered as missing.
func TestWalletOthersData(t *testing.T) {
	rig := newWalletRig(t)
	ctx := context.Background()
	recs, err := rig.log.Append(ctx, audit.Record{Member: "gfc", Subsystem: "benefit-desk", Service: "person-basic",
		Subject: rig.other, Purpose: "p", LegalBasis: "b", RequestID: "case-other", Decision: audit.Allowed, Status: 200})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := rig.consents.Grant(ctx, consent.Artefact{Subject: rig.other, Member: "gfc", Purpose: "identity-verification",
		ValidUntil: time.Now().Add(24 * time.Hour), Frequency: consent.Periodic}, "subject")
	if err != nil {
		t.Fatal(err)
	}
	otherRecord := firstRecord(t, rig.st, rig.other)
	b := rig.browser(t)
	csrf := b.signIn(rig.citizen)
	idx := strconv.FormatUint(recs[0].Index, 10)
	for _, path := range []string{"/wallet/access/" + idx, "/wallet/access/" + idx + "/receipt.json",
		"/wallet/corrections/new?" + url.Values{"source": {otherRecord[0]}, "record": {otherRecord[1]}, "attr": {otherRecord[2]}}.Encode(),
		"/wallet/corrections/r-000000000000000000000000"} {
		if r := b.do("GET", path, nil); r.status != http.StatusNotFound || strings.Contains(r.body, "case-other") {
			t.Errorf("GET %s: %d; want 404 without the other's data", path, r.status)
		}
	}
	if r := b.do("GET", "/wallet/access", nil); strings.Contains(r.body, "case-other") {
		t.Error("the access list shows another person's access")
	}
	r := b.do("POST", "/wallet/consents/"+theirs.ID, url.Values{"csrf": {csrf}, "action": {"revoke"}})
	if r.status != http.StatusNotFound {
		t.Errorf("revoking another's consent: %d; want 404", r.status)
	}
	r = b.do("POST", "/wallet/corrections", url.Values{"csrf": {csrf}, "source": {otherRecord[0]}, "record": {otherRecord[1]},
		"attr": {otherRecord[2]}, "proposed": {"x"}, "explanation": {"mine now"}})
	if r.status != http.StatusNotFound {
		t.Errorf("filing a correction on another's record: %d; want 404", r.status)
	}
	if got, err := rig.consents.Get(ctx, theirs.ID); err != nil || got.Status != consent.Active {
		t.Errorf("the other's consent after the attempts: %+v, %v; want it ACTIVE", got.Artefact, err)
	}
}

// TestWalletForgedForms refuses a form without its token, with another
// session's token, or sent cross-site, and changes nothing.
func TestWalletForgedForms(t *testing.T) {
	rig := newWalletRig(t)
	ctx := context.Background()
	mine, err := rig.consents.Grant(ctx, consent.Artefact{Subject: rig.citizen, Member: "gfc", Purpose: "identity-verification",
		ValidUntil: time.Now().Add(24 * time.Hour), Frequency: consent.Periodic}, "subject")
	if err != nil {
		t.Fatal(err)
	}
	b := rig.browser(t)
	csrf := b.signIn(rig.citizen)
	otherCSRF := rig.browser(t).signIn(rig.other)
	for name, tc := range map[string]struct {
		form   url.Values
		header []string
	}{
		"no token":              {url.Values{"action": {"revoke"}}, nil},
		"another session's":     {url.Values{"action": {"revoke"}, "csrf": {otherCSRF}}, nil},
		"cross-site with token": {url.Values{"action": {"revoke"}, "csrf": {csrf}}, []string{"Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"}},
	} {
		if r := b.do("POST", "/wallet/consents/"+mine.ID, tc.form, tc.header...); r.status != http.StatusForbidden {
			t.Errorf("%s: %d; want 403", name, r.status)
		}
	}
	if got, err := rig.consents.Get(ctx, mine.ID); err != nil || got.Status != consent.Active {
		t.Fatalf("the consent after forged forms: %+v, %v; want it ACTIVE", got.Artefact, err)
	}
	if r := b.do("POST", "/wallet/consents/"+mine.ID, url.Values{"action": {"revoke"}, "csrf": {csrf}}); r.status != http.StatusSeeOther {
		t.Fatalf("the real form: %d", r.status)
	}
	if got, _ := rig.consents.Get(ctx, mine.ID); got.Status != consent.Revoked {
		t.Errorf("the consent after the real form: %s; want REVOKED", got.Status)
	}
}

// nameOf is the golden name of the person iin.
func nameOf(t *testing.T, st *store.Store, iin string) string {
	t.Helper()
	rows, err := st.GoldenByNationalID(context.Background(), iin, 1)
	if err != nil || len(rows) == 0 || rows[0].Name == "" {
		t.Fatalf("golden record of %s: %v", iin, err)
	}
	return rows[0].Name
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return base64.RawURLEncoding.EncodeToString(h[:])
}

// firstRecord names a record of the person iin and an attribute it holds:
// source, record id, attribute.
func firstRecord(t *testing.T, st *store.Store, iin string) [3]string {
	t.Helper()
	ctx := context.Background()
	rows, err := st.GoldenByNationalID(ctx, iin, 1)
	if err != nil || len(rows) == 0 {
		t.Fatalf("golden record of %s: %v", iin, err)
	}
	recs, err := st.EntityRecords(ctx, []string{rows[0].EntityID})
	if err != nil || len(recs) == 0 {
		t.Fatalf("records of %s: %v", iin, err)
	}
	srcs, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if s.ID == recs[0].SourceID {
			// A surname takes any text; otherwise the first attribute in
			// order, so that the test does not depend on map order.
			attrs := slices.Sorted(maps.Keys(recs[0].Attrs))
			if _, ok := recs[0].Attrs["last_name"]; ok {
				attrs = []string{"last_name"}
			}
			if len(attrs) > 0 {
				return [3]string{s.Name, recs[0].RecordID, attrs[0]}
			}
		}
	}
	t.Fatalf("no attribute in the records of %s", iin)
	return [3]string{}
}

// TestWalletOIDCCallback checks the web side of OIDC sign-in: the start
// sends the browser to the provider with a state kept in a cookie, and a
// callback with another state, without the cookie, or with a code the
// provider refuses signs no one in.
func TestWalletOIDCCallback(t *testing.T) {
	d := demoSQLite(t)
	var idp *httptest.Server
	idp = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/.well-known/openid-configuration":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"issuer":"`+idp.URL+`","authorization_endpoint":"`+idp.URL+`/auth","token_endpoint":"`+idp.URL+
				`/token","jwks_uri":"`+idp.URL+`/keys","code_challenge_methods_supported":["S256"]}`)
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(idp.Close)
	o, err := wallet.NewOIDC(context.Background(), wallet.OIDCConfig{Issuer: idp.URL, ClientID: "ortaq", ClientSecret: "s",
		RedirectURL: "http://127.0.0.1/wallet/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	_, ts := mustServe(t, d.st, Options{Wallet: wallet.New(d.st, nil, wallet.Options{}), OIDC: o})
	rig := &walletRig{st: d.st, ts: ts}
	b := rig.browser(t)
	page := b.do("GET", "/wallet/sign-in", nil)
	if !strings.Contains(page.body, `href="/wallet/oidc/login`) || strings.Contains(page.body, `name="iin"`) {
		t.Error("a server with OIDC and no SMS outbox should offer only the identity provider")
	}
	start := b.do("GET", "/wallet/oidc/login", nil)
	loc, err := url.Parse(start.header.Get("Location"))
	if err != nil || start.status != http.StatusFound || !strings.HasPrefix(loc.String(), idp.URL+"/auth") ||
		loc.Query().Get("state") == "" || loc.Query().Get("code_challenge_method") != "S256" || b.cookies[oidcCookie] == "" {
		t.Fatalf("start: %d %s, cookie %q; want a redirect to the provider with state and PKCE", start.status, loc, b.cookies[oidcCookie])
	}
	state := loc.Query().Get("state")
	kept := b.cookies[oidcCookie]
	for name, tc := range map[string]struct {
		cookie, state string
	}{
		"another state":      {kept, state + "x"},
		"no cookie":          {"", state},
		"a refused code":     {kept, state},
		"the provider error": {kept, ""},
	} {
		c := rig.browser(t)
		if tc.cookie != "" {
			c.cookies[oidcCookie] = tc.cookie
		}
		q := url.Values{"state": {tc.state}, "code": {"the-code"}}
		if tc.state == "" {
			q = url.Values{"state": {state}, "error": {"access_denied"}}
		}
		r := c.do("GET", "/wallet/oidc/callback?"+q.Encode(), nil)
		if r.status != http.StatusUnauthorized || c.cookies[sessionCookie] != "" {
			t.Errorf("%s: %d, session %q; want 401 and no session", name, r.status, c.cookies[sessionCookie])
		}
	}
}

// TestWalletHandlerShowsOnlyTheWallet checks the listener to publish: the
// wallet and its styles answer, the console and the API do not.
func TestWalletHandlerShowsOnlyTheWallet(t *testing.T) {
	d := demoSQLite(t)
	s, err := newTestServer(d.st, Options{Version: "test", Wallet: wallet.New(d.st, nil, wallet.Options{}), SMSOutbox: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.WalletHandler())
	t.Cleanup(ts.Close)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]int{
		"/wallet/sign-in":                       http.StatusOK,
		"/wallet":                               http.StatusSeeOther,
		"/":                                     http.StatusFound,
		"/static/style.css":                     http.StatusOK,
		"/entities/" + d.Person.EntityID:        http.StatusNotFound,
		"/worklist":                             http.StatusNotFound,
		"/api/v1/entities/" + d.Person.EntityID: http.StatusNotFound,
		"/api/v1/audit/records?subject=" + d.Person.NationalID: http.StatusNotFound,
	} {
		res, err := client.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("GET %s on the wallet's listener: %d; want %d", path, res.StatusCode, want)
		}
	}
}

// TestWalletAnimalAccess lists a query about a citizen's animal among
// their accesses, naming the animal: its answer names the owner.
func TestWalletAnimalAccess(t *testing.T) {
	rig := newWalletRig(t)
	ctx := context.Background()
	w := wallet.New(rig.st, nil, wallet.Options{})
	ids, err := rig.st.SampleNationalIDs(ctx, 2000)
	if err != nil {
		t.Fatal(err)
	}
	var owner, tag string
	for _, id := range ids {
		if phone, _ := wallet.PhoneOf(ctx, rig.st, id); phone == "" {
			continue
		}
		p, err := w.Profile(ctx, id)
		if err != nil || len(p.Animals) == 0 {
			continue
		}
		doc, err := golden.DecodeDoc(p.Animals[0].Doc)
		if err != nil {
			t.Fatal(err)
		}
		owner, tag = id, doc.Value("tag")
		break
	}
	if tag == "" {
		t.Fatal("the demo nation has no animal owner with a phone")
	}
	if _, err := rig.log.Append(ctx, audit.Record{Member: "moa", Subsystem: "vet", Service: "animal-by-tag", Subject: tag,
		Purpose: "veterinary-control", LegalBasis: "vet-law-art-8", RequestID: "case-animal", Decision: audit.Allowed,
		Status: 200}); err != nil {
		t.Fatal(err)
	}
	b := rig.browser(t)
	b.signIn(owner)
	page := b.do("GET", "/wallet/access", nil)
	if !strings.Contains(page.body, "case-animal") || !strings.Contains(page.body, view.Locale{Lang: view.DefaultLang}.F("wallet.access.animal", tag)) {
		t.Errorf("the owner's accesses do not show the query about animal %s", tag)
	}
}

// TestWalletCSV downloads the citizen's data as a spreadsheet in Russian:
// a byte-order mark for Excel, columns, fields and coded values in words,
// and no program identifier in what the citizen reads.
func TestWalletCSV(t *testing.T) {
	rig := newWalletRig(t)
	b := rig.browser(t)
	b.signIn(rig.citizen)
	r := b.do("GET", "/wallet/data.csv?lang=ru", nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("data.csv: %d %s", r.status, r.header.Get("Content-Type"))
	}
	body, ok := strings.CutPrefix(r.body, "\ufeff")
	if !ok {
		t.Fatal("data.csv has no byte-order mark: Excel would garble Cyrillic")
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Раздел", "Ведомство", "Информационная система", "Номер записи", "Версия", "Дата сведений",
		"Поле", "Значение"}; !slices.Equal(rows[0], want) {
		t.Errorf("header %q; want %q", rows[0], want)
	}
	if len(rows) < 5 {
		t.Fatalf("only %d rows", len(rows))
	}
	identifier := regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)
	sexes := 0
	for _, row := range rows[1:] {
		if s := identifier.FindString(strings.Join(row[:7], " ")); s != "" {
			t.Errorf("row %q shows the identifier %q", row, s)
		}
		if row[6] == "Пол" {
			sexes++
			if row[7] == "F" || row[7] == "M" {
				t.Errorf("sex shown as the code %q", row[7])
			}
		}
	}
	if sexes == 0 {
		t.Error("no row holds the citizen's sex")
	}
}
