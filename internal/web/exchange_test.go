package web

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/consent"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/web/api"
	"github.com/ortaq/ortaq/internal/web/view"
)

// exchangeRig is a server with the exchange and the audit log over a demo
// store, listening on HTTPS with the platform CA, and the credentials the
// tests query with.
type exchangeRig struct {
	d        *demo
	x        *exchange.Exchange
	consents *consent.Registry
	log      *audit.Log
	ca       *exchange.CA
	srv      *testServer
	ts       *httptest.Server
	url      string
	verify   note.Verifier
	// right is a seeded right whose purpose a consent-free legal basis
	// allows for a golden-record service about people.
	right exchange.Right
	basis exchange.LegalBasis
	// certClient presents a client certificate for right's subsystem;
	// keyToken is an exchange key for the same subsystem, adminToken a key
	// with every scope.
	certClient *http.Client
	certSerial string
	keyToken   string
	keyID      string
	adminToken string
}

const testOrigin = "test.ortaq/audit"

func newExchangeRig(t *testing.T, d *demo) *exchangeRig {
	t.Helper()
	p := newPlatform(t, d.st, 50*time.Millisecond)
	x, log, consents, verifier := p.x, p.log, p.consents, p.verify
	dir := t.TempDir()
	ca, err := exchange.InitCA(filepath.Join(dir, "ca"), "test CA")
	if err != nil {
		t.Fatal(err)
	}
	rig := &exchangeRig{d: d, x: x, consents: consents, log: log, ca: ca, verify: verifier}
	var ok bool
	if rig.right, rig.basis, ok = x.ExampleRight(); !ok {
		t.Fatal("the seeded registry has no consent-free right on a golden-record person service")
	}
	// The rig's admin key is the national administrator's, which changes
	// purposes and legal bases; TestAdminKeyOwnMemberOnly tests the rest.
	opts := Options{Version: "test", Exchange: x, Audit: log, NationalAdmin: rig.right.Member}
	sess := withOfficials(t, d.st, &opts)
	rig.srv, err = newTestServer(d.st, opts)
	if err != nil {
		t.Fatal(err)
	}
	rig.ts = httptest.NewUnstartedServer(rig.srv.Handler())
	if rig.ts.TLS, err = ca.ServerConfig([]string{"localhost"}); err != nil {
		t.Fatal(err)
	}
	rig.ts.StartTLS()
	t.Cleanup(rig.ts.Close)
	rig.url = rig.ts.URL
	rememberSession(t, rig.url, d.st, opts.Officials, sess)
	rig.certClient, rig.certSerial = rig.clientFor(t, rig.right.Member, rig.right.Subsystem)
	rig.keyToken, rig.keyID = rig.key(t, rig.right.Member, rig.right.Subsystem, exchange.ScopeExchange)
	rig.adminToken, _ = rig.key(t, rig.right.Member, rig.right.Subsystem, exchange.ScopeExchange, exchange.ScopeAudit, exchange.ScopeAdmin)
	return rig
}

// clientFor issues and registers a client certificate and returns an HTTPS
// client that presents it.
func (rig *exchangeRig) clientFor(t *testing.T, member, subsystem string) (*http.Client, string) {
	t.Helper()
	certPEM, keyPEM, cert, err := rig.ca.IssueClient(member, subsystem, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if err := rig.x.RegisterCert(context.Background(), cert); err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return rig.tlsClient([]tls.Certificate{pair}), cert.SerialNumber.Text(16)
}

// tlsClient trusts the test server's certificate and presents certs.
func (rig *exchangeRig) tlsClient(certs []tls.Certificate) *http.Client {
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: rig.ca.Pool(), Certificates: certs,
		ServerName: "localhost"}}}
}

func (rig *exchangeRig) key(t *testing.T, member, subsystem string, scopes ...string) (token, id string) {
	t.Helper()
	token, id, err := rig.x.CreateKey(context.Background(), member, subsystem, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return token, id
}

// query is one exchange request as a test builds it.
type query struct {
	client  *http.Client // nil: an HTTPS client without a certificate
	token   string
	method  string
	path    string // after /api/v1/exchange/
	body    string
	headers map[string]string // overrides; "" removes
}

func (rig *exchangeRig) headers() map[string]string {
	r := rig.right
	return map[string]string{api.HeaderClient: r.Member + "/" + r.Subsystem, api.HeaderPurpose: r.Purpose,
		api.HeaderLegalBasis: rig.basis.Code, api.HeaderUser: "officer-17", api.HeaderRequestID: "case-2026-001"}
}

func (rig *exchangeRig) do(t *testing.T, q query) response {
	t.Helper()
	c := q.client
	if c == nil {
		c = rig.tlsClient(nil)
	}
	h := rig.headers()
	for k, v := range q.headers {
		h[k] = v
	}
	var header []string
	for k, v := range h {
		if v != "" {
			header = append(header, k, v)
		}
	}
	if q.token != "" {
		header = append(header, "Authorization", "Bearer "+q.token)
	}
	ctype := ""
	if q.body != "" {
		ctype = "application/json"
	}
	return doWith(t, c, cmp.Or(q.method, http.MethodGet), rig.url+"/api/v1/exchange/"+q.path, ctype, q.body, header...)
}

// admin sends a registry change with the admin key.
func (rig *exchangeRig) admin(t *testing.T, method, path, body string) response {
	t.Helper()
	return rig.send(t, method, path, body, rig.adminToken)
}

func (rig *exchangeRig) send(t *testing.T, method, path, body, token string) response {
	t.Helper()
	var header []string
	if token != "" {
		header = []string{"Authorization", "Bearer " + token}
	}
	return doWith(t, rig.tlsClient(nil), method, rig.url+path, "application/json", body, header...)
}

func wantStatus(t *testing.T, what string, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("%s: status %d; want %d\n%s", what, r.status, want, r.body)
	}
}

// unknownIIN is valid by its check digit but nobody's.
var unknownIIN = mustIIN(time.Date(1901, 1, 2, 0, 0, 0, 0, time.UTC), kz.Male, 9999)

// TestExchangeDecisions runs one query for every decision the exchange can
// make, over HTTPS with client certificates and API keys, and checks the
// answer, its problem code, and that its audit record says the same and is
// provably in the signed log.
func TestExchangeDecisions(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		rig := newExchangeRig(t, d)
		r := rig.right
		iin := d.Person.NationalID
		svc, _ := rig.x.Service(r.Service)
		allowed := intersect(svc.Fields, rig.basis.Fields)
		outside := slices.DeleteFunc(slices.Clone(svc.Fields), func(f string) bool { return slices.Contains(rig.basis.Fields, f) })

		// A second purpose the client has a right for but the basis does
		// not allow, a narrow basis, a consent basis and a rate-limited
		// member are made through the registry API.
		wantStatus(t, "put purpose", rig.admin(t, "PUT", "/api/v1/registry/purposes/test-other", `{"title":{"en":"Another purpose"}}`), 200)
		wantStatus(t, "grant", rig.admin(t, "PUT", "/api/v1/registry/rights/"+r.Member+"/"+r.Subsystem+"/"+r.Service+"/test-other", ""), 200)
		narrow := fmt.Sprintf(`{"title":{"en":"Narrow"},"law":"Test law","article":"1","purposes":[%q,"test-other"],"services":[%q],"fields":[%q]}`,
			r.Purpose, r.Service, allowed[0])
		wantStatus(t, "put narrow basis", rig.admin(t, "PUT", "/api/v1/registry/legal-bases/test-narrow", narrow), 200)
		consent := fmt.Sprintf(`{"title":{"en":"With consent"},"law":"Test law","article":"2","purposes":[%q],"services":[%q],"fields":[%q],"consent_required":true}`,
			r.Purpose, r.Service, allowed[0])
		wantStatus(t, "put consent basis", rig.admin(t, "PUT", "/api/v1/registry/legal-bases/test-consent", consent), 200)
		wantStatus(t, "put member", rig.admin(t, "PUT", "/api/v1/registry/members/test-slow", `{"title":{"en":"Slow"},"rate_limit":1}`), 200)
		wantStatus(t, "put subsystem", rig.admin(t, "PUT", "/api/v1/registry/members/test-slow/subsystems/app", `{"title":{"en":"App"}}`), 200)
		wantStatus(t, "grant slow", rig.admin(t, "PUT", "/api/v1/registry/rights/test-slow/app/"+r.Service+"/"+r.Purpose, ""), 200)
		slowToken, _ := rig.key(t, "test-slow", "app", exchange.ScopeExchange)
		wantStatus(t, "put lonely member", rig.admin(t, "PUT", "/api/v1/registry/members/test-lonely", `{}`), 200)
		wantStatus(t, "put lonely subsystem", rig.admin(t, "PUT", "/api/v1/registry/members/test-lonely/subsystems/app", `{}`), 200)
		lonelyToken, _ := rig.key(t, "test-lonely", "app", exchange.ScopeExchange)
		revokedClient, revokedSerial := rig.clientFor(t, r.Member, r.Subsystem)
		revokedToken, revokedID := rig.key(t, r.Member, r.Subsystem, exchange.ScopeExchange)
		wantStatus(t, "revoke key", rig.admin(t, "POST", "/api/v1/registry/keys/"+revokedID+"/revoke", ""), 204)
		wantStatus(t, "revoke cert", rig.admin(t, "POST", "/api/v1/registry/certificates/"+revokedSerial+"/revoke", ""), 204)
		wantStatus(t, "admin needs scope", rig.send(t, "PUT", "/api/v1/registry/purposes/x", `{}`, rig.keyToken), 403)

		one := r.Service + "/" + iin
		outsideField := "no_such_field"
		if len(outside) > 0 {
			outsideField = outside[0]
		}
		tests := []struct {
			name   string
			q      query
			status int
			code   string
		}{
			{"allowed by certificate", query{client: rig.certClient, path: one}, 200, ""},
			{"allowed by key", query{token: rig.keyToken, path: one}, 200, ""},
			{"no credentials", query{path: one}, 401, "unauthenticated"},
			{"unknown key", query{token: "ortaq_nobody_secret", path: one}, 401, "unauthenticated"},
			{"revoked key", query{token: revokedToken, path: one}, 401, "revoked"},
			{"revoked certificate", query{client: revokedClient, path: one}, 401, "revoked"},
			{"no purpose", query{token: rig.keyToken, path: one, headers: map[string]string{api.HeaderPurpose: ""}}, 400, "bad_request"},
			{"no official", query{token: rig.keyToken, path: one, headers: map[string]string{api.HeaderUser: ""}}, 400, "bad_request"},
			{"official's id not UTF-8", query{token: rig.keyToken, path: one, headers: map[string]string{api.HeaderUser: "off\xffcer"}}, 400, "bad_request"},
			{"NUL in the key", query{token: rig.keyToken, path: r.Service + "/%00" + iin[1:]}, 400, "bad_key"},
			{"bad IIN", query{token: rig.keyToken, path: r.Service + "/123456789012"}, 400, "bad_key"},
			{"other client", query{token: rig.keyToken, path: one, headers: map[string]string{api.HeaderClient: "test-slow/app"}}, 403, "client_mismatch"},
			{"unknown service", query{token: rig.keyToken, path: "no-such-service/" + iin}, 404, "unknown_service"},
			{"no right", query{token: lonelyToken, path: one, headers: map[string]string{api.HeaderClient: "test-lonely/app"}}, 403, "no_right"},
			{"unknown basis", query{token: rig.keyToken, path: one, headers: map[string]string{api.HeaderLegalBasis: "no-such-law"}}, 403, "unknown_legal_basis"},
			{"purpose the basis does not allow", query{token: rig.keyToken, path: one, headers: map[string]string{api.HeaderPurpose: "test-other"}}, 403, "purpose_not_allowed"},
			{"field outside the basis", query{token: rig.keyToken, path: one + "?fields=" + allowed[0] + "," + outsideField,
				headers: map[string]string{api.HeaderLegalBasis: "test-narrow"}}, 403, "field_not_allowed"},
			{"consent required", query{token: rig.keyToken, path: one, headers: map[string]string{api.HeaderLegalBasis: "test-consent"}}, 403, "consent_required"},
			{"unknown subject", query{token: rig.keyToken, path: r.Service + "/" + unknownIIN}, 404, "not_found"},
			{"rate limit, first", query{token: slowToken, path: one, headers: map[string]string{api.HeaderClient: "test-slow/app"}}, 200, ""},
			{"rate limit, second", query{token: slowToken, path: one, headers: map[string]string{api.HeaderClient: "test-slow/app"}}, 429, "rate_limited"},
		}
		for _, tc := range tests {
			res := rig.do(t, tc.q)
			if res.status != tc.status {
				t.Errorf("%s: status %d; want %d\n%s", tc.name, res.status, tc.status, res.body)
				continue
			}
			var body struct {
				Code       string         `json:"code"`
				AuditIndex *uint64        `json:"audit_index"`
				Data       map[string]any `json:"data"`
				Fields     []string       `json:"fields"`
			}
			decodeInto(t, res, &body)
			if body.Code != tc.code {
				t.Errorf("%s: code %q; want %q\n%s", tc.name, body.Code, tc.code, res.body)
			}
			if tc.status == 200 {
				for f := range body.Data {
					if !slices.Contains(allowed, f) {
						t.Errorf("%s: answer carries %q, outside the basis's fields %v", tc.name, f, allowed)
					}
				}
				if len(body.Data) == 0 {
					t.Errorf("%s: no data\n%s", tc.name, res.body)
				}
			} else if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: Content-Type %q; want application/problem+json", tc.name, ct)
			}
			if tc.status == 429 {
				if s, err := strconv.Atoi(res.header.Get("Retry-After")); err != nil || s < 1 {
					t.Errorf("%s: Retry-After %q; want whole seconds", tc.name, res.header.Get("Retry-After"))
				}
			}
			// A caller without a valid credential is accountable to no
			// one: refused before the audit log, it leaves no record.
			if tc.status == http.StatusUnauthorized {
				if res.header.Get(api.HeaderAuditIndex) != "" || body.AuditIndex != nil {
					t.Errorf("%s: an unauthenticated request was audited: %s", tc.name, res.body)
				}
				continue
			}
			idx, err := strconv.ParseUint(res.header.Get(api.HeaderAuditIndex), 10, 64)
			if err != nil || body.AuditIndex == nil || *body.AuditIndex != idx {
				t.Errorf("%s: audit index header %q, body %v", tc.name, res.header.Get(api.HeaderAuditIndex), body.AuditIndex)
				continue
			}
			rig.checkReceipt(t, tc.name, idx, tc.status)
		}
	})
}

func intersect(a, b []string) []string {
	var out []string
	for _, v := range a {
		if slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}

// checkReceipt fetches the audit record at idx and proves it is in the
// signed log: the checkpoint verifies with the log's key, the record's
// commitment is the leaf, and the inclusion proof leads to the root.
func (rig *exchangeRig) checkReceipt(t *testing.T, what string, idx uint64, status int) {
	t.Helper()
	res := rig.send(t, "GET", "/api/v1/audit/records/"+strconv.FormatUint(idx, 10), "", rig.adminToken)
	if res.status != 200 {
		t.Errorf("%s: receipt %d: status %d\n%s", what, idx, res.status, res.body)
		return
	}
	// A refusal before any field was chosen still answers "fields": [].
	mustAPIDoc(t).check(t, "GET", "/api/v1/audit/records/{id}", res)
	var rc audit.Receipt
	decodeInto(t, res, &rc)
	wantDecision := audit.Allowed
	if status != 200 {
		wantDecision = audit.Refused
	}
	if rc.Record.Index != idx || rc.Record.Decision != wantDecision || rc.Record.Status != status {
		t.Errorf("%s: audit record %d is %s/%d; want %s/%d", what, rc.Record.Index, rc.Record.Decision, rc.Record.Status, wantDecision, status)
	}
	n, err := note.Open([]byte(rc.Checkpoint), note.VerifierList(rig.verify))
	if err != nil {
		t.Errorf("%s: checkpoint does not verify: %v", what, err)
		return
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 3 || lines[0] != testOrigin || lines[1] != strconv.FormatUint(rc.TreeSize, 10) {
		t.Errorf("%s: checkpoint %q does not name origin and size %d", what, n.Text, rc.TreeSize)
		return
	}
	root, err := base64Std(lines[2])
	if err != nil {
		t.Errorf("%s: checkpoint root: %v", what, err)
		return
	}
	if got := rc.Record.Commitment(); string(got) != string(rc.Commitment) {
		t.Errorf("%s: record does not open its commitment", what)
	}
	leaf := rfc6962.DefaultHasher.HashLeaf(rc.Commitment)
	if err := proof.VerifyInclusion(rfc6962.DefaultHasher, idx, rc.TreeSize, leaf, rc.Proof, root); err != nil {
		t.Errorf("%s: inclusion proof: %v", what, err)
	}
}

// TestExchangeBatch asks for three people at once, one of whom does not
// exist: one answer, three audit records.
func TestExchangeBatch(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		rig := newExchangeRig(t, d)
		ids, err := d.st.SampleNationalIDs(context.Background(), 2)
		if err != nil || len(ids) < 2 {
			t.Fatalf("sample ids: %v %v", ids, err)
		}
		keys, _ := json.Marshal(map[string]any{"keys": []string{ids[0], unknownIIN, ids[1]}})
		res := rig.do(t, query{client: rig.certClient, method: "POST", path: rig.right.Service, body: string(keys)})
		wantStatus(t, "batch", res, 200)
		var out api.BatchAnswer
		decodeInto(t, res, &out)
		var got []int
		for _, it := range out.Results {
			got = append(got, it.Status)
			rig.checkReceipt(t, "batch "+it.Key, it.AuditIndex, it.Status)
		}
		if !slices.Equal(got, []int{200, 404, 200}) {
			t.Errorf("batch statuses %v; want [200 404 200]\n%s", got, res.body)
		}
		res = rig.do(t, query{client: rig.certClient, method: "POST", path: rig.right.Service, body: `{"keys": []}`})
		wantStatus(t, "empty batch", res, 400)
		size := rig.log.Size()
		many, _ := json.Marshal(map[string]any{"keys": slices.Repeat([]string{ids[0]}, exchange.MaxBatch+1)})
		res = rig.do(t, query{client: rig.certClient, method: "POST", path: rig.right.Service, body: string(many)})
		wantStatus(t, "oversized batch", res, 400)
		if grown := rig.log.Size() - size; grown != 1 {
			t.Errorf("an oversized batch added %d audit records; want 1", grown)
		}

		for _, lang := range []string{"kk", "ru", "en"} {
			page := rig.send(t, "GET", "/exchange?lang="+lang, "", "")
			wantStatus(t, "exchange page", page, 200)
			body := string(page.body)
			for _, want := range []string{view.Locale{Lang: lang}.T("exchange.title"), "<code>" + rig.right.Service + "</code>",
				"<code>" + rig.right.Member + "</code>", rig.basis.Law} {
				if !strings.Contains(body, want) {
					t.Errorf("exchange page (%s) lacks %q", lang, want)
				}
			}
			// The page is public: it counts queries and names no one.
			for _, id := range ids {
				if strings.Contains(body, id) {
					t.Errorf("exchange page (%s) shows the IIN %s", lang, id)
				}
			}
		}

		// The log's tiles are public; one past the log's end is a problem
		// document, as the API document promises, not plain text.
		tile := rig.send(t, "GET", "/api/v1/audit/log/tile/0/x999/999", "", "")
		if tile.status != http.StatusNotFound || tile.header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("missing tile: %d %s; want 404 application/problem+json", tile.status, tile.header.Get("Content-Type"))
		}
		// Metrics are for the operators' listener, not the internal one.
		wantStatus(t, "metrics on the internal listener", rig.send(t, "GET", "/metrics", "", ""), 404)
		ops := httptest.NewServer(Operations(rig.srv.aud).Handler)
		defer ops.Close()
		m := get(t, ops.URL+"/metrics")
		wantStatus(t, "metrics", m, 200)
		for _, want := range []string{`ortaq_exchange_requests_total{decision="allowed",member="` + rig.right.Member,
			"ortaq_exchange_request_duration_seconds_bucket", "ortaq_audit_log_size"} {
			if !strings.Contains(string(m.body), want) {
				t.Errorf("metrics lack %q", want)
			}
		}
	})
}

func base64Std(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// TestRegistryEmptyLists answers an empty registry with empty lists, not
// null, so that clients can iterate without a check.
func TestRegistryEmptyLists(t *testing.T) {
	st := storetest.SQLite(t)
	x, err := exchange.New(context.Background(), st, exchange.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	_, ts := mustServe(t, st, Options{Exchange: x})
	for _, path := range []string{"members", "services", "purposes", "legal-bases", "rights"} {
		res := get(t, ts.URL+"/api/v1/registry/"+path)
		wantStatus(t, path, res, 200)
		if strings.Contains(string(res.body), "null") {
			t.Errorf("%s: %s; want an empty list", path, res.body)
		}
	}
}

// TestConsentDecidesNextQuery grants a citizen's consent for a basis that
// needs one, queries, revokes it, and sees the very next query refused.
func TestConsentDecidesNextQuery(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		rig := newExchangeRig(t, d)
		r := rig.right
		svc, _ := rig.x.Service(r.Service)
		body := fmt.Sprintf(`{"law":"Test law","article":"8","purposes":[%q],"services":[%q],"fields":[%q],"consent_required":true}`,
			r.Purpose, r.Service, intersect(svc.Fields, rig.basis.Fields)[0])
		wantStatus(t, "put consent basis", rig.admin(t, "PUT", "/api/v1/registry/legal-bases/test-consent-2", body), 200)
		q := query{token: rig.keyToken, path: r.Service + "/" + d.Person.NationalID,
			headers: map[string]string{api.HeaderLegalBasis: "test-consent-2"}}
		wantStatus(t, "before consent", rig.do(t, q), 403)

		ctx := context.Background()
		now := time.Now()
		c, err := rig.consents.Grant(ctx, consent.Artefact{Subject: d.Person.NationalID, Member: r.Member, Purpose: r.Purpose,
			Services: []string{r.Service}, ValidFrom: now.Add(-time.Minute), ValidUntil: now.Add(24 * time.Hour),
			Frequency: consent.Periodic}, "subject")
		if err != nil {
			t.Fatal(err)
		}
		wantStatus(t, "with consent", rig.do(t, q), 200)
		wantStatus(t, "still with consent", rig.do(t, q), 200)
		if _, err := rig.consents.Revoke(ctx, c.ID, "subject", "no longer"); err != nil {
			t.Fatal(err)
		}
		res := rig.do(t, q)
		wantStatus(t, "after revoking", res, 403)
		var p struct{ Code string }
		decodeInto(t, res, &p)
		if p.Code != "consent_required" {
			t.Errorf("after revoking: code %q; want consent_required", p.Code)
		}
	})
}
