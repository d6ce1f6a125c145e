package resolve

import (
	"math"
)

// Limits of the term-frequency adjustment, in bits. A name shared by one
// person in a million would otherwise outweigh a different birth date; a
// name shared by a tenth of the country would cancel an exact match.
const (
	tfMaxUp   = 8
	tfMaxDown = 4
)

// scorer scores pairs of one table with a trained model.
type scorer struct {
	t  *Table
	cs []comparison
	m  *Model
	w  weights
	// tf[c] is nil, or the adjustment in bits when comparison c agrees
	// exactly on a value, by the value's code in the column of cs[c].tf.
	tf [][]float32
	// nid and birth are the indexes of the national id and birth date
	// comparisons, or -1.
	nid, birth int
	// rules are the blocking rules, for the keys kept in the store.
	rules []rule
	// records, if not nil, is how many identical records each record
	// clustered stands for (see identical).
	records []uint32
}

// recordsOf is how many records record i stands for in clustering.
func (s *scorer) recordsOf(i int32) float64 {
	if s.records == nil {
		return 1
	}
	return float64(s.records[i])
}

func newScorer(t *Table, cs []comparison, m *Model) *scorer {
	s := &scorer{t: t, cs: cs, m: m, w: m.weights(), tf: make([][]float32, len(cs)), nid: -1, birth: -1}
	for c := range cs {
		switch cs[c].name {
		case "national_id":
			s.nid = c
		case "birth_date":
			s.birth = c
		}
		if cs[c].tf >= 0 && m.Comparisons[c].TF {
			s.tf[c] = tfAdjustments(&t.cols[cs[c].tf], m.Comparisons[c])
		}
	}
	return s
}

// frequencies returns the share of non-empty values held by each value
// held more than once, and the share of one record.
func frequencies(t *Table, f feature) (map[string]float64, float64) {
	col := &t.cols[f]
	counts := col.counts(t.row)
	nonNull := t.Len() - int(counts[0])
	if nonNull == 0 {
		return nil, 1
	}
	shares := make(map[string]float64)
	for k := 1; k < len(counts); k++ {
		if n := counts[k]; n > 1 {
			shares[col.vals[k]] = float64(n) / float64(nonNull)
		}
	}
	return shares, 1 / float64(nonNull)
}

// tfAdjustments returns, per value code of col, log2(u / share of records
// holding the value): positive for rare values, negative for common ones.
func tfAdjustments(col *column, cm ComparisonModel) []float32 {
	uExact := cm.Levels[0].U
	adj := make([]float32, len(col.vals))
	for k := 1; k < len(col.vals); k++ {
		share, ok := cm.Frequencies[col.vals[k]]
		if !ok {
			share = cm.Rarest
		}
		if share <= 0 {
			continue
		}
		adj[k] = float32(min(max(math.Log2(uExact/share), -tfMaxDown), tfMaxUp))
	}
	return adj
}

// weight scores a compared pair in bits.
func (s *scorer) weight(i, j int, p pattern) float64 {
	w := s.w.weightOf(p)
	for c, tf := range s.tf {
		if tf != nil && p.level(c) == 0 {
			w += s.tfOf(c, i)
		}
	}
	return w
}

// tfOf is the term-frequency adjustment of record i's value when
// comparison c agrees exactly; s.tf[c] must be set.
func (s *scorer) tfOf(c, i int) float64 {
	return float64(s.tf[c][s.t.code(s.cs[c].tf, i)])
}

// conflict reports two different valid national ids.
func (s *scorer) conflict(i, j int) bool {
	t := s.t
	return s.nid >= 0 && t.validNID(int(i)) && t.validNID(int(j)) && t.code(fNID, i) != t.code(fNID, j)
}

// pairWeight compares and scores any two records, blocked together or not.
func (s *scorer) pairWeight(i, j int) float64 {
	return s.weight(i, j, compare(s.t, s.cs, nil, i, j))
}

// Explanation is the waterfall of one pair's score: the prior, then each
// comparison's contribution, summing to the final weight.
type Explanation struct {
	Left        string  `json:"left"`  // source:id
	Right       string  `json:"right"` // source:id
	Prior       float64 `json:"prior"` // bits
	Terms       []Term  `json:"terms"`
	Weight      float64 `json:"weight"` // bits: prior plus every term
	Probability float64 `json:"probability"`
	// Conflict says the records carry two different valid national ids.
	Conflict bool `json:"conflict,omitempty"`
}

// Term is one comparison's part of an Explanation.
type Term struct {
	Comparison string  `json:"comparison"`
	Level      string  `json:"level"` // "no value" when either side is empty
	Left       string  `json:"left"`  // matching forms compared
	Right      string  `json:"right"`
	M          float64 `json:"m,omitempty"`
	U          float64 `json:"u,omitempty"`
	Weight     float64 `json:"weight"`         // bits: log2(m/u)
	TF         float64 `json:"tf,omitempty"`   // bits added for a rare value, taken for a common one
	Total      float64 `json:"total"`          // Weight + TF
	Cumulative float64 `json:"cumulative"`     // running sum from the prior
	Note       string  `json:"note,omitempty"` // e.g. names compared crosswise
}

// explain builds the waterfall for records i and j.
func (s *scorer) explain(i, j int) Explanation {
	t := s.t
	p := compare(t, s.cs, nil, i, j)
	e := Explanation{Left: t.Ref(i), Right: t.Ref(j), Prior: s.w.prior, Conflict: s.conflict(i, j)}
	run := e.Prior
	for c, cm := range s.m.Comparisons {
		l := p.level(c)
		term := Term{Comparison: cm.Name, Level: "no value"}
		term.Left, term.Right = s.cs[c].value(t, i), s.cs[c].value(t, j)
		if l >= 0 {
			lv := cm.Levels[l]
			term.Level, term.M, term.U, term.Weight = lv.Label, lv.M, lv.U, lv.Weight()
			if s.tf[c] != nil && l == 0 {
				term.TF = s.tfOf(c, i)
			}
		}
		if (cm.Name == "last_name" || cm.Name == "first_name") && swapped(t, i, j) {
			term.Note = "first and last name compared crosswise"
		}
		term.Total = term.Weight + term.TF
		run += term.Total
		term.Cumulative = run
		e.Terms = append(e.Terms, term)
	}
	e.Weight = run
	e.Probability = Probability(run)
	return e
}
