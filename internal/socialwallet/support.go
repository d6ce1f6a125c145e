package socialwallet

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/ledger"
)

// Support is the earmarked support the wallet funds, read from the
// embedded support.yaml.
type Support struct {
	Food  FoodVoucher
	Meals SchoolMeals
}

// FoodVoucher is a monthly voucher per member for a confirmed offer of
// Programme, funded from the programme's account on Ledger.
type FoodVoucher struct {
	Programme    string
	Ledger       ledger.Ledger
	MRPPerMember benefits.Money // multiple of the МРП per member
	ExpiresDay   int            // day of the month whose end it expires at
}

// SchoolMeals pays canteens per meal served to pupils of households with
// a confirmed offer of Programme, from its account on Ledger.
type SchoolMeals struct {
	Programme      string
	Ledger         ledger.Ledger
	PricePerMeal   int64 // tiyn
	MinAge, MaxAge int   // of the pupil on the day, inclusive
	// SchoolDays are the weekdays meals are served on; GraceDays how many
	// days back a canteen may still bill one.
	SchoolDays [7]bool // by time.Weekday
	GraceDays  int
}

// DayAllowed reports whether a meal may be billed for day at now: a
// school day, in Asia/Almaty, that is today or at most GraceDays back.
// A future day is never allowed: its claim would also lock out the
// canteen that really serves the pupil that day.
func (m SchoolMeals) DayAllowed(day, now time.Time) bool {
	d, today := dateOf(day), dateOf(now)
	return m.SchoolDays[d.Weekday()] && !d.After(today) && !d.Before(today.AddDate(0, 0, -m.GraceDays))
}

// dateOf is the midnight, in UTC, of t's date in Asia/Almaty: dates to
// compare and count days between.
func dateOf(t time.Time) time.Time {
	y, m, d := t.In(almaty).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// weekdays names time.Weekday values as support.yaml spells them.
var weekdays = func() map[string]time.Weekday {
	out := map[string]time.Weekday{}
	for d := time.Sunday; d <= time.Saturday; d++ {
		out[strings.ToLower(d.String())] = d
	}
	return out
}()

//go:embed support.yaml
var supportYAML []byte

var defaultSupport = mustSupport(supportYAML)

func mustSupport(b []byte) Support {
	s, err := ParseSupport(b)
	if err != nil {
		panic(fmt.Sprintf("socialwallet: embedded support.yaml: %v", err)) // a build defect, caught by tests
	}
	return s
}

// ParseSupport reads a support.yaml.
func ParseSupport(b []byte) (Support, error) {
	var f struct {
		Food struct {
			Programme    string `yaml:"programme"`
			Ledger       string `yaml:"ledger"`
			MRPPerMember string `yaml:"mrp_per_member"`
			ExpiresDay   int    `yaml:"expires_day"`
		} `yaml:"asp_food"`
		Meals struct {
			Programme    string   `yaml:"programme"`
			Ledger       string   `yaml:"ledger"`
			PricePerMeal string   `yaml:"price_per_meal"`
			MinAge       int      `yaml:"min_age"`
			MaxAge       int      `yaml:"max_age"`
			SchoolDays   []string `yaml:"school_days"`
			GraceDays    int      `yaml:"grace_days"`
		} `yaml:"school_meals"`
	}
	if err := yaml.Unmarshal(b, &f); err != nil {
		return Support{}, fmt.Errorf("support: %w", err)
	}
	var s Support
	var err error
	if s.Food.Ledger, err = ledger.ParseLedger(f.Food.Ledger); err != nil {
		return Support{}, fmt.Errorf("support asp_food: %w", err)
	}
	if s.Food.MRPPerMember, err = benefits.ParseMoney(f.Food.MRPPerMember); err != nil || s.Food.MRPPerMember.Sign() <= 0 {
		return Support{}, fmt.Errorf("support asp_food: mrp_per_member %q: want a positive number", f.Food.MRPPerMember)
	}
	if f.Food.Programme == "" || f.Food.ExpiresDay < 1 || f.Food.ExpiresDay > 31 {
		return Support{}, fmt.Errorf("support asp_food: want a programme and expires_day 1..31")
	}
	s.Food.Programme, s.Food.ExpiresDay = f.Food.Programme, f.Food.ExpiresDay
	if s.Meals.Ledger, err = ledger.ParseLedger(f.Meals.Ledger); err != nil {
		return Support{}, fmt.Errorf("support school_meals: %w", err)
	}
	if s.Meals.PricePerMeal, err = ParseTenge(f.Meals.PricePerMeal); err != nil || s.Meals.PricePerMeal <= 0 {
		return Support{}, fmt.Errorf("support school_meals: price_per_meal %q: want a positive amount", f.Meals.PricePerMeal)
	}
	if f.Meals.Programme == "" || f.Meals.MinAge < 0 || f.Meals.MaxAge < f.Meals.MinAge {
		return Support{}, fmt.Errorf("support school_meals: want a programme and min_age <= max_age")
	}
	s.Meals.Programme, s.Meals.MinAge, s.Meals.MaxAge = f.Meals.Programme, f.Meals.MinAge, f.Meals.MaxAge
	if len(f.Meals.SchoolDays) == 0 {
		return Support{}, fmt.Errorf("support school_meals: want school_days")
	}
	for _, name := range f.Meals.SchoolDays {
		d, ok := weekdays[strings.ToLower(name)]
		if !ok {
			return Support{}, fmt.Errorf("support school_meals: school_days: %q is not a weekday", name)
		}
		s.Meals.SchoolDays[d] = true
	}
	if f.Meals.GraceDays < 0 || f.Meals.GraceDays > 31 {
		return Support{}, fmt.Errorf("support school_meals: grace_days %d: want 0..31", f.Meals.GraceDays)
	}
	s.Meals.GraceDays = f.Meals.GraceDays
	return s, nil
}
