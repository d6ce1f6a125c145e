package wellbeing

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"slices"
)

// MaxRegions bounds the regions one Aggregator tracks, and so its memory:
// O(MaxRegions × indicators) integers, whatever the number of households.
// Kazakhstan has 20 regions and cities of republican significance.
const MaxRegions = 10_000

// ErrModelMismatch is returned when scores or aggregators of different
// models are combined.
var ErrModelMismatch = errors.New("wellbeing: scores of another model")

// Aggregator sums scores into the Alkire–Foster indices in one pass with
// bounded memory: integer counters per region, none per household. It is
// not safe for concurrent use; give each goroutine its own and Merge them.
// The result does not depend on the order households are added.
type Aggregator struct {
	m       *Model
	total   tally
	regions map[string]*tally
}

// tally counts one population (the nation or a region).
type tally struct {
	households int64
	poor       int64
	poorUnits  int64   // Σ c_i × den over the poor
	levels     []int64 // households per level
	deprived   []int64 // per indicator, all households
	censored   []int64 // per indicator, poor households only
}

func newTally(m *Model) *tally {
	return &tally{
		levels:   make([]int64, len(m.Levels)),
		deprived: make([]int64, len(m.Indicators)),
		censored: make([]int64, len(m.Indicators)),
	}
}

func (t *tally) add(s *Score, level int) {
	t.households++
	t.levels[level]++
	if s.Poor {
		t.poor++
		t.poorUnits += s.Units
	}
	for mask := s.Mask; mask != 0; mask &= mask - 1 {
		j := bits.TrailingZeros64(mask)
		t.deprived[j]++
		if s.Poor {
			t.censored[j]++
		}
	}
}

func (t *tally) merge(o *tally) {
	t.households += o.households
	t.poor += o.poor
	t.poorUnits += o.poorUnits
	for i := range t.levels {
		t.levels[i] += o.levels[i]
	}
	for j := range t.deprived {
		t.deprived[j] += o.deprived[j]
		t.censored[j] += o.censored[j]
	}
}

// NewAggregator returns an empty aggregator for model m.
func NewAggregator(m *Model) *Aggregator {
	return &Aggregator{m: m, total: *newTally(m), regions: map[string]*tally{}}
}

// Add scores h and counts it, returning its score (for storing or for
// outreach lists). A household with impossible facts is not counted; the
// error wraps ErrHousehold.
func (a *Aggregator) Add(h *Household) (Score, error) {
	s, err := a.m.Score(h)
	if err != nil {
		return s, err
	}
	return s, a.AddScore(s)
}

// AddScore counts a score computed earlier by the same model.
func (a *Aggregator) AddScore(s Score) error {
	level := -1
	if len(s.Level) == 1 {
		level = int(s.Level[0]) - 'A'
	}
	if s.Den != a.m.den || level < 0 || level >= len(a.m.Levels) ||
		s.Mask>>len(a.m.Indicators) != 0 || s.Units < 0 || s.Units > s.Den {
		return fmt.Errorf("add score of household %q: %w", s.ID, ErrModelMismatch)
	}
	r := a.regions[s.Region]
	if r == nil {
		if len(a.regions) >= MaxRegions {
			return fmt.Errorf("household %q: region %q: more than %d regions: %w", s.ID, s.Region, MaxRegions, ErrHousehold)
		}
		r = newTally(a.m)
		a.regions[s.Region] = r
	}
	a.total.add(&s, level)
	r.add(&s, level)
	return nil
}

// Merge adds o's counts into a; o must aggregate the same model.
func (a *Aggregator) Merge(o *Aggregator) error {
	if o.m != a.m {
		return fmt.Errorf("merge aggregators: %w", ErrModelMismatch)
	}
	for name, t := range o.regions {
		r := a.regions[name]
		if r == nil {
			if len(a.regions) >= MaxRegions {
				return fmt.Errorf("merge aggregators: region %q: more than %d regions: %w", name, MaxRegions, ErrHousehold)
			}
			r = newTally(a.m)
			a.regions[name] = r
		}
		r.merge(t)
	}
	a.total.merge(&o.total)
	return nil
}

// Result is the Alkire–Foster index of the households added, for the
// nation and for each region. Every ratio is exact; JSON writes a rational
// as "num/den" (big.Rat's text form) and FloatString gives decimals.
type Result struct {
	Cutoff  *big.Rat    `json:"cutoff"` // k
	Total   Breakdown   `json:"total"`
	Regions []Breakdown `json:"regions"` // sorted by region code
}

// Breakdown is the index of one population.
type Breakdown struct {
	Region     string `json:"region,omitempty"` // "" for the nation
	Households int64  `json:"households"`       // n
	Poor       int64  `json:"poor"`             // q: households with c_i ≥ k
	// H = q / n, the headcount ratio.
	H *big.Rat `json:"h"`
	// A = Σ_{poor} c_i / q, the average intensity among the poor.
	A *big.Rat `json:"a"`
	// M0 = H × A = Σ_{poor} c_i / n, the adjusted headcount ratio.
	M0         *big.Rat          `json:"m0"`
	Levels     []LevelCount      `json:"levels"`     // A..E
	Indicators []IndicatorResult `json:"indicators"` // in Model.Indicators order
}

// LevelCount is the number of households at one level.
type LevelCount struct {
	Level      string `json:"level"`
	Households int64  `json:"households"`
}

// IndicatorResult is one indicator's share of the index.
type IndicatorResult struct {
	ID       string `json:"id"`
	Deprived int64  `json:"deprived"` // households deprived in it, poor or not
	Censored int64  `json:"censored"` // poor households deprived in it
	// Uncensored = Deprived / n.
	Uncensored *big.Rat `json:"uncensored_h"`
	// CensoredH = CH_j = Censored / n, the censored headcount ratio;
	// M0 = Σ_j w_j × CH_j.
	CensoredH *big.Rat `json:"censored_h"`
	// Contribution = w_j × CH_j / M0, the indicator's share of M0; the
	// shares sum to 1 when M0 > 0 and are all 0 when M0 = 0.
	Contribution *big.Rat `json:"contribution"`
}

// Result computes the indices from the counts so far. It may be called at
// any time and does not reset the aggregator.
func (a *Aggregator) Result() *Result {
	res := &Result{Cutoff: new(big.Rat).Set(a.m.Cutoff), Total: a.breakdown("", &a.total)}
	names := make([]string, 0, len(a.regions))
	for n := range a.regions {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		res.Regions = append(res.Regions, a.breakdown(n, a.regions[n]))
	}
	return res
}

// ratio returns num/den, or 0 when den is 0 (an empty population).
func ratio(num, den *big.Int) *big.Rat {
	if den.Sign() == 0 {
		return new(big.Rat)
	}
	return new(big.Rat).SetFrac(num, den)
}

func (a *Aggregator) breakdown(region string, t *tally) Breakdown {
	n := big.NewInt(t.households)
	den := big.NewInt(a.m.den)
	sum := big.NewInt(t.poorUnits) // Σ_{poor} c_i × den
	b := Breakdown{
		Region:     region,
		Households: t.households,
		Poor:       t.poor,
		H:          ratio(big.NewInt(t.poor), n),
		A:          ratio(sum, new(big.Int).Mul(den, big.NewInt(t.poor))),
		M0:         ratio(sum, new(big.Int).Mul(den, n)),
	}
	for i, l := range a.m.Levels {
		b.Levels = append(b.Levels, LevelCount{Level: l.ID, Households: t.levels[i]})
	}
	for j, ind := range a.m.Indicators {
		// w_j × CH_j / M0 = (units_j/den × c/n) / (sum/(den×n)) = units_j × c / sum
		contrib := new(big.Int).Mul(big.NewInt(a.m.units[j]), big.NewInt(t.censored[j]))
		b.Indicators = append(b.Indicators, IndicatorResult{
			ID:           ind.ID,
			Deprived:     t.deprived[j],
			Censored:     t.censored[j],
			Uncensored:   ratio(big.NewInt(t.deprived[j]), n),
			CensoredH:    ratio(big.NewInt(t.censored[j]), n),
			Contribution: ratio(contrib, sum),
		})
	}
	return b
}
