package wellbeing

import "math/big"

// Model is a parsed and validated well-being configuration, ready to score
// households. It is immutable and safe for concurrent use. The exported
// fields are for display (the console page shows titles, cut-offs and
// weights); changing them after Parse has no effect on scoring.
type Model struct {
	Version    int
	Cutoff     *big.Rat // k: poor when c_i ≥ k
	Ages       Ages
	Dimensions []Dimension // in file order, disabled ones included
	Indicators []Indicator // in file order; bit j of Score.Mask is Indicators[j]
	Levels     []Level     // A..E, thresholds rising

	den       int64   // least common denominator of the weights; a score is units/den
	units     []int64 // weight of indicator j × den
	poorUnits int64   // smallest score in units with c ≥ k
	levelMin  []int64 // smallest score in units for each level
	rules     []rule  // compiled indicators
}

// Text is a person-readable text in the three languages.
type Text struct {
	KK, RU, EN string
}

// In returns the text in lang ("kk", "ru" or "en"; anything else gives
// Russian, the language every official reads).
func (t Text) In(lang string) string {
	switch lang {
	case "kk":
		return t.KK
	case "en":
		return t.EN
	}
	return t.RU
}

// AgeRange is an inclusive range of full years.
type AgeRange struct {
	Min, Max int
}

// Contains reports whether age is in the range.
func (r AgeRange) Contains(age int) bool { return age >= r.Min && age <= r.Max }

// Ages are the age bands the indicators use.
type Ages struct {
	Working AgeRange // expected to work: unemployed_adult
	School  AgeRange // expected to be in education: child_not_enrolled
	Youth   AgeRange // young people: youth_neet
}

// Dimension groups indicators. A disabled dimension has no indicators and
// weight 0; it is listed so that readers see what the registers cannot
// measure (housing).
type Dimension struct {
	ID      string
	Enabled bool
	Title   Text
	Note    Text     // why disabled, or any caveat; may be empty
	Weight  *big.Rat // sum of its indicators' weights
}

// Indicator is one deprivation indicator.
type Indicator struct {
	ID        string
	Dimension string
	Rule      string   // which computation: see Rules
	Weight    *big.Rat // w_j; the weights of all indicators sum to 1
	Title     Text
	Cutoff    Text // the deprivation cut-off in words
	Params    Params
}

// Params are an indicator's cut-off parameters; each rule reads its own.
type Params struct {
	Multiple *big.Rat     // income_below_line: deprived when per-capita income ≤ Multiple × poverty line
	MaxRatio *big.Rat     // dependency_ratio: deprived when non-earners > MaxRatio × earners
	Groups   []Disability // disability: the groups that deprive
	Scope    string       // no_polyclinic: "any" member not attached, or "all" members not attached
	MinHeads int          // no_livestock_no_earner: fewer head than this counts as no livestock
}

// Level is one well-being level. A household's level is the last one whose
// From its score reaches: A is the most well-off, E the most deprived.
type Level struct {
	ID          string   // "A".."E"
	From        *big.Rat // lowest c_i of the level (inclusive)
	Title       Text
	Description Text
}

// Denominator is the least common denominator of the weights: every score
// is an integer number of 1/Denominator units.
func (m *Model) Denominator() int64 { return m.den }
