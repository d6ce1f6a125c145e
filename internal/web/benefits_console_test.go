package web

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/welfare"
)

// demoBenefits returns a demo store of its own for the benefits tests:
// they decide every household, accept offers, answer appeals and change
// the МРП, which the other tests' shared store must not see.
func demoBenefits(tb testing.TB) *demo {
	tb.Helper()
	return sharedDemo(tb, "sqlite-benefits", func() (string, func(), error) {
		dir := filepath.Join(demoExtracts(tb), "..")
		return "sqlite:" + filepath.Join(dir, "benefits.db"), func() {}, nil
	})
}

// benefitsDate is the date the benefits tests decide on: today, as the
// offers and appeals they make are dated by the clock.
func benefitsDate() benefits.Date {
	y, m, d := time.Now().Date()
	return benefits.MakeDate(y, int(m), d)
}

var (
	benefitsRunMu sync.Mutex
	benefitsRuns  = map[*store.Store]bool{}
)

// welfareOn returns a benefits service over d's store, with every
// household decided once per store.
func welfareOn(tb testing.TB, d *demo) *welfare.Service {
	tb.Helper()
	ctx := context.Background()
	svc, err := welfare.New(ctx, d.st, welfare.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	benefitsRunMu.Lock()
	defer benefitsRunMu.Unlock()
	if !benefitsRuns[d.st] {
		if _, err := svc.Run(ctx, benefitsDate(), io.Discard); err != nil {
			tb.Fatal(err)
		}
		benefitsRuns[d.st] = true
	}
	return svc
}

// consoleBenefitsRig is a server with the benefits service over the benefits
// demo store.
type consoleBenefitsRig struct {
	d   *demo
	svc *welfare.Service
	srv *testServer
	ts  string
	log *audit.Log
}

func newConsoleBenefitsRig(t *testing.T) *consoleBenefitsRig {
	t.Helper()
	d := demoBenefits(t)
	p := newPlatform(t, d.st, 0)
	svc := welfareOn(t, d)
	srv, ts := mustServe(t, d.st, Options{Exchange: p.x, Audit: p.log, Consents: p.consents, Welfare: svc})
	return &consoleBenefitsRig{d: d, svc: svc, srv: srv, ts: ts.URL, log: p.log}
}

// officer signs in an official of agency with roles and a stated case,
// and returns their Cookie header and form token.
func (rig *consoleBenefitsRig) officer(t *testing.T, agency string, roles ...access.Role) (cookie, csrf string) {
	t.Helper()
	o := newOfficial(t, rig.srv.officials, agency, roles...)
	return officialCookie(t, rig.srv.officials, o, true)
}

// households lists the households the latest decisions changed, newly
// eligible first.
func households(t *testing.T, st *store.Store) []store.BenefitEvent {
	t.Helper()
	events, err := st.EventsSince(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// openOffer finds an offer still offered, of one of programmes (any
// when none is named), and its recipient accepts it.
func openOffer(t *testing.T, st *store.Store, svc *welfare.Service, programmes ...string) store.Offer {
	t.Helper()
	ctx := context.Background()
	seen := map[string]bool{}
	for _, e := range households(t, st) {
		if seen[e.Household] || e.Kind != store.EventNewlyEligible ||
			len(programmes) > 0 && !slices.Contains(programmes, e.Programme) {
			continue
		}
		seen[e.Household] = true
		if !claimHousehold(e.Household) {
			continue
		}
		members, err := st.HouseholdMembers(ctx, e.Household)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range members {
			offers, err := st.OffersFor(ctx, m.IIN)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range offers {
				if o.Status == store.OfferOffered && (len(programmes) == 0 || slices.Contains(programmes, o.Programme)) {
					o, err := svc.RespondOffer(ctx, o.RecipientIIN, o.ID, true)
					if err != nil {
						t.Fatal(err)
					}
					return o
				}
			}
		}
	}
	t.Fatal("no open offer in the demo's decisions")
	return store.Offer{}
}

// refusal files an appeal against a programme a household was refused,
// by one of its members, with a document; each call takes another
// household.
func refusal(t *testing.T, st *store.Store, svc *welfare.Service, reason string) store.Appeal {
	t.Helper()
	ctx := context.Background()
	for _, e := range households(t, st) {
		dec, err := st.CurrentDecision(ctx, e.Household)
		if err != nil {
			t.Fatal(err)
		}
		members, err := st.HouseholdMembers(ctx, e.Household)
		if err != nil {
			t.Fatal(err)
		}
		if len(members) == 0 || members[0].IIN == "" {
			continue
		}
		mine, err := st.AppealsFor(ctx, members[0].IIN)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) > 0 {
			continue
		}
		for _, o := range dec.Outcomes {
			if o.Eligible {
				continue
			}
			a, err := svc.FileAppeal(ctx, members[0].IIN, dec.ID, o.Programme, reason,
				&welfare.Document{Name: "certificate.pdf", Type: "application/pdf", Data: []byte("%PDF-1.4 appeal")})
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	t.Fatal("no refused household to appeal")
	return store.Appeal{}
}

// TestBenefitsOfficerConfirmsOffer walks an accepted offer through the
// queue: the officer of the administering agency sees it (each citizen
// shown is recorded as read under the case), opens it, and confirms it;
// an officer of another agency is refused the queue, the offer and the
// form, and writes nothing.
func TestBenefitsOfficerConfirmsOffer(t *testing.T) {
	rig := newConsoleBenefitsRig(t)
	ctx := context.Background()
	offer := openOffer(t, rig.d.st, rig.svc)
	agency := rig.svc.Agency()
	cookie, csrf := rig.officer(t, agency, access.SocialWorker)

	r := get(t, rig.ts+"/benefits/queue?lang=kk", "Cookie", cookie)
	if r.status != http.StatusOK {
		t.Fatalf("queue: %d\n%.400s", r.status, r.body)
	}
	if !strings.Contains(string(r.body), `id="offer-`+strconv.FormatInt(offer.ID, 10)+`"`) ||
		!strings.Contains(string(r.body), offer.RecipientIIN) {
		t.Errorf("the queue lacks offer %d to %s", offer.ID, offer.RecipientIIN)
	}
	recs, err := rig.log.History(ctx, offer.RecipientIIN, 1)
	if err != nil || len(recs) != 1 {
		t.Fatalf("history: %v, %d records", err, len(recs))
	}
	if rec := recs[0]; rec.Kind != audit.KindOfficialRead || rec.Service != "console-benefits" || rec.Member != agency ||
		rec.Role != string(access.SocialWorker) || rec.Case != "TEST-1" {
		t.Errorf("the queue's read: %+v", rec)
	}
	if !view.Known("read." + recs[0].Service) {
		t.Errorf("the wallet has no words for the read %q: add read.%[1]s to its messages", recs[0].Service)
	}

	// Another agency's officer: refused everywhere, nothing written.
	path := rig.ts + "/benefits/offers/" + strconv.FormatInt(offer.ID, 10)
	stranger := "mvd"
	if agency == stranger {
		stranger = "moa"
	}
	otherCookie, otherCSRF := rig.officer(t, stranger, access.SocialWorker)
	size := auditSize(t, rig.d.st)
	for _, c := range []struct {
		method, path string
		form         url.Values
	}{
		{http.MethodGet, rig.ts + "/benefits/queue", nil},
		{http.MethodGet, path, nil},
		{http.MethodPost, path, url.Values{"action": {"confirm"}, "csrf": {otherCSRF}}},
	} {
		if r := noRedirect(t, c.method, c.path, c.form, "Cookie", otherCookie, "Origin", rig.ts); r.status != http.StatusForbidden ||
			strings.Contains(string(r.body), offer.RecipientIIN) {
			t.Errorf("%s %s by an officer of %s: %d", c.method, c.path, stranger, r.status)
		}
	}
	if got := auditSize(t, rig.d.st); got != size {
		t.Errorf("the refusals wrote %d audit records", got-size)
	}

	if r := get(t, path+"?lang=kk", "Cookie", cookie); r.status != http.StatusOK || !strings.Contains(string(r.body), `id="offer-form"`) {
		t.Fatalf("offer page: %d\n%.600s", r.status, r.body)
	}
	r = noRedirect(t, http.MethodPost, path, url.Values{"action": {"confirm"}, "note": {"Құжаттар тексерілді"}, "csrf": {csrf}},
		"Cookie", cookie, "Origin", rig.ts)
	if r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%.600s", r.status, r.body)
	}
	got, err := rig.d.st.Offer(ctx, offer.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.OfferConfirmed || got.ConfirmedBy == 0 || got.Note != "Құжаттар тексерілді" {
		t.Errorf("the offer after confirming: %+v", got)
	}
	// A second decision on it is a conflict, not a change.
	r = noRedirect(t, http.MethodPost, path, url.Values{"action": {"reject"}, "note": {"late"}, "csrf": {csrf}},
		"Cookie", cookie, "Origin", rig.ts)
	if r.status != http.StatusConflict {
		t.Errorf("deciding a confirmed offer again: %d", r.status)
	}
}

// TestBenefitsAnswerAppeal answers a citizen's appeal after re-deciding
// the household, citing a rule of the programme; the appeal's document
// is sent as a download recorded as a read.
func TestBenefitsAnswerAppeal(t *testing.T) {
	rig := newConsoleBenefitsRig(t)
	ctx := context.Background()
	a := refusal(t, rig.d.st, rig.svc, "Менің балам студент, бұл ескерілмеді.")
	cookie, csrf := rig.officer(t, rig.svc.Agency(), access.SocialWorker)
	path := rig.ts + "/benefits/appeals/" + strconv.FormatInt(a.ID, 10)

	r := get(t, path+"?lang=kk", "Cookie", cookie)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), a.Reason) || !strings.Contains(string(r.body), `id="answer-form"`) {
		t.Fatalf("appeal page: %d\n%.600s", r.status, r.body)
	}
	rule := firstOption(string(r.body), "rule")
	if rule == "" {
		t.Fatal("the answer form offers no rule to cite")
	}
	size := auditSize(t, rig.d.st)
	if r := get(t, path+"/document", "Cookie", cookie); r.status != http.StatusOK || string(r.body) != "%PDF-1.4 appeal" ||
		!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Errorf("the appeal's document: %d %q", r.status, r.body)
	}
	if got := auditSize(t, rig.d.st); got != size+1 {
		t.Errorf("the document's download wrote %d audit records; want 1", got-size)
	}

	answer := "Ережеге сәйкес отбасы табысы шектен жоғары; шешім өзгеріссіз қалады."
	r = noRedirect(t, http.MethodPost, path, url.Values{"answer": {answer}, "rule": {rule}, "outcome": {store.AppealUpheld},
		"redecide": {"1"}, "csrf": {csrf}}, "Cookie", cookie, "Origin", rig.ts)
	if r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d\n%.600s", r.status, r.body)
	}
	got, err := rig.d.st.Appeal(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != store.AppealAnswered || got.Answer != answer || got.AnswerRule != rule || got.AnsweredBy == 0 {
		t.Errorf("the appeal after the answer: %+v", got)
	}
	if r := get(t, path, "Cookie", cookie); !strings.Contains(string(r.body), `id="appeal-answer"`) ||
		strings.Contains(string(r.body), `id="answer-form"`) {
		t.Errorf("the answered appeal's page: %d", r.status)
	}
}

// firstOption is the value of the first option of the select named name.
func firstOption(page, name string) string {
	_, rest, ok := strings.Cut(page, `name="`+name+`"`)
	if !ok {
		return ""
	}
	_, rest, ok = strings.Cut(rest, `<option value="`)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, `"`)
	return htmlUnescape(v)
}

// htmlUnescape undoes html/template's escaping of an attribute.
func htmlUnescape(s string) string {
	return strings.NewReplacer("&#34;", `"`, "&#39;", "'", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#43;", "+").Replace(s)
}

// TestBenefitsSimulateAndChangeRules simulates the МРП +5 % (a cost
// delta, nothing decided), then a policy officer sets a new МРП from a
// date, which re-decides the households it affects.
func TestBenefitsSimulateAndChangeRules(t *testing.T) {
	rig := newConsoleBenefitsRig(t)
	ctx := context.Background()
	cookie, csrf := rig.officer(t, rig.svc.Agency(), access.PolicyOfficer)
	date := benefitsDate().String()

	runs, err := rig.d.st.BenefitRuns(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	r := noRedirect(t, http.MethodPost, rig.ts+"/benefits/simulate?lang=en", url.Values{"name": {"MRP"}, "mode": {"percent"},
		"value": {"5"}, "from": {date}, "csrf": {csrf}}, "Cookie", cookie, "Origin", rig.ts)
	if r.status != http.StatusOK {
		t.Fatalf("simulate: %d\n%.600s", r.status, r.body)
	}
	delta := between(string(r.body), `id="sim-delta">`, "<")
	if delta == "" || strings.HasPrefix(delta, "0") {
		t.Errorf("the simulation shows no cost delta: %q", delta)
	}
	after, err := rig.d.st.BenefitRuns(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) > 0 && len(after) > 0 && after[0].ID != runs[0].ID && after[0].Kind != store.RunSimulation {
		t.Errorf("simulating made a %s run", after[0].Kind)
	}

	r = noRedirect(t, http.MethodPost, rig.ts+"/benefits/rules", url.Values{"kind": {"parameter"}, "name": {"MRP"},
		"from": {date}, "value": {"4600"}, "law": {"Law on the republican budget (amended)"}, "reason": {"The test's new МРП"},
		"csrf": {csrf}}, "Cookie", cookie, "Origin", rig.ts)
	if r.status != http.StatusSeeOther {
		t.Fatalf("change the МРП: %d\n%.600s", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := strconv.Atoi(loc.Query().Get("changed")); n == 0 {
		t.Errorf("the new МРП changed no decision: %s", loc)
	}
	page := get(t, rig.ts+loc.String()+"&lang=en", "Cookie", cookie)
	if !strings.Contains(string(page.body), `id="rules-done"`) || !strings.Contains(string(page.body), "4,600") {
		t.Errorf("the rules page after the change: %d\n%.800s", page.status, page.body)
	}
	// A programme file larger than an ordinary form reaches the rules,
	// which judge it (here: it holds no version), rather than being
	// refused as a malformed form.
	big := strings.Repeat("# a ministry's commentary on the rule\n", 600) + "id: large_family\n"
	r = noRedirect(t, http.MethodPost, rig.ts+"/benefits/rules", url.Values{"kind": {"programme"}, "name": {"large_family"},
		"from": {date}, "value": {big}, "law": {"test"}, "reason": {"a long file"}, "csrf": {csrf}}, "Cookie", cookie, "Origin", rig.ts)
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("a %d-byte programme file: %d, want 422 from the rules\n%.400s", len(big), r.status, r.body)
	}
}

// between is the text of s between the first start and the next end.
func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}

// TestBenefitsPages renders the ministry's pages in every language: the
// totals, the rules and well-being with M0.
func TestBenefitsPages(t *testing.T) {
	rig := newConsoleBenefitsRig(t)
	cookie, _ := rig.officer(t, rig.svc.Agency(), access.PolicyOfficer)
	for _, lang := range []string{"kk", "ru", "en"} {
		for path, want := range map[string]string{
			"/benefits":          `id="monthly-sum"`,
			"/benefits/rules":    `id="param-MRP"`,
			"/benefits/simulate": `id="simulate-form"`,
			"/wellbeing":         `id="m0"`,
		} {
			r := get(t, rig.ts+path+"?lang="+lang, "Cookie", cookie)
			if r.status != http.StatusOK || !strings.Contains(string(r.body), want) {
				t.Errorf("%s in %s: %d, want %s\n%.400s", path, lang, r.status, want, r.body)
			}
		}
	}
}

// TestBenefitsOfferRecordsFormerMembers has a member leave the household
// after the decision an accepted offer rests on: the officer's page
// explains that decision, with the leaver's facts, so the leaver's
// wallet lists the look too.
func TestBenefitsOfferRecordsFormerMembers(t *testing.T) {
	brig := newBenefitsRig(t)
	ctx, st := context.Background(), brig.st
	p := newPlatform(t, st, 0)
	srv, ts := mustServe(t, st, Options{Exchange: p.x, Audit: p.log, Consents: p.consents, Welfare: brig.welfare})
	// An open offer on a household with another member with an IIN.
	var offer store.Offer
	var leaver store.HouseholdMember
	var members []store.HouseholdMember
	events, err := st.EventsSince(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Kind != store.EventNewlyEligible || offer.ID != 0 {
			continue
		}
		ms, err := st.HouseholdMembers(ctx, e.Household)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			offers, _ := st.OffersFor(ctx, m.IIN)
			for _, o := range offers {
				if o.Status == store.OfferOffered && o.Household == e.Household && offer.ID == 0 {
					offer = o
				}
			}
		}
		i := slices.IndexFunc(ms, func(m store.HouseholdMember) bool { return m.IIN != "" && m.IIN != offer.RecipientIIN })
		if offer.ID == 0 || i < 0 {
			offer = store.Offer{}
			continue
		}
		leaver, members = ms[i], ms
	}
	if offer.ID == 0 {
		t.Fatal("no open offer on a household of two people with IINs")
	}
	if _, err := brig.welfare.RespondOffer(ctx, offer.RecipientIIN, offer.ID, true); err != nil {
		t.Fatal(err)
	}
	// The leaver moves out: the household's next decision lists the
	// others only.
	dec, err := st.BenefitDecision(ctx, offer.DecisionID)
	if err != nil {
		t.Fatal(err)
	}
	w, err := st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunAppeal, DecisionDate: dec.DecisionDate, CatalogVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	next := dec
	next.ID, next.InputsHash, next.CreatedAt = 0, []byte("moved out"), time.Time{}
	next.Members = slices.DeleteFunc(slices.Clone(members), func(m store.HouseholdMember) bool { return m == leaver })
	if _, err := w.Add(ctx, next); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(ctx, 1); err != nil {
		t.Fatal(err)
	}

	o := newOfficial(t, srv.officials, brig.welfare.Agency(), access.SocialWorker)
	cookie, _ := officialCookie(t, srv.officials, o, true)
	if r := get(t, ts.URL+"/benefits/offers/"+strconv.FormatInt(offer.ID, 10)+"?lang=en", "Cookie", cookie); r.status != http.StatusOK {
		t.Fatalf("offer page: %d\n%.400s", r.status, r.body)
	}
	recs, err := p.log.History(ctx, leaver.IIN, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(recs, func(r audit.Record) bool { return r.Service == "console-benefits" }) {
		t.Errorf("the officer read the decision counting %s, who has since left, and their wallet does not show it", leaver.Person)
	}
}

// TestBenefitsOfferExplained shows the officer the decision behind an
// accepted offer as the wallet shows it to the citizen: the facts with
// the household's people by name and the agencies by their Kazakh names,
// never internal entity ids or field codes, the figures with their law;
// and the page's read is recorded under the officer's case.
func TestBenefitsOfferExplained(t *testing.T) {
	rig := newConsoleBenefitsRig(t)
	ctx := context.Background()
	// A programme that reads the members' birth dates (АСП of a household
	// without income reads only its region).
	offer := openOffer(t, rig.d.st, rig.svc, "large_family", "childcare", "birth", "disability")
	cookie, _ := rig.officer(t, rig.svc.Agency(), access.SocialWorker)
	size := auditSize(t, rig.d.st)
	r := get(t, rig.ts+"/benefits/offers/"+strconv.FormatInt(offer.ID, 10)+"?lang=kk", "Cookie", cookie)
	if r.status != http.StatusOK {
		t.Fatalf("offer page: %d\n%.600s", r.status, r.body)
	}
	body := string(r.body)
	if auditSize(t, rig.d.st) == size {
		t.Error("the offer page recorded no read")
	}
	for _, want := range []string{`id="decision-summary"`, `id="explain-rule"`, `id="explain-facts"`, `id="explain-params"`,
		`id="explain-steps"`, "Ескерілген деректер", "Туған күні", "бастап"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Kazakh offer page lacks %q", want)
		}
	}
	// A fact of a member of the household, by name.
	members, err := rig.d.st.HouseholdMembers(ctx, offer.Household)
	if err != nil {
		t.Fatal(err)
	}
	named := false
	for _, m := range members {
		gs, err := rig.d.st.GoldenByNationalID(ctx, m.IIN, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(gs) > 0 && strings.Contains(body, `<span class="fact-what">`+template.HTMLEscapeString(gs[0].Name)+" · ") {
			named = true
		}
		if m.Person != "" && strings.Contains(body, `<span class="fact-what">`+m.Person) {
			t.Errorf("a fact names %s by the entity id", m.Person)
		}
	}
	if !named {
		t.Errorf("no fact names a member of household %s:\n%s", offer.Household, between(body, `id="explain-facts"`, "</section>"))
	}
	// The agency a fact came from, as the registry names it in Kazakh.
	ix, err := view.LoadSources(ctx, rig.d.st, view.Locale{Lang: "kk"})
	if err != nil {
		t.Fatal(err)
	}
	agency := false
	for code, name := range ix.Agency {
		if name != code && strings.Contains(body, `<span class="agency-name">`+template.HTMLEscapeString(name)+`</span>`) {
			agency = true
		}
	}
	if !agency {
		t.Errorf("no fact names its agency in Kazakh:\n%s", between(body, `id="explain-facts"`, "</section>"))
	}
	for _, bad := range []string{"birth_date", "avg_income_24m", "Social Code"} {
		if strings.Contains(body, bad) {
			t.Errorf("the Kazakh offer page shows %q", bad)
		}
	}
}
