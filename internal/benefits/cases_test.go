package benefits

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// caseFile is a file of tests as data, in OpenFisca's manner: each case
// is a situation and the outcome expected of some programmes.
type caseFile []struct {
	Name      string `yaml:"name"`
	Situation string `yaml:"situation"`
	Expect    map[string]struct {
		Eligible bool  `yaml:"eligible"`
		Amount   int64 `yaml:"amount"`
		Error    bool  `yaml:"error"`
	} `yaml:"expect"`
}

func TestCases(t *testing.T) {
	e := mustEngine(t)
	files, err := filepath.Glob(filepath.Join("testdata", "cases", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cases caseFile
		if err := yaml.Unmarshal(b, &cases); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range cases {
			t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml")+"/"+c.Name, func(t *testing.T) {
				s, err := ParseSituation([]byte(c.Situation))
				if err != nil {
					t.Fatal(err)
				}
				r := e.Decide(&s)
				for prog, want := range c.Expect {
					var got *Decision
					for i := range r.Programmes {
						if r.Programmes[i].Programme == prog {
							got = &r.Programmes[i]
						}
					}
					if got == nil {
						t.Fatalf("no programme %s", prog)
					}
					if want.Error != (got.Err != "") || got.Eligible != want.Eligible || got.Amount.Cmp(Tenge(want.Amount)) != 0 {
						t.Errorf("%s: got eligible %v amount %s error %q; want eligible %v amount %d error %v",
							prog, got.Eligible, got.Amount, got.Err, want.Eligible, want.Amount, want.Error)
					}
				}
				// Programmes not named must still be decided without error,
				// unless the case expects asp to fail.
				for _, d := range r.Programmes {
					if _, named := c.Expect[d.Programme]; !named && d.Err != "" && d.Programme != "asp" {
						t.Errorf("%s: unexpected error %s", d.Programme, d.Err)
					}
				}
			})
		}
	}
}
