package household

import (
	"context"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// fixtureProfiles builds the profiles of testdata/ from a whole load.
func fixtureProfiles(t *testing.T, st *store.Store) map[string]Profile {
	t.Helper()
	loadFixture(t, st)
	ds, err := golden.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Profile{}
	for p := range Build(ds, asOf) {
		out[p.ID] = p
	}
	return out
}

func member(t *testing.T, p Profile, iin string) Member {
	t.Helper()
	for _, m := range p.Members {
		if m.IIN == iin {
			return m
		}
	}
	t.Fatalf("%s has no member %s", p.ID, iin)
	return Member{}
}

func TestBuildFixture(t *testing.T) {
	ps := fixtureProfiles(t, storetest.SQLite(t))
	if got := slices.Sorted(func(yield func(string) bool) {
		for id := range ps {
			if !yield(id) {
				return
			}
		}
	}); !cmp.Equal(got, []string{"H1", "H2", "H3"}) {
		t.Fatalf("households %v", got)
	}
	h1 := ps["H1"]
	g1 := &Disability{Group: 1, Cause: CauseGeneral}
	g2c := &Disability{Group: 2, Cause: CauseChildhood}
	for _, c := range []struct {
		name, iin        string
		role             string
		born             string
		disability       *Disability
		total, avg       string
		months           int
		insured, working bool
		student, pupil   bool
		carer, card      bool
		animals          int
	}{
		{"head: two employers, months outside the window ignored", "850314301011", RoleParent, "1985-03-14", nil,
			"7201000.25", "300041.67708333", 24, true, true, false, false, false, true, 1},
		{"spouse on childcare leave: insured, not working, carer", "880702401012", RoleParent, "1988-07-02", nil,
			"2550008.5", "106250.35416667", 17, true, false, false, false, true, false, 0},
		{"grandmother: expired disability ignored, latest in force used", "500909401010", RoleOther, "1950-09-09", g1,
			"0", "0", 0, false, false, false, false, false, false, 2},
		{"full-time student", "070211601017", RoleChild, "2007-02-11", nil, "0", "0", 0, false, false, true, false, false, false, 0},
		{"disabled pupil", "160120501015", RoleChild, "2016-01-20", g2c, "0", "0", 0, false, false, false, true, false, false, 0},
		{"twin", "260510601012", RoleChild, "2026-05-10", nil, "0", "0", 0, false, false, false, false, false, false, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := member(t, h1, c.iin)
			if m.Role.Value != c.role {
				t.Errorf("role %q, want %q", m.Role.Value, c.role)
			}
			if got := m.BirthDate.Value.Format(time.DateOnly); got != c.born {
				t.Errorf("born %s, want %s", got, c.born)
			}
			if !cmp.Equal(m.Disability.Value, c.disability) {
				t.Errorf("disability %v, want %v", m.Disability.Value, c.disability)
			}
			if m.Income24m.Value != c.total || m.AvgIncome24m.Value != c.avg || len(m.Income) != c.months {
				t.Errorf("income %s avg %s over %d months, want %s %s %d", m.Income24m.Value, m.AvgIncome24m.Value, len(m.Income),
					c.total, c.avg, c.months)
			}
			if m.Insured.Value != c.insured || m.Employed.Value != c.working {
				t.Errorf("insured %v employed %v", m.Insured.Value, m.Employed.Value)
			}
			if m.Student.Value != c.student || m.Pupil.Value != c.pupil {
				t.Errorf("student %v pupil %v", m.Student.Value, m.Pupil.Value)
			}
			if m.Carer.Value != c.carer || m.HealthCard.Value != c.card || m.Livestock.Value != c.animals {
				t.Errorf("carer %v card %v animals %d", m.Carer.Value, m.HealthCard.Value, m.Livestock.Value)
			}
		})
	}
	if got := member(t, h1, "850314301011").Income["2026-10"].Value; got != "301000.25" {
		t.Errorf("head's income in 2026-10: %s, want both employers' 301000.25", got)
	}
	if c := member(t, h1, "880702401012").Carer.Sources; len(c) != 1 || c[0].RecordID != "CR2" {
		t.Errorf("carer rests on %v, want the latest birth CR2", c)
	}

	t.Run("regions", func(t *testing.T) {
		for id, want := range map[string]string{"H1": "pavlodar", "H2": "almaty", "H3": "unknown:neizvestnaya_oblast"} {
			if got := ps[id].Region.Value; got != want {
				t.Errorf("%s: region %q, want %q", id, got, want)
			}
		}
	})
	t.Run("the dead are not members; a lone head is other", func(t *testing.T) {
		if n := len(ps["H3"].Members); n != 1 {
			t.Errorf("H3 has %d members, want 1 (the other died)", n)
		}
		if r := ps["H2"].Members[0].Role.Value; r != RoleOther {
			t.Errorf("H2's head is %q", r)
		}
		if a := ps["H2"].Members[0].AvgIncome24m; a.Value != "0" || len(a.Sources) != 1 || a.Sources[0].Source != SourceTax || a.Sources[0].RecordID != "" {
			t.Errorf("no income rests on %v, want the tax source's silence", a)
		}
	})
	t.Run("conflicts", func(t *testing.T) {
		type key struct{ entity, field, used string }
		var got []key
		for _, c := range h1.Conflicts {
			got = append(got, key{c.Entity, c.Field, c.Used})
			if len(c.Values) < 2 || c.Rule == "" {
				t.Errorf("conflict %+v lacks values or a rule", c)
			}
		}
		want := []key{{"", "region", "pavlodar"}, {"P500909401010", "disability", "group 1, general"},
			{"P850314301011", "birth_date", "1985-03-14"}}
		if !slices.Equal(got, want) {
			t.Errorf("conflicts\n got %v\nwant %v", got, want)
		}
	})
	t.Run("provenance on every value", func(t *testing.T) {
		for _, p := range ps {
			checkProvenance(t, p)
		}
	})
}

// checkProvenance fails when a value of p rests on no source.
func checkProvenance(t *testing.T, p Profile) {
	t.Helper()
	ok := func(what string, ss []Source) {
		if len(ss) == 0 {
			t.Errorf("%s %s: no source", p.ID, what)
		}
		for _, s := range ss {
			if s.Source == "" || s.Agency == "" || s.Date.IsZero() {
				t.Errorf("%s %s: incomplete source %+v", p.ID, what, s)
			}
		}
	}
	ok("region", p.Region.Sources)
	for _, m := range p.Members {
		for what, ss := range map[string][]Source{"role": m.Role.Sources, "tie": m.Tie.Sources, "birth": m.BirthDate.Sources,
			"disability": m.Disability.Sources, "income": m.Income24m.Sources, "avg": m.AvgIncome24m.Sources,
			"insured": m.Insured.Sources, "employed": m.Employed.Sources, "student": m.Student.Sources, "pupil": m.Pupil.Sources,
			"carer": m.Carer.Sources, "card": m.HealthCard.Sources, "livestock": m.Livestock.Sources} {
			ok(m.Entity+" "+what, ss)
		}
		for month, f := range m.Income {
			ok(m.Entity+" income "+month, f.Sources)
		}
	}
	if p.Inputs == "" {
		t.Errorf("%s: no inputs fingerprint", p.ID)
	}
}

// TestForPersonsMatchesBuild: the incremental read of a few households
// from the store gives exactly the profiles of a whole build.
func TestForPersonsMatchesBuild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ps := fixtureProfiles(t, st)
		ctx := context.Background()
		got, err := ForPersons(ctx, st, []string{"P260510501016", "P901212301011", "P880702401012", "Pnobody"}, asOf)
		if err != nil {
			t.Fatal(err)
		}
		want := []Profile{ps["H1"], ps["H2"]}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ForPersons differs from Build (-build +store):\n%s", diff)
		}
		// The dead man's household is still read (a change to his
		// records reaches it), without him.
		h3, err := ForPersons(ctx, st, []string{"P400101301010"}, asOf)
		if err != nil || len(h3) != 1 || len(h3[0].Members) != 1 || h3[0].Inputs != ps["H3"].Inputs {
			t.Errorf("a dead person's household: %v, %v", h3, err)
		}
	})
}

func TestInputsChangeWithValues(t *testing.T) {
	st := storetest.SQLite(t)
	ps := fixtureProfiles(t, st)
	ds, err := golden.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	again := map[string]string{}
	for p := range Build(ds, asOf) {
		again[p.ID] = p.Inputs
	}
	later := map[string]string{}
	for p := range Build(ds, asOf.AddDate(0, 1, 0)) {
		later[p.ID] = p.Inputs
	}
	for id, p := range ps {
		if again[id] != p.Inputs {
			t.Errorf("%s: inputs differ between two builds", id)
		}
		if later[id] == p.Inputs {
			t.Errorf("%s: inputs unchanged a month later", id)
		}
	}
}

func TestRegionCode(t *testing.T) {
	for in, want := range map[string]string{
		"Павлодарская область": "pavlodar", "Павлодар облысы": "pavlodar", "Pavlodar Region": "pavlodar",
		"г. Астана": "astana", "Астана": "astana", "г. Алматы": "almaty", "Алматы": "almaty", "Almaty": "almaty",
		"Алматинская область": "almaty_region", "Туркестанская область": "turkistan", "Turkistan Region": "turkistan",
		"": "", "Марс": "unknown:mars",
	} {
		if got := RegionCode(in); got != want {
			t.Errorf("RegionCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecimal(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{{"720100025/2400", "300041.67708333"}, {"24/24", "1"}, {"30000.25", "30000.25"}, {"1/8", "0.125"},
		{"1/3", "0.33333333"}, {"2/3", "0.66666667"}, {"0", "0"}} {
		var r bigRat
		if _, ok := r.SetString(c.in); !ok {
			t.Fatal(c.in)
		}
		if got := decimal(&r.Rat, 8); got != c.want {
			t.Errorf("decimal(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestAddMonths(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for in, want := range map[string]string{"2025-08-31": "2027-02-28", "2026-08-31": "2028-02-29", "2026-05-10": "2027-11-10"} {
		if got := addMonths(d(in), 18).Format(time.DateOnly); got != want {
			t.Errorf("addMonths(%s, 18) = %s, want %s", in, got, want)
		}
	}
}

func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"350000.00", "30000.25", "", "1e9", "-5", "12 000,50", "abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var r bigRat
		if parseMoney(s, &r.Rat) {
			_ = decimal(&r.Rat, 8)
		}
		_, _ = parseMonth(s)
		_, _ = parseDate(s)
		_, _ = disabilityOf(s, s)
		_ = RegionCode(s)
	})
}

// bigRat is a big.Rat for table tests.
type bigRat struct{ big.Rat }
