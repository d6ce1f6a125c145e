package socialwallet_test

import (
	"context"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// TestCanteenDays counts approved meals by canteen and the day served.
func TestCanteenDays(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		now := wd.clock.Now()
		h2child := iin(t, 2012, 2, 2, 22)
		for _, m := range []struct {
			pupil string
			day   time.Time
		}{{wd.pupil, now.AddDate(0, 0, -1)}, {wd.pupil, now}, {h2child, now}, {wd.unsupported, now}} {
			if _, err := wd.w.RecordMeal(ctx, wd.canteen, m.pupil, m.day); err != nil {
				t.Fatal(err)
			}
		}
		got, err := wd.st.CanteenDays(ctx, now.AddDate(0, 0, -9), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		price := wd.w.Support().Meals.PricePerMeal
		want := []store.CanteenDay{{Merchant: wd.canteen.ID, Day: "2026-03-09", Meals: 1, Amount: price},
			{Merchant: wd.canteen.ID, Day: "2026-03-10", Meals: 2, Amount: 2 * price}}
		if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
			t.Errorf("canteen days = %+v, want %+v", got, want)
		}
	})
}
