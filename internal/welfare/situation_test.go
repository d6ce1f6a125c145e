package welfare

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/household"
)

// TestSituationRoundTrip encodes a situation with every kind of value and
// requires decoding to give it back, byte for byte when encoded again.
func TestSituationRoundTrip(t *testing.T) {
	in := `{"id":"h1","date":"2026-03-15","household":{"region":"pavlodar"},"persons":[` +
		`{"id":"a1","role":"parent","birth_date":"1988-05-14","carer":true,"insured":true,"avg_income_24m":310000.12345678,` +
		`"income":{"2025-10":120000,"2025-11":120000,"2025-12":118500.5}},` +
		`{"id":"c1","role":"child","birth_date":"2025-11-02","disability":{"group":null,"cause":"childhood"}},` +
		`{"id":"c2","role":"child","birth_date":"2006-01-20","student":true,"disability":{"group":2,"cause":"childhood"}}],` +
		`"sources":{"a1.income.2025-10":{"agency":"kgd","source":"tax_incomes","record":"FNO-1","as_of":"2026-01-31"}},` +
		`"conflicts":[{"person":"c2","field":"birth_date","used":"2006-01-20","rule":"reference_register","values":[` +
		`{"value":"2006-01-20","sources":[{"agency":"moj","source":"population_register"}]},{"value":"2006-02-20"}]}]}`
	s, err := DecodeSituation([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeSituation(&s)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := DecodeSituation(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	b2, _ := EncodeSituation(&s2)
	if len(s2.Conflicts) != 1 || len(s2.Conflicts[0].Values) != 2 || s2.Conflicts[0].Values[0].Sources[0].Agency != "moj" {
		t.Errorf("conflicts lost on the way: %+v", s2.Conflicts)
	}
	if !bytes.Equal(b, b2) {
		t.Errorf("not stable:\n%s\n%s", b, b2)
	}
	if ch := Changed(&s, &s2); len(ch) != 0 {
		t.Errorf("round trip changed %v\n%s", ch, b)
	}
	e, err := benefits.NewEngine(mustCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	r1, r2 := e.Decide(&s), e.Decide(&s2)
	if !slices.Equal(outcomes(&r1), outcomes(&r2)) {
		t.Errorf("decisions differ: %v, %v", outcomes(&r1), outcomes(&r2))
	}
}

func mustCatalog(t *testing.T) *benefits.Catalog {
	t.Helper()
	c, err := benefits.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestIndex checks the fields and parameters derived from the built-in
// programmes, and which programmes a change of each field affects.
func TestIndex(t *testing.T) {
	ix := NewIndex(mustCatalog(t))
	for _, tc := range []struct {
		fields []string
		want   []string
	}{
		{[]string{FieldIncome}, []string{"asp"}},
		{[]string{FieldRegion}, []string{"asp"}},
		{[]string{FieldStudent}, []string{"large_family"}},
		{[]string{FieldDisability}, []string{"disability"}},
		{[]string{FieldInsured}, []string{"childcare"}},
		{[]string{FieldAvgIncome24m}, []string{"childcare"}},
		{[]string{FieldPersons}, []string{"asp", "birth", "childcare", "disability", "large_family"}},
	} {
		if got := ix.Affected(tc.fields); !slices.Equal(got, tc.want) {
			t.Errorf("%v affects %v, want %v", tc.fields, got, tc.want)
		}
	}
	if got := ix.Reading("MRP"); !slices.Equal(got, []string{"asp", "birth", "childcare", "large_family"}) {
		t.Errorf("MRP is read by %v", got)
	}
	if got := ix.Reading("PM"); !slices.Equal(got, []string{"disability"}) {
		t.Errorf("PM is read by %v", got)
	}
	// Every source attribute profiles read maps to situation fields that
	// exist, or to none (well-being only).
	known := map[string]bool{FieldPersons: true, FieldRegion: true, FieldRole: true, FieldBirthDate: true, FieldCarer: true,
		FieldInsured: true, FieldStudent: true, FieldAvgIncome24m: true, FieldIncome: true, FieldDisability: true}
	for _, f := range household.FieldsRead() {
		for _, sf := range SourceFields(f) {
			if !known[sf] {
				t.Errorf("%s.%s maps to unknown field %s", f.Source, f.Attr, sf)
			}
		}
	}
}

// TestOfferSMS keeps one language within three SMS segments (67 UCS-2
// characters each) and names the amount and the wallet page.
func TestOfferSMS(t *testing.T) {
	cat := mustCatalog(t)
	e, err := benefits.NewEngine(cat)
	if err != nil {
		t.Fatal(err)
	}
	s, err := DecodeSituation([]byte(`{"id":"h","date":"2026-11-01","household":{"region":"turkistan"},"persons":[` +
		`{"id":"m","role":"parent","birth_date":"1990-01-01","carer":true},` +
		`{"id":"c1","role":"child","birth_date":"2014-01-01"},{"id":"c2","role":"child","birth_date":"2016-01-01"},` +
		`{"id":"c3","role":"child","birth_date":"2018-01-01"},{"id":"c4","role":"child","birth_date":"2026-06-01"}],` +
		`"sources":{"c1.birth_date":{"agency":"moj","source":"population_register","as_of":"2026-10-31"},` +
		`"c4.birth_date":{"agency":"moj","source":"population_register","as_of":"2026-11-01"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	res := e.Decide(&s)
	for _, d := range res.Programmes {
		if !d.Eligible {
			continue
		}
		for _, lang := range []string{"kk", "ru", "en"} {
			text := OfferSMS(cat, lang, &d)
			if n := len([]rune(text)); n > 3*67 {
				t.Errorf("%s %s: %d characters: %s", d.Programme, lang, n, text)
			}
			if !bytes.Contains([]byte(text), []byte(Tenge(d.Amount.Int64()))) || !bytes.Contains([]byte(text), []byte(offerPage)) {
				t.Errorf("%s %s: %s", d.Programme, lang, text)
			}
			// The registers' date in the reader's words; agencies by
			// name are the wallet's, never codes in an SMS.
			if !strings.Contains(text, "01.11.2026") || strings.Contains(text, "moj") || strings.Contains(text, "  ") {
				t.Errorf("%s %s: want the data's date, no agency codes, no double spaces: %s", d.Programme, lang, text)
			}
		}
	}
}
