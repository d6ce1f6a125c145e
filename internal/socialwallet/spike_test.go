package socialwallet

import (
	"testing"

	"github.com/ortaq/ortaq/internal/store"
)

func TestMealSpikes(t *testing.T) {
	day := func(m, d string, n int) store.CanteenDay {
		return store.CanteenDay{Merchant: m, Day: d, Meals: n, Amount: int64(n) * 650_00}
	}
	for _, c := range []struct {
		name string
		days []store.CanteenDay
		want []string // merchant/day of the anomalies
	}{
		{"steady", []store.CanteenDay{day("a", "1", 100), day("a", "2", 110), day("a", "3", 95)}, nil},
		{"one spike", []store.CanteenDay{day("a", "1", 40), day("a", "2", 45), day("a", "3", 300)}, []string{"a/3"}},
		{"exactly twice is usual", []store.CanteenDay{day("a", "1", 40), day("a", "2", 80)}, nil},
		{"small canteens swing", []store.CanteenDay{day("a", "1", 2), day("a", "2", 29)}, nil},
		{"a single day has no usual", []store.CanteenDay{day("a", "1", 500)}, nil},
		{"by canteen", []store.CanteenDay{day("a", "1", 40), day("a", "2", 41), day("b", "1", 1), day("b", "2", 31)},
			[]string{"b/2"}},
	} {
		got := mealSpikes(c.days)
		if len(got) != len(c.want) {
			t.Errorf("%s: %+v, want %v", c.name, got, c.want)
			continue
		}
		for i, a := range got {
			if a.Kind != "meals_above_usual" || a.Merchant+"/"+a.Detail != c.want[i] || a.Amount != int64(a.Count)*650_00 {
				t.Errorf("%s: %+v, want %s", c.name, a, c.want[i])
			}
		}
	}
}
