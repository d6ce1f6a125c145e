package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func TestDemoOfficials(t *testing.T) {
	st := storetest.SQLite(t)
	ctx := context.Background()
	var first, second bytes.Buffer
	if err := demoOfficials(ctx, st, "localhost:8080", "sqlite:/tmp/x.db", &first); err != nil {
		t.Fatal(err)
	}
	// A second start keeps the officials and prints the same secrets.
	if err := demoOfficials(ctx, st, "localhost:8080", "sqlite:/tmp/x.db", &second); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("second start printed differently:\n%s\n---\n%s", first.String(), second.String())
	}
	out := first.String()
	t.Logf("demo prints:\n%s", out)
	if !strings.Contains(out, "http://localhost:8080/") || !strings.Contains(out, demoPassword) ||
		!strings.Contains(out, "ortaq officials code LOGIN --db sqlite:/tmp/x.db") {
		t.Errorf("demo output lacks the URL, password or code command:\n%s", out)
	}

	d := officials.New(st, officials.Options{})
	roles := map[access.Role]bool{}
	agencies := map[string]bool{}
	for _, o := range demoOfficialList {
		m := regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(o.Login) + `\s.*\s([A-Z2-7]{32})$`).FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("no line with a TOTP secret for %s:\n%s", o.Login, out)
		}
		code, _ := officials.Code(m[1], time.Now())
		got, err := d.SignIn(ctx, o.Login, demoPassword, code)
		if err != nil {
			t.Fatalf("sign in as %s with the printed secret: %v", o.Login, err)
		}
		for _, r := range got.Roles {
			roles[r] = true
		}
		if got.Principal().Permits(access.DecideCorrection) {
			agencies[got.Agency] = true
		}
	}
	for _, r := range access.Roles {
		if !roles[r] {
			t.Errorf("no demo official has role %s", r)
		}
	}
	if len(agencies) < 2 {
		t.Errorf("data officers of %d agencies; want two, to show one refused the other's people", len(agencies))
	}
}
