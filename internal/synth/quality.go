package synth

import (
	"os"
	"path/filepath"
)

// qualityChecks is the body of DIR/quality.yaml (docs/quality.md): the
// checks a data officer would declare for these extracts, with thresholds
// set from what is plausible, not from what was planted. Between them they
// find every defect kind truth/README.md lists, and in a clean nation
// (Options.Clean) nothing at all.
const qualityChecks = `
# Every source: is the extract recent, of the usual size, with the usual
# columns, and was every row stored?
all_sources:
  - {kind: freshness, max_age: 31d}
  - {kind: volume, max_change: 0.5}
  - {kind: schema}
  - {kind: quarantine}

sources:
  population_register:
    - {kind: missing, field: national_id}
    - {kind: valid}
    - {kind: unique, field: national_id}
    - {kind: age, field: birth_date, max_years: 120}

  civil_registry:
    - {kind: missing, field: national_id}
    - {kind: valid}
    - {kind: allowed, field: event, values: [birth, death, marriage]}
    - {kind: age, field: event_date}

  health_cards:
    - {kind: missing, field: national_id}
    - {kind: valid, field: national_id}
    - {kind: valid, field: birth_date}
    - {kind: valid, field: sex}
    - {kind: valid, field: attached_date}
    - {kind: valid, field: last_visit_date}
    - {kind: allowed, field: card_status, values: [active, closed]}
    - {kind: age, field: birth_date, max_years: 120}
    - {kind: duplicates, name: one_patient_several_cards}
    - {kind: letter_case, field: full_name, want: title}
    - {kind: script, field: full_name, want: cyrillic}
    - {kind: kazakh_folded, field: full_name, register: [population_register, civil_registry]}
    - {kind: name_mismatch, field: full_name, register: [population_register, civil_registry]}
    - {kind: dead_active, name: active_card_of_dead, where: {card_status: active}, after: last_visit_date}

  livestock:
    - {kind: missing, field: tag}
    - {kind: missing, field: owner_iin}
    - {kind: valid}
    - {kind: pattern, field: tag, match: '^KZ[0-9]{10}$'}
    - {kind: unique, field: tag}
    - {kind: reference, name: owner_registered, field: owner_iin, register: population_register, attribute: national_id}
    - {kind: dead_reference, name: dead_owner, field: owner_iin}
    - {kind: group_size, name: herd_size, by: owner_iin, max: 150}
    - kind: age
      field: birth_date
      max_years: {by: species, values: {cattle: 25, sheep: 15, goat: 18, horse: 35, camel: 40}}

  social_benefits:
    - {kind: missing, field: national_id}
    - {kind: valid, field: national_id}
    - {kind: valid, field: birth_date}
    - {kind: valid, field: amount}
    - {kind: valid, field: benefit_start_date}
    - {kind: range, field: amount, min: 0}
    - {kind: dead_active, name: paid_after_death}

  tax_incomes:
    - {kind: missing, field: national_id}
    - {kind: valid}
    - {kind: pattern, field: period, match: '^[0-9]{4}-(0[1-9]|1[0-2])$'}
    - {kind: range, field: income, min: 0}
    - {kind: unique, fields: [national_id, period, employer_bin]}
    - {kind: after_death, name: income_after_death, field: period}

  education_students:
    - {kind: missing, field: national_id}
    - {kind: valid}
    - {kind: duplicates, name: enrolled_twice}
    - {kind: range, name: school_grade, field: grade, min: 1, max: 11, where: {institution_type: school}}
    - {kind: range, name: university_year, field: grade, min: 1, max: 6, where: {institution_type: university}}
    - {kind: dead_active, name: enrolled_after_death}

  disability_register:
    - {kind: missing, field: national_id}
    - {kind: valid}
    - {kind: kazakh_folded, field: full_name, register: population_register}
    - {kind: name_mismatch, field: full_name, register: population_register}
    - {kind: dead_active, name: registered_after_death}
`

// writeQuality writes DIR/quality.yaml next to sources.yaml.
func writeQuality(dir string, asOf date) error {
	var b []byte
	b = append(b, "# Data-quality checks for a synthetic nation written by \"ortaq synth\"\n"...)
	b = append(b, "# (format: docs/quality.md). Each defect kind planted in the extracts\n"...)
	b = append(b, "# (truth/README.md) is found by one of them; a clean nation passes all.\n"...)
	b = append(b, "as_of: "...)
	b = appendDate(b, asOf, layoutISO)
	b = append(b, '\n')
	b = append(b, qualityChecks...)
	return os.WriteFile(filepath.Join(dir, "quality.yaml"), b, 0o644)
}
