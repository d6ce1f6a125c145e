// Package benefits decides Kazakhstan's social programmes for a
// household on a date: the engine of RULES.md's five programmes (АСП,
// large-family, birth, childcare, disability) and of any programme a
// ministry adds.
//
// Programmes are data. Each is a YAML file in programmes/ with dated
// versions, each version naming its legal reference and holding its
// conditions and formulas as CEL expressions; parameters.yaml holds the
// dated national parameters (МРП, ПМ, МЗП) and tables (regional median
// income and subsistence minimum by region and quarter, multiples). A
// value or version is in force from its date until the next one. A
// ministry changes them without a release: Catalog.With lays new files
// (from disk or the database) over a catalog, and Catalog.Validate
// compiles, type-checks and runs the result on sample households before
// it is accepted.
//
// Contracts:
//
//   - Exactness. Money is an exact rational (Money); no amount is ever a
//     float. Rules round half up to whole tenge where RULES.md says
//     (round()); an amount that is not whole is an error, not a silent
//     rounding.
//   - Determinism. The same situation and the same catalog (programme
//     versions and parameter values) give the same Result, trace
//     included, byte for byte. A Decision names the versions it used, so
//     a stored decision can be reproduced, or its trace regenerated.
//   - Isolation. One programme failing (АСП in a region without figures)
//     leaves the others decided; one situation failing to parse leaves
//     the rest of a batch read.
//   - Bounded work. Every expression's worst-case cost over at most
//     MaxPersons persons is bounded by CostLimit when it is compiled.
//   - Concurrency. An Engine is immutable and safe for concurrent use.
//
// The rule language is CEL with: money (dec("16.03"), +, −, ×, ÷ by
// money or int, comparisons, round, min, max), dates (D, add_months,
// quarter_before, comparisons), param(name[, date]), table(name, keys...),
// income(quarter), the household's region, members and persons, and in
// per-person steps p with its fields (role, birth_date, age, order,
// student, carer, insured, avg_income_24m, disabled, disability_group,
// disability_cause). Persons born after the date are dropped before any
// rule runs; children are ordered by birth date, twins by position.
package benefits
