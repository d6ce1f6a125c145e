package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// matrixCase is how the authorisation matrix calls one console route: a
// request on a resource owned by Owner, and what shows that the answer
// holds the resource.
type matrixCase struct {
	Method, Path string
	Form         url.Values
	// Owner is the agency that owns the resource; "" for routes whose
	// answer is not one agency's, where the role alone decides.
	Owner string
	// Filtered routes answer an official of another agency with their own
	// agency's rows instead of a refusal: Marker must then be absent.
	Filtered bool
	// Marker is text an allowed answer carries and a filtered one must
	// not; "" checks the status alone.
	Marker string
}

// matrixRig is the demo store served with everything the console's
// routes touch: a person with an agency that holds them and one that does
// not, a finding, a correction with an attachment, a break-glass grant.
type matrixRig struct {
	d        *demo
	srv      *testServer
	ts       string
	dir      *officials.Directory
	holder   string // an agency holding a record of d.Person
	stranger string // an agency holding none
	corr     store.Correction
	cases    map[string]matrixCase
}

func newMatrixRig(t *testing.T) *matrixRig {
	t.Helper()
	ctx := context.Background()
	// The benefits demo store: the matrix decides its households and
	// files an appeal, which the other tests' shared store must not see.
	d := demoBenefits(t)
	p := newPlatform(t, d.st, 0)
	corrections := wallet.NewCorrections(d.st, wallet.CorrectionOptions{})
	svc := welfareOn(t, d)
	srv, ts := mustServe(t, d.st, Options{Exchange: p.x, Audit: p.log, Consents: p.consents, Corrections: corrections,
		Welfare: svc})
	rig := &matrixRig{d: d, srv: srv, ts: ts.URL, dir: srv.officials}
	members, err := d.st.EntityRecords(ctx, []string{d.Person.EntityID})
	if err != nil {
		t.Fatal(err)
	}
	srcs, err := d.st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	agencyOf := map[int64]string{}
	names := map[int64]string{}
	var agencies []string
	for _, s := range srcs {
		agencyOf[s.ID], names[s.ID] = s.AgencyCode, s.Name
		if !slices.Contains(agencies, s.AgencyCode) {
			agencies = append(agencies, s.AgencyCode)
		}
	}
	var held []string
	var rec store.LiveRecord
	for _, m := range members {
		held = append(held, agencyOf[m.SourceID])
		if rec.RecordID == "" && len(m.Attrs) > 0 {
			rec = m
		}
	}
	rig.holder = agencyOf[rec.SourceID]
	for _, a := range agencies {
		if !slices.Contains(held, a) {
			rig.stranger = a
			break
		}
	}
	if rig.holder == "" || rig.stranger == "" {
		t.Fatalf("the demo person %s is held by %v: no agency to compare with", d.Person.EntityID, held)
	}
	attr := ""
	for k := range rec.Attrs {
		if k != "national_id" && (attr == "" || k < attr) {
			attr = k
		}
	}
	rig.corr, err = corrections.File(ctx, wallet.CorrectionRequest{Subject: d.Person.NationalID, Source: names[rec.SourceID],
		RecordID: rec.RecordID, Attr: attr, Proposed: rec.Attrs[attr] + " 2", Explanation: "the authorisation matrix's request",
		Attachment: &wallet.Attachment{Name: "proof.pdf", Type: "application/pdf", Data: []byte("%PDF-1.4 matrix")}})
	if err != nil {
		t.Fatal(err)
	}
	offer := openOffer(t, d.st, svc)
	appeal := refusal(t, d.st, svc, "the appeal of the authorisation matrix")
	offerPath := "/benefits/offers/" + strconv.FormatInt(offer.ID, 10)
	appealPath := "/benefits/appeals/" + strconv.FormatInt(appeal.ID, 10)
	mlsp := svc.Agency()
	person := d.Person.EntityID
	rig.cases = map[string]matrixCase{
		"GET /benefits":                            {Path: "/benefits"},
		"GET /benefits/queue":                      {Path: "/benefits/queue", Owner: mlsp, Marker: offer.RecipientIIN},
		"GET /benefits/offers/{offer}":             {Path: offerPath, Owner: mlsp, Marker: offer.RecipientIIN},
		"POST /benefits/offers/{offer}":            {Path: offerPath, Form: url.Values{"action": {"neither"}}, Owner: mlsp},
		"GET /benefits/appeals/{appeal}":           {Path: appealPath, Owner: mlsp, Marker: appeal.Reason},
		"POST /benefits/appeals/{appeal}":          {Path: appealPath, Form: url.Values{"outcome": {"neither"}}, Owner: mlsp},
		"GET /benefits/appeals/{appeal}/document":  {Path: appealPath + "/document", Owner: mlsp, Marker: "%PDF-1.4 appeal"},
		"GET /benefits/simulate":                   {Path: "/benefits/simulate"},
		"POST /benefits/simulate":                  {Path: "/benefits/simulate", Form: url.Values{"name": {"MRP"}, "mode": {"neither"}}},
		"GET /benefits/rules":                      {Path: "/benefits/rules"},
		"POST /benefits/rules":                     {Path: "/benefits/rules", Form: url.Values{"kind": {"parameter"}}, Owner: mlsp},
		"GET /wellbeing":                           {Path: "/wellbeing"},
		"GET /spending":                            {Path: "/spending", Owner: mlsp},
		"GET /spending/anomalies":                  {Path: "/spending/anomalies", Owner: mlsp},
		"GET /{$}":                                 {Path: "/"},
		"GET /agencies/{agency}":                   {Path: "/agencies/" + rig.holder},
		"GET /sources/{source}":                    {Path: "/sources/" + names[rec.SourceID]},
		"GET /entities/{entity}":                   {Path: "/entities/" + person, Owner: rig.holder, Marker: d.Person.NationalID},
		"POST /break-glass":                        {Path: "/break-glass", Form: url.Values{"entity": {person}, "reason": {"the matrix opens this person on purpose"}}},
		"GET /virtual-cows":                        {Path: "/virtual-cows"},
		"GET /exchange":                            {Path: "/exchange"},
		"GET /search":                              {Path: "/search?" + url.Values{"q": {d.Spellings[0]}}.Encode(), Owner: rig.holder, Filtered: true, Marker: `href="/entities/` + person + `"`},
		"GET /worklist":                            {Path: "/worklist", Owner: d.Finding.Agency, Filtered: true, Marker: `id="finding-` + d.Finding.ID + `"`},
		"GET /worklist.csv":                        {Path: "/worklist.csv", Owner: d.Finding.Agency, Filtered: true},
		"POST /findings":                           {Path: "/findings", Form: url.Values{"decision": {"fixed"}}, Owner: d.Finding.Agency, Filtered: true},
		"POST /findings/{finding}":                 {Path: "/findings/" + d.Finding.ID, Form: url.Values{"status": {"open"}}, Owner: d.Finding.Agency},
		"GET /corrections/{correction}":            {Path: "/corrections/" + rig.corr.ID, Owner: rig.holder, Marker: rig.corr.ProposedValue},
		"POST /corrections/{correction}":           {Path: "/corrections/" + rig.corr.ID, Form: url.Values{"action": {"neither"}}, Owner: rig.holder},
		"GET /corrections/{correction}/attachment": {Path: "/corrections/" + rig.corr.ID + "/attachment", Owner: rig.holder, Marker: "%PDF-1.4 matrix"},
		"GET /audit":                               {Path: "/audit?subject=" + d.Person.NationalID},
		"GET /reviews":                             {Path: "/reviews"},
		"POST /reviews/{grant}":                    {Path: "/reviews/0", Form: url.Values{"verdict": {"neither"}}},
		"GET /case":                                {Path: "/case"},
		"POST /case":                               {Path: "/case", Form: url.Values{"case": {"M-1"}, "reason": {officials.ReasonCodes[0]}}},
		"POST /sign-out":                           {Path: "/sign-out", Form: url.Values{}},
	}
	return rig
}

// TestAuthorisationMatrix calls every console route as an official of
// every role, of the agency that owns the resource and of one that does
// not, and holds each answer to the access policy: allowed, refused, or
// (for lists) filtered to the official's agency. A route missing from the
// matrix fails it, and what is refused leaves the audit log as it was.
func TestAuthorisationMatrix(t *testing.T) {
	rig := newMatrixRig(t)
	routes := rig.srv.aud.Console.Routes()
	for _, rt := range routes {
		if rt.Action == "" {
			if !strings.HasPrefix(rt.Policy, "anyone") {
				t.Errorf("console route %s takes no action but its policy is %q", rt.Pattern, rt.Policy)
			}
			continue
		}
		c, ok := rig.cases[rt.Pattern]
		if !ok {
			t.Errorf("console route %s (%s) is not in the authorisation matrix: add a case for it", rt.Pattern, rt.Action)
			continue
		}
		c.Method, _, _ = strings.Cut(rt.Pattern, " ")
		for _, role := range access.Roles {
			for _, own := range []bool{true, false} {
				agency := rig.holder
				if c.Owner != "" {
					agency = c.Owner
				}
				if !own {
					agency = rig.stranger
					if c.Owner == rig.stranger {
						agency = rig.holder
					}
				}
				name := rt.Pattern + "/" + string(role) + "/" + map[bool]string{true: "own", false: "other"}[own]
				t.Run(name, func(t *testing.T) { rig.check(t, rt.Action, c, role, agency) })
			}
		}
	}
}

// check makes one call of the matrix and judges its answer.
func (rig *matrixRig) check(t *testing.T, a access.Action, c matrixCase, role access.Role, agency string) {
	o := newOfficial(t, rig.dir, agency, role)
	cookie, csrf := officialCookie(t, rig.dir, o, true)
	want := access.Decide(o.Principal(), a, c.Owner)
	if c.Owner == "" && want == access.OutOfScope {
		// The route reads no one agency's resource (the case page, the
		// break-glass form, the virtual cows' counts): the role decides.
		want = access.Allow
	}
	if c.Filtered && want == access.OutOfScope {
		want = access.Allow
		c.Marker = "!" + c.Marker
	}
	before := rig.d.st.Changes()
	size := auditSize(t, rig.d.st)
	var r response
	if c.Form != nil {
		form := url.Values{}
		for k, v := range c.Form {
			form[k] = v
		}
		form.Set("csrf", csrf)
		r = noRedirect(t, c.Method, rig.ts+c.Path, form, "Cookie", cookie, "Origin", rig.ts)
	} else {
		r = noRedirect(t, c.Method, rig.ts+c.Path, nil, "Cookie", cookie)
	}
	body := string(r.body)
	switch want {
	case access.Allow:
		if r.status == http.StatusUnauthorized || r.status == http.StatusForbidden || r.status >= 500 {
			t.Fatalf("%s %s as %s of %s: status %d, want it allowed\n%.400s", c.Method, c.Path, role, agency, r.status, body)
		}
		if m, absent := strings.CutPrefix(c.Marker, "!"); absent && m != "" && strings.Contains(body, m) {
			t.Errorf("%s %s as %s of %s shows %q of another agency", c.Method, c.Path, role, agency, m)
		} else if !absent && c.Marker != "" && !strings.Contains(body, c.Marker) {
			t.Errorf("%s %s as %s of %s: the answer lacks %q\n%.400s", c.Method, c.Path, role, agency, c.Marker, body)
		}
	default:
		if r.status != http.StatusForbidden {
			t.Fatalf("%s %s as %s of %s: status %d, want 403 (%v)\n%.400s", c.Method, c.Path, role, agency, r.status, want, body)
		}
		if c.Marker != "" && strings.Contains(body, strings.TrimPrefix(c.Marker, "!")) {
			t.Errorf("%s %s as %s of %s: the refusal shows %q", c.Method, c.Path, role, agency, c.Marker)
		}
		if got := auditSize(t, rig.d.st); got != size {
			t.Errorf("%s %s as %s of %s was refused but wrote %d audit records", c.Method, c.Path, role, agency, got-size)
		}
		if c.Method == http.MethodPost && rig.d.st.Changes() != before && !strings.HasPrefix(c.Path, "/break-glass") {
			t.Errorf("%s %s as %s of %s was refused but changed the store", c.Method, c.Path, role, agency)
		}
	}
}

// auditSize counts the audit records in st.
func auditSize(t *testing.T, st *store.Store) int {
	t.Helper()
	state, err := st.AuditState(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(state.Size)
}

// TestConsoleRefusesAnonymous sends every console route without a session:
// pages redirect to the sign-in page, forms are refused, and neither reads
// the store for a person nor writes the audit log.
func TestConsoleRefusesAnonymous(t *testing.T) {
	rig := newMatrixRig(t)
	for _, rt := range rig.srv.aud.Console.Routes() {
		c, ok := rig.cases[rt.Pattern]
		if rt.Action == "" || !ok {
			continue
		}
		method, _, _ := strings.Cut(rt.Pattern, " ")
		size := auditSize(t, rig.d.st)
		var r response
		if c.Form != nil {
			r = noRedirect(t, method, rig.ts+c.Path, c.Form, "Cookie", "", "Origin", rig.ts)
		} else {
			r = noRedirect(t, method, rig.ts+c.Path, nil, "Cookie", "")
		}
		switch method {
		case http.MethodGet:
			if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/sign-in?next=") {
				t.Errorf("anonymous GET %s: status %d to %q, want 303 to the sign-in page", c.Path, r.status, r.header.Get("Location"))
			}
		default:
			if r.status != http.StatusUnauthorized {
				t.Errorf("anonymous %s %s: status %d, want 401", method, c.Path, r.status)
			}
		}
		if c.Marker != "" && strings.Contains(string(r.body), c.Marker) {
			t.Errorf("anonymous %s %s shows %q", method, c.Path, c.Marker)
		}
		if got := auditSize(t, rig.d.st); got != size {
			t.Errorf("anonymous %s %s wrote %d audit records", method, c.Path, got-size)
		}
	}
}

// TestEveryRouteRefusesStrangers sends every route of the internal
// listener that is not open to anyone (the console, the API and the
// wallet) a request with no credential: each is refused, API calls with
// 401 (or 429 once the address is throttled), pages with a redirect to
// their sign-in, forms with 401 or 403, and none writes the audit log or
// changes the store. A new route that forgets its policy fails here.
func TestEveryRouteRefusesStrangers(t *testing.T) {
	st := storetest.SQLite(t)
	mustSeed(t, st)
	w := wallet.New(st, nil, wallet.Options{})
	srv, ts := mustServe(t, st, Options{Wallet: w})
	fill := strings.NewReplacer("{$}", "", "...}", "}")
	checked := 0
	for _, rt := range Internal(srv.aud).Routes {
		method, path, ok := strings.Cut(rt.Pattern, " ")
		if !ok || strings.HasPrefix(rt.Policy, "anyone") {
			continue
		}
		// Every wildcard gets a plausible value; refusal must come before
		// the value is looked at.
		path = fill.Replace(path)
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + "1" + path[j+1:]
		}
		checked++
		size, changes := auditSize(t, st), st.Changes()
		var form url.Values
		if method != http.MethodGet {
			form = url.Values{"x": {"1"}}
		}
		r := noRedirect(t, method, ts.URL+path, form, "Cookie", "", "Origin", ts.URL, "Content-Type", "text/csv")
		switch {
		case rt.Audience == view.Systems:
			if r.status != http.StatusUnauthorized && r.status != http.StatusTooManyRequests {
				t.Errorf("%s (%s) without a credential: %d; want 401", rt.Pattern, rt.Policy, r.status)
			}
		case method == http.MethodGet:
			loc := r.header.Get("Location")
			if r.status != http.StatusSeeOther || !(strings.HasPrefix(loc, "/sign-in?") || strings.HasPrefix(loc, "/wallet/sign-in?")) {
				t.Errorf("%s (%s) without a session: %d to %q; want a redirect to sign in", rt.Pattern, rt.Policy, r.status, loc)
			}
		default:
			if r.status != http.StatusUnauthorized && r.status != http.StatusForbidden {
				t.Errorf("%s (%s) without a session: %d; want 401 or 403", rt.Pattern, rt.Policy, r.status)
			}
		}
		if got := auditSize(t, st); got != size {
			t.Errorf("%s without a credential wrote %d audit records", rt.Pattern, got-size)
		}
		if st.Changes() != changes {
			t.Errorf("%s without a credential changed the store", rt.Pattern)
		}
	}
	if checked < 50 {
		t.Errorf("only %d routes checked: the route table is not what this test expects", checked)
	}
}
