package benefits

import (
	"strings"
	"testing"
)

// TestConflictExplained requires a disagreement between sources on a fact
// a decision read to be said in its explanation, in the reader's
// language, and one on a fact it did not read to be left out.
func TestConflictExplained(t *testing.T) {
	sit, err := ParseSituation([]byte(`{"id": "c", "date": "2026-03-15", "household": {"region": "pavlodar"},
	 "persons": [{"id": "m", "role": "parent", "birth_date": "1990-01-01"},
	             {"id": "k", "role": "child", "birth_date": "2025-11-02"}],
	 "conflicts": [
	   {"person": "k", "field": "birth_date", "used": "2025-11-02", "rule": "reference_register",
	    "values": [{"value": "2025-11-02", "sources": [{"agency": "moj", "source": "population_register"}]},
	               {"value": "2025-11-03", "sources": [{"agency": "moh", "source": "health_cards"}]}]},
	   {"person": "m", "field": "disability", "used": "", "rule": "latest_disability",
	    "values": [{"value": "2"}, {"value": "3"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEngine(cat)
	if err != nil {
		t.Fatal(err)
	}
	res := e.Decide(&sit)
	for _, d := range res.Programmes {
		if d.Programme != "birth" && d.Programme != "disability" {
			continue
		}
		for _, lang := range Languages {
			var said []string
			for _, l := range cat.Explain(d, lang).Lines {
				if l.Kind == "conflict" {
					said = append(said, l.Text)
				}
			}
			text := strings.Join(said, "\n")
			switch d.Programme {
			case "birth": // reads the child's birth date
				want := map[string]string{"kk": "халықты тіркеу деректері негізге алынады", "ru": "основой служит регистр населения",
					"en": "population register is the reference"}[lang]
				if len(said) != 1 || !strings.Contains(text, want) || !strings.Contains(text, "health_cards") {
					t.Errorf("birth, %s: conflict lines %q, want one with %q", lang, said, want)
				}
				if lang != "en" && strings.Contains(text, "reference_register") {
					t.Errorf("birth, %s: the rule's code leaks: %q", lang, text)
				}
			case "disability": // nobody has a disability in force: nothing read
				if len(said) != 0 {
					t.Errorf("disability, %s: %q for a fact the decision did not read", lang, said)
				}
			}
		}
	}
}

func TestConflictsParse(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{`"conflicts": {}`, "conflicts: not an array"},
		{`"conflicts": [{"field": "region"}]`, "conflicts[0].person"},
		{`"conflicts": [{"person": "h", "field": "region", "values": [{"value": "x", "sources": [{"source": "s"}]}]}]`,
			"conflicts[0].values[0].sources[0].agency"},
		{`"conflicts": [{"person": "h", "field": "region", "colour": "red"}]`, "conflicts[0].colour: unknown field"},
	} {
		_, err := ParseSituation([]byte(`{"id": "x", "date": "2026-01-01", "persons": [], ` + tc.body + `}`))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.body, err, tc.want)
		}
	}
}
