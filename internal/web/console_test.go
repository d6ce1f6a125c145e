package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/api"
	"github.com/ortaq/ortaq/internal/web/view"
)

// localNames maps agency codes to their names in the locale's language.
func localNames(t *testing.T, st *store.Store, l view.Locale) map[string]string {
	t.Helper()
	as, err := st.Agencies(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range as {
		out[a.Code] = l.Name(a.Name, a.Names)
	}
	return out
}

// withLang adds lang to a path that may already have a query.
func withLang(path, lang string) string {
	if strings.Contains(path, "?") {
		return path + "&lang=" + lang
	}
	return path + "?lang=" + lang
}

// TestConsolePages renders every page of the console in every language
// over the demo nation, and checks each shows its own data in that
// language, with no message key or formatting mistake left showing.
func TestConsolePages(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		srv, ts := mustServe(t, d.st, Options{})
		ctx := context.Background()
		tally, err := d.st.FindingTally(ctx)
		if err != nil {
			t.Fatal(err)
		}
		dups, most, dupAgency := 0, 0, ""
		for _, c := range tally {
			if c.Kind == "duplicates" {
				dups += c.Open
				if c.Open > most {
					most, dupAgency = c.Open, c.Agency
				}
			}
		}
		// Each page is read by an official of the agency whose data it
		// shows: animals are the agriculture ministry's, the duplicates
		// the agency with the most of them.
		as := map[string]string{"moa": agencySession(t, srv, "moa"), dupAgency: agencySession(t, srv, dupAgency)}
		almaty, _ := kz.RegionByCode("almaty")
		for _, lang := range []string{"kk", "ru", "en"} {
			l := view.Locale{Lang: lang}
			agencies := localNames(t, d.st, l)
			for _, p := range []struct {
				path string
				want []string
				as   string // the agency of the official reading; "" for the default
			}{
				{"/", []string{l.T("index.title"), l.T("score.national"), agencies["moh"], agencies["moa"],
					l.T("regions.title"), almaty.Name(lang), l.T("alerts.title"), `class="trend"`, `class="spark"`,
					`<span class="num">` + l.N(dups) + `</span><span class="label">` + l.T("stat.duplicates")}, ""},
				{"/agencies/moa", []string{agencies["moa"], l.T("score.agency"), l.T("agency.findings"),
					`href="/sources/livestock"`, `href="/worklist?agency=moa"`}, ""},
				{"/sources/livestock", []string{l.T("checks.title"), l.Label("kind.", "unique"), l.Label("dim.", "uniqueness"),
					l.T("failing.title"), `href="/entities/A`, `class="bar `, l.T("source.runs")}, ""},
				{"/sources/health_cards", []string{l.T("checks.title"), l.T("quarantine.title"), l.Label("kind.", "duplicates")}, ""},
				{"/entities/" + d.Person.EntityID, []string{d.Person.Name, l.T("golden.title"), l.T("col.provenance"),
					l.T("records.title"), l.T("explain.title"), l.T("lineage.title"), l.Label("action.", "create"),
					l.T("family.title"), `<details class="link"`}, ""},
				{"/entities/" + d.Animal, []string{l.T("owner.title"), `href="/entities/P`, l.Label("attr.", "tag")}, "moa"},
				{"/virtual-cows", []string{l.T("cows.title"), l.Label("kind.", "dead_reference"), l.Hint("cowhelp.", "dead_reference"),
					`href="/entities/A`, l.T("cows.group.title"), `<tr class="cow-group">`}, "moa"},
				{"/search?q=" + url.QueryEscape(d.Spellings[0]), []string{`href="/entities/` + d.Person.EntityID + `"`}, ""},
				{"/worklist", []string{l.T("worklist.title"), `action="/findings/`, l.Label("status.", "open"),
					l.T("worklist.fixed"), `href="/worklist.csv`, `action="/findings"`, l.T("worklist.bulk.fixed")}, dupAgency},
				{"/worklist?kind=duplicates", []string{l.T("worklist.cluster.keep"), l.T("worklist.cluster.merge")}, dupAgency},
				{"/worklist?source=livestock&page=2", []string{l.T("worklist.prev"), "livestock"}, "moa"},
			} {
				t.Run(lang+p.path, func(t *testing.T) {
					var header []string
					if p.as != "" {
						header = []string{"Cookie", as[p.as]}
					}
					page := mustPage(t, ts.URL+withLang(p.path, lang), http.StatusOK, header...)
					mustContain(t, page, `<html lang="`+lang+`">`)
					mustContain(t, page, p.want...)
					mustNotContain(t, page, "%!", "<script")
					for key := range view.Catalogue() {
						mustNotContain(t, page, ">"+key+"<")
					}
				})
			}
		}
	})
}

// TestSearchSpellings finds one person by the Kazakh, Russian and Latin
// spellings of their name, on the page and through the API, and by IIN.
func TestSearchSpellings(t *testing.T) {
	doc := mustAPIDoc(t)
	demoEach(t, func(t *testing.T, d *demo) {
		s, ts := mustServe(t, d.st, Options{})
		id := d.Person.EntityID
		key := s.key(t, holderOf(t, d.st, id))
		for _, q := range d.Spellings {
			page := mustPage(t, ts.URL+"/search?lang=en&q="+url.QueryEscape(q), http.StatusOK)
			mustContain(t, page, `href="/entities/`+id+`"`, "<title>Search: "+q+" · ortaq</title>")
			r := get(t, ts.URL+"/api/v1/search?q="+url.QueryEscape(q)+"&limit=200", key...)
			doc.check(t, "GET", "/api/v1/search", r)
			var res api.SearchResult
			decodeInto(t, r, &res)
			if !containsEntity(res.Results, id) || res.By != "name" {
				t.Errorf("API search %q (by %s) did not find %s", q, res.By, id)
			}
		}
		// An IIN goes straight to the person, spaced as people read it out.
		iin := d.Person.NationalID
		for _, q := range []string{iin, iin[:6] + " " + iin[6:]} {
			r := noRedirect(t, http.MethodGet, ts.URL+"/search?q="+url.QueryEscape(q), nil)
			if r.status != http.StatusFound || r.header.Get("Location") != "/entities/"+id {
				t.Errorf("search %q = %d to %q; want 302 to /entities/%s", q, r.status, r.header.Get("Location"), id)
			}
		}
		r := get(t, ts.URL+"/api/v1/search?q="+iin, key...)
		var res api.SearchResult
		decodeInto(t, r, &res)
		if res.By != "national_id" || len(res.Results) != 1 || res.Results[0].EntityID != id {
			t.Errorf("API IIN search = %+v", res)
		}
		// An entity id too.
		if r := noRedirect(t, http.MethodGet, ts.URL+"/search?q="+strings.ToLower(id), nil); r.header.Get("Location") != "/entities/"+id {
			t.Errorf("search by entity id: %d %q", r.status, r.header.Get("Location"))
		}
		// Too short: a friendly message, not an error.
		for _, lang := range []string{"kk", "ru", "en"} {
			page := mustPage(t, ts.URL+"/search?q=%D0%B0&lang="+lang, http.StatusOK)
			mustContain(t, page, view.Locale{Lang: lang}.F("search.short", "а"))
		}
		mustNotContain(t, mustPage(t, ts.URL+"/search?lang=en", http.StatusOK), "too short", "Nothing found")
		mustContain(t, mustPage(t, ts.URL+"/search?lang=en&q=Qwxzzy", http.StatusOK), "Nothing found for “Qwxzzy”.")
		for _, q := range []string{"", "a", "%20"} {
			r := get(t, ts.URL+"/api/v1/search?q="+q, key...)
			if r.status != http.StatusBadRequest {
				t.Errorf("API search q=%q = %d; want 400", q, r.status)
			}
			doc.check(t, "GET", "/api/v1/search", r)
		}
	})
}

func containsEntity(rs []api.EntitySummary, id string) bool {
	for _, r := range rs {
		if r.EntityID == id {
			return true
		}
	}
	return false
}

// TestEntityPage checks the golden record names, for each value, the
// agency and source it came from; that every member record is shown side
// by side; and that every link is explained.
func TestEntityPage(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		_, ts := mustServe(t, d.st, Options{})
		ctx := context.Background()
		doc, err := golden.DecodeDoc(d.Person.Doc)
		if err != nil {
			t.Fatal(err)
		}
		members, err := d.st.EntityRecords(ctx, []string{d.Person.EntityID})
		if err != nil {
			t.Fatal(err)
		}
		srcs, err := d.st.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"kk", "ru", "en"} {
			titles := map[string]string{}
			for _, s := range srcs {
				src, err := source.Stored(s.ID, s.Definition)
				if err != nil {
					t.Fatal(err)
				}
				titles[s.Name] = src.TitleIn(lang)
			}
			l := view.Locale{Lang: lang}
			agencies := localNames(t, d.st, l)
			page := mustPage(t, ts.URL+"/entities/"+d.Person.EntityID+"?lang="+lang, http.StatusOK)
			for _, f := range doc.Values {
				mustContain(t, page, `<th scope="row" data-label="`+l.T("col.attribute")+`">`+template.HTMLEscapeString(l.Label("attr.", f.Attr))+`</th>`,
					`<span class="agency-name">`+agencies[f.Agency]+`</span>`)
			}
			for _, m := range members {
				mustContain(t, page, `<code>`+m.RecordID+`</code>`)
			}
			mustContain(t, page, titles[doc.Values[0].Source])
			if n := strings.Count(page, `<details class="link"`); n != len(members)-1 {
				t.Errorf("%s: %d explained links; want %d", lang, n, len(members)-1)
			}
			mustContain(t, page, l.T("explain.prior"), l.Label("attr.", "birth_date"), `class="wbar"`)
		}
		// An unknown entity is a 404 page in the reader's language.
		page := mustPage(t, ts.URL+"/entities/P999999999?lang=ru", http.StatusNotFound)
		mustContain(t, page, view.Locale{Lang: "ru"}.F("error.noentity", "P999999999"))
		mustPage(t, ts.URL+"/entities/%3Cb%3E", http.StatusNotFound)
	})
}
