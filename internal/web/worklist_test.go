package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/console"
	"github.com/ortaq/ortaq/internal/web/view"
)

// noRedirect sends a request, with form as its url-encoded body when not
// nil, and reads the answer without following a redirect.
func noRedirect(tb testing.TB, method, target string, form url.Values, header ...string) response {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if form != nil && !form.Has("csrf") && !slices.Contains(header, "Cookie") {
		// The form is the reading official's, with their session's token.
		if sess, ok := sessionFor(req, form); ok {
			form = maps.Clone(form)
			form.Set("csrf", sess.CSRF)
			req.Body = io.NopCloser(strings.NewReader(form.Encode()))
			req.ContentLength = int64(len(form.Encode()))
			header = append(slices.Clone(header), "Cookie", sess.Cookie)
		}
	}
	setHeaders(req, header)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// mustStatus reads a finding's status and note.
func mustStatus(t *testing.T, st *store.Store, id string) (string, string) {
	t.Helper()
	f, err := st.Finding(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return f.Status, f.Note
}

// restoreFinding puts a finding back as it was when the test ends, since
// the demo store is shared.
func restoreFinding(t *testing.T, st *store.Store, f store.Finding) {
	t.Cleanup(func() {
		if err := st.SetFindingStatus(context.Background(), f.ID, f.Status, f.Note); err != nil {
			t.Errorf("restore finding %s: %v", f.ID, err)
		}
	})
}

// TestFindingStatusForm marks a finding fixed from the work list's form,
// sees it change there, and proves a cross-site form is refused.
func TestFindingStatusForm(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		_, ts := mustServe(t, d.st, Options{})
		f := d.Finding
		restoreFinding(t, d.st, f)
		back := "/worklist?source=" + f.Source + "&check=" + url.QueryEscape(f.Check)
		action := ts.URL + "/findings/" + f.ID

		// The work list offers the form.
		page := mustPage(t, ts.URL+back+"&lang=en", http.StatusOK)
		mustContain(t, page, `id="finding-`+f.ID+`"`, `action="/findings/`+f.ID+`"`, `name="status" value="fixed"`)

		for name, header := range map[string][]string{
			"cross-site":   {"Sec-Fetch-Site", "cross-site"},
			"other origin": {"Origin", "https://evil.example"},
		} {
			r := noRedirect(t, http.MethodPost, action, url.Values{"status": {"fixed"}, "back": {back}}, header...)
			if r.status != http.StatusForbidden {
				t.Errorf("%s form = %d; want 403", name, r.status)
			}
			if st, _ := mustStatus(t, d.st, f.ID); st != store.FindingOpen {
				t.Fatalf("%s form changed the status to %s", name, st)
			}
		}

		// A same-origin browser form is taken, and returns to the list.
		r := noRedirect(t, http.MethodPost, action, url.Values{"status": {"fixed"}, "note": {"  corrected at the clinic  "}, "back": {back}},
			"Origin", ts.URL, "Sec-Fetch-Site", "same-origin")
		if r.status != http.StatusSeeOther || r.header.Get("Location") != back+"#finding-"+f.ID {
			t.Fatalf("form = %d to %q; want 303 to %s", r.status, r.header.Get("Location"), back)
		}
		if st, note := mustStatus(t, d.st, f.ID); st != store.FindingFixed || note != "corrected at the clinic" {
			t.Errorf("after the form: %s %q", st, note)
		}
		page = mustPage(t, ts.URL+back+"&lang=en", http.StatusOK)
		mustContain(t, page, `<span class="status s-fixed">Fixed</span>`, "corrected at the clinic", `name="status" value="open"`)

		// Bad forms change nothing.
		for name, tc := range map[string]struct {
			id     string
			form   url.Values
			status int
		}{
			"resolved by hand": {f.ID, url.Values{"status": {"resolved"}}, http.StatusBadRequest},
			"no status":        {f.ID, url.Values{}, http.StatusBadRequest},
			"long note":        {f.ID, url.Values{"status": {"open"}, "note": {strings.Repeat("я", view.MaxNoteRunes+1)}}, http.StatusBadRequest},
			"unknown finding":  {"nope", url.Values{"status": {"open"}}, http.StatusNotFound},
		} {
			r := noRedirect(t, http.MethodPost, ts.URL+"/findings/"+tc.id, tc.form)
			if r.status != tc.status {
				t.Errorf("%s: %d; want %d", name, r.status, tc.status)
			}
		}
		if st, _ := mustStatus(t, d.st, f.ID); st != store.FindingFixed {
			t.Errorf("a bad form changed the status to %s", st)
		}
		// The form cannot send the officer to another site.
		for _, evil := range []string{"https://evil.example/", "//evil.example/", "/\\evil.example"} {
			r := noRedirect(t, http.MethodPost, action, url.Values{"status": {"open"}, "back": {evil}})
			if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/worklist#") {
				t.Errorf("back %q: %d to %q; want the work list", evil, r.status, loc)
			}
		}
	})
}

// TestWorklistCSV exports a work list and reads it back as a spreadsheet
// would: a byte-order mark, the reader's language, the page's order, and
// a cell a spreadsheet would run as a formula neutralised.
func TestWorklistCSV(t *testing.T) {
	demoEach(t, func(t *testing.T, d *demo) {
		_, ts := mustServe(t, d.st, Options{})
		f := d.Finding
		restoreFinding(t, d.st, f)
		const formula = `=HYPERLINK("https://evil.example","x")`
		if err := d.st.SetFindingStatus(context.Background(), f.ID, store.FindingOpen, formula); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{"source=livestock", "agency=moh&status=open", "kind=duplicates", "", "source=" + f.Source} {
			r := get(t, ts.URL+"/worklist.csv?lang=en&"+q)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
				t.Fatalf("%s: %d %s", q, r.status, r.header.Get("Content-Type"))
			}
			if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="ortaq-worklist`) || !strings.HasSuffix(cd, `.csv"`) {
				t.Errorf("%s: Content-Disposition %q", q, cd)
			}
			body, ok := bytes.CutPrefix(r.body, []byte("\ufeff"))
			if !ok {
				t.Errorf("%s: no byte-order mark for spreadsheets", q)
			}
			rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
			if err != nil {
				t.Fatalf("%s: not CSV: %v", q, err)
			}
			v, _ := url.ParseQuery(q)
			if v.Get("agency") == "" && v.Get("source") == "" {
				// Read by the default official: their agency's list.
				v.Set("agency", busiestAgency(t, d.st))
			}
			want, total, err := d.st.WorkList(context.Background(), store.FindingFilter{Source: v.Get("source"), Agency: v.Get("agency"),
				Kind: v.Get("kind"), Status: v.Get("status"), ByImpact: true, Limit: -1})
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != total+1 || total == 0 {
				t.Errorf("%s: %d rows; want a header and %d findings", q, len(rows), total)
				continue
			}
			if rows[0][0] != "finding_id" || !slices.Contains(rows[0], "suggestion") {
				t.Errorf("%s: header %v", q, rows[0])
			}
			col, note := slices.Index(rows[0], "source"), slices.Index(rows[0], "note")
			for i, row := range rows[1:] {
				if row[0] != want[i].ID {
					t.Errorf("%s: row %d is finding %s; want %s, in the page's order", q, i+1, row[0], want[i].ID)
					break
				}
				if s := v.Get("source"); s != "" && row[col] != s {
					t.Errorf("%s: row of source %s", q, row[col])
					break
				}
				if row[0] == f.ID && row[note] != "'"+formula {
					t.Errorf("%s: note cell %q; want the formula neutralised", q, row[note])
				}
			}
		}
		// In Russian: the header and statuses in Russian, still with a
		// byte-order mark.
		r := get(t, ts.URL+"/worklist.csv?lang=ru&source="+f.Source)
		body, ok := bytes.CutPrefix(r.body, []byte("\ufeff"))
		rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if !ok || err != nil || len(rows) < 2 {
			t.Fatalf("ru export: bom %v, %v, %d rows", ok, err, len(rows))
		}
		if rows[0][0] != "Номер замечания" || !slices.Contains(rows[1], "открыто") {
			t.Errorf("ru export: header %v, first row %v", rows[0], rows[1])
		}
	})
}

// TestWorklistPages pages through a work list: each page is the next part
// of the one order, and the filters survive the paging links.
func TestWorklistPages(t *testing.T) {
	d := demoSQLite(t)
	_, ts := mustServe(t, d.st, Options{})
	// A work list is one agency's: the one with the most findings pages.
	agency := mostFindings(t, d.st)
	all, total, err := d.st.WorkList(context.Background(), store.FindingFilter{Agency: agency, ByImpact: true, Limit: -1})
	if err != nil {
		t.Fatal(err)
	}
	if total != len(all) || total <= 2*console.WorklistPageSize {
		t.Fatalf("%d findings, total %d; want more than two pages", len(all), total)
	}
	for _, page := range []int{1, 2, (total + console.WorklistPageSize - 1) / console.WorklistPageSize} {
		body := mustPage(t, ts.URL+"/worklist?lang=en&agency="+agency+"&page="+itoa(page), http.StatusOK)
		first := all[(page-1)*console.WorklistPageSize]
		mustContain(t, body, `id="finding-`+first.ID+`"`, "page "+itoa(page)+" of")
		if page > 1 {
			mustNotContain(t, body, `id="finding-`+all[0].ID+`"`)
		}
	}
	body := mustPage(t, ts.URL+"/worklist?lang=en&source=livestock&status=open", http.StatusOK)
	mustContain(t, body, `href="/worklist?agency=moa&amp;page=2&amp;source=livestock&amp;status=open"`)
	mustContain(t, mustPage(t, ts.URL+"/worklist?lang=en&page=9999", http.StatusOK), "No findings match this filter.")
	mustContain(t, mustPage(t, ts.URL+"/worklist?lang=en&status=bogus&page=x", http.StatusOK), "page 1 of")
}

func itoa(n int) string { return strconv.Itoa(n) }

// mostFindings is the agency with the most findings.
func mostFindings(t *testing.T, st *store.Store) string {
	t.Helper()
	tally, err := st.FindingTally(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]int{}
	best := ""
	for _, c := range tally {
		by[c.Agency] += c.Open + c.Fixed + c.NotDefect
		if best == "" || by[c.Agency] > by[best] {
			best = c.Agency
		}
	}
	return best
}
