// Package wellbeing scores each household's well-being in the
// Alkire–Foster manner: a household is deprived or not in each of a set of
// indicators read from the registers (income, employment, education,
// disability and health, assets); its deprivation score c_i is the sum of
// the weights of the indicators it is deprived in; it is multidimensionally
// poor when c_i ≥ k, the poverty cut-off; and it falls in one of five levels,
// A (most well-off) to E (most deprived). Over many households the
// Aggregator gives the headcount ratio H, the average intensity A among the
// poor and the adjusted headcount ratio M0 = H × A, by region, by indicator
// (censored headcounts and each indicator's contribution to M0) and by level.
//
// The model is stated and configurable, not official: the Digital Family
// Card's (Цифровая карта семьи) methodology is not public. Indicators,
// weights, cut-offs and level thresholds live in YAML (Default, embedded
// default.yaml; Parse and LoadFile for a published replacement), with every
// title and cut-off in Kazakh, Russian and English. docs/wellbeing.md is the
// user documentation.
//
// A score sets outreach priority (Priority: level E first) and nothing else.
// It MUST NOT deny, reduce or delay a benefit: eligibility is decided by the
// programmes' own rules alone, and a household at level A is as entitled to
// them as one at level E.
//
// Arithmetic is exact and deterministic. Weights, k and level thresholds are
// rationals ("1/6", "0.1"); a model scales them to integers over the least
// common denominator of the weights, so a score is an integer count of
// units and every comparison is an integer one. Money is integer tiyn.
// Aggregates are exact rationals (math/big) built from integer counters.
package wellbeing
