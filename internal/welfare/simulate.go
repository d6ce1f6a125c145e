package welfare

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/store"
)

// MaxSimulated bounds the households a simulation decides: above it,
// Simulate decides a deterministic sample (every k-th current decision by
// id) and scales its counts and costs by k, so that it answers within
// seconds whatever the country's size.
const MaxSimulated = 200_000

// Simulation is what a change to the rules would do to the current
// decisions: the cost and the households that gain or lose, per programme,
// by region and by well-being level. Money is whole tenge. When Sampled,
// every count and amount is the sample's multiplied by Scale.
type Simulation struct {
	Change     Change `json:"change"`
	Date       string `json:"date"`       // the decision date simulated
	Households int64  `json:"households"` // decided (scaled)
	Sampled    bool   `json:"sampled"`
	Scale      int64  `json:"scale"`   // 1 when every household was decided
	Decided    int    `json:"decided"` // households actually decided
	// Affects are the programmes the change affects.
	Affects []string `json:"affects"`
	// Programmes are the monthly programmes; Once are those paid once
	// (the birth benefit), whose cost is not monthly.
	Programmes []ProgrammeCost       `json:"programmes"`
	Once       []ProgrammeCost       `json:"once"`
	Regions    map[string]*Breakdown `json:"regions"`
	Levels     map[string]*Breakdown `json:"levels"` // well-being level A..E; "" when unknown
	Total      Breakdown             `json:"total"`  // monthly programmes only
	Elapsed    time.Duration         `json:"elapsed_ns"`
	Run        int64                 `json:"run"` // the simulation's benefit run
}

// ProgrammeCost is one programme's cost before and after a change.
type ProgrammeCost struct {
	Programme string `json:"programme"`
	Period    string `json:"period"`
	Before    int64  `json:"before"`
	After     int64  `json:"after"`
	Delta     int64  `json:"delta"`
	Breakdown
}

// Breakdown counts households by how a change moves them (per programme
// for ProgrammeCost, over all programmes otherwise: a household counts
// once, by the sum of its monthly amounts).
type Breakdown struct {
	Before        int64 `json:"cost_before"`
	After         int64 `json:"cost_after"`
	Gaining       int64 `json:"gaining"`
	Losing        int64 `json:"losing"`
	NewlyEligible int64 `json:"newly_eligible"`
	NoLonger      int64 `json:"no_longer_eligible"`
}

func (b *Breakdown) add(before, after store.BenefitOutcome, scale int64) {
	b.Before += before.Amount * scale
	b.After += after.Amount * scale
	switch {
	case !before.Eligible && after.Eligible:
		b.NewlyEligible += scale
	case before.Eligible && !after.Eligible:
		b.NoLonger += scale
	case after.Amount > before.Amount:
		b.Gaining += scale
	case after.Amount < before.Amount:
		b.Losing += scale
	}
}

// Simulate applies c in memory to the current decisions' stored inputs
// on date (0: each decision's own date) and reports what it would do; it
// writes nothing but the record of the simulation run. Only the
// programmes c affects are decided, with the rules in force and with c;
// the others count with their stored outcomes.
func (s *Service) Simulate(ctx context.Context, c Change, date benefits.Date) (Simulation, error) {
	start := time.Now()
	r := s.rules()
	if c.From == "" {
		d := date
		if d == 0 {
			var err error
			if d, err = s.lastDate(ctx); err != nil {
				return Simulation{}, err
			}
		}
		c.From = d.String()
	}
	nr, affected, _, err := c.apply(r)
	if err != nil {
		return Simulation{}, err
	}
	total, err := s.st.CountHouseholds(ctx)
	if err != nil {
		return Simulation{}, err
	}
	scale := max((total+MaxSimulated-1)/MaxSimulated, 1)
	sim := Simulation{Change: c, Scale: scale, Sampled: scale > 1, Affects: affected,
		Regions: map[string]*Breakdown{}, Levels: map[string]*Breakdown{}}
	if date != 0 {
		sim.Date = date.String()
	}
	costs := map[string]*ProgrammeCost{}
	err = s.st.CurrentDecisions(ctx, scale, func(cd store.CurrentDecision) error {
		sit, err := DecodeSituation(cd.Inputs)
		if err != nil {
			return fmt.Errorf("household %s: %w", cd.Household, err)
		}
		if date != 0 {
			sit.Date = date
		}
		sim.Decided++
		var hb, ha store.BenefitOutcome
		for _, stored := range cd.Outcomes {
			before, after := stored, stored
			if slices.Contains(affected, stored.Programme) {
				b := r.single[stored.Programme].DecideOpts(&sit, benefits.Options{NoTrace: true})
				a := nr.single[stored.Programme].DecideOpts(&sit, benefits.Options{NoTrace: true})
				before, after = outcomes(&b)[0], outcomes(&a)[0]
			}
			pc := costs[stored.Programme]
			if pc == nil {
				pc = &ProgrammeCost{Programme: stored.Programme, Period: stored.Period}
				costs[stored.Programme] = pc
			}
			pc.Breakdown.add(before, after, scale)
			if stored.Period == "month" {
				hb.Amount += before.Amount
				ha.Amount += after.Amount
				hb.Eligible = hb.Eligible || before.Eligible
				ha.Eligible = ha.Eligible || after.Eligible
			}
		}
		region := sit.Household.Region
		for _, b := range []*Breakdown{&sim.Total, bucket(sim.Regions, region), bucket(sim.Levels, cd.Level)} {
			b.add(hb, ha, scale)
		}
		return nil
	})
	if err != nil {
		return Simulation{}, err
	}
	sim.Households = int64(sim.Decided) * scale
	for _, p := range slices.Sorted(maps.Keys(costs)) {
		pc := *costs[p]
		pc.Before, pc.After = pc.Breakdown.Before, pc.Breakdown.After
		pc.Delta = pc.After - pc.Before
		if pc.Period == "month" {
			sim.Programmes = append(sim.Programmes, pc)
		} else {
			sim.Once = append(sim.Once, pc)
		}
	}
	sim.Elapsed = time.Since(start)
	now := s.now()
	d := sim.Date
	if d == "" {
		d = c.From
	}
	sim.Run, err = s.st.RecordSimulation(ctx, store.BenefitRun{DecisionDate: d, CatalogVersion: nr.key, Started: now,
		Finished: now, Households: int(sim.Households), Changed: int(sim.Total.Gaining + sim.Total.Losing +
			sim.Total.NewlyEligible + sim.Total.NoLonger)})
	return sim, err
}

func bucket(m map[string]*Breakdown, k string) *Breakdown {
	b := m[k]
	if b == nil {
		b = &Breakdown{}
		m[k] = b
	}
	return b
}
