package wellbeing

import (
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultModel(t *testing.T) {
	m := Default()
	if got := m.Denominator(); got != 10 {
		t.Errorf("denominator %d, want 10", got)
	}
	if m.Cutoff.RatString() != "1/3" || len(m.Indicators) != 9 || len(m.Levels) != 5 {
		t.Errorf("cutoff %s, %d indicators, %d levels", m.Cutoff.RatString(), len(m.Indicators), len(m.Levels))
	}
	sum := new(big.Rat)
	for _, d := range m.Dimensions {
		sum.Add(sum, d.Weight)
		if d.ID == "housing" && (d.Enabled || d.Weight.Sign() != 0 || d.Note.KK == "") {
			t.Errorf("housing must be disabled, weight 0, with a note: %+v", d)
		}
	}
	if sum.Cmp(big.NewRat(1, 1)) != 0 {
		t.Errorf("dimension weights sum to %s", sum.RatString())
	}
	for _, ind := range m.Indicators {
		for _, tx := range []Text{ind.Title, ind.Cutoff} {
			if tx.KK == "" || tx.RU == "" || tx.EN == "" || tx.KK == tx.RU {
				t.Errorf("%s: texts %+v", ind.ID, tx)
			}
		}
	}
	if m.Levels[4].Title.In("kk") != "Төтенше" || m.Levels[0].Title.In("en") != "Well-off" || m.Levels[0].Title.In("xx") != "Благополучный" {
		t.Errorf("level titles: %+v", m.Levels)
	}
}

// edit applies old→new replacements to the default configuration, each of
// which must match once.
func edit(tb testing.TB, pairs ...string) []byte {
	tb.Helper()
	s := string(defaultYAML)
	for i := 0; i+1 < len(pairs); i += 2 {
		if strings.Count(s, pairs[i]) != 1 {
			tb.Fatalf("%q occurs %d times in default.yaml", pairs[i], strings.Count(s, pairs[i]))
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return []byte(s)
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want []string // substrings of the error, each must appear
	}{
		{"weights under 1", edit(t, "weight: 1/5\n", "weight: 1/10\n"),
			[]string{"indicators: weights sum to 9/10, want exactly 1 (off by -1/10)"}},
		{"weights over 1", edit(t, "weight: 1/5\n", "weight: 0.25\n"),
			[]string{"weights sum to 21/20", "off by 1/20"}},
		{"weight not a number", edit(t, "weight: 1/5\n", "weight: lots\n"),
			[]string{`indicators[8] "no_livestock_no_earner": weight: "lots": expected a fraction`}},
		{"weight a float with exponent", edit(t, "weight: 1/5\n", "weight: 2e-1\n"),
			[]string{`weight: "2e-1"`}},
		{"negative weight", edit(t, "weight: 1/5\n", "weight: -1/5\n"), []string{`weight: "-1/5"`}},
		{"unknown rule", edit(t, "rule: youth_neet", "rule: youth_neat"),
			[]string{`indicators[5] "youth_neet": rule: unknown rule "youth_neat" (did you mean "youth_neet"?)`}},
		{"unknown dimension", edit(t, "dimension: assets", "dimension: wealth"),
			[]string{`dimension: unknown dimension "wealth"`}},
		{"disabled dimension used", edit(t, "dimension: assets", "dimension: housing"),
			[]string{`dimension: "housing" is disabled`}},
		{"duplicate id", edit(t, "id: income_low", "id: income_poverty"),
			[]string{`id: "income_poverty" appears twice`}},
		{"unknown key", edit(t, "    rule: unemployed_adult\n", "    rule: unemployed_adult\n    wieght: 1\n"),
			[]string{`unknown key "wieght" (did you mean "weight"?)`}},
		{"param of another rule", edit(t, "params: {min_heads: 1}", "params: {multiple: 1}"),
			[]string{`params: unknown key "multiple"`}},
		{"missing kk", edit(t, "title: {kk: Табыс, ru: Доход, en: Income}", "title: {ru: Доход, en: Income}"),
			[]string{`dimensions[0] "income": title: missing kk`}},
		{"empty en", edit(t, "en: Income below the poverty line", `en: " "`),
			[]string{`title.en: empty text`}},
		{"missing cutoff", edit(t, "    cutoff:\n      kk: 7–17", "    xcutoff:\n      kk: 7–17"),
			[]string{`"child_not_enrolled": missing cutoff`}},
		{"level thresholds not rising", edit(t, "from: 1/5", "from: 1/20"),
			[]string{`levels[2] "C": from: 1/20: must be above the previous level's 1/10`}},
		{"first level not zero", edit(t, "from: 0\n", "from: 1/100\n"),
			[]string{`levels[0] "A": from: 1/100: the first level starts at 0`}},
		{"level over 1", edit(t, "from: 1/2", "from: 3/2"), []string{`levels[4] "E": from: "3/2": must be at most 1`}},
		{"level out of order", edit(t, "id: B", "id: X"), []string{`levels[1]: id: "X": levels are A, B, C, D, E in this order; want "B" here`}},
		{"four levels", edit(t, "  - id: E\n", "  - xid: E\n"), []string{`missing id`}},
		{"cutoff zero", edit(t, "poverty_cutoff: 1/3", "poverty_cutoff: 0"), []string{"poverty_cutoff: 0 would count every household"}},
		{"cutoff over 1", edit(t, "poverty_cutoff: 1/3", "poverty_cutoff: 1.5"), []string{`poverty_cutoff: "1.5": must be at most 1`}},
		{"ages reversed", edit(t, "school: {min: 7, max: 17}", "school: {min: 17, max: 7}"), []string{"ages.school: min 17 is above max 7"}},
		{"version", edit(t, "version: 1", "version: 2"), []string{"version: 2: this build reads version 1"}},
		{"missing levels", []byte(strings.Split(string(defaultYAML), "\nlevels:")[0]), []string{"missing levels"}},
		{"huge common denominator", edit(t, "weight: 1/5\n", "weight: 1004/5045\n", "    rule: disability\n    weight: 1/10", "    rule: disability\n    weight: 1003/10130",
			"    weight: 1/10\n    params: {max_ratio: 3}", "    weight: 1019/10090\n    params: {max_ratio: 3}",
			"    rule: youth_neet\n    weight: 1/10", "    rule: youth_neet\n    weight: 1023/10130"),
			[]string{"indicators: weights need a common denominator over 1000000"}},
		{"huge denominator", edit(t, "weight: 1/5\n", "weight: 1/1000003\n"), []string{`weight: "1/1000003": denominator over 1000000`}},
		{"params for a rule without", edit(t, "    rule: youth_neet\n", "    rule: youth_neet\n    params: {min_age: 16}\n"),
			[]string{`"youth_neet": params: this rule takes no params`}},
		{"bad group", edit(t, "groups: [1, 2, child]", "groups: [1, 4]"), []string{`params.groups[1]: "4": want 1, 2, 3 or child`}},
		{"bad scope", edit(t, "scope: any", "scope: some"), []string{`params.scope: "some": want any or all`}},
		{"disabled without note", edit(t, "    enabled: false\n    title: {kk: Тұрғын үй, ru: Жильё, en: Housing}\n    note:\n", "    enabled: false\n    title: {kk: Тұрғын үй, ru: Жильё, en: Housing}\n    xnote:\n"),
			[]string{`unknown key "xnote"`, "a disabled dimension needs a note"}},
		{"not yaml", []byte("levels: [\n"), []string{"wellbeing.yaml:"}},
		{"empty", nil, []string{"empty file"}},
		{"a list", []byte("- 1\n"), []string{"expected a mapping"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := "wellbeing.yaml"
			_, err := Parse(tt.data, name)
			if err == nil {
				t.Fatal("no error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Errorf("error %T is not a *Error", err)
			}
			if testing.Verbose() {
				t.Log(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

// TestParseLineNumbers checks that an error names the line an editor shows.
func TestParseLineNumbers(t *testing.T) {
	data := edit(t, "rule: youth_neet", "rule: youth_neat")
	line := 1 + strings.Count(string(data[:strings.Index(string(data), "youth_neat")]), "\n")
	_, err := Parse(data, "w.yaml")
	var e *Error
	if !errors.As(err, &e) || e.Line != line {
		t.Fatalf("err = %v, want line %d", err, line)
	}
}

func TestCommonDenominator(t *testing.T) {
	data := edit(t, "weight: 1/5\n", "weight: 1/15\n", "    weight: 1/10\n    params: {max_ratio: 3}", "    weight: 7/30\n    params: {max_ratio: 3}")
	m, err := Parse(data, "")
	if err != nil {
		t.Fatal(err)
	}
	if m.Denominator() != 30 {
		t.Errorf("denominator %d, want 30", m.Denominator())
	}
	h := household(Member{Age: 70, Attached: true}) // dependency 7/30 + no_livestock_no_earner 1/15 + both incomes 1/5
	s, err := m.Score(&h)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.C().RatString(); got != "1/2" {
		t.Errorf("c = %s, want 1/2", got)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wellbeing.yaml")
	if err := os.WriteFile(path, DefaultYAML(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(path); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(filepath.Join(dir, "none.yaml")); err == nil {
		t.Fatal("missing file: no error")
	}
	bad := filepath.Join("testdata", "bad_weights.yaml")
	_, err := LoadFile(bad)
	if err == nil || !strings.Contains(err.Error(), bad+":") || !strings.Contains(err.Error(), "weights sum to 4/5") {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(defaultYAML)
	f.Add(edit(f, "weight: 1/5\n", "weight: 1/6\n"))
	f.Add([]byte("version: 1\npoverty_cutoff: 1/3\nlevels: [{id: A, from: 0}]\n"))
	f.Add([]byte("indicators: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data, "fuzz.yaml")
		if err != nil {
			return
		}
		sum := new(big.Rat)
		for _, ind := range m.Indicators {
			sum.Add(sum, ind.Weight)
		}
		if sum.Cmp(big.NewRat(1, 1)) != 0 || len(m.Levels) != 5 || m.Levels[0].From.Sign() != 0 {
			t.Fatalf("accepted an invalid model: weights %s, %d levels", sum.RatString(), len(m.Levels))
		}
		h := household(Member{Age: 30}, Member{Age: 8, Disability: DisabilityChild})
		s, err := m.Score(&h)
		if err != nil || s.Units < 0 || s.Units > s.Den {
			t.Fatalf("score %+v, %v", s, err)
		}
	})
}
