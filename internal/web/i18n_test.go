package web

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/web/view"
)

// TestMessagesComplete checks every message exists in every UI language,
// and in no other, with the same formatting verbs.
func TestMessagesComplete(t *testing.T) {
	var codes []string
	for _, l := range view.Languages {
		codes = append(codes, l.Code)
	}
	verbs := regexp.MustCompile(`%[sdvq]`)
	for key, m := range view.Catalogue() {
		var have []string
		for lang, text := range m {
			have = append(have, lang)
			if strings.TrimSpace(text) == "" {
				t.Errorf("%s: empty in %s", key, lang)
			}
		}
		sort.Strings(have)
		want := slices.Clone(codes)
		sort.Strings(want)
		if !slices.Equal(have, want) {
			t.Errorf("%s: has languages %v; want %v", key, have, want)
		}
		ref := verbs.FindAllString(m["en"], -1)
		for lang, text := range m {
			if got := verbs.FindAllString(text, -1); !slices.Equal(got, ref) {
				t.Errorf("%s: %s has verbs %v; en has %v", key, lang, got, ref)
			}
		}
	}
	if !view.Supported(view.DefaultLang) {
		t.Errorf("default language %q is not offered", view.DefaultLang)
	}
}

// TestTemplatesUseKnownKeys finds every message key the templates and the
// Go code ask for and checks the catalogue has it; and that every message
// in the catalogue is asked for somewhere, so that it does not rot.
func TestTemplatesUseKnownKeys(t *testing.T) {
	use := regexp.MustCompile(`\b(?:T|F|Msg)\s*\(?\s*"([a-z0-9_.]+)"`)
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
		for _, m := range label.FindAllStringSubmatch(string(b), -1) {
			prefixes = append(prefixes, m[1])
		}
	}
	if len(used) < 30 {
		t.Fatalf("found only %d message uses; is the pattern stale?", len(used))
	}
	for key := range view.Catalogue() {
		if used[key] || slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(key, p) }) {
			continue
		}
		t.Errorf("message %q is never used", key)
	}
}
