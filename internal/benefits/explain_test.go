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
		{asp, "en", []string{"Targeted social assistance (ASP): the version in force from 1 January 2025; legal basis: Social Code of the Republic of Kazakhstan;", "The preceding quarter is Q4 2025.",
			"Per-capita income = 272,910 ₸ ÷ 3 months ÷ 5 people = 18,194 ₸.", "Per-capita income is 25,731 ₸ below the poverty line.",
			"income for October 2025 (State Revenue Committee, tax_incomes; as of 1 November 2026)", "Median per-capita income (region, quarter) — Pavlodar Region, Q4 2025: 125,500 (from 1 January 2024; Regional figures",
			"Amount = 43,925 ₸ × 5 people − 272,910 ₸ ÷ 3 + 0 ₸ = 128,655 ₸ (rounded to the tenge)."}},
		{asp, "ru", []string{"Среднедушевой доход = 272 910 ₸ ÷ 3 мес. ÷ 5 человек = 18 194 ₸.", "ниже черты бедности на 25 731 ₸", "Право есть:",
			"Предыдущий квартал: 4-й квартал 2025 года.", "Сумма = 43 925 ₸ × 5 чел. − 272 910 ₸ ÷ 3 + 0 ₸ = 128 655 ₸",
			"Приказ Министра труда и социальной защиты населения Республики Казахстан от 20 декабря 2024 года № 473"}},
		{asp, "kk", []string{"Алдыңғы тоқсан: 2025 жылғы 4-тоқсан.", "2025 жылғы 1 қаңтардан бастап қолданылатын редакция",
			"Қазақстан Республикасы Еңбек және халықты әлеуметтік қорғау министрінің 2024 жылғы 20 желтоқсандағы № 473 бұйрығы"}},
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
