package web

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// TestMessagesComplete checks every message exists in every UI language,
// and in no other, with the same formatting verbs; and every plural
// message has each CLDR form its languages need (Russian one, few, many
// and other; Kazakh and English other, and one where a text differs),
// every form with the same verbs.
func TestMessagesComplete(t *testing.T) {
	var codes []string
	for _, l := range view.Languages {
		codes = append(codes, l.Code)
	}
	sort.Strings(codes)
	for key, m := range view.Catalogue() {
		var have []string
		for lang, text := range m {
			have = append(have, lang)
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: empty in %s", key, lang)
			}
		}
		sort.Strings(have)
		if !slices.Equal(have, codes) {
			t.Errorf("%s: has languages %v; want %v", key, have, codes)
		}
		ref := verbsOf(m["en"])
		for lang, text := range m {
			if got := verbsOf(text); !slices.Equal(got, ref) {
				t.Errorf("%s: %s has verbs %v; en has %v", key, lang, got, ref)
			}
		}
	}
	needs := map[string][]string{"ru": {"one", "few", "many", "other"}, "kk": {"other"}, "en": {"one", "other"}}
	for key, m := range view.PluralCatalogue() {
		var have []string
		for lang := range m {
			have = append(have, lang)
		}
		sort.Strings(have)
		if !slices.Equal(have, codes) {
			t.Errorf("plural %s: has languages %v; want %v", key, have, codes)
		}
		ref := verbsOf(m["en"]["other"])
		for lang, forms := range m {
			for _, form := range needs[lang] {
				if strings.TrimSpace(forms[form]) == "" {
					t.Errorf("plural %s: %s lacks the %q form", key, lang, form)
				}
			}
			for form, text := range forms {
				if !slices.Contains([]string{"zero", "one", "two", "few", "many", "other"}, form) {
					t.Errorf("plural %s: %s has no CLDR form %q", key, lang, form)
				}
				if got := verbsOf(text); !slices.Equal(got, ref) {
					t.Errorf("plural %s: %s %s has verbs %v; en other has %v", key, lang, form, got, ref)
				}
			}
		}
	}
	if !view.Supported(view.DefaultLang) {
		t.Errorf("default language %q is not offered", view.DefaultLang)
	}
}

// verbsOf lists a text's formatting verbs by the argument each takes
// ("1s", "2d"), sorted: a translation may reorder its arguments with
// %[n]s, but must take the same ones.
func verbsOf(text string) []string {
	verbs := regexp.MustCompile(`%(?:\[(\d+)\])?([sdvq])`)
	var out []string
	next := 1
	for _, m := range verbs.FindAllStringSubmatch(text, -1) {
		i := next
		if m[1] != "" {
			i, _ = strconv.Atoi(m[1])
		}
		next = i + 1
		out = append(out, strconv.Itoa(i)+m[2])
	}
	sort.Strings(out)
	return out
}

// TestTemplatesUseKnownKeys finds every message key the templates and the
// Go code ask for and checks the catalogue has it; and that every message
// in the catalogue is asked for somewhere, so that it does not rot.
func TestTemplatesUseKnownKeys(t *testing.T) {
	use := regexp.MustCompile(`\b(?:T|F|Msg)\s*\(?\s*"([a-z0-9_.]+)"`)
	plural := regexp.MustCompile(`\bP\s*\(?\s*"([a-z0-9_.]+)"`)
	label := regexp.MustCompile(`\b(?:Label|Hint)\s*\(?\s*"([a-z0-9_.]+\.)"`)
	var files []string
	for _, pat := range []string{"*/templates/*.html", "*/*.go"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	used := map[string]bool{}
	var prefixes []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range use.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
			if !view.Known(m[1]) {
				t.Errorf("%s asks for message %q, which the catalogue lacks", f, m[1])
			}
		}
		for _, m := range plural.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
			if _, ok := view.PluralCatalogue()[m[1]]; !ok {
				t.Errorf("%s asks for plural message %q, which the catalogue lacks", f, m[1])
			}
		}
		for _, m := range label.FindAllStringSubmatch(string(b), -1) {
			prefixes = append(prefixes, m[1])
		}
	}
	if len(used) < 30 {
		t.Fatalf("found only %d message uses; is the pattern stale?", len(used))
	}
	// The parts domain packages register are rendered by their own code
	// (quality.Render, the wallet's states) and tested there.
	for key := range view.Catalogue() {
		_, domain := quality.Messages[key]
		if _, ok := wallet.Messages[key]; ok {
			domain = true
		}
		if _, ok := resolve.ReasonMessages[key]; ok {
			domain = true
		}
		if domain || used[key] || slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(key, p) }) {
			continue
		}
		t.Errorf("message %q is never used", key)
	}
	for key := range view.PluralCatalogue() {
		if !used[key] {
			t.Errorf("plural message %q is never used", key)
		}
	}
}
