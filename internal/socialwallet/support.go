package socialwallet

import (
	_ "embed"
	"fmt"

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
}

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
			Programme    string `yaml:"programme"`
			Ledger       string `yaml:"ledger"`
			PricePerMeal string `yaml:"price_per_meal"`
			MinAge       int    `yaml:"min_age"`
			MaxAge       int    `yaml:"max_age"`
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
	return s, nil
}
