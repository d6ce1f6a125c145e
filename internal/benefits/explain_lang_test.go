package benefits

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// caseSituations reads the situations of testdata/cases, which cover
// every programme eligible and not.
func caseSituations(t *testing.T) []Situation {
	t.Helper()
	files, err := filepath.Glob("testdata/cases/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	var out []Situation
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases []struct {
			Situation string `yaml:"situation"`
		}
		if err := yaml.Unmarshal(b, &cases); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range cases {
			s, err := ParseSituation([]byte(c.Situation))
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			out = append(out, s)
		}
	}
	return out
}

var (
	// rawCEL are pieces of the rules' expressions and step names that a
	// reader must never see.
	rawCEL = []string{"round(", "max(", "min(", "param(", "table(", "line *", "total /", "addons", "per_capita", "members", "{", "}", "2025Q", "2026Q", "asp/20"}
	// latin finds a word in Latin letters, which a Kazakh or Russian text
	// must not have (ids are removed first).
	latin = regexp.MustCompile(`[A-Za-z]{2,}`)
)

// TestExplainEveryLanguage explains every programme of every case
// situation, eligible or not, in each language, and holds the words to
// the reader's language: no raw rule, no English in Kazakh or Russian,
// the law's title in that language, and a reason for every refusal.
func TestExplainEveryLanguage(t *testing.T) {
	e := mustEngine(t)
	cat := e.Catalog()
	seen := map[string]bool{}
	for _, sit := range caseSituations(t) {
		r := e.Decide(&sit)
		for _, d := range r.Programmes {
			if d.Err != "" {
				continue
			}
			seen[d.Programme+map[bool]string{true: " eligible", false: " not eligible"}[d.Eligible]] = true
			for _, lang := range Languages {
				names := Names{Person: PersonNames(&sit, lang)}
				ex := cat.ExplainNamed(d, lang, names)
				var text []string
				kinds := map[string]bool{}
				for _, l := range ex.Lines {
					text = append(text, l.Text)
					kinds[l.Kind] = true
				}
				all := strings.Join(text, "\n")
				where := sit.ID + " " + d.Programme + " " + lang
				for _, w := range rawCEL {
					if strings.Contains(all, w) {
						t.Errorf("%s: raw rule text %q in\n%s", where, w, all)
					}
				}
				if lang != "en" {
					clean := all
					for _, p := range sit.Persons {
						clean = strings.ReplaceAll(clean, p.ID, "")
					}
					if w := latin.FindString(clean); w != "" {
						t.Errorf("%s: Latin word %q in\n%s", where, w, all)
					}
				}
				if !kinds["rule"] || !kinds["outcome"] {
					t.Errorf("%s: no rule or outcome in\n%s", where, all)
				}
				if d.Eligible && !kinds["arithmetic"] {
					t.Errorf("%s: eligible without its arithmetic in\n%s", where, all)
				}
				if !d.Eligible && !kinds["change"] {
					t.Errorf("%s: refused without what would change it in\n%s", where, all)
				}
				wantLaw := map[string]string{"kk": "Қазақстан Республикасының Әлеуметтік кодексі", "ru": "Социальный кодекс Республики Казахстан", "en": "Social Code of the Republic of Kazakhstan"}[lang]
				if !strings.Contains(ex.Lines[0].Text, wantLaw) || ex.Lines[0].Law == "" || ex.Lines[0].LawRef == "" {
					t.Errorf("%s: rule line %+v lacks the law %q", where, ex.Lines[0], wantLaw)
				}
				for _, l := range ex.Lines {
					if l.Kind == "parameter" && (l.LawID == "" || l.Law == l.LawRef && lang != "en") {
						t.Errorf("%s: parameter line %+v without its law's title", where, l)
					}
				}
			}
		}
	}
	for _, p := range []string{"asp", "large_family", "birth", "childcare", "disability"} {
		for _, o := range []string{" eligible", " not eligible"} {
			if !seen[p+o] {
				t.Errorf("no case situation where %s is%s", p, o)
			}
		}
	}
}

// TestExplainWords checks sentences whose grammar depends on the
// language: dates in cases, plurals, persons by role.
func TestExplainWords(t *testing.T) {
	e := mustEngine(t)
	r := decideOne(t, e, `{"id":"w","date":"2026-11-01","household":{"region":"astana"},
	  "persons":[{"id":"p1","role":"parent","birth_date":"1990-01-01"},{"id":"k1","role":"child","birth_date":"2010-01-01"}]}`)
	byProg := map[string]Decision{}
	for _, d := range r.Programmes {
		byProg[d.Programme] = d
	}
	for _, tc := range []struct{ prog, lang, want string }{
		{"birth", "kk", "2025 жылғы 1 қарашадан кейін отбасында бала туылған жоқ"},
		{"birth", "ru", "После 1 ноября 2025 г. в семье не родилось ни одного ребёнка"},
		{"birth", "en", "No child has been born in the household since 1 November 2025"},
		{"childcare", "kk", "Отбасында бір жарым жасқа толмаған бала жоқ."},
		{"childcare", "ru", "В семье нет ребёнка младше полутора лет."},
		{"childcare", "en", "No child in the household is under 1.5."},
		{"disability", "ru", "Ни у кого в семье нет действующей инвалидности"},
		{"disability", "en", "No one in the household has a disability in force"},
		{"large_family", "ru", "Ещё 3 ребёнка до 18 лет дали бы семье право на пособие."},
		{"large_family", "en", "3 more children under 18 would make the family eligible."},
		{"asp", "kk", "Алдыңғы тоқсан: 2026 жылғы 3-тоқсан."},
		{"asp", "ru", "Предыдущий квартал: 3-й квартал 2026 года."},
		{"asp", "en", "The preceding quarter is Q3 2026."},
	} {
		ex := e.Catalog().ExplainNamed(byProg[tc.prog], tc.lang, Names{})
		var all []string
		for _, l := range ex.Lines {
			all = append(all, l.Text)
		}
		if text := strings.Join(all, "\n"); !strings.Contains(text, tc.want) {
			t.Errorf("%s %s: no %q in\n%s", tc.prog, tc.lang, tc.want, text)
		}
	}
}

// TestExplainFreeTextLaw: a rule change stored with its own wording of
// the law keeps it as given, in every language.
func TestExplainFreeTextLaw(t *testing.T) {
	base, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	cat, err := base.With(File{Name: "parameters-change.yaml", Data: []byte(`MRP:
  values:
    - {from: 2026-06-01, value: "4500", law: "Law of 1 Nov 2026"}
`)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(cat)
	if err != nil {
		t.Fatal(err)
	}
	r := decideOne(t, e, `{"id":"f","date":"2026-07-01","household":{"region":"astana"},
	  "persons":[{"id":"p1","role":"parent","birth_date":"1990-01-01"},{"id":"k1","role":"child","birth_date":"2026-06-15"}]}`)
	for _, lang := range Languages {
		ex := e.Explain(r.Programmes[2], lang)
		found := false
		for _, l := range ex.Lines {
			if l.Kind == "parameter" && strings.Contains(l.Text, "Law of 1 Nov 2026") && l.LawRef == "Law of 1 Nov 2026" && l.LawID == "" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: the free-text law is not shown as given: %+v", lang, ex.Lines)
		}
	}
}
