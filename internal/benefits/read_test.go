package benefits

import (
	"strings"
	"testing"
)

func readAll(t *testing.T, in string) ([]Situation, []string) {
	t.Helper()
	var ss []Situation
	var errs []string
	err := ReadSituations(strings.NewReader(in), func(s Situation, err error) error {
		ss = append(ss, s)
		if err != nil {
			errs = append(errs, err.Error())
		} else {
			errs = append(errs, "")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ss, errs
}

func TestReadSituationErrors(t *testing.T) {
	const ok = `{"id":"h1","date":"2026-01-01","household":{"region":"astana"},"persons":[{"id":"a","role":"parent","birth_date":"1990-01-01"}]}`
	for _, tc := range []struct{ in, want string }{
		{`{"id":"h7","date":"2026-01-01","persons":[{"id":"a","role":"parent","birth_date":"1990-01-01"},{"id":"b","role":"child","birth_date":"2020-01-01"},{"id":"c","role":"child","birth_date":"2026-02-30"}]}`,
			`h7: persons[2].birth_date: not a date "2026-02-30"`},
		{`{"date":"2026-01-01","persons":[]} `, ``},
		{`{"id":"h2","date":"2026-01-01","persons":[{"id":"a","role":"parent","birth_date":"1990-01-01","birthdate":"x"}]}`, `h2: persons[0].birthdate: unknown field`},
		{`{"id":"h3","date":"2026-01-01","persons":[{"id":"a","role":"boss","birth_date":"1990-01-01"}]}`, `h3: persons[0].role: not parent, child or other: "boss"`},
		{`{"id":"h4","date":"2026-01-01","persons":[{"id":"a","role":"parent","birth_date":"1990-01-01","income":{"2025-13":5}}]}`, `h4: persons[0].income: not a month "2025-13"`},
		{`{"id":"h5","date":"2026-01-01","persons":[{"id":"a","role":"parent","birth_date":"1990-01-01","income":{"2025-12":"5"}}]}`, `h5: persons[0].income.2025-12: not an amount: "5"`},
		{`{"id":"h6","date":"2026-01-01","persons":[{"id":"a","role":"parent","birth_date":"1990-01-01","avg_income_24m":1e5}]}`, `h6: persons[0].avg_income_24m: not a plain decimal amount: 1e5`},
		{`{"id":"h8","date":"2026-01-01","persons":[{"id":"a","role":"parent","birth_date":"1990-01-01","disability":{"group":4,"cause":"general"}}]}`, `h8: persons[0].disability.group: not 1, 2, 3 or null: 4`},
		{`{"id":"h9","date":"2026-01-01","persons":[{"id":"a","role":"parent","birth_date":"1990-01-01"},{"id":"a","role":"child","birth_date":"2020-01-01"}]}`, `h9: persons[1].id: duplicate id "a"`},
		{`{"id":"h10","persons":[]}`, `h10: date: missing`},
		{`[1,2]`, `line 2: not a JSON object`},
		{`{"id":`, `line 2: not JSON: unexpected EOF`},
	} {
		_, errs := readAll(t, ok+"\n"+tc.in+"\n"+ok+"\n")
		if len(errs) != 3 || errs[0] != "" || errs[2] != "" {
			t.Fatalf("%s: batch did not go on: %q", tc.in, errs)
		}
		if tc.want != "" && !strings.HasPrefix(errs[1], tc.want) || tc.want == "" && errs[1] != "" {
			t.Errorf("%s:\n got %q\nwant %q", tc.in, errs[1], tc.want)
		}
	}
}

func TestReadOneObjectOverLines(t *testing.T) {
	ss, errs := readAll(t, "{\n  \"id\": \"h1\",\n  \"date\": \"2026-03-15\",\n  \"persons\": [\n    {\"id\": \"a\", \"role\": \"parent\", \"birth_date\": \"1990-01-01\",\n     \"income\": {\"2025-12\": 118500.5}}\n  ]\n}\n")
	if len(ss) != 1 || errs[0] != "" || ss[0].Persons[0].Income[MonthOf(2025, 12)].String() != "118500.5" {
		t.Fatalf("%+v %q", ss, errs)
	}
	ss, errs = readAll(t, "\n\n"+`{"id":"x","date":"2026-03-15","persons":[]}`+"\n\n")
	if len(ss) != 1 || errs[0] != "" {
		t.Fatalf("%+v %q", ss, errs)
	}
}

func FuzzParseSituation(f *testing.F) {
	f.Add([]byte(`{"id":"h1","date":"2026-03-15","household":{"region":"pavlodar"},"persons":[{"id":"a1","role":"parent","birth_date":"1988-05-14","carer":true,"insured":true,"avg_income_24m":310000,"income":{"2025-10":120000,"2025-12":118500.5}},{"id":"c2","role":"child","birth_date":"2006-01-20","student":true,"disability":{"group":2,"cause":"childhood"}}]}`))
	f.Add([]byte(`{"id":"h2","date":"2026-02-30","persons":[{}]}`))
	f.Add([]byte("{\n\"id\":\"x\"\n}\n{}"))
	e := mustEngine(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		err := ReadSituations(strings.NewReader(string(b)), func(s Situation, err error) error {
			n++
			if err == nil {
				e.Decide(&s) // must not panic on anything that parses
			} else if _, ok := err.(*SituationError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
