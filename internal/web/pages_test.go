package web

import (
	"context"
	"html/template"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/web/view"
)

// mustPage fetches an HTML page and checks it is one.
func mustPage(t *testing.T, url string, status int, header ...string) string {
	t.Helper()
	r := get(t, url, header...)
	if r.status != status {
		t.Fatalf("GET %s = %d; want %d\n%s", url, r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Fatalf("GET %s: Content-Type %q", url, ct)
	}
	return string(r.body)
}

func mustContain(t *testing.T, page string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, page string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(page, b) {
			t.Errorf("page contains %q", b)
		}
	}
}

// TestIndexPage renders the overview in each language over a seeded store
// that has had no quality run yet: agencies with their totals, and the
// hint to run the checks.
func TestIndexPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustSeed(t, st)
		_, ts := mustServe(t, st, Options{Version: "v0.9"})
		for _, lang := range []string{"kk", "ru", "en"} {
			t.Run(lang, func(t *testing.T) {
				page := mustPage(t, ts.URL+"/?lang="+lang, http.StatusOK)
				l := view.Locale{Lang: lang}
				mustContain(t, page, agencyNames[lang]...)
				mustContain(t, page,
					`<html lang="`+lang+`">`,
					l.T("index.title"), l.T("score.national"), l.T("score.none"), l.T("stat.live"), l.T("agencies.title"),
					`<a href="/agencies/moh">`, `<a href="/agencies/mia">`,
					`action="/search"`, l.T("nav.worklist"), l.T("nav.cows"),
					"ortaq v0.9",
				)
				mustNotContain(t, page, "<script", "%!", "run.summary", "stat.")
				// The counters, in the language's digit grouping.
				mustContain(t, page, `<span class="num">4</span><span class="label">`+l.T("stat.live"))
				mustContain(t, page, `<span class="num">2</span><span class="label">`+l.T("stat.agencies"))
			})
		}
	})
}

// TestSourcePage renders one source's runs and quarantine, not another's.
func TestSourcePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustSeed(t, st)
		_, ts := mustServe(t, st, Options{})
		for _, lang := range []string{"kk", "ru", "en"} {
			t.Run(lang, func(t *testing.T) {
				page := mustPage(t, ts.URL+"/sources/health_cards?lang="+lang, http.StatusOK)
				l := view.Locale{Lang: lang}
				mustContain(t, page,
					"<title>Patient cards · ortaq</title>", "<h1>Patient cards</h1>",
					l.Name("Ministry of Health", map[string]string{"kk": agencyNames["kk"][0], "ru": agencyNames["ru"][0]}),
					l.T("source.runs"), l.Label("mode.", "full"), l.T("col.liveafter"),
					template.HTMLEscapeString(l.Quarantine("required_missing", `required field clinic (column "clinic") is empty`)),
					"C4,1,&lt;script&gt;alert(1)&lt;/script&gt;,x,y,z",
					"POST /api/v1/sources/health_cards/records",
				)
				mustNotContain(t, page, "not a JSON object", "<script")
			})
		}
		// A source with no runs yet says so.
		if _, err := st.PutSource(context.Background(), store.SourceDef{Name: "new_src", AgencyCode: "moh", Entity: "animal", Definition: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
		page := mustPage(t, ts.URL+"/sources/new_src?lang=en", http.StatusOK)
		// A source its contract gives no title is named in words.
		mustContain(t, page, "<h1>New src</h1>", "No runs yet.", "No rows in quarantine.", "Animal", "No quality run yet.")
		mustContain(t, mustPage(t, ts.URL+"/agencies/moh?lang=en", http.StatusOK), "Never loaded", "new_src", "Patient cards")
	})
}

// TestEmptyStorePage shows the first-run hint, not an error.
func TestEmptyStorePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		_, ts := mustServe(t, st, Options{})
		for _, lang := range []string{"kk", "ru", "en"} {
			page := mustPage(t, ts.URL+"/?lang="+lang, http.StatusOK)
			mustContain(t, page, view.Locale{Lang: lang}.T("empty.title"), "ortaq ingest --sources FILE")
		}
	})
}

func TestNotFoundPages(t *testing.T) {
	_, ts := mustServe(t, storetest.SQLite(t), Options{})
	for _, lang := range []string{"kk", "ru", "en"} {
		l := view.Locale{Lang: lang}
		page := mustPage(t, ts.URL+"/sources/nope?lang="+lang, http.StatusNotFound)
		mustContain(t, page, l.T("error.notfound"), l.F("error.nosource", "nope"))
		page = mustPage(t, ts.URL+"/no/such/page?lang="+lang, http.StatusNotFound)
		mustContain(t, page, l.T("error.notfound"), l.T("error.nopage"))
	}
	// Markup in a source name is shown, not run.
	page := mustPage(t, ts.URL+"/sources/%3Cb%3Ex?lang=en", http.StatusNotFound)
	mustContain(t, page, "&lt;b&gt;x")
}

// TestLanguageChoice follows the order: ?lang=, then the cookie it sets,
// then Accept-Language, then Kazakh.
func TestLanguageChoice(t *testing.T) {
	_, ts := mustServe(t, storetest.SQLite(t), Options{})
	htmlLang := regexp.MustCompile(`<html lang="(\w+)">`)
	langOf := func(page string) string {
		m := htmlLang.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no <html lang> in page")
		}
		return m[1]
	}
	for _, tc := range []struct {
		name   string
		query  string
		header []string
		want   string
	}{
		{"default", "", nil, "kk"},
		{"query", "?lang=ru", nil, "ru"},
		{"unknown query ignored", "?lang=de", nil, "kk"},
		{"cookie", "", []string{"Cookie", "lang=en"}, "en"},
		{"query beats cookie", "?lang=kk", []string{"Cookie", "lang=en"}, "kk"},
		{"accept-language", "", []string{"Accept-Language", "en-GB,en;q=0.9"}, "en"},
		{"accept-language region", "", []string{"Accept-Language", "de-DE, ru-KZ;q=0.8, en;q=0.5"}, "ru"},
		{"cookie beats accept-language", "", []string{"Cookie", "lang=ru", "Accept-Language", "en"}, "ru"},
		{"nothing supported", "", []string{"Accept-Language", "de, fr;q=0.5"}, "kk"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, ts.URL+"/"+tc.query, tc.header...)
			if got := langOf(string(r.body)); got != tc.want {
				t.Errorf("language = %s; want %s", got, tc.want)
			}
			setCookie := r.header.Get("Set-Cookie")
			if strings.Contains(tc.query, "lang=") && tc.want != "kk" || tc.query == "?lang=kk" {
				if !strings.HasPrefix(setCookie, "lang="+tc.want+";") || !strings.Contains(setCookie, "HttpOnly") {
					t.Errorf("Set-Cookie = %q; want lang=%s remembered", setCookie, tc.want)
				}
			} else if setCookie != "" {
				t.Errorf("Set-Cookie = %q; want none", setCookie)
			}
			if v := r.header.Get("Vary"); !strings.Contains(v, "Accept-Language") || !strings.Contains(v, "Cookie") {
				t.Errorf("Vary = %q", v)
			}
		})
	}
	// The switcher offers every language and marks the current one.
	page := string(get(t, ts.URL+"/?lang=ru").body)
	mustContain(t, page, `<a href="?lang=kk" hreflang="kk" lang="kk">Қазақша</a>`,
		`<a href="?lang=ru" hreflang="ru" lang="ru" aria-current="true">Русский</a>`,
		`<a href="?lang=en" hreflang="en" lang="en">English</a>`)
	// It keeps the page's other parameters: a search stays a search.
	page = string(get(t, ts.URL+"/search?q=%D0%90%D0%B9&lang=en").body)
	mustContain(t, page, `<a href="?lang=kk&amp;q=%D0%90%D0%B9" hreflang="kk" lang="kk">Қазақша</a>`)
}

// TestStaticFiles checks the cache-busting URLs the pages use.
func TestStaticFiles(t *testing.T) {
	_, ts := mustServe(t, storetest.SQLite(t), Options{})
	page := mustPage(t, ts.URL+"/", http.StatusOK)
	m := regexp.MustCompile(`href="(/static/style\.css\?v=([0-9a-f]{12}))"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("page links no hashed style.css")
	}
	r := get(t, ts.URL+m[1])
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Fatalf("GET %s = %d %s", m[1], r.status, r.header.Get("Content-Type"))
	}
	if cc := r.header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Errorf("hashed URL Cache-Control = %q; want a year, immutable", cc)
	}
	if r.header.Get("ETag") != `"`+m[2]+`"` {
		t.Errorf("ETag = %q; want the hash", r.header.Get("ETag"))
	}
	if r := get(t, ts.URL+m[1], "If-None-Match", `"`+m[2]+`"`); r.status != http.StatusNotModified {
		t.Errorf("conditional GET = %d; want 304", r.status)
	}
	if r := get(t, ts.URL+"/static/style.css?v=old"); r.status != http.StatusOK || r.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stale hash: %d, Cache-Control %q; want 200, no-cache", r.status, r.header.Get("Cache-Control"))
	}
	if r := get(t, ts.URL+"/static/favicon.svg"); r.status != http.StatusOK || r.header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r := get(t, ts.URL+"/static/nope.js"); r.status != http.StatusNotFound {
		t.Errorf("unknown static file = %d; want 404", r.status)
	}
}
