package benefits_test

import (
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/benefits"
)

// FuzzCatalogFile lays a programme or parameters file, as a policy
// officer submits one, over the built-in catalog and validates it: any
// bytes must give an error or an engine, never a panic, and a file that
// validates must decide the samples (alias bombs, deep nesting and costly
// expressions included among the seeds).
func FuzzCatalogFile(f *testing.F) {
	base, err := benefits.DefaultCatalog()
	if err != nil {
		f.Fatal(err)
	}
	version := func(eligible, amount string) string {
		return "id: birth\nversions:\n  - id: birth/2030-01-01\n    from: 2030-01-01\n    law: {ref: x}\n    eligible: \"" +
			eligible + "\"\n    amount: \"" + amount + "\"\n"
	}
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for _, c := range "bcdefghi" {
		bomb += string(c) + ": &" + string(c) + " [" + strings.Repeat("*"+prev+", ", 8) + "*" + prev + "]\n"
		prev = string(c)
	}
	for _, seed := range []struct{ params, body string }{
		{"", version("members > 0", "round(dec('1'))")},
		{"", version("add_months(D, 9223372036854775807) > D", "round(dec(region))")},
		{"", version(strings.Repeat("(", 300)+"true"+strings.Repeat(")", 300), "round(dec('1'))")},
		{"", version("persons.all(a, persons.all(b, persons.exists(c, a.id + b.id == c.id)))", "round(dec('1'))")},
		{"", version("dyn(persons)[0].age > 1", "round(table('asp.regional_pm', dyn(persons), dyn(1)))")},
		{"", version("true", "round(dec('99999999999999999') * dec('99999999999999999'))")},
		{"", "id: birth\nversions: *i\n" + bomb},
		{"p", "MRP:\n  values:\n    - {from: 2030-01-01, value: \"4500\", law: \"x\"}\n"},
		{"p", "laws: " + bomb},
	} {
		f.Add(seed.params != "", []byte(seed.body))
	}
	samples, err := benefits.Samples()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, params bool, b []byte) {
		name := "programme.yaml"
		if params {
			name = "parameters.yaml"
		}
		c, err := base.With(benefits.File{Name: name, Data: b})
		if err != nil {
			return
		}
		e, err := c.Validate()
		if err != nil {
			return
		}
		for i := range samples {
			e.Decide(&samples[i])
		}
	})
}
