package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// snapshotFindings reads every finding f selects and puts each back as it
// was when the test ends, since the demo store is shared.
func snapshotFindings(t *testing.T, st *store.Store, f store.FindingFilter) []store.Finding {
	t.Helper()
	f.Limit = -1
	fs, _, err := st.WorkList(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		t.Fatalf("filter %+v selects no findings", f)
	}
	for _, x := range fs {
		restoreFinding(t, st, x)
	}
	return fs
}

// mustUnchanged fails when a finding of was changed.
func mustUnchanged(t *testing.T, st *store.Store, was []store.Finding, what string) {
	t.Helper()
	for _, f := range was {
		if status, note := mustStatus(t, st, f.ID); status != f.Status || note != f.Note {
			t.Fatalf("%s changed finding %s to %s %q", what, f.ID, status, note)
		}
	}
}

// TestBulkDecisionForm decides every finding of a filtered work list at
// once: the form says how many it selects, is refused cross-site and
// without a reason or the officer's name (changing nothing), and once
// taken says how many findings changed and remembers the officer.
func TestBulkDecisionForm(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		_, ts := mustServe(t, d.st, Options{})
		l := view.Locale{Lang: "en"}
		filter := store.FindingFilter{Source: d.Finding.Source, Check: d.Finding.Check}
		was := snapshotFindings(t, d.st, filter)
		list := "/worklist?" + url.Values{"source": {filter.Source}, "check": {filter.Check}}.Encode()

		page := mustPage(t, ts.URL+list+"&lang=en", http.StatusOK)
		mustContain(t, page, `action="/findings"`, `name="source" value="`+filter.Source+`"`,
			`name="decision" value="not_defect"`, l.P("worklist.bulk.count", len(was)))

		form := func(officer, reason, decision string) url.Values {
			return url.Values{"source": {filter.Source}, "check": {filter.Check}, "officer": {officer}, "reason": {reason},
				"decision": {decision}}
		}
		sameOrigin := []string{"Origin", ts.URL, "Sec-Fetch-Site", "same-origin"}
		for name, tc := range map[string]struct {
			form   url.Values
			header []string
			status int
		}{
			"cross-site":      {form("A. Officer", "fixed at the clinic", "fixed"), []string{"Sec-Fetch-Site", "cross-site"}, http.StatusForbidden},
			"other origin":    {form("A. Officer", "fixed at the clinic", "fixed"), []string{"Origin", "https://evil.example"}, http.StatusForbidden},
			"no reason":       {form("A. Officer", "   ", "fixed"), sameOrigin, http.StatusBadRequest},
			"reopen in bulk":  {form("A. Officer", "fixed at the clinic", "open"), sameOrigin, http.StatusBadRequest},
			"resolve by hand": {form("A. Officer", "fixed at the clinic", "resolved"), sameOrigin, http.StatusBadRequest},
			"long reason":     {form("A. Officer", strings.Repeat("я", view.MaxNoteRunes+1), "fixed"), sameOrigin, http.StatusBadRequest},
		} {
			r := noRedirect(t, http.MethodPost, ts.URL+"/findings?lang=en", tc.form, tc.header...)
			if r.status != tc.status {
				t.Errorf("%s: %d; want %d", name, r.status, tc.status)
			}
			if tc.status == http.StatusBadRequest {
				// The work list again, with what to fix.
				mustContain(t, string(r.body), template.HTMLEscapeString(l.T("worklist.bulk.missing")), `action="/findings"`)
			}
			mustUnchanged(t, d.st, was, name)
		}

		r := noRedirect(t, http.MethodPost, ts.URL+"/findings", form(" A. Officer ", "fixed at the clinic", "fixed"), sameOrigin...)
		if r.status != http.StatusSeeOther {
			t.Fatalf("bulk form = %d\n%s", r.status, r.body)
		}
		loc, err := url.Parse(r.header.Get("Location"))
		if err != nil || loc.Path != "/worklist" || loc.Query().Get("source") != filter.Source || loc.Query().Get("check") != filter.Check {
			t.Fatalf("bulk form returns to %q", r.header.Get("Location"))
		}
		if n, _ := strconv.Atoi(loc.Query().Get("decided")); n != len(was) {
			t.Errorf("bulk form says %q changed; want %d", loc.Query().Get("decided"), len(was))
		}
		for _, f := range was {
			got, err := d.st.Finding(context.Background(), f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != store.FindingFixed || got.Note != "fixed at the clinic" || !strings.HasPrefix(got.DecidedBy, testOfficialName+" (") {
				t.Fatalf("finding %s after the bulk form: %s %q by %q", f.ID, got.Status, got.Note, got.DecidedBy)
			}
		}
		log, err := d.st.FindingDecisions(context.Background(), was[0].ID)
		if err != nil || len(log) == 0 || log[len(log)-1].Bulk == "" || !strings.HasPrefix(log[len(log)-1].Officer, testOfficialName+" (") {
			t.Errorf("decision log %+v, %v; want the bulk decision last", log, err)
		}
		page = mustPage(t, ts.URL+loc.RequestURI()+"&lang=en", http.StatusOK)
		mustContain(t, page, l.P("worklist.bulk.done", len(was)), testOfficialName,
			`<span class="status s-fixed">`)
	})
}

// TestFindingDecisionsRefusedForSystems proves that no system decides
// findings through the API, not even the owning agency's with every
// scope: decisions are signed-in officials', in the console. Before, any
// caller of the internal listener marked findings fixed under a typed-in
// name.
func TestFindingDecisionsRefusedForSystems(t *testing.T) {
	doc := mustAPIDoc(t)
	demoEach(t, func(t *testing.T, d *demo) {
		s, ts := mustServe(t, d.st, Options{})
		f := d.Finding
		was := snapshotFindings(t, d.st, store.FindingFilter{Source: f.Source, Check: f.Check, EntityID: f.EntityID})
		owner := s.key(t, f.Agency, exchange.ScopeSources, exchange.ScopeAdmin, exchange.ScopeExchange)
		filter := `{"source":"` + f.Source + `","check":"` + f.Check + `","entity":"` + f.EntityID + `"}`
		for _, tc := range []struct {
			name, pattern, path, body string
			header                    []string
			status                    int
		}{
			{"bulk, no key", "/api/v1/findings", "/api/v1/findings", `{"filter":` + filter + `,"status":"fixed","reason":"r","officer":"o"}`, nil, http.StatusUnauthorized},
			{"bulk, owner's key", "/api/v1/findings", "/api/v1/findings", `{"filter":` + filter + `,"status":"fixed","reason":"r","officer":"o"}`, owner, http.StatusForbidden},
			{"one, no key", "/api/v1/findings/{finding}", "/api/v1/findings/" + f.ID, `{"status":"fixed"}`, nil, http.StatusUnauthorized},
			{"one, owner's key", "/api/v1/findings/{finding}", "/api/v1/findings/" + f.ID, `{"status":"fixed"}`, owner, http.StatusForbidden},
		} {
			r := do(t, http.MethodPost, ts.URL+tc.path, "application/json", tc.body, tc.header...)
			if r.status != tc.status {
				t.Errorf("%s: %d; want %d (%s)", tc.name, r.status, tc.status, r.body)
				continue
			}
			if tc.status == http.StatusForbidden && !strings.Contains(string(r.body), "signed-in officials") {
				t.Errorf("%s: %s; want the problem to send the decision to the console", tc.name, r.body)
			}
			doc.check(t, "POST", tc.pattern, r)
			mustUnchanged(t, d.st, was, tc.name)
		}
	})
}

// TestWorklistClusters shows a duplicate cluster as one work item naming
// the record to keep and the records to merge into it.
func TestWorklistClusters(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		_, ts := mustServe(t, d.st, Options{})
		ctx := context.Background()
		dups, total, err := d.st.WorkList(ctx, store.FindingFilter{Kind: "duplicates", Limit: -1})
		if err != nil {
			t.Fatal(err)
		}
		clusters := map[string]bool{}
		var pick *store.Finding
		for i, f := range dups {
			key := f.Source + "\x00" + f.Check + "\x00" + f.EntityID
			if clusters[key] {
				t.Errorf("cluster %s of %s has more than one finding", f.EntityID, f.Source)
			}
			clusters[key] = true
			if slices.Contains(f.Related, f.RecordID) {
				t.Errorf("finding %s tells record %s to merge into itself", f.ID, f.RecordID)
			}
			if pick == nil && len(f.Related) > 0 {
				pick = &dups[i]
			}
		}
		if total == 0 || pick == nil {
			t.Fatalf("the demo nation has %d duplicate findings, none with records to merge", total)
		}
		page := mustPage(t, ts.URL+"/worklist?lang=en&kind=duplicates&agency="+pick.Agency+"&entity="+pick.EntityID, http.StatusOK)
		if n := strings.Count(page, `<tr id="finding-`); n != 1 {
			t.Errorf("cluster %s is %d rows; want one", pick.EntityID, n)
		}
		l := view.Locale{Lang: "en"}
		mustContain(t, page, `id="finding-`+pick.ID+`"`, l.T("worklist.cluster.keep"), l.T("worklist.cluster.merge"),
			`<code class="rec keep">`+pick.RecordID+`</code>`, `href="/entities/`+pick.EntityID+`"`)
		for _, rel := range pick.Related {
			mustContain(t, page, `<code class="merge">`+rel+`</code>`)
		}
	})
}

// TestWorklistImpactOrder holds the work list, its export and its filter
// to the order of impact: open findings times their severity's weight.
func TestWorklistImpactOrder(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		_, ts := mustServe(t, d.st, Options{})
		r := get(t, ts.URL+"/worklist.csv?lang=en&status=open")
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\ufeff")))).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("export: %v, %d rows", err, len(rows))
		}
		src, chk, sev := slices.Index(rows[0], "source"), slices.Index(rows[0], "check"), slices.Index(rows[0], "severity")
		type block struct {
			key      string
			n        int
			severity string
		}
		var blocks []block
		seen := map[string]bool{}
		for _, row := range rows[1:] {
			key := row[src] + "/" + row[chk]
			if n := len(blocks); n > 0 && blocks[n-1].key == key {
				blocks[n-1].n++
				continue
			}
			if seen[key] {
				t.Fatalf("check %s comes back after other checks", key)
			}
			seen[key] = true
			blocks = append(blocks, block{key: key, n: 1, severity: row[sev]})
		}
		for i := 1; i < len(blocks); i++ {
			a, b := blocks[i-1], blocks[i]
			if store.Impact(a.n, a.severity) < store.Impact(b.n, b.severity) {
				t.Errorf("check %s (%d %s) before %s (%d %s): not in order of impact", a.key, a.n, a.severity, b.key, b.n, b.severity)
			}
		}
		// The page starts with the check of most impact, and its filter
		// lists agencies in order of impact.
		page := mustPage(t, ts.URL+"/worklist?lang=en&status=open", http.StatusOK)
		first := regexp.MustCompile(`<section class="wl-agency" id="check-([^"]+)">`).FindStringSubmatch(page)
		if first == nil || strings.Replace(first[1], "-", "/", 1) != blocks[0].key {
			t.Errorf("page starts with %v; want %s", first, blocks[0].key)
		}
		sel := regexp.MustCompile(`(?s)<select name="agency">(.*?)</select>`).FindStringSubmatch(page)
		if sel == nil {
			t.Fatal("no agency filter")
		}
		var got []string
		for _, m := range regexp.MustCompile(`<option value="([^"]+)"`).FindAllStringSubmatch(sel[1], -1) {
			got = append(got, m[1])
		}
		// A work list is the signed-in official's agency's: the filter
		// names it alone.
		if want := []string{busiestAgency(t, d.st)}; !slices.Equal(got, want) {
			t.Errorf("agency filter %v; want %v", got, want)
		}
	})
}

// TestCowGroups lists virtual cows one line per owner and herd, a page of
// groups at a time.
func TestCowGroups(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		_, ts := mustServe(t, d.st, Options{})
		groups, total, err := d.st.CowGroups(context.Background(), store.CowFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if len(groups) == 0 {
			t.Fatal("the demo nation has no virtual cows")
		}
		l := view.Locale{Lang: "en"}
		page := mustPage(t, ts.URL+"/virtual-cows?lang=en", http.StatusOK)
		if n := strings.Count(page, `<tr class="cow-group">`); n != len(groups) {
			t.Errorf("%d group rows; want %d", n, len(groups))
		}
		mustContain(t, page, l.T("cows.group.title"), `<span class="count bad">`+l.N(total)+`</span>`)
		animals := 0
		for _, g := range groups {
			animals += g.Animals
			if g.Owner != "" {
				mustContain(t, page, `href="/entities/`+g.Owner+`"`)
			}
			for _, e := range g.Examples {
				mustContain(t, page, `href="/entities/`+e+`"`)
			}
		}
		if animals <= len(groups) {
			t.Logf("groups hold %d animals in %d lines", animals, len(groups))
		}
		if total > 50 {
			mustContain(t, page, `href="/virtual-cows?page=2#groups"`)
			mustPage(t, ts.URL+"/virtual-cows?lang=en&page=2", http.StatusOK)
		}
	})
}

// TestWorklistUnappliedCorrections lists the accepted corrections an
// agency's system does not hold yet on its work list, with the deadline
// (overdue marked), the old and accepted values and a link to the
// request, whose page says it waits for the agency's system.
func TestWorklistUnappliedCorrections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		mustSeed(t, st)
		if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
			t.Fatal(err)
		}
		built, err := golden.Load(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if err := built.Save(ctx, st); err != nil {
			t.Fatal(err)
		}
		late := wallet.NewCorrections(st, wallet.CorrectionOptions{ApplyDue: 2 * time.Second})
		onTime := wallet.NewCorrections(st, wallet.CorrectionOptions{})
		accept := func(cs *wallet.Corrections, req wallet.CorrectionRequest) store.Correction {
			t.Helper()
			c, err := cs.File(ctx, req)
			if err != nil {
				t.Fatalf("file %+v: %v", req, err)
			}
			if c, err = cs.Accept(ctx, c.ID, "A. Officer", ""); err != nil {
				t.Fatalf("accept: %v", err)
			}
			return c
		}
		name := accept(late, wallet.CorrectionRequest{Subject: iinAigerim, Source: "health_cards", RecordID: "C1",
			Attr: "full_name", Proposed: "Айгерім Сәрсенқызы", Explanation: "my name"})
		addr := accept(onTime, wallet.CorrectionRequest{Subject: iinDaulet, Source: "addresses", RecordID: "A1",
			Attr: "address", Proposed: "Астана, Мәңгілік Ел 10", Explanation: "I moved"})
		// The name's deadline, two seconds after its acceptance, passes.
		time.Sleep(time.Until(name.ApplyBy) + 10*time.Millisecond)
		_, ts := mustServe(t, st, Options{Corrections: onTime})
		l := view.Locale{Lang: "en"}

		page := mustPage(t, ts.URL+"/worklist?lang=en&agency=moh", http.StatusOK)
		mustContain(t, page, template.HTMLEscapeString(wallet.Messages["correction.unapplied"]["en"]),
			`id="unapplied-`+name.ID+`"`, `href="/corrections/`+name.ID+`"`, "<s>Айгерім Сәрсенова</s>",
			"<strong>Айгерім Сәрсенқызы</strong>", l.T("correction.overdue"))
		mustNotContain(t, page, `id="unapplied-`+addr.ID+`"`)
		page = mustPage(t, ts.URL+"/worklist?lang=en&agency=mia", http.StatusOK)
		mustContain(t, page, `id="unapplied-`+addr.ID+`"`, "<strong>Астана, Мәңгілік Ел 10</strong>")
		mustNotContain(t, page, `id="unapplied-`+name.ID+`"`, l.T("correction.overdue"))

		// The request's page: accepted, waiting for the agency's system,
		// with the deadline; never "corrected".
		page = mustPage(t, ts.URL+"/corrections/"+addr.ID+"?lang=ru", http.StatusOK)
		ru := view.Locale{Lang: "ru"}
		mustContain(t, page, `data-state="waiting"`, wallet.Messages["correction.status.waiting"]["ru"],
			strings.Replace(wallet.Messages["correction.note.waiting"]["ru"], "%s", ru.Date(addr.ApplyBy), 1))
		mustNotContain(t, page, ">исправлено<")
		// The entity page says which value a correction set.
		if addr.EntityID == "" {
			t.Fatal("the accepted correction names no entity")
		}
		page = mustPage(t, ts.URL+"/entities/"+addr.EntityID+"?lang=en", http.StatusOK)
		mustContain(t, page, `href="/corrections/`+addr.ID+`"`, template.HTMLEscapeString(l.T("entity.correction.provenance")))
	})
}

// TestWalletCorrectionState shows the citizen an accepted correction as
// waiting for the agency's system, with the deadline, in the list and on
// the request's page; never "corrected" beside a value the agency's
// system may still hold.
func TestWalletCorrectionState(t *testing.T) {
	rig := newWalletRig(t)
	ctx := context.Background()
	rows, err := rig.st.GoldenByNationalID(ctx, rig.citizen, 1)
	if err != nil || len(rows) == 0 {
		t.Fatalf("golden record of %s: %v", rig.citizen, err)
	}
	recs, err := rig.st.EntityRecords(ctx, []string{rows[0].EntityID})
	if err != nil {
		t.Fatal(err)
	}
	ix, err := view.LoadSources(ctx, rig.st, view.Locale{Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	var source, record, current string
	for _, r := range recs {
		if v := r.Attrs["last_name"]; v != "" {
			source, record, current = ix.ByID[r.SourceID].Name, r.RecordID, v
			break
		}
	}
	if source == "" {
		t.Fatal("the citizen has no record with a surname")
	}
	cs := wallet.NewCorrections(rig.st, wallet.CorrectionOptions{})
	decide := func(proposed string) store.Correction {
		t.Helper()
		c, err := cs.File(ctx, wallet.CorrectionRequest{Subject: rig.citizen, Source: source, RecordID: record, Attr: "last_name",
			Proposed: proposed, Explanation: "the registry office's spelling"})
		if err == nil {
			c, err = cs.Accept(ctx, c.ID, "A. Officer", "")
		}
		if err != nil {
			t.Fatalf("correct %s:%s to %q: %v", source, record, proposed, err)
		}
		return c
	}
	c := decide(current + "ова")
	t.Cleanup(func() { decide(current) })

	b := rig.browser(t)
	b.signIn(rig.citizen)
	for _, lang := range []string{"en", "ru", "kk"} {
		l := view.Locale{Lang: lang}
		waiting := template.HTMLEscapeString(wallet.Messages["correction.status.waiting"][lang])
		note := template.HTMLEscapeString(strings.Replace(wallet.Messages["correction.note.waiting"][lang], "%s", l.Date(c.ApplyBy), 1))
		list := b.do("GET", "/wallet/corrections?lang="+lang, nil)
		mustContain(t, list.body, `id="correction-`+c.ID+`"`, `data-state="waiting"`, waiting, note)
		page := b.do("GET", "/wallet/corrections/"+c.ID+"?lang="+lang, nil)
		if page.status != http.StatusOK {
			t.Fatalf("%s: correction page %d", lang, page.status)
		}
		mustContain(t, page.body, `id="correction-state" data-state="waiting"`, waiting, `id="state-note"`, note,
			template.HTMLEscapeString(wallet.Messages["correction.status.accepted"][lang]))
		mustNotContain(t, page.body, ">исправлено<", ">түзетілді<", ">corrected<")
	}
}
