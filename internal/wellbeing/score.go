package wellbeing

import (
	"math/big"
	"strings"
)

// Score is one household's result.
type Score struct {
	ID     string
	Region string
	// Mask has bit j set when the household is deprived in
	// Model.Indicators[j] (uncensored: whether poor or not).
	Mask  uint64
	Units int64  // c_i × Denominator: the deprivation score in integer units
	Den   int64  // the model's Denominator, so that c_i = Units/Den exactly
	Level string // "A".."E" by c_i (Model.Levels gives its titles); E is the most deprived
	Poor  bool   // c_i ≥ k
}

// C returns the deprivation score c_i as an exact rational in [0, 1].
func (s Score) C() *big.Rat { return big.NewRat(s.Units, max(s.Den, 1)) }

// DeprivedIn reports whether the household is deprived in indicator j.
func (s Score) DeprivedIn(j int) bool { return j >= 0 && j < 64 && s.Mask&(1<<j) != 0 }

// Score computes a household's deprivations, score, level and poverty. The
// error wraps ErrHousehold and names the field when a fact is impossible.
func (m *Model) Score(h *Household) (Score, error) {
	if err := h.validate(); err != nil {
		return Score{}, err
	}
	var f facts
	m.facts(h, &f)
	s := Score{ID: h.ID, Region: h.Region, Den: m.den}
	for j := range m.rules {
		if m.rules[j].deprived(&f) {
			s.Mask |= 1 << j
			s.Units += m.units[j]
		}
	}
	s.Poor = s.Units >= m.poorUnits
	for i := len(m.levelMin) - 1; i >= 0; i-- {
		if s.Units >= m.levelMin[i] {
			s.Level = m.Levels[i].ID
			break
		}
	}
	return s, nil
}

// Priority orders scores for outreach: the most deprived level first (E
// before D … before A), then the higher score, then ID ascending, so that
// the order is total and the same on every run. Use it with
// slices.SortFunc. It orders whom to reach first and decides nothing else:
// it never denies or delays a benefit.
func Priority(a, b Score) int {
	if c := strings.Compare(b.Level, a.Level); c != 0 {
		return c // levels are A..E, so E sorts first
	}
	// Compare Units/Den exactly; scores of one model share Den.
	if c := cmpMul(uint64(b.Units), uint64(max(a.Den, 1)), uint64(a.Units), uint64(max(b.Den, 1))); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}
