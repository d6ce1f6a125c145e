package benefits

import "testing"

// TestDecidingKey requires the key to follow what decides and nothing
// else: rewording texts keeps it, a changed expression or value moves it.
func TestDecidingKey(t *testing.T) {
	key := func(c *Catalog) string {
		t.Helper()
		k, err := c.DecidingKey()
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	fresh := func() *Catalog {
		t.Helper()
		c, err := DefaultCatalog()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := key(fresh())
	if again := key(fresh()); again != base {
		t.Fatalf("two loads of one catalog: %s and %s", base, again)
	}

	reworded := fresh()
	p := reworded.Programmes[0]
	p.Title = Text{"kk": "басқа атау", "ru": "другое название", "en": "another title"}
	v := p.Versions[0]
	v.Law = Law{Ref: "another law"}
	v.Steps[0].Explain = Plural{"en": {"other": "reworded"}}
	v.Arithmetic = nil
	reworded.Laws, reworded.Words = nil, nil
	if got := key(reworded); got != base {
		t.Errorf("rewording changed the key: %s → %s", base, got)
	}

	changed := fresh()
	changed.Programmes[0].Versions[0].Steps[0].Expr += " "
	if got := key(changed); got == base {
		t.Error("a changed expression kept the key")
	}

	valued, err := fresh().With(File{Name: "parameters-mrp.yaml", Data: []byte(`MRP:
  values:
    - {from: 2026-07-01, value: "4500", law: "test"}
`)})
	if err != nil {
		t.Fatal(err)
	}
	if got := key(valued); got == base {
		t.Error("a new МРП value kept the key")
	}
}
