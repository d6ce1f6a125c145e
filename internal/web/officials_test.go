package web

import (
	"context"
	"fmt"
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

// consoleCookies maps a test server's base URL to the session of its
// default official (a consoleSession), whose cookie do sends with every
// request to it that names no cookie of its own.
var consoleCookies sync.Map

// consoleSession is an official's session as a browser holds it.
type consoleSession struct {
	Cookie, CSRF string
}

// defaultCSRF is the CSRF token of the default official of the test
// server at base, which forms must carry.
func defaultCSRF(tb testing.TB, base string) string {
	tb.Helper()
	v, ok := consoleCookies.Load(base)
	if !ok {
		tb.Fatalf("no default official for %s", base)
	}
	return v.(consoleSession).CSRF
}

// officialSeq makes officials' logins unique across a test binary's
// shared stores.
var officialSeq atomic.Int64

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
	o := officials.Official{Login: fmt.Sprintf("t%d.%s", officialSeq.Add(1), strings.Join(rolesText(roles), "-")),
		Name: "Test Official", Agency: agency, Roles: roles}
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

// busiestAgency is the agency that keeps the most live records: a default
// official there can read most people of a fixture.
func busiestAgency(tb testing.TB, st *store.Store) string {
	tb.Helper()
	agencies, err := st.Agencies(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	best := ""
	most := -1
	for _, a := range agencies {
		if a.Live > most {
			best, most = a.Code, a.Live
		}
	}
	return best
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
	o := newOfficial(tb, opts.Officials, busiestAgency(tb, st), slices.Clone(access.Roles)...)
	cookie, csrf := officialCookie(tb, opts.Officials, o, true)
	return consoleSession{Cookie: cookie, CSRF: csrf}
}
