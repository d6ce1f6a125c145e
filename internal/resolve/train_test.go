package resolve

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// plantedTable builds people with known error rates: each entity has two
// records; the second has its last name mistyped with probability pLast,
// its first name with pFirst and its birth day changed with pBirth. Half
// as many people again appear once.
func plantedTable(n int, pLast, pFirst, pBirth float64, seed uint64) (*Table, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	word := func() string {
		const letters = "abdeiklmnorstuvz"
		b := make([]byte, 5+rng.IntN(5))
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	typo := func(s string) string {
		b := []byte(s)
		i := 1 + rng.IntN(len(b)-1)
		b[i] = "xyqwj"[rng.IntN(5)]
		return string(b)
	}
	lasts, firsts := make([]string, 400), make([]string, 200)
	for i := range lasts {
		lasts[i] = word()
	}
	for i := range firsts {
		firsts[i] = word()
	}
	t := NewTable("person")
	var entity []int
	add := func(e int, last, first, birth string) {
		t.Add("planted", fmt.Sprint(len(entity)), person{"last_name": last, "first_name": first, "birth_date": birth}.attrs(), personModes)
		entity = append(entity, e)
	}
	for e := range n + n/2 {
		last, first := lasts[rng.IntN(len(lasts))], firsts[rng.IntN(len(firsts))]
		birth := fmt.Sprintf("%04d-%02d-%02d", 1940+rng.IntN(60), 1+rng.IntN(12), 1+rng.IntN(28))
		add(e, last, first, birth)
		if e >= n {
			continue
		}
		if rng.Float64() < pLast {
			last = typo(last)
		}
		if rng.Float64() < pFirst {
			first = typo(first)
		}
		if rng.Float64() < pBirth {
			birth = birth[:8] + fmt.Sprintf("%02d", 1+(int(birth[8]-'0')*10+int(birth[9]-'0'))%28)
		}
		add(e, last, first, birth)
	}
	return t, entity
}

// TestEMRecoversPlantedErrorRates: with no labels, EM must find how often
// true matches agree exactly on each attribute.
func TestEMRecoversPlantedErrorRates(t *testing.T) {
	const pLast, pFirst, pBirth = 0.2, 0.1, 0.3
	tab, entity := plantedTable(3000, pLast, pFirst, pBirth, 42)
	res, err := Link(context.Background(), tab, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"last_name": 1 - pLast, "first_name": 1 - pFirst, "birth_date": 1 - pBirth}
	for _, c := range res.Model.Comparisons {
		w, ok := want[c.Name]
		if !ok {
			continue
		}
		if !c.Trained {
			t.Errorf("%s: not trained", c.Name)
		}
		if got := c.Levels[0].M; math.Abs(got-w) > 0.04 {
			t.Errorf("%s: m(exact) = %.3f, planted %.3f", c.Name, got, w)
		}
	}
	// The prior: n true pairs among all pairs.
	n := float64(tab.Len())
	if got, w := res.Model.Lambda, 3000/(n*(n-1)/2); got < w/2 || got > w*2 {
		t.Errorf("prior %.3g, planted %.3g", got, w)
	}
	tp, fp, fn := 0, 0, 0
	for i := range entity {
		for j := i + 1; j < len(entity); j++ {
			same, linked := entity[i] == entity[j], res.Entity[i] == res.Entity[j]
			switch {
			case same && linked:
				tp++
			case linked:
				fp++
			case same:
				fn++
			}
		}
	}
	if f1 := 2 * float64(tp) / float64(2*tp+fp+fn); f1 < 0.97 {
		t.Errorf("F1 %.4f on planted data (tp %d fp %d fn %d)", f1, tp, fp, fn)
	}
}
