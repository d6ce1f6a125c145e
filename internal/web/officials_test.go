package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/store"
)

// consoleCookieName is the console's session cookie.
const consoleCookieName = "__Host-ortaq-console"

// consoles maps a test server's base URL to its *testConsole.
var consoles sync.Map

// consoleSession is an official's session as a browser holds it.
type consoleSession struct {
	Cookie, CSRF string
}

// testConsole is a test server's officials: the default one, and one per
// agency, signed in when first needed, with every role and a case.
type testConsole struct {
	st  *store.Store
	dir *officials.Directory
	def consoleSession

	mu       sync.Mutex
	byAgency map[string]consoleSession
}

// agency returns the session of the official of agency, signing one in
// the first time.
func (c *testConsole) agency(tb testing.TB, agency string) consoleSession {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sess, ok := c.byAgency[agency]; ok {
		return sess
	}
	o := newOfficial(tb, c.dir, agency, slices.Clone(access.Roles)...)
	cookie, csrf := officialCookie(tb, c.dir, o, true)
	sess := consoleSession{Cookie: cookie, CSRF: csrf}
	c.byAgency[agency] = sess
	return sess
}

// sessionFor is the session of the official a test's console request
// comes from: an official of the agency whose data it names (by the
// source, agency, entity, finding or correction in its path, query or
// form), else the server's default official. The tests written before
// officials signed in so keep reading what they read, while the policy
// is tested by the authorisation matrix.
func sessionFor(req *http.Request, form url.Values) (consoleSession, bool) {
	var c *testConsole
	consoles.Range(func(base, v any) bool {
		if strings.HasPrefix(req.URL.String(), base.(string)+"/") {
			c = v.(*testConsole)
			return false
		}
		return true
	})
	if c == nil {
		return consoleSession{}, false
	}
	agency := c.agencyOf(req, form)
	if agency == "" {
		return c.def, true
	}
	return c.agency(nopTB{}, agency), true
}

// agencyOf names the agency whose data a request is about, or "".
func (c *testConsole) agencyOf(req *http.Request, form url.Values) string {
	ctx := context.Background()
	q := req.URL.Query()
	for k, v := range form {
		q[k] = v
	}
	sourceAgency := func(name string) string {
		src, err := c.st.Source(ctx, name)
		if err != nil {
			return ""
		}
		return src.AgencyCode
	}
	parts := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	switch {
	case q.Get("agency") != "":
		return q.Get("agency")
	case q.Get("source") != "":
		return sourceAgency(q.Get("source"))
	case len(parts) >= 2 && parts[0] == "sources":
		return sourceAgency(parts[1])
	case len(parts) >= 2 && parts[0] == "entities":
		id, err := c.st.EntityOf(ctx, parts[1])
		if err != nil {
			return ""
		}
		if held := personHolders(nopTB{}, c.st, id); len(held) > 0 {
			return held[0]
		}
	case len(parts) >= 2 && parts[0] == "findings":
		if f, err := c.st.Finding(ctx, parts[1]); err == nil {
			return f.Agency
		}
	case len(parts) >= 2 && parts[0] == "corrections":
		if corr, _, err := c.st.Correction(ctx, parts[1]); err == nil {
			return corr.Agency
		}
	case len(parts) >= 1 && parts[0] == "virtual-cows":
		return "moa"
	}
	return ""
}

// nopTB lets the helpers that sign officials in run where no test is at
// hand; a failure there panics, which fails the test that asked.
type nopTB struct{ testing.TB }

func (nopTB) Helper()                           {}
func (nopTB) Fatal(args ...any)                 { panic(fmt.Sprint(args...)) }
func (nopTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// officialSeq makes officials' logins unique across a test binary's
// shared stores.
var officialSeq atomic.Int64

// testOfficialName is every test official's name: Kazakh, as the pages
// around it are in the language tests.
const testOfficialName = "Сынақ Қызметкер"

// testPassword is every test official's password.
const testPassword = "correct horse battery staple"

// newOfficial adds an official with roles in agency to dir and returns it.
func newOfficial(tb testing.TB, dir *officials.Directory, agency string, roles ...access.Role) officials.Official {
	tb.Helper()
	o, _ := newOfficialSecret(tb, dir, agency, roles...)
	return o
}

// newOfficialSecret is newOfficial that also returns the secret of the
// official's authenticator app.
func newOfficialSecret(tb testing.TB, dir *officials.Directory, agency string, roles ...access.Role) (officials.Official, string) {
	tb.Helper()
	login := fmt.Sprintf("t%d.%s", officialSeq.Add(1), strings.Join(rolesText(roles), "-"))
	if len(roles) == len(access.Roles) {
		login = fmt.Sprintf("t%d.allroles", officialSeq.Load())
	}
	o := officials.Official{Login: login,
		Name: testOfficialName, Agency: agency, Roles: roles}
	secret, err := dir.Add(context.Background(), o, testPassword)
	if err != nil {
		tb.Fatal(err)
	}
	all, err := dir.List(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	for _, x := range all {
		if x.Login == o.Login {
			return x, secret
		}
	}
	tb.Fatalf("official %s was not added", o.Login)
	return o, ""
}

func rolesText(roles []access.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = strings.ReplaceAll(string(r), "_", "")
	}
	return out
}

// officialCookie signs o in, states a case when withCase, and returns the
// Cookie header that carries the session.
func officialCookie(tb testing.TB, dir *officials.Directory, o officials.Official, withCase bool) (cookie, csrf string) {
	tb.Helper()
	ctx := context.Background()
	token, sess, err := dir.StartSession(ctx, o)
	if err != nil {
		tb.Fatal(err)
	}
	if withCase {
		if err := dir.SetCase(ctx, &sess, officials.Case{Ref: "TEST-1", Reason: officials.ReasonCodes[0]}); err != nil {
			tb.Fatal(err)
		}
	}
	return "__Host-ortaq-console=" + token, sess.CSRF
}

// busiestAgency is the agency with the most findings, then the most live
// records (on the demo store, of those holding a record of the demo's
// person): a default official there can read the people and the work
// lists the tests look at.
func busiestAgency(tb testing.TB, st *store.Store) string {
	tb.Helper()
	ctx := context.Background()
	agencies, err := st.Agencies(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var holders []string
	demoMu.Lock()
	for _, d := range demos {
		if d != nil && d.st == st {
			holders = personHolders(tb, st, d.Person.EntityID)
		}
	}
	demoMu.Unlock()
	tally, err := st.FindingTally(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	findings := map[string]int{}
	for _, c := range tally {
		findings[c.Agency] += c.Open + c.Fixed + c.NotDefect
	}
	// The most findings first, as work-list tests need them, then the
	// most records.
	best := ""
	for _, a := range agencies {
		if holders != nil && !slices.Contains(holders, a.Code) {
			continue
		}
		if best == "" || findings[a.Code] > findings[best] || findings[a.Code] == findings[best] && a.Live > liveOf(agencies, best) {
			best = a.Code
		}
	}
	return best
}

func liveOf(agencies []store.AgencyStats, code string) int {
	for _, a := range agencies {
		if a.Code == code {
			return a.Live
		}
	}
	return 0
}

// personHolders lists the agencies that hold a record of entity.
func personHolders(tb testing.TB, st *store.Store, entity string) []string {
	tb.Helper()
	ctx := context.Background()
	members, err := st.EntityRecords(ctx, []string{entity})
	if err != nil {
		tb.Fatal(err)
	}
	srcs, err := st.Sources(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, m := range members {
		for _, s := range srcs {
			if s.ID == m.SourceID && !slices.Contains(out, s.AgencyCode) {
				out = append(out, s.AgencyCode)
			}
		}
	}
	return out
}

// withOfficials fills in what the console needs to serve officials: a
// directory and an audit log, and returns the default official's cookie
// for the server: every role, in the busiest agency, with a case.
func withOfficials(tb testing.TB, st *store.Store, opts *Options) consoleSession {
	tb.Helper()
	if opts.Officials == nil {
		// Hashing at full cost is for production and the officials'
		// own tests; here it would only slow every official added.
		opts.Officials = officials.New(st, officials.Options{HashMemoryKiB: 64, HashPasses: 1})
	}
	if opts.Audit == nil {
		signer, _, err := audit.LoadOrCreateKey(filepath.Join(tb.TempDir(), "audit.key"), testOrigin)
		if err != nil {
			tb.Fatal(err)
		}
		log, err := audit.Open(context.Background(), st, signer, audit.Options{Origin: testOrigin})
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { log.Close() })
		opts.Audit = log
	}
	agency, roles := busiestAgency(tb, st), slices.Clone(access.Roles)
	if agency == "" {
		// A store with no agency yet: the roles that need none.
		roles = []access.Role{access.Admin, access.Auditor, access.Analyst}
	}
	o := newOfficial(tb, opts.Officials, agency, roles...)
	cookie, csrf := officialCookie(tb, opts.Officials, o, true)
	return consoleSession{Cookie: cookie, CSRF: csrf}
}

// rememberSession makes sess the default official's session of the test
// server at base until the test ends, and dir sign in its per-agency
// officials.
func rememberSession(tb testing.TB, base string, st *store.Store, dir *officials.Directory, sess consoleSession) {
	consoles.Store(base, &testConsole{st: st, dir: dir, def: sess, byAgency: map[string]consoleSession{}})
	tb.Cleanup(func() { consoles.Delete(base) })
}

// agencySession signs in a new official of agency with every role, with a
// stated case, on srv, and returns the Cookie header that carries it.
func agencySession(tb testing.TB, srv *testServer, agency string) string {
	tb.Helper()
	o := newOfficial(tb, srv.officials, agency, slices.Clone(access.Roles)...)
	cookie, _ := officialCookie(tb, srv.officials, o, true)
	return cookie
}
