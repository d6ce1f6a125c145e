package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/web/api"
)

// TestPushNeedsOwner: a push stores records only for a credential with
// scope sources of the member that owns the source. Before, anyone who
// reached the listener pushed a new version of any citizen's record.
func TestPushNeedsOwner(t *testing.T) {
	doc := mustAPIDoc(t)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustRegister(t, st)
		s, ts := mustServe(t, st, Options{})
		moh, mia := s.key(t, "moh"), s.key(t, "mia")
		mohExchange := s.key(t, "moh", exchange.ScopeExchange, exchange.ScopeAdmin)
		push := ts.URL + "/api/v1/sources/health_cards/records?mode=full"
		for _, tc := range []struct {
			name   string
			header []string
			status int
		}{
			{"no key", nil, http.StatusUnauthorized},
			{"bad key", []string{"Authorization", "Bearer ortaq_0123456789abcdef_" + strings.Repeat("0", 64)}, http.StatusUnauthorized},
			{"another member's key", mia, http.StatusForbidden},
			{"owner's key without scope sources", mohExchange, http.StatusForbidden},
		} {
			r := do(t, http.MethodPost, push, "text/csv", cardsCSV(), tc.header...)
			if r.status != tc.status {
				t.Errorf("%s: %d; want %d\n%s", tc.name, r.status, tc.status, r.body)
			}
			doc.check(t, "POST", "/api/v1/sources/{source}/records", r)
		}
		// The same refusals guard the source's reads.
		for _, path := range []string{"/api/v1/sources/health_cards/runs", "/api/v1/sources/health_cards/quarantine",
			"/api/v1/sources/health_cards/records/C1", "/api/v1/quarantine?source=health_cards"} {
			if r := get(t, ts.URL+path, mia...); r.status != http.StatusForbidden {
				t.Errorf("GET %s as mia = %d; want 403", path, r.status)
			}
			if r := get(t, ts.URL+path); r.status != http.StatusUnauthorized {
				t.Errorf("GET %s without a key = %d; want 401", path, r.status)
			}
		}
		runs, err := st.Runs(context.Background(), "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 0 {
			t.Fatalf("refused pushes left %d runs; want none", len(runs))
		}
		if r := do(t, http.MethodPost, push, "text/csv", cardsCSV(), moh...); r.status != http.StatusOK {
			t.Fatalf("owner's push = %d %s", r.status, r.body)
		}
	})
}

// TestUnauthenticatedNeverAudited: a query without a valid credential is
// refused before the audit log, so the purpose and case an anonymous
// caller chose never reach a citizen's "who looked"; past a burst its
// address is throttled, and the refusals are counted. An authenticated
// caller's refusal is still audited. Before, every anonymous request was
// appended to the log.
func TestUnauthenticatedNeverAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustSeed(t, st)
		p := newPlatform(t, st, 0)
		s, ts := mustServe(t, st, Options{Exchange: p.x, Audit: p.log})
		right, basis, ok := p.x.ExampleRight()
		if !ok {
			t.Fatal("no example right")
		}
		ctx := context.Background()
		path := ts.URL + "/api/v1/exchange/" + right.Service + "/" + iinAigerim
		forged := []string{api.HeaderClient, right.Member + "/" + right.Subsystem, api.HeaderPurpose, right.Purpose,
			api.HeaderLegalBasis, basis.Code, api.HeaderRequestID, "case-forged"}
		var throttled response
		for i := range api.DefaultUnauthenticatedBurst + 5 {
			h := forged
			if i%2 == 1 {
				h = append(h, "Authorization", "Bearer ortaq_not_a_key")
			}
			r := get(t, path, h...)
			if r.status == http.StatusTooManyRequests {
				throttled = r
				break
			}
			if r.status != http.StatusUnauthorized {
				t.Fatalf("anonymous query %d = %d; want 401\n%s", i, r.status, r.body)
			}
		}
		if throttled.status == 0 || throttled.header.Get("Retry-After") == "" {
			t.Errorf("no 429 with Retry-After after %d anonymous queries", api.DefaultUnauthenticatedBurst+5)
		}
		if recs := mustHistory(t, p.log, iinAigerim); len(recs) != 0 {
			t.Fatalf("anonymous queries left %d audit records about the citizen: %+v", len(recs), recs[0])
		}
		// A valid key is never throttled for its address's failures.
		key := s.key(t, right.Member, exchange.ScopeSources) // no exchange scope
		r := get(t, path, append(forged, key...)...)
		if r.status != http.StatusForbidden {
			t.Fatalf("query with a key lacking scope exchange = %d; want 403\n%s", r.status, r.body)
		}
		if recs := mustHistory(t, p.log, iinAigerim); len(recs) != 1 || recs[0].Decision != audit.Refused || recs[0].Auth == "" {
			t.Errorf("an authenticated caller's refusal is audited once with its credential; got %+v", recs)
		}
		rec := httptest.NewRecorder()
		s.aud.API.Metrics().ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, "/metrics", nil))
		for _, want := range []string{`ortaq_api_refused_total{reason="unauthenticated"} ` + strconv.Itoa(api.DefaultUnauthenticatedBurst),
			`ortaq_api_refused_total{reason="throttled"} 1`} {
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("metrics lack %q", want)
			}
		}
	})
}

func mustHistory(t *testing.T, log *audit.Log, subject string) []audit.Record {
	t.Helper()
	recs, err := log.History(context.Background(), subject, 100)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// TestAdminKeyOwnMemberOnly: an admin key changes its own member's
// registry entries only, unless its member is the national
// administrator. Before, any admin key could make keys for, or delete,
// any member.
func TestAdminKeyOwnMemberOnly(t *testing.T) {
	st := storetest.SQLite(t)
	s, ts := mustServe(t, st, Options{})
	moh := s.key(t, "moh", exchange.ScopeAdmin)
	send := func(method, path, body string, key []string) response {
		t.Helper()
		return do(t, method, ts.URL+path, "application/json", body, key...)
	}
	for _, tc := range []struct{ name, method, path, body string }{
		{"key for another member", "POST", "/api/v1/registry/keys", `{"member":"mlsp","scopes":["admin"]}`},
		{"delete another member", "DELETE", "/api/v1/registry/members/mlsp", ""},
		{"rename another member", "PUT", "/api/v1/registry/members/mlsp", `{"title":{"en":"Mine"}}`},
		{"subsystem of another member", "PUT", "/api/v1/registry/members/mlsp/subsystems/x", `{"title":{"en":"x"}}`},
		{"another member's service", "DELETE", "/api/v1/registry/services/person-disability", ""},
		{"take over a service", "PUT", "/api/v1/registry/services/person-disability",
			`{"member":"moh","kind":"person","fields":["disability_group"],"title":{"en":"x"}}`},
		{"grant itself another's service", "PUT", "/api/v1/registry/rights/moh/health-cards/person-income/medical-care", ""},
		{"a purpose", "PUT", "/api/v1/registry/purposes/spying", `{"title":{"en":"x"}}`},
		{"a legal basis", "DELETE", "/api/v1/registry/legal-bases/tax-code-art-26", ""},
	} {
		if r := send(tc.method, tc.path, tc.body, moh); r.status != http.StatusForbidden {
			t.Errorf("moh's admin key: %s = %d; want 403\n%s", tc.name, r.status, r.body)
		}
	}
	if ms := s.x.Members(); len(ms) != 7 {
		t.Fatalf("%d members after refused changes; want the demo's 7", len(ms))
	}
	// Its own member's entries it manages.
	if r := send("POST", "/api/v1/registry/keys", `{"member":"moh","subsystem":"health-cards","scopes":["sources"]}`, moh); r.status != http.StatusOK {
		t.Errorf("moh's key for moh = %d %s", r.status, r.body)
	}
	if r := send("PUT", "/api/v1/registry/rights/gfc/benefit-desk/person-health-attachment/medical-care", "", moh); r.status != http.StatusOK {
		t.Errorf("moh grants its service = %d %s", r.status, r.body)
	}
	// The national administrator manages every member.
	gov := s.key(t, api.DefaultNationalAdmin, exchange.ScopeAdmin)
	if r := send("POST", "/api/v1/registry/keys", `{"member":"mlsp","scopes":["sources"]}`, gov); r.status != http.StatusOK {
		t.Errorf("national administrator's key for mlsp = %d %s", r.status, r.body)
	}
	if r := send("PUT", "/api/v1/registry/purposes/statistics", `{"title":{"en":"Statistics"}}`, gov); r.status != http.StatusOK {
		t.Errorf("national administrator's purpose = %d %s", r.status, r.body)
	}
}

// TestSlowPushDoesNotBlockExchange trickles a push one byte every 200 ms
// and queries the exchange meanwhile over the same SQLite store: each
// query answers at once. Before, the push's run held the write lock while
// it read, and every query waited for the audit log behind it.
func TestSlowPushDoesNotBlockExchange(t *testing.T) {
	st := storetest.SQLite(t)
	mustRegister(t, st)
	p := newPlatform(t, st, 0)
	s, ts := mustServe(t, st, Options{Exchange: p.x, Audit: p.log})
	right, basis, _ := p.x.ExampleRight()
	query := append(s.key(t, right.Member, exchange.ScopeExchange), api.HeaderClient, right.Member+"/"+right.Subsystem,
		api.HeaderPurpose, right.Purpose, api.HeaderLegalBasis, basis.Code, api.HeaderUser, "officer-1", api.HeaderRequestID, "case-1")
	pushKey := s.key(t, "moh")

	body := cardsCSV()
	header, rest, _ := strings.Cut(body, "\n")
	header += "\n"
	u, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/sources/health_cards/records HTTP/1.1\r\nHost: %s\r\nContent-Type: text/csv\r\n"+
		"%s: %s\r\nContent-Length: %d\r\n\r\n%s", u.Host, pushKey[0], pushKey[1], len(body), header)
	done := make(chan error, 1)
	go func() {
		for i := 0; i < len(rest); i++ {
			if _, err := conn.Write([]byte{rest[i]}); err != nil {
				done <- err
				return
			}
			if i < 15 {
				time.Sleep(200 * time.Millisecond)
			}
		}
		done <- nil
	}()

	client := &http.Client{Timeout: 2 * time.Second}
	time.Sleep(300 * time.Millisecond) // the header is in; the rows trickle
	for i := range 8 {
		start := time.Now()
		r := doWith(t, client, http.MethodGet, ts.URL+"/api/v1/exchange/"+right.Service+"/"+iinAigerim, "", "", query...)
		if took := time.Since(start); took > time.Second {
			t.Errorf("query %d during the slow push took %s", i, took)
		}
		if r.status != http.StatusOK && r.status != http.StatusNotFound {
			t.Errorf("query %d = %d %s", i, r.status, r.body)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("slow push = %d %s", res.StatusCode, b)
	}
}

// TestHeldPushShown: a full push deleting most of a source is refused with
// 409, stores nothing, and shows in the source's runs and on the agency's
// work list; confirmed, it goes through.
func TestHeldPushShown(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustSeed(t, st)
		s, ts := mustServe(t, st, Options{})
		moh := s.key(t, "moh")
		push := ts.URL + "/api/v1/sources/health_cards/records?mode=full"
		r := do(t, http.MethodPost, push, "text/csv", "card_no,iin,fio,dob,clinic\n", moh...)
		if r.status != http.StatusConflict {
			t.Fatalf("header-only full push = %d; want 409\n%s", r.status, r.body)
		}
		mustAPIDoc(t).check(t, "POST", "/api/v1/sources/{source}/records", r)
		var runs api.RunList
		decodeInto(t, get(t, ts.URL+"/api/v1/sources/health_cards/runs", moh...), &runs)
		if len(runs.Runs) != 1 || len(runs.Held) != 1 || !runs.Held[0].Pending || runs.Held[0].Deletions != 2 {
			t.Fatalf("runs after the held push = %+v; want the seed's run and one pending held load of 2 deletions", runs)
		}
		page := mustPage(t, ts.URL+"/worklist?source=health_cards&lang=en", http.StatusOK)
		mustContain(t, page, "a full extract was refused and nothing of it stored")
		page = mustPage(t, ts.URL+"/worklist?source=health_cards&lang=ru", http.StatusOK)
		mustContain(t, page, "полная выгрузка отклонена")
		if r := do(t, http.MethodPost, push+"&allow_deletions=2", "text/csv", "card_no,iin,fio,dob,clinic\n", moh...); r.status != http.StatusOK {
			t.Fatalf("confirmed push = %d %s", r.status, r.body)
		}
	})
}

// TestEntityReadsAudited: a system reads a person only when its agency
// holds a record of them, and each read is in the audit log under the
// person's IIN; search answers only such people, each audited.
func TestEntityReadsAudited(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		p := newPlatform(t, d.st, 0)
		s, ts := mustServe(t, d.st, Options{Exchange: p.x, Audit: p.log})
		id, iin := d.Person.EntityID, d.Person.NationalID
		holder := s.key(t, holderOf(t, d.st, id))
		stranger := s.key(t, "gfc") // a member with no sources
		before := len(mustHistory(t, p.log, iin))
		if r := get(t, ts.URL+"/api/v1/entities/"+id, stranger...); r.status != http.StatusForbidden {
			t.Errorf("entity as a member holding no record = %d; want 403", r.status)
		}
		if r := get(t, ts.URL+"/api/v1/entities/"+id); r.status != http.StatusUnauthorized {
			t.Errorf("entity without a key = %d; want 401", r.status)
		}
		var res api.SearchResult
		decodeInto(t, get(t, ts.URL+"/api/v1/search?q="+iin, stranger...), &res)
		if len(res.Results) != 0 {
			t.Errorf("search as a member holding no record found %+v", res.Results)
		}
		if got := len(mustHistory(t, p.log, iin)) - before; got != 0 {
			t.Fatalf("refused reads left %d audit records", got)
		}
		if r := get(t, ts.URL+"/api/v1/entities/"+id, append(holder, api.HeaderRequestID, "case-7")...); r.status != http.StatusOK {
			t.Fatalf("entity as holder = %d %s", r.status, r.body)
		}
		decodeInto(t, get(t, ts.URL+"/api/v1/search?q="+iin, holder...), &res)
		if len(res.Results) != 1 {
			t.Fatalf("search as holder = %+v", res)
		}
		recs := mustHistory(t, p.log, iin)
		if len(recs)-before != 2 || recs[1].Service != "entity-read" || recs[1].Kind != audit.KindSystemRead || recs[1].RequestID != "case-7" || recs[0].Auth == "" {
			t.Errorf("reads audited as %+v; want two entity-read records, the first with case-7", recs[:len(recs)-before])
		}
	})
}

// TestTricklingPushCutOff: a push body slower than the minimum rate is
// refused with 408 once the grace has passed, storing nothing.
func TestTricklingPushCutOff(t *testing.T) {
	st := storetest.SQLite(t)
	mustRegister(t, st)
	p := newPlatform(t, st, 0)
	srv, err := api.New(st, api.Options{Exchange: p.x, Audit: p.log, PushMinRate: 1 << 20, PushGrace: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	token, _, err := p.x.CreateKey(context.Background(), "moh", "", []string{exchange.ScopeSources})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(ts.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := cardsCSV()
	fmt.Fprintf(conn, "POST /api/v1/sources/health_cards/records HTTP/1.1\r\nHost: %s\r\nContent-Type: text/csv\r\n"+
		"Authorization: Bearer %s\r\nContent-Length: %d\r\n\r\n", u.Host, token, len(body))
	go func() {
		for i := 0; i < len(body); i++ {
			if _, err := conn.Write([]byte{body[i]}); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(string(b), "too slowly") {
		t.Fatalf("trickling push = %d %s; want 408", res.StatusCode, b)
	}
	if runs, err := st.Runs(context.Background(), "", 10); err != nil || len(runs) != 0 {
		t.Fatalf("runs after a cut-off push: %v, %v", runs, err)
	}
}

// TestServiceReadsOwnSourceOnly: a member's admin key cannot publish a
// service over another agency's source, the national administrator's
// neither, and a service whose source another agency keeps answers no
// records of it. Before, kgd's admin key pointed person-income at the
// disability register and read it for anyone.
func TestServiceReadsOwnSourceOnly(t *testing.T) {
	d := demoSQLite(t)
	p := newPlatform(t, d.st, 0)
	s, ts := mustServe(t, d.st, Options{Exchange: p.x, Audit: p.log})
	svc := `{"member":"kgd","kind":"person","source":"disability_register","fields":["disability_group"],"title":{"en":"Income"}}`
	for name, key := range map[string][]string{"kgd's admin": s.key(t, "kgd", exchange.ScopeAdmin),
		"the national administrator": s.key(t, api.DefaultNationalAdmin, exchange.ScopeAdmin)} {
		r := do(t, http.MethodPut, ts.URL+"/api/v1/registry/services/person-income", "application/json", svc, key...)
		if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "not_owner") {
			t.Errorf("%s points kgd's service at mlsp's register: %d\n%s", name, r.status, r.body)
		}
	}
	got, ok := p.x.Service("person-income")
	if !ok || got.Source != "tax_incomes" {
		t.Fatalf("person-income after the refusals: %+v", got)
	}
	// The store answers a source's records only to the agency keeping it.
	recs, err := d.st.EntitySourceRecords(context.Background(), d.Person.EntityID, "population_register", "kgd")
	if err != nil || len(recs) != 0 {
		t.Errorf("kgd read %d records of moj's register: %v", len(recs), err)
	}
}

// TestAuditKeyOwnAgencyOnly: an agency's audit key reads its own agency's
// records of a citizen's accesses, not the whole nation's; the national
// administrator's reads them all. Before, any member's admin key could
// mint itself an audit key to every agency's accesses.
func TestAuditKeyOwnAgencyOnly(t *testing.T) {
	st := storetest.SQLite(t)
	mustSeed(t, st)
	p := newPlatform(t, st, 0)
	s, ts := mustServe(t, st, Options{Exchange: p.x, Audit: p.log})
	ctx := context.Background()
	recs, err := p.log.Append(ctx,
		audit.Record{Member: "kgd", Subsystem: "tax-audit", Service: "person-income", Subject: iinAigerim, Purpose: "tax-audit",
			Decision: audit.Allowed, Status: 200},
		audit.Record{Member: "mlsp", Subsystem: "console", Service: "console-entity", Subject: iinAigerim, Purpose: "social-case",
			Kind: audit.KindBreakGlass, Role: "data_officer", Case: "C-1", Reason: "a written reason", Decision: audit.Allowed,
			Status: 200})
	if err != nil {
		t.Fatal(err)
	}
	kgd := s.key(t, "kgd", exchange.ScopeAudit)
	var hist struct{ Records []audit.Record }
	decodeInto(t, get(t, ts.URL+"/api/v1/audit/records?subject="+iinAigerim, kgd...), &hist)
	if len(hist.Records) != 1 || hist.Records[0].Member != "kgd" {
		t.Errorf("kgd's audit key reads %+v; want kgd's record alone", hist.Records)
	}
	if r := get(t, ts.URL+"/api/v1/audit/records/"+strconv.FormatUint(recs[1].Index, 10), kgd...); r.status != http.StatusNotFound {
		t.Errorf("kgd's audit key reads mlsp's record: %d", r.status)
	}
	gov := s.key(t, api.DefaultNationalAdmin, exchange.ScopeAudit)
	decodeInto(t, get(t, ts.URL+"/api/v1/audit/records?subject="+iinAigerim, gov...), &hist)
	if len(hist.Records) != 2 {
		t.Errorf("the national administrator's audit key reads %d records; want 2", len(hist.Records))
	}
}
