package socialwallet_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
)

// TestMealDates: a canteen bills only a school day that is today or
// within the grace, never a future day; a refused day locks nobody out.
func TestMealDates(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		now := wd.clock.Now() // Tuesday 2026-03-10, 12:00 in Almaty
		at := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
		for _, c := range []struct {
			name string
			day  time.Time
			want string
		}{
			{"far future", at(2030, 6, 1), socialwallet.ReasonMealDateNotAllowed},
			{"tomorrow", at(2026, 3, 11), socialwallet.ReasonMealDateNotAllowed},
			{"years back", at(2020, 9, 1), socialwallet.ReasonMealDateNotAllowed},
			{"a school day beyond the grace", at(2026, 3, 6), socialwallet.ReasonMealDateNotAllowed},
			{"Sunday within the grace", at(2026, 3, 8), socialwallet.ReasonMealDateNotAllowed},
			{"Saturday", at(2026, 3, 7), socialwallet.ReasonMealDateNotAllowed},
			{"tomorrow in Almaty, still today in UTC", time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC), socialwallet.ReasonMealDateNotAllowed},
			{"yesterday, a Monday", at(2026, 3, 9), ""},
			{"today", now, ""},
		} {
			r, err := wd.w.RecordMeal(ctx, wd.canteen, wd.pupil, c.day)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if r.Reason != c.want || (c.want == "") != (r.Status == store.PaymentApproved) {
				t.Errorf("%s: %+v, want reason %q", c.name, r, c.want)
			}
		}
		price := wd.w.Support().Meals.PricePerMeal
		if got := wd.balance(t, socialwallet.MerchantAccount(wd.canteen.ID)); got != 2*price {
			t.Errorf("canteen holds %d, want %d: only the two allowed days paid", got, 2*price)
		}
		// The refused claim of tomorrow did not take the pupil's day: the
		// canteen that serves them tomorrow is paid.
		other, err := wd.w.RegisterMerchant(ctx, socialwallet.Merchant{ID: "canteen-2", Name: "Екінші асхана", Region: "55",
			Category: ledger.SchoolMeals})
		if err != nil {
			t.Fatal(err)
		}
		wd.clock.Add(24 * time.Hour)
		if r, err := wd.w.RecordMeal(ctx, other, wd.pupil, wd.clock.Now()); err != nil || r.Status != store.PaymentApproved {
			t.Errorf("tomorrow's canteen, once tomorrow came = %+v, %v", r, err)
		}
	})
}

// TestMealOnlyInTheCanteensRegion: a canteen is paid only for pupils of
// its region, and learns nothing about a pupil elsewhere: eligible,
// ineligible and unknown pupils get the same answer.
func TestMealOnlyInTheCanteensRegion(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		far, err := wd.w.RegisterMerchant(ctx, socialwallet.Merchant{ID: "canteen-75", Name: "Алыс асхана", Region: "75",
			Category: ledger.SchoolMeals})
		if err != nil {
			t.Fatal(err)
		}
		for name, pupil := range map[string]string{"eligible": wd.pupil, "ineligible": wd.unsupported,
			"unknown": iin(t, 2015, 5, 5, 99)} {
			r, err := wd.w.RecordMeal(ctx, far, pupil, wd.clock.Now())
			if err != nil || r.Reason != socialwallet.ReasonNotThisCanteen {
				t.Errorf("%s pupil of region 55 at a canteen of 75 = %+v, %v; want not_this_canteen", name, r, err)
			}
		}
		if got := wd.balance(t, socialwallet.MerchantAccount(far.ID)); got != 0 {
			t.Errorf("the far canteen holds %d", got)
		}
		if r, err := wd.w.RecordMeal(ctx, wd.canteen, wd.pupil, wd.clock.Now()); err != nil || r.Status != store.PaymentApproved {
			t.Errorf("the pupil at their region's canteen = %+v, %v", r, err)
		}
	})
}

// TestMealNotCanteen: a merchant of another category is refused before
// the pupil is looked up, the same for eligible and ineligible pupils,
// and nothing is stored.
func TestMealNotCanteen(t *testing.T) {
	each(t, func(t *testing.T, wd *world) {
		ctx := context.Background()
		day := wd.clock.Now()
		for _, m := range []socialwallet.Merchant{wd.grocery, wd.pharmacy} {
			var answers []string
			for _, pupil := range []string{wd.pupil, wd.unsupported, iin(t, 2015, 5, 5, 99)} {
				r, err := wd.w.RecordMeal(ctx, m, pupil, day)
				if !errors.Is(err, socialwallet.ErrNotCanteen) {
					t.Errorf("%s, pupil %s = %+v, %v; want ErrNotCanteen", m.Name, pupil, r, err)
					continue
				}
				answers = append(answers, err.Error())
				key := pupil + ":" + day.Format(time.DateOnly)
				if p, err := wd.st.WalletPayment(ctx, m.ID, store.KindMeal, key); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("%s stored %+v, %v", m.Name, p, err)
				}
			}
			for _, a := range answers[1:] {
				if a != answers[0] {
					t.Errorf("%s: answers differ by pupil: %q, %q", m.Name, answers[0], a)
				}
			}
		}
		// Nothing claimed the pupil's day.
		if r, err := wd.w.RecordMeal(ctx, wd.canteen, wd.pupil, day); err != nil || r.Status != store.PaymentApproved {
			t.Errorf("the canteen after the grocery's attempt = %+v, %v", r, err)
		}
	})
}

func TestSchoolMealsDayAllowed(t *testing.T) {
	meals := socialwallet.SchoolMeals{GraceDays: 3}
	for d := time.Monday; d <= time.Friday; d++ {
		meals.SchoolDays[d] = true
	}
	now := time.Date(2026, 3, 9, 0, 30, 0, 0, time.FixedZone("Asia/Almaty", 5*3600)) // Monday, just after midnight
	for _, c := range []struct {
		day  string
		want bool
	}{
		{"2026-03-09", true}, {"2026-03-06", true}, {"2026-03-05", false}, {"2026-03-07", false},
		{"2026-03-08", false}, {"2026-03-10", false},
	} {
		d, _ := time.Parse(time.DateOnly, c.day)
		if got := meals.DayAllowed(d, now); got != c.want {
			t.Errorf("DayAllowed(%s) on Monday = %v, want %v", c.day, got, c.want)
		}
	}
}

func TestParseSupportSchoolDays(t *testing.T) {
	const base = `
asp_food: {programme: asp, ledger: food, mrp_per_member: "1", expires_day: 29}
school_meals: {programme: asp, ledger: school_meals, price_per_meal: "650", min_age: 6, max_age: 18`
	for _, c := range []struct {
		tail string
		ok   bool
	}{
		{`, school_days: [monday, Saturday], grace_days: 0}`, true},
		{`, grace_days: 3}`, false},
		{`, school_days: [mon], grace_days: 3}`, false},
		{`, school_days: [friday], grace_days: -1}`, false},
	} {
		s, err := socialwallet.ParseSupport([]byte(base + c.tail))
		if (err == nil) != c.ok {
			t.Errorf("%s: %v, want ok %v", c.tail, err, c.ok)
		}
		if c.ok && (!s.Meals.SchoolDays[time.Saturday] || s.Meals.SchoolDays[time.Sunday]) {
			t.Errorf("%s: days %v", c.tail, s.Meals.SchoolDays)
		}
	}
}
