package view

import (
	"slices"
	"testing"

	"github.com/ortaq/ortaq/internal/benefits"
)

// TestExplainBenefitFacts lays out a trace's facts: people by the name
// the page knows, else as a member of the household; values in words;
// agencies as the registry names them in the reader's language, else by
// code; sources by title (here, with no contracts, their names in words);
// a fact with no recorded source has no agency, which the page says.
func TestExplainBenefitFacts(t *testing.T) {
	oct, err := benefits.ParseMonth("2025-10")
	if err != nil {
		t.Fatal(err)
	}
	sit := &benefits.Situation{Household: benefits.Household{Region: "astana"}, Persons: []benefits.Person{
		{ID: "P1", Role: "parent", BirthDate: benefits.MakeDate(1988, 9, 15), Income: map[benefits.Month]benefits.Money{oct: benefits.MustMoney("120000.5")}},
		{ID: "P2", Role: "child", Student: true, Disability: &benefits.Disability{Group: 2, Cause: "childhood"}},
	}}
	tr := &benefits.Trace{
		Facts: []benefits.FactUse{
			{Person: "P1", Fields: []string{"birth_date", "id", "income.2025-10"}},
			{Person: "P2", Fields: []string{"disability.cause", "disability.group", "student"}},
			{Person: "household", Fields: []string{"region"}},
		},
		Sources: map[string]benefits.Source{
			"P1.birth_date":    {Agency: "moj", Source: "population_register", AsOf: "2026-11-01"},
			"P2.student":       {Agency: "mon", Source: "education_students", AsOf: "2026-10-01"},
			"household.region": {Agency: "moj", Source: "population_register"},
		},
		Conflicts: []benefits.Conflict{{Person: "P1", Field: "birth_date", Used: "1988-09-15", Rule: "reference_register",
			Values: []benefits.ConflictValue{
				{Value: "1988-09-15", Sources: []benefits.Source{{Agency: "moj", Source: "population_register"}}},
				{Value: "1988-09-16", Sources: []benefits.Source{{Agency: "moh", Source: "health_cards"}}}}}},
	}
	ix := SourceIndex{Agency: map[string]string{"moj": "Әділет министрлігі"}, Lang: "kk"}
	in := BenefitInput{Decision: benefits.Decision{Programme: "disability", Eligible: true, Trace: tr}, Situation: sit,
		Explanation: benefits.Explanation{Title: "Жәрдемақы", Lines: []benefits.Line{
			{Kind: "rule", Text: "rule", Law: "Кодекс"}, {Kind: "step", Text: "s1"}, {Kind: "fact", Text: "P1 raw"},
			{Kind: "parameter", Text: "p", Law: "Кодекс"}, {Kind: "arithmetic", Text: "a"}, {Kind: "outcome", Text: "yes"},
		}}}
	e := ExplainBenefit(Locale{Lang: "kk"}, ix, in, map[string]string{"P1": "Борисова Людмила"})
	want := []BenefitFact{
		{What: "Борисова Людмила · Туған күні", Value: "15.09.1988", Agency: "Әділет министрлігі", Source: "Population register", Date: "01.11.2026"},
		{What: "Борисова Людмила · 10.2025 айындағы табыс", Value: "120\u00a0000,5\u00a0₸"},
		{What: "Отбасы мүшесі · Мүгедектік себебі", Value: "бала кезінен"},
		{What: "Отбасы мүшесі · Мүгедектік тобы", Value: "2"},
		{What: "Отбасы мүшесі · Күндізгі бөлімде оқиды", Value: "иә", Agency: "mon", Source: "Education students", Date: "01.10.2026"},
		{What: "Отбасы · Өңір", Value: Locale{Lang: "kk"}.Region("astana"), Agency: "Әділет министрлігі", Source: "Population register"},
	}
	if !slices.Equal(e.Facts, want) {
		t.Errorf("facts:\n got %q\nwant %q", e.Facts, want)
	}
	if e.Title != "Жәрдемақы" || e.Rule != "rule" || e.Summary != "yes" || !e.Eligible ||
		!slices.Equal(e.Steps, []string{"s1", "a"}) || !slices.Equal(e.Laws, []string{"Кодекс"}) {
		t.Errorf("explanation: %+v", e)
	}
	if e.Params != nil {
		t.Errorf("params without a catalog: %+v", e.Params)
	}
	// Without a catalog the rule stays a code; with one it is said in
	// the reader's language.
	wantConflict := []BenefitConflict{{What: "Борисова Людмила · Туған күні", Used: "15.09.1988", Why: "reference_register",
		Values: []BenefitFact{{Value: "15.09.1988", Agency: "Әділет министрлігі", Source: "Population register"},
			{Value: "16.09.1988", Agency: "moh", Source: "Health cards"}}}}
	if len(e.Conflicts) != 1 || e.Conflicts[0].What != wantConflict[0].What || e.Conflicts[0].Used != wantConflict[0].Used ||
		!slices.Equal(e.Conflicts[0].Values, wantConflict[0].Values) {
		t.Errorf("conflicts:\n got %+v\nwant %+v", e.Conflicts, wantConflict)
	}
	cat, err := benefits.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	in.Catalog = cat
	if got := ExplainBenefit(Locale{Lang: "kk"}, ix, in, nil).Conflicts[0].Why; got != "жеке басты куәландыру үшін халықты тіркеу деректері негізге алынады" {
		t.Errorf("the rule in Kazakh: %q", got)
	}
}

// TestTextIn falls back to English, then to any language written, then to
// the fallback.
func TestTextIn(t *testing.T) {
	for _, c := range []struct {
		text       map[string]string
		lang, want string
	}{
		{map[string]string{"kk": "kk", "en": "en"}, "kk", "kk"},
		{map[string]string{"ru": "ru", "en": "en"}, "kk", "en"},
		{map[string]string{"ru": "ru"}, "kk", "ru"},
		{nil, "kk", "id"},
	} {
		if got := TextIn(c.text, c.lang, "id"); got != c.want {
			t.Errorf("TextIn(%v, %s) = %q; want %q", c.text, c.lang, got, c.want)
		}
	}
}
