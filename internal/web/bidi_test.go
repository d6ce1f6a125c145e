package web

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/wallet"
)

// isolatingSelectors reads the style sheet's rule that isolates data
// values (unicode-bidi: isolate) and returns its selectors.
func isolatingSelectors(t *testing.T) []string {
	t.Helper()
	css, err := os.ReadFile("view/static/style.css")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?s)([^{}]*)\{[^{}]*unicode-bidi:\s*isolate[^{}]*\}`).FindSubmatch(css)
	if m == nil {
		t.Fatal("the style sheet has no rule with unicode-bidi: isolate")
	}
	sel := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(m[1]), "")
	var out []string
	for _, s := range strings.Split(sel, ",") {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// openTag matches the tag that opens right before a value.
var openTag = regexp.MustCompile(`<([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>$`)

// checkIsolated checks that every time value is shown as text on page,
// it is the whole content of an element the style sheet isolates, so that
// a bidirectional control in it cannot reorder the text around it.
// Attributes and the page's <title> are no text to reorder.
func checkIsolated(t *testing.T, what, page, value string, isolating []string) {
	t.Helper()
	shown := 0
	for i := 0; ; {
		j := strings.Index(page[i:], value)
		if j < 0 {
			break
		}
		at := i + j
		i = at + len(value)
		before := page[:at]
		if strings.LastIndex(before, "<") > strings.LastIndex(before, ">") {
			continue // inside a tag: an attribute's value
		}
		if strings.HasSuffix(before, "<title>") {
			continue
		}
		shown++
		m := openTag.FindStringSubmatch(before)
		ok := false
		if m != nil && strings.HasPrefix(strings.TrimLeft(page[i:], " \n"), "</"+m[1]+">") {
			classes := regexp.MustCompile(`class="([^"]*)"`).FindStringSubmatch(m[2])
			for _, sel := range isolating {
				if sel == m[1] {
					ok = true
				}
				if classes != nil && strings.HasPrefix(sel, ".") && slices.Contains(strings.Fields(classes[1]), sel[1:]) {
					ok = true
				}
			}
		}
		if !ok {
			start := max(0, at-120)
			t.Errorf("%s shows %q outside an isolating element:\n…%s…", what, value, page[start:min(len(page), i+60)])
		}
	}
	if shown == 0 {
		t.Errorf("%s does not show %q at all; the test looks in the wrong place", what, value)
	}
}

// TestDataValuesIsolated loads a record whose name holds U+202E (RIGHT-TO-
// LEFT OVERRIDE) and reads the pages that show it, in the console and in
// the citizen's wallet: each time, the name is the whole content of an
// element the style sheet isolates. Before, the override ran on over the
// text after the name: the source, the record id, the date.
func TestDataValuesIsolated(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	mustRegister(t, st)
	const (
		name   = "Айгерім \u202EваноекрәС"
		clinic = "Polyclinic \u202E4"
		// A row quarantined for its id, whose raw text the source's
		// page shows.
		raw = "C\u202E9," + "1,x,y,z"
	)
	cards := "card_no,iin,fio,dob,clinic\n" +
		"C1," + iinAigerim + "," + name + ",14.03.1985," + clinic + "\n" + raw + "\n"
	if _, err := ingest.Push(ctx, st, "health_cards", strings.NewReader(cards), "csv", source.ModeFull); err != nil {
		t.Fatal(err)
	}
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
	found, err := st.GoldenByNationalID(ctx, iinAigerim, 1)
	if err != nil || len(found) == 0 {
		t.Fatalf("no golden record for %s: %v", iinAigerim, err)
	}
	w := wallet.New(st, nil, wallet.Options{})
	_, ts := mustServe(t, st, Options{Wallet: w})
	isolating := isolatingSelectors(t)

	for _, c := range []struct{ path, value string }{
		{"/entities/" + found[0].EntityID + "?lang=en", name},
		{"/entities/" + found[0].EntityID + "?lang=en", clinic},
		{"/search?lang=en&q=" + url.QueryEscape("Айгерім"), name},
		{"/sources/health_cards?lang=en", raw},
	} {
		checkIsolated(t, c.path, mustPage(t, ts.URL+c.path, 200), c.value, isolating)
	}
	token, _, err := w.StartSession(ctx, iinAigerim, wallet.ViaSMS)
	if err != nil {
		t.Fatal(err)
	}
	page := mustPage(t, ts.URL+"/wallet?lang=en", 200, "Cookie", sessionCookie+"="+token)
	checkIsolated(t, "/wallet", page, name, isolating)
	checkIsolated(t, "/wallet", page, clinic, isolating)
}
