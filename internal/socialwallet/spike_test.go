package socialwallet

import (
	"strconv"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
)

func TestMealSpikes(t *testing.T) {
	day := func(m, d string, n int) store.CanteenDay {
		return store.CanteenDay{Merchant: m, Day: d, Meals: n, Amount: int64(n) * 650_00}
	}
	for _, c := range []struct {
		name  string
		days  []store.CanteenDay
		fresh []string // canteens that billed nothing before
		want  []string // merchant/day of the anomalies
	}{
		{"steady", []store.CanteenDay{day("a", "1", 100), day("a", "2", 110), day("a", "3", 95)}, nil, nil},
		{"one spike", []store.CanteenDay{day("a", "1", 40), day("a", "2", 45), day("a", "3", 300)}, nil, []string{"a/3"}},
		{"exactly twice is usual", []store.CanteenDay{day("a", "1", 40), day("a", "2", 80)}, nil, nil},
		{"small canteens swing", []store.CanteenDay{day("a", "1", 2), day("a", "2", 29)}, nil, nil},
		{"a single day of a known canteen has no usual", []store.CanteenDay{day("a", "1", 500)}, nil, nil},
		{"by canteen", []store.CanteenDay{day("a", "1", 40), day("a", "2", 41), day("b", "1", 1), day("b", "2", 31)}, nil,
			[]string{"b/2"}},
		{"a new canteen's large first day", []store.CanteenDay{day("a", "1", 500)}, []string{"a"}, []string{"a/1"}},
		{"a new canteen that starts big and stays big", []store.CanteenDay{day("a", "1", 500), day("a", "2", 500),
			day("a", "3", 500)}, []string{"a"}, []string{"a/1"}},
		{"a new canteen's small first day", []store.CanteenDay{day("a", "1", 29), day("a", "2", 29)}, []string{"a"}, nil},
		{"a first day that is also a spike is flagged once", []store.CanteenDay{day("a", "1", 300), day("a", "2", 40),
			day("a", "3", 40)}, []string{"a"}, []string{"a/1"}},
		{"only the new canteen's", []store.CanteenDay{day("a", "1", 60), day("a", "2", 60), day("b", "1", 60), day("b", "2", 60)},
			[]string{"b"}, []string{"b/1"}},
	} {
		fresh := map[string]bool{}
		for _, m := range c.fresh {
			fresh[m] = true
		}
		got := mealSpikes(c.days, fresh)
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

func TestMealRefusals(t *testing.T) {
	refused := func(m, d string, n int) store.AuditRefusalCount {
		return store.AuditRefusalCount{Case: m, RequestID: d, Refused: n}
	}
	served := func(m, d string, n int) store.CanteenDay { return store.CanteenDay{Merchant: m, Day: d, Meals: n} }
	for _, c := range []struct {
		name    string
		refused []store.AuditRefusalCount
		days    []store.CanteenDay
		want    []string // merchant/day/count of the anomalies
	}{
		{"a few mistakes", []store.AuditRefusalCount{refused("a", "1", 19)}, nil, nil},
		{"a probe with no meals", []store.AuditRefusalCount{refused("a", "1", 150)}, nil, []string{"a/1/150"}},
		{"at the minimum", []store.AuditRefusalCount{refused("a", "1", 20)}, []store.CanteenDay{served("a", "1", 19)},
			[]string{"a/1/20"}},
		{"a large canteen's ordinary refusals", []store.AuditRefusalCount{refused("a", "1", 40)},
			[]store.CanteenDay{served("a", "1", 400)}, nil},
		{"as many refused as served", []store.AuditRefusalCount{refused("a", "1", 40)}, []store.CanteenDay{served("a", "1", 40)},
			nil},
		{"by canteen and day", []store.AuditRefusalCount{refused("a", "1", 30), refused("a", "2", 30), refused("b", "1", 30)},
			[]store.CanteenDay{served("a", "1", 100), served("b", "2", 100)}, []string{"a/2/30", "b/1/30"}},
	} {
		got := mealRefusals(c.refused, c.days)
		if len(got) != len(c.want) {
			t.Errorf("%s: %+v, want %v", c.name, got, c.want)
			continue
		}
		for i, a := range got {
			if a.Kind != "meal_refusals" || a.Merchant+"/"+a.Detail+"/"+strconv.Itoa(a.Count) != c.want[i] || a.Amount != 0 {
				t.Errorf("%s: %+v, want %s", c.name, a, c.want[i])
			}
		}
	}
}
