package benefits

import (
	"strings"
	"testing"
)

func decideOne(t *testing.T, e *Engine, js string) Result {
	t.Helper()
	s, err := ParseSituation([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return e.Decide(&s)
}

func TestExplain(t *testing.T) {
	e := mustEngine(t)
	r := decideOne(t, e, `{"id":"x","date":"2026-01-10","household":{"region":"pavlodar"},
	  "persons":[{"id":"a1","role":"parent","birth_date":"1990-01-01","income":{"2025-10":97210,"2025-11":87850,"2025-12":87850}},
	             {"id":"a2","role":"parent","birth_date":"1990-01-01"},
	             {"id":"c1","role":"child","birth_date":"2015-01-01"},{"id":"c2","role":"child","birth_date":"2016-01-01"},{"id":"c3","role":"child","birth_date":"2017-01-01"}],
	  "sources":{"a1.income.2025-10":{"agency":"State Revenue Committee","source":"tax_incomes","as_of":"2026-11-01"}}}`)
	asp, lf := r.Programmes[0], r.Programmes[1]
	for _, tc := range []struct {
		d    Decision
		lang string
		want []string
	}{
		{asp, "en", []string{"Rule: Targeted social assistance (ASP), version asp/2025-01-01", "The preceding quarter is 2025Q4.",
			"Per-capita income = 272,910 ₸ ÷ 3 months ÷ 5 people = 18,194 ₸.", "Per-capita income is 25,731 ₸ below the poverty line.",
			"income.2025-10 — State Revenue Committee, tax_incomes, as of 2026-11-01", "Median per-capita income (region, quarter) [pavlodar/2025Q4] = 125,500 (from 2024-01-01; Illustrative", "Amount = round(line * members - total / 3) + addons = 128,655 ₸."}},
		{asp, "ru", []string{"Среднедушевой доход = 272 910 ₸ ÷ 3 мес. ÷ 5 человек = 18 194 ₸.", "ниже черты бедности на 25 731 ₸", "Право есть:"}},
		{lf, "en", []string{"3 children count", "1 more child under 18 would make the family eligible.", "Not eligible."}},
		{lf, "ru", []string{"Учитываются 3 ребёнка", "Ещё 1 ребёнок до 18 лет дал бы семье право на пособие."}},
		{lf, "kk", []string{"Тағы 1 бала", "Құқығы жоқ."}},
	} {
		ex := e.Explain(tc.d, tc.lang)
		var all []string
		for _, l := range ex.Lines {
			all = append(all, l.Text)
		}
		text := strings.Join(all, "\n")
		for _, w := range tc.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s %s: no %q in\n%s", tc.d.Programme, tc.lang, w, text)
			}
		}
	}
}

func TestCategory(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int64
		want string
	}{{"ru", 1, "one"}, {"ru", 3, "few"}, {"ru", 5, "many"}, {"ru", 21, "one"}, {"en", 1, "one"}, {"en", 2, "other"}, {"kk", 1, "one"}, {"kk", 5, "other"}} {
		if got := Category(tc.lang, tc.n); got != tc.want {
			t.Errorf("%s %d: %s", tc.lang, tc.n, got)
		}
	}
}
