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
	v, _ := consoles.Load(rig.ts.URL)
	c := v.(*testConsole)
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
