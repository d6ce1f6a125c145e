// Package resolve is ortaq's entity-resolution engine: it turns records from
// many agencies into people, animals and organisations.
//
// The pipeline is the classic probabilistic one, built for one ordinary
// server and for the names of this country:
//
//   - features: each record is reduced to matching forms held column by
//     column in memory (names folded across Kazakh and Russian Cyrillic and
//     both Latin spellings, dates as digits, identifiers checked);
//   - blocking: several rules, joined, propose candidate pairs; a block too
//     large to compare is skipped and reported, never silently truncated;
//   - comparison: each candidate pair gets a graded level per attribute
//     (exact, close by Jaro–Winkler or edit distance, a date typo, an IIN one
//     digit off...);
//   - the Fellegi–Sunter model scores each level: u-probabilities come from
//     random pairs, m-probabilities from expectation maximisation on the
//     candidates, so no labels are needed; exact agreement on a common name
//     weighs less than on a rare one (term-frequency adjustment);
//   - clustering joins pairs above the threshold strongest first, refusing a
//     join that the records already in both clusters contradict, so that one
//     bad link does not chain unrelated people, and refusing to merge two
//     different valid IINs unless the rest of the evidence is overwhelming;
//   - every score can be explained term by term (Explain).
package resolve
