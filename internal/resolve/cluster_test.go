package resolve

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
)

// handModel is a model with round, plausible probabilities, so that
// clustering can be tested apart from training.
func handModel() *Model {
	lv := func(label string, m, u float64) LevelModel { return LevelModel{Label: label, M: m, U: u} }
	return &Model{
		Kind: "person", Lambda: 1e-4, Threshold: 0.9,
		Rules: []string{"national_id", "birth_date+last_initial", "names+birth_decade", "phone"},
		Comparisons: []ComparisonModel{
			{Name: "national_id", Levels: []LevelModel{lv("exact", .9, 1e-6), lv("one digit off", .05, 1e-5), lv("different", .05, .999989)}},
			{Name: "last_name", Levels: []LevelModel{lv("exact", .8, .01), lv("same in another script", .1, .01), lv("other gender form", .05, .001), lv("close", .1, .005), lv("similar", .03, .02), lv("different", .02, .964)}},
			{Name: "first_name", Levels: []LevelModel{lv("exact", .85, .02), lv("same in another script", .1, .02), lv("close", .08, .005), lv("similar", .04, .02), lv("different", .03, .955)}},
			{Name: "middle_name", Levels: []LevelModel{lv("same father's name", .85, .01), lv("close", .05, .01), lv("different", .1, .98)}},
			{Name: "birth_date", Levels: []LevelModel{lv("exact", .9, .0001), lv("typo", .07, .001), lv("two of year, month, day", .01, .002), lv("same year", .01, .02), lv("different", .01, .9789)}},
			{Name: "sex", Levels: []LevelModel{lv("same", .98, .5), lv("different", .02, .5)}},
			{Name: "phone", Levels: []LevelModel{lv("exact", .6, 1e-5), lv("one digit off", .05, 1e-4), lv("different", .35, .99989)}},
			{Name: "address", Levels: []LevelModel{lv("exact", .7, 1e-4), lv("close", .1, 1e-3), lv("similar", .05, .01), lv("different", .15, .9889)}},
		},
	}
}

func linkHand(t *testing.T, ps ...person) *Result {
	t.Helper()
	res, err := LinkWithModel(context.Background(), tableOf(ps...), handModel(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func iin(t *testing.T, birth string, serial int) string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := kz.MakeIIN(d, kz.Male, serial)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestClusteringDoesNotChain: B agrees with A on the birth date and with C
// on the phone, strongly both times, but A and C are clearly two people.
func TestClusteringDoesNotChain(t *testing.T) {
	a := person{"last_name": "Иванов", "first_name": "Иван", "middle_name": "Петрович", "birth_date": "1980-01-01"}
	b := person{"last_name": "Иванов", "first_name": "Иван", "birth_date": "1980-01-01", "phone": "7022222222"}
	c := person{"last_name": "Иванов", "first_name": "Иван", "middle_name": "Сергеевич", "birth_date": "1975-06-30", "phone": "7022222222"}
	res := linkHand(t, a, b, c)
	for _, p := range [][2]int{{0, 1}, {1, 2}} {
		if w := res.scorer.pairWeight(p[0], p[1]); Probability(w) < 0.9 {
			t.Fatalf("setup: records %d and %d should link on their own (p=%.3f)", p[0], p[1], Probability(w))
		}
	}
	if res.Entity[0] == res.Entity[2] {
		t.Errorf("A and C were chained into one entity through B: %v", res.Entity)
	}
	if res.Entity[0] != res.Entity[1] {
		t.Errorf("B should join A, its strongest link: %v", res.Entity)
	}
}

func TestDifferentValidIINsAreNotMerged(t *testing.T) {
	base := person{"last_name": "Серікбаев", "first_name": "Нұрлан", "birth_date": "1990-04-12", "sex": "M"}
	with := func(p person, kv ...string) person {
		q := person{}
		for k, v := range p {
			q[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			q[kv[i]] = kv[i+1]
		}
		return q
	}
	id1, id2 := iin(t, "1990-04-12", 1001), iin(t, "1990-04-12", 2002)
	tests := []struct {
		name      string
		a, b      person
		merged    bool
		wantFlags int
	}{
		{"twins: same name and birth, two valid IINs", with(base, "national_id", id1), with(base, "national_id", id2), false, 0},
		{"one IIN mistyped", with(base, "national_id", id1), with(base, "national_id", id1[:11]+string('0'+(id1[11]-'0'+1)%10)), true, 0},
		{"one IIN missing", with(base, "national_id", id1), base, true, 0},
		{"overwhelming: phone and address agree too", with(base, "national_id", id1, "phone", "7011234567", "address", "Абай 10"),
			with(base, "national_id", id2, "phone", "7011234567", "address", "Абай 10"), true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := linkHand(t, tt.a, tt.b)
			if got := res.Entity[0] == res.Entity[1]; got != tt.merged {
				e, _ := res.Explain("src:a", "src:b")
				t.Errorf("merged = %v, want %v (weight %.1f)", got, tt.merged, e.Weight)
			}
			if len(res.Flags) != tt.wantFlags {
				t.Errorf("flags = %v, want %d", res.Flags, tt.wantFlags)
			}
		})
	}
}

func TestExplanationAddsUp(t *testing.T) {
	res := linkHand(t,
		person{"last_name": "Ахметова", "first_name": "Айгерим", "birth_date": "1992-05-17", "sex": "F"},
		person{"full_name": "AKHMETOVA AIGERIM", "birth_date": "1992-05-17", "sex": "F", "phone": "7011112233"})
	e, err := res.Explain("src:a", "src:b")
	if err != nil {
		t.Fatal(err)
	}
	sum := e.Prior
	levels := map[string]string{}
	for _, term := range e.Terms {
		sum += term.Weight + term.TF
		if math.Abs(sum-term.Cumulative) > 1e-9 {
			t.Errorf("%s: cumulative %.3f, want %.3f", term.Comparison, term.Cumulative, sum)
		}
		levels[term.Comparison] = term.Level
	}
	if math.Abs(sum-e.Weight) > 1e-9 || math.Abs(Probability(sum)-e.Probability) > 1e-12 {
		t.Errorf("weight %.3f probability %.6f, want %.3f %.6f", e.Weight, e.Probability, sum, Probability(sum))
	}
	want := map[string]string{"last_name": "same in another script", "first_name": "same in another script", "birth_date": "exact", "sex": "same", "phone": "no value", "national_id": "no value"}
	for c, l := range want {
		if levels[c] != l {
			t.Errorf("%s level %q, want %q", c, levels[c], l)
		}
	}
	if res.Entity[0] != res.Entity[1] {
		t.Errorf("Cyrillic and passport Latin spellings of one person were not linked (p=%.3f)", e.Probability)
	}
	if _, err := res.Explain("src:a", "src:zz"); err == nil {
		t.Error("explaining an unknown record gave no error")
	}
}
