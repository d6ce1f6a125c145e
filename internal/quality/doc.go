// Package quality runs data-quality checks over a golden.Dataset: the live
// records of every source, resolved into entities. Checks are declared in
// YAML (quality.yaml, next to sources.yaml) or derived from the sources
// contract (Defaults); Run reports, for each check on each source, how many
// records failed of how many were checked, and every failing record with
// the reason and a suggested fix as message keys rendered in kk, ru or en
// (Messages, Render). docs/quality.md is the
// user documentation; this comment is its source.
//
// # Format
//
//	# quality.yaml
//	as_of: 2026-11-01          # optional "today" for ages, deaths and freshness;
//	                           # default: the dataset's as-of date
//	all_sources:               # optional: checks run on every source, first
//	  - {kind: freshness, max_age: 31d}
//	  - {kind: quarantine}
//	sources:                   # source name (as in sources.yaml) -> its checks
//	  health_cards:
//	    - {kind: missing, field: national_id}
//	    - {kind: letter_case, field: full_name, want: title}
//	    - {kind: duplicates, name: one_patient_several_cards}
//	    - {kind: dead_active, where: {card_status: active}, after: last_visit_date}
//	  livestock:
//	    - {kind: group_size, by: owner_iin, max: 150, severity: error}
//
// Every check has a kind and the kind's parameters, and may have:
//
//   - name: unique within the source; default the kind and its field
//     (missing_national_id), the kind and its fields (unique_tag), the kind
//     and by (group_size_owner_iin), or the kind alone;
//   - severity: error, warning or info; default the kind's;
//   - dimension: to score the check elsewhere than its kind's dimension;
//   - description: to replace the generated explanation;
//   - where: (checks over records) {attribute: value} or {attribute:
//     [values]}, limiting the check to records whose attribute holds one of
//     the values ("" or null for empty).
//
// Attributes are the canonical names sources.yaml maps columns onto. Parse
// rejects unknown keys, kinds and values with the file, the line and the
// nearest correct spelling; Run (through Validate) rejects sources,
// registers and attributes the data does not have, so that a misspelt
// check never passes by finding nothing.
//
// # Kinds
//
// Completeness:
//
//   - missing {field}: the value is empty. The entity's value from another
//     source is suggested.
//
// Validity:
//
//   - valid {field?}: ingest flagged the value invalid (IIN or BIN check
//     digit, impossible date, wrong type, value outside the contract's
//     allowed list); without field, any flagged value of the record.
//   - allowed {field, values}: the value is not in the list.
//   - range {field, min?, max?}: a number or date outside the bounds;
//     bounds are numbers, dates YYYY-MM-DD or today.
//   - pattern {field, match | not_match}: a regular expression (RE2) that
//     the value must match, or must not.
//   - letter_case {field, want: title|upper|lower}: title fails values all
//     in capitals or all in small letters (ИВАНОВ ИВАН).
//   - script {field, want: cyrillic|latin}: letters of the other script, or
//     a mix of both (a Latin "a" in a Cyrillic name).
//   - age {field, max_years?}: a date after as_of, or further back than
//     max_years, which is a number or {by: attribute, values: {value:
//     years}, default: years}, e.g. a limit per species.
//
// Uniqueness:
//
//   - unique {field | fields}: records sharing the value, or the
//     combination of values, of another record; every record of the group
//     is a finding.
//   - duplicates: records resolved into one entity several times in the
//     source (one patient, several cards); every record of the entity
//     fails, and the cluster is one finding about the record to keep (a
//     valid IIN, else the most complete, the most recent, the first by
//     id), with the others to merge as Related and the entity as its Key.
//
// Timeliness (one item checked: the source):
//
//   - freshness {max_age, since?}: as_of minus the newest observation
//     (since: observed, the default) or the end of the latest load (since:
//     run) exceeds max_age, written 30d, 2w or 36h.
//   - volume {max_change}: the latest full load's row count differs from
//     the median of the previous full loads by more than the fraction
//     max_change (0.5 is 50%); deltas and pushes are never measured
//     against full loads; nothing is checked before the second load.
//
// Integrity:
//
//   - schema: columns added to or removed from the extract since the load
//     before (each column is an item).
//   - quarantine: rows of the source's live state (its latest full load
//     and the loads after it, each row once) that could not be stored,
//     each with its line and, read from the raw row, its record id.
//
// Consistency, across records and sources:
//
//   - reference {field, register, attribute?}: the value names no record of
//     the register sources (a name or a list) whose attribute (default: the
//     same name as field) holds it.
//   - dead_active {after?, person?}: the record's person died before as_of
//     (a golden death_date, from civil-registry deaths) yet the record is
//     there (use where: for "still active"); with after, only if that date
//     attribute lies after the death. person names an IIN attribute to use
//     instead of the record's own entity.
//   - dead_reference {field}: the person whose IIN field holds died before
//     as_of (an owner, a guardian).
//   - after_death {field, person?}: a date, or a month written YYYY-MM,
//     that starts after the person's death; the month of death itself is
//     legitimate.
//   - group_size {by, max}: more than max records share the value of by
//     (a herd no one could keep); every record of the group is a finding.
//   - name_mismatch {field | fields, register, register_fields?, key?}: the
//     record's name differs from the register's name of the same person
//     beyond case, script, Kazakh letters, ё and patronymic forms: a typo
//     or another name. field holds a full name; fields the parts in the
//     order surname, first, middle. The register record is found by key
//     (default national_id): the record's own value when valid and known to
//     a register, else its entity's golden value; with several registers
//     the first that knows it wins. register_fields defaults to last_name,
//     first_name, middle_name when the register maps them, else full_name.
//   - kazakh_folded {same parameters}: the register writes the name with
//     Kazakh letters (ә ғ қ ң ө ұ ү һ і) and the record, in Cyrillic, has
//     them replaced by а г к н о у у х и.
//
// # Results
//
// Every Result has Failed and Total, so that a pass rate exists for
// scoring; Total counts what the check could judge (records with a value,
// for checks of a value's form). Results come in the dataset's source
// order, all_sources checks first, then in the file's order; findings in
// record id order (rows by line). Run is deterministic and reads the
// dataset only.
package quality
