package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// TestPagesSpeakTheReadersLanguage renders every console and wallet page
// in Kazakh and in Russian on a synthetic nation and fails on any of the
// project's own English texts, and on any snake_case token, that a reader
// sees: in the text, in a tooltip, a placeholder or a button. What is set
// as code (<code>, <kbd>, <pre>, <samp>: commands, addresses, record ids)
// is for integrators and stays as written.
func TestPagesSpeakTheReadersLanguage(t *testing.T) {
	rig := newWalletRig(t)
	ctx := context.Background()
	b := rig.browser(t)
	csrf := b.signIn(rig.citizen)
	rec := firstRecord(t, rig.st, rig.citizen)
	filed := b.do("POST", "/wallet/corrections", url.Values{"csrf": {csrf}, "source": {rec[0]}, "record": {rec[1]},
		"attr": {rec[2]}, "proposed": {"Тексеру"}, "explanation": {"Қате жазылған"}})
	if filed.status >= 400 {
		t.Fatalf("file a correction: %d\n%s", filed.status, filed.body)
	}
	corrections, err := rig.st.CorrectionsOf(ctx, rig.citizen)
	if err != nil || len(corrections) == 0 {
		t.Fatalf("corrections of the citizen: %v %v", corrections, err)
	}
	d := demoSQLite(t)
	// A finding decided with no officer named shows who decided in the
	// reader's words, not the store's placeholder.
	restoreFinding(t, d.st, d.Finding)
	if err := d.st.SetFindingStatus(ctx, d.Finding.ID, store.FindingFixed, ""); err != nil {
		t.Fatal(err)
	}

	console := []string{"/", "/virtual-cows", "/exchange", "/worklist", "/worklist?status=fixed",
		"/search?q=" + url.QueryEscape(d.Spellings[0]), "/search?q=" + url.QueryEscape("zz"),
		"/entities/" + d.Person.EntityID, "/entities/" + d.Animal, "/entities/" + d.Cow,
		"/corrections/" + corrections[0].ID, "/no-such-page"}
	agencies, err := rig.st.Agencies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range agencies {
		console = append(console, "/agencies/"+a.Code)
	}
	sources, err := rig.st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sources {
		console = append(console, "/sources/"+s.Name, "/worklist?source="+s.Name)
	}
	walletPages := []string{"/wallet", "/wallet/access", "/wallet/consents", "/wallet/corrections",
		"/wallet/corrections/" + corrections[0].ID,
		"/wallet/corrections/new?" + url.Values{"source": {rec[0]}, "record": {rec[1]}, "attr": {rec[2]}}.Encode()}

	english := append(englishTexts(t, sources), store.UnnamedOfficer)
	for _, lang := range []string{"kk", "ru"} {
		for _, path := range console {
			r := get(t, rig.ts.URL+withLang(path, lang))
			checkLanguage(t, lang, path, string(r.body), english)
		}
		for _, path := range walletPages {
			r := b.do("GET", withLang(path, lang), nil)
			checkLanguage(t, lang, path, r.body, english)
		}
		signin := rig.browser(t).do("GET", withLang("/wallet/sign-in", lang), nil)
		checkLanguage(t, lang, "/wallet/sign-in", signin.body, english)
		sms := rig.browser(t).do("GET", withLang("/wallet/sms", lang), nil)
		checkLanguage(t, lang, "/wallet/sms", sms.body, english)
	}
}

// englishTexts gathers the project's English: every English message, and
// every English label of the sources' titles, fields and coded values,
// cut at their formatting verbs into phrases. Phrases that the Kazakh or
// Russian text of the same message also holds (CSV, API, a name) are
// not English for this purpose, and neither are phrases under four letters.
func englishTexts(t *testing.T, sources []store.SourceStats) []string {
	t.Helper()
	verbs := regexp.MustCompile(`%(\[\d+\])?[sdvq]`)
	seen := map[string]bool{}
	add := func(en string, others ...string) {
		for _, p := range verbs.Split(en, -1) {
			p = strings.Trim(p, " .,:;·—–-()«»“”\"'!?\u00a0")
			if len([]rune(p)) < 4 || !strings.ContainsFunc(p, func(r rune) bool { return r >= 'A' && r <= 'z' }) {
				continue
			}
			if slices.ContainsFunc(others, func(o string) bool { return strings.Contains(o, p) }) {
				continue
			}
			seen[p] = true
		}
	}
	for _, m := range view.Catalogue() {
		add(m["en"], m["kk"], m["ru"])
	}
	for _, m := range view.PluralCatalogue() {
		for _, text := range m["en"] {
			add(text, joinForms(m["kk"]), joinForms(m["ru"]))
		}
	}
	for _, l := range source.CanonicalLabels {
		add(l["en"], l["kk"], l["ru"])
	}
	for _, s := range sources {
		src, err := source.Stored(s.ID, s.Definition)
		if err != nil {
			t.Fatal(err)
		}
		add(src.TitleIn("en"), src.TitleIn("kk"), src.TitleIn("ru"))
		// A source's name is for programs: readers get its title.
		add(src.Name, src.TitleIn("kk"), src.TitleIn("ru"))
		add(src.DescriptionIn("en"), src.DescriptionIn("kk"), src.DescriptionIn("ru"))
		for _, f := range src.Fields {
			add(f.Label["en"], f.Label["kk"], f.Label["ru"])
			for _, l := range f.ValueLabels {
				add(l["en"], l["kk"], l["ru"])
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func joinForms(forms map[string]string) string {
	var b strings.Builder
	for _, f := range forms {
		b.WriteString(f)
		b.WriteByte('\n')
	}
	return b.String()
}

var (
	// codeElement is text set as code, for integrators.
	codeElement = regexp.MustCompile(`(?is)<(code|kbd|pre|samp|script|style)\b[^>]*>.*?</(code|kbd|pre|samp|script|style)>`)
	// readable are the attributes a reader sees or hears.
	readable = regexp.MustCompile(`(?i)\s(?:title|aria-label|placeholder|alt)="([^"]*)"`)
	hidden   = regexp.MustCompile(`(?i)<input\b[^>]*type="hidden"[^>]*>`)
	tag      = regexp.MustCompile(`<[^>]*>`)
	// snakeCase is an identifier a program wrote: card_status, employer_bin.
	snakeCase = regexp.MustCompile(`\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b`)
)

// visibleText is what a reader of page sees or hears, one phrase a line.
func visibleText(page string) string {
	page = codeElement.ReplaceAllString(page, " ")
	page = hidden.ReplaceAllString(page, " ")
	var b strings.Builder
	for _, m := range readable.FindAllStringSubmatch(page, -1) {
		b.WriteString(html.UnescapeString(m[1]))
		b.WriteByte('\n')
	}
	b.WriteString(html.UnescapeString(tag.ReplaceAllString(page, "\n")))
	return b.String()
}

func checkLanguage(t *testing.T, lang, path, page string, english []string) {
	t.Helper()
	text := visibleText(page)
	var bad []string
	for _, p := range english {
		if containsWord(text, p) {
			bad = append(bad, "English “"+p+"”")
		}
	}
	for _, s := range snakeCase.FindAllString(text, -1) {
		bad = append(bad, "identifier “"+s+"”")
	}
	slices.Sort(bad)
	bad = slices.Compact(bad)
	if len(bad) > 0 {
		t.Errorf("%s page %s shows %d things a reader should not:\n  %s", lang, path, len(bad), strings.Join(bad, "\n  "))
	}
}

// containsWord reports whether text holds phrase with no letter or digit
// right before or after it.
func containsWord(text, phrase string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], phrase)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(phrase)
		if !wordByte(text, start-1) && !wordByte(text, end) {
			return true
		}
		i = start + 1
	}
}

func wordByte(s string, i int) bool {
	if i < 0 || i >= len(s) {
		return false
	}
	c := s[i]
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// TestSignInCodeInPageLanguage asks for a sign-in code from the sign-in
// page in each language and reads the SMS: it speaks the language of the
// page the citizen asked from, even when the browser keeps no cookie.
func TestSignInCodeInPageLanguage(t *testing.T) {
	rig := newWalletRig(t)
	action := regexp.MustCompile(`action="(/wallet/sign-in[^"]*)"`)
	for lang, want := range map[string]string{"kk": "кіру коды", "ru": "код входа", "en": "sign-in code"} {
		b := rig.browser(t)
		page := b.do("GET", "/wallet/sign-in?lang="+lang, nil)
		m := action.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatalf("%s: no sign-in form", lang)
		}
		delete(b.cookies, "lang") // a browser that forgets the choice
		r := b.do("POST", html.UnescapeString(m[1]), url.Values{"csrf": {fields(page.body)["csrf"]}, "iin": {rig.citizen}})
		if r.status != http.StatusOK {
			t.Fatalf("%s: ask for a code: %d", lang, r.status)
		}
		rig.wallet.Wait()
		msgs, err := wallet.NewOutbox(rig.st).Messages(context.Background(), 1)
		if err != nil || len(msgs) == 0 {
			t.Fatalf("%s: outbox: %v %v", lang, msgs, err)
		}
		if !strings.Contains(msgs[0].Body, want) {
			t.Errorf("%s page sent %q; want it in %s", lang, msgs[0].Body, lang)
		}
	}
}

// TestWorklistCSVSpeaksTheReadersLanguage exports the whole work list in
// Kazakh and in Russian: the header, the reasons and the suggested fixes
// hold no identifier a program wrote and none of the engine's English.
func TestWorklistCSVSpeaksTheReadersLanguage(t *testing.T) {
	d := demoSQLite(t)
	_, ts := mustServe(t, d.st, Options{})
	var english []string
	for _, m := range quality.Messages {
		for _, p := range regexp.MustCompile(`%(\[\d+\])?s`).Split(m["en"], -1) {
			if p = strings.Trim(p, " .,:;()\"'"); len(p) >= 8 && !strings.Contains(m["kk"]+m["ru"], p) {
				english = append(english, p)
			}
		}
	}
	for _, lang := range []string{"kk", "ru"} {
		r := get(t, ts.URL+"/worklist.csv?lang="+lang)
		rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\ufeff")))).ReadAll()
		if err != nil || len(rows) < 2 {
			t.Fatalf("%s: %d rows, %v", lang, len(rows), err)
		}
		reason, fix := slices.Index(rows[0], scorecard.T(lang, "worklist.col.reason")), slices.Index(rows[0], scorecard.T(lang, "worklist.col.suggestion"))
		if reason < 0 || fix < 0 {
			t.Fatalf("%s: header %v", lang, rows[0])
		}
		for _, row := range rows[1:] {
			for _, cell := range []string{row[reason], row[fix]} {
				if s := snakeCase.FindString(cell); s != "" {
					t.Errorf("%s: %q names %s", lang, cell, s)
				}
				for _, p := range english {
					if strings.Contains(cell, p) {
						t.Errorf("%s: %q holds English %q", lang, cell, p)
					}
				}
			}
		}
	}
}
