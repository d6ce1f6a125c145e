package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/web/view"
)

// TestOfficialLookReachesTheWallet opens a citizen in the console as a
// data officer of an agency that holds their records, and finds the look
// in the citizen's "who looked" with the agency, the role, the reason and
// the case, and without the official's login; an official of another
// agency and an anonymous visitor are refused and leave nothing there.
func TestOfficialLookReachesTheWallet(t *testing.T) {
	rig := newWalletRig(t)
	ctx := context.Background()
	c := consoleOf(t, rig.ts.URL)
	gs, err := rig.st.GoldenByNationalID(ctx, rig.citizen, 1)
	if err != nil || len(gs) == 0 {
		t.Fatalf("the citizen's golden record: %v", err)
	}
	entity := gs[0].EntityID
	held := personHolders(t, rig.st, entity)
	var stranger string
	srcs, err := rig.st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range srcs {
		if !slices.Contains(held, s.AgencyCode) {
			stranger = s.AgencyCode
		}
	}
	if len(held) == 0 || stranger == "" {
		t.Fatalf("the citizen is held by %v: no agency to compare with", held)
	}

	before := rig.log.Size()
	other := newOfficial(t, c.dir, stranger, access.DataOfficer)
	otherCookie, _ := officialCookie(t, c.dir, other, true)
	if r := get(t, rig.ts.URL+"/entities/"+entity, "Cookie", otherCookie); r.status != http.StatusForbidden ||
		strings.Contains(string(r.body), rig.citizen) {
		t.Errorf("an official of %s opened a citizen only %v hold: %d", stranger, held, r.status)
	}
	if r := noRedirect(t, http.MethodGet, rig.ts.URL+"/entities/"+entity, nil, "Cookie", ""); r.status != http.StatusSeeOther {
		t.Errorf("anonymous entity page: %d; want a redirect to sign in", r.status)
	}
	if got := rig.log.Size(); got != before {
		t.Fatalf("refused looks wrote %d audit records", got-before)
	}

	o := newOfficial(t, c.dir, held[0], access.DataOfficer)
	cookie, _ := officialCookie(t, c.dir, o, true)
	if r := get(t, rig.ts.URL+"/entities/"+entity, "Cookie", cookie); r.status != http.StatusOK {
		t.Fatalf("a data officer of %s opening the citizen: %d", held[0], r.status)
	}
	recs, err := rig.log.History(ctx, rig.citizen, 1)
	if err != nil || len(recs) != 1 {
		t.Fatalf("history: %v, %d records", err, len(recs))
	}
	rec := recs[0]
	if rec.Kind != audit.KindOfficialRead || rec.Member != held[0] || rec.Role != string(access.DataOfficer) ||
		rec.Case != "TEST-1" || rec.Subsystem != "console" || strings.Contains(rec.User, o.Login) {
		t.Errorf("the look's record: %+v", rec)
	}

	b := rig.browser(t)
	b.signIn(rig.citizen)
	page := b.do("GET", "/wallet/access?lang=ru", nil).body
	l := view.Locale{Lang: "ru"}
	for _, want := range []string{"TEST-1", l.Label("role.", string(access.DataOfficer)), l.T("wallet.access.duty"),
		l.Label("read.", "console-entity")} {
		if !strings.Contains(page, want) {
			t.Errorf("the wallet's who-looked lacks %q", want)
		}
	}
	if strings.Contains(page, o.Login) {
		t.Errorf("the wallet names the official's login %s", o.Login)
	}
}

// TestReadLimitStopsBulkReading gives officials an allowance of one person
// an hour: a work list naming many is refused with 429, shows no one and
// writes nothing to the audit log, while one person's page still opens.
func TestReadLimitStopsBulkReading(t *testing.T) {
	d := demoSQLite(t)
	p := newPlatform(t, d.st, 0)
	_, ts := mustServe(t, d.st, Options{Exchange: p.x, Audit: p.log, ReadsPerHour: 1})
	size := p.log.Size()
	r := get(t, ts.URL+"/worklist.csv")
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("an export past the allowance: %d (Retry-After %q); want 429", r.status, r.header.Get("Retry-After"))
	}
	if strings.Contains(string(r.body), d.Person.NationalID) || p.log.Size() != size {
		t.Errorf("a refused export showed people or wrote %d audit records", p.log.Size()-size)
	}
	if r := get(t, ts.URL+"/entities/"+d.Person.EntityID); r.status != http.StatusOK || p.log.Size() != size+1 {
		t.Errorf("one person within the allowance: %d, %d audit records", r.status, p.log.Size()-size)
	}
}

// TestPagesNameNoOneOutsideScope: a source's failing rows and an entity's
// household name people. An analyst sees the counts and no one; a data
// officer sees the household members their agency holds a record of, and
// every person a page names is a read in the audit log. Before, any role
// read named failing rows on every source page, and a household's members
// outside the officer's agency, with no audit record.
func TestPagesNameNoOneOutsideScope(t *testing.T) {
	d := demoSQLite(t)
	p := newPlatform(t, d.st, 0)
	_, ts := mustServe(t, d.st, Options{Exchange: p.x, Audit: p.log})
	ctx := context.Background()
	c := consoleOf(t, ts.URL)

	analyst := newOfficial(t, c.dir, "", access.Analyst)
	cookie, _ := officialCookie(t, c.dir, analyst, false)
	size := p.log.Size()
	page := string(get(t, ts.URL+"/sources/"+d.Finding.Source, "Cookie", cookie).body)
	if strings.Contains(page, `href="/entities/`) || p.log.Size() != size {
		t.Errorf("an analyst's source page names people (%d audit records)", p.log.Size()-size)
	}
	officer := newOfficial(t, c.dir, d.Finding.Agency, access.DataOfficer)
	cookie, _ = officialCookie(t, c.dir, officer, true)
	page = string(get(t, ts.URL+"/sources/"+d.Finding.Source, "Cookie", cookie).body)
	if n := strings.Count(page, `href="/entities/`); n == 0 || p.log.Size() == size {
		t.Errorf("the owner's source page names %d people with %d audit records; want some, each audited", n, p.log.Size()-size)
	}

	// A person, an agency holding them, and a household member it does not.
	ids, err := d.st.SampleNationalIDs(ctx, 400)
	if err != nil {
		t.Fatal(err)
	}
	for _, iin := range ids {
		gs, err := d.st.GoldenByNationalID(ctx, iin, 1)
		if err != nil || len(gs) == 0 || gs[0].Household == "" {
			continue
		}
		house, err := d.st.GoldenBy(ctx, "household", gs[0].Household, 20)
		if err != nil {
			t.Fatal(err)
		}
		for _, agency := range personHolders(t, d.st, gs[0].EntityID) {
			for _, m := range house {
				if m.EntityID == gs[0].EntityID || m.NationalID == "" || slices.Contains(personHolders(t, d.st, m.EntityID), agency) {
					continue
				}
				o := newOfficial(t, c.dir, agency, access.DataOfficer)
				cookie, _ := officialCookie(t, c.dir, o, true)
				page := string(get(t, ts.URL+"/entities/"+gs[0].EntityID+"?lang=en", "Cookie", cookie).body)
				if strings.Contains(page, m.NationalID) || strings.Contains(page, `href="/entities/`+m.EntityID+`"`) ||
					!strings.Contains(page, `id="ties-hidden"`) {
					t.Errorf("an officer of %s sees household member %s of %s, whom %s holds no record of", agency, m.EntityID,
						gs[0].EntityID, agency)
				}
				if recs := mustHistory(t, p.log, m.NationalID); len(recs) != 0 && recs[0].Member == agency {
					t.Errorf("the hidden household member has an audit record of %s's look", agency)
				}
				return
			}
		}
	}
	t.Fatal("the demo nation has no household with a member outside a holder's records")
}

// consoleOf is the test console of the server at base.
func consoleOf(t *testing.T, base string) *testConsole {
	t.Helper()
	v, ok := consoles.Load(base)
	if !ok {
		t.Fatalf("no test console at %s", base)
	}
	return v.(*testConsole)
}
