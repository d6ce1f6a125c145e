package resolve

import (
	"math"
)

// Model is a trained Fellegi–Sunter model for one entity kind: for each
// comparison level, how often true matches (m) and random pairs (u) show
// it, and the prior probability that two random records match. It is plain
// data, so that it can be stored, shown and reused for incremental linking.
type Model struct {
	Kind        string            `json:"kind"`
	Lambda      float64           `json:"lambda"` // prior: probability that two random records match
	Comparisons []ComparisonModel `json:"comparisons"`
	Rules       []string          `json:"rules"` // blocking rules, in order
	Threshold   float64           `json:"threshold"`
}

// ComparisonModel holds one comparison's levels, best first.
type ComparisonModel struct {
	Name   string       `json:"name"`
	Levels []LevelModel `json:"levels"`
	// TF says the exact level is adjusted by the term frequency of the
	// value: agreeing on a rare name counts more than on a common one.
	TF bool `json:"tf,omitempty"`
	// Trained is false when no training session could estimate m (every
	// blocking rule reads this comparison's attributes); m is then a prior.
	Trained bool `json:"trained"`
	// Match is the match mode of an extra attribute (see source.Field).
	Match string `json:"match,omitempty"`
	// Frequencies holds, for a TF comparison, the share of records holding
	// each value when the model was trained; values not listed are rarer
	// than any listed one.
	Frequencies map[string]float64 `json:"frequencies,omitempty"`
	// Rarest is the share given to a value absent from Frequencies.
	Rarest float64 `json:"rarest,omitempty"`
}

// LevelModel is one level's probabilities and the weight they give.
type LevelModel struct {
	Label string  `json:"label"`
	M     float64 `json:"m"`
	U     float64 `json:"u"`
}

// Weight is the level's match weight in bits: log2(m/u).
func (l LevelModel) Weight() float64 { return math.Log2(l.M / l.U) }

// PriorWeight is the prior's match weight in bits: log2 of the prior odds.
func (m *Model) PriorWeight() float64 { return math.Log2(m.Lambda / (1 - m.Lambda)) }

// Probability converts a match weight in bits to a probability.
func Probability(weight float64) float64 { return 1 / (1 + math.Exp2(-weight)) }

// weights is the model as a lookup table for the hot loop: bits per
// comparison and level.
type weights struct {
	prior float64
	bf    [][]float64 // [comparison][level]
}

func (m *Model) weights() weights {
	w := weights{prior: m.PriorWeight(), bf: make([][]float64, len(m.Comparisons))}
	for c, cm := range m.Comparisons {
		w.bf[c] = make([]float64, len(cm.Levels))
		for l, lv := range cm.Levels {
			w.bf[c][l] = lv.Weight()
		}
	}
	return w
}

// weightOf is the match weight of a pattern before term-frequency
// adjustment.
func (w weights) weightOf(p pattern) float64 {
	s := w.prior
	for c, bf := range w.bf {
		if l := p.level(c); l >= 0 {
			s += bf[l]
		}
	}
	return s
}
