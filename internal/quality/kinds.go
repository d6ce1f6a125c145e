package quality

import (
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
)

// kind is one built-in check kind: what it measures, which parameters it
// takes and the code that runs it.
type kind struct {
	dimension string
	severity  string
	// params are the parameter keys the kind accepts; required lists the
	// keys of which one must be given, per requirement.
	params   []string
	required [][]string
	// records is true for checks over records, which accept where:.
	records bool
	// cost is the relative work per record (0 counts as 1), to schedule
	// long checks first.
	cost int
	run  func(x *env, s *golden.Source, c *Check, res *Result)
	// describe explains in one sentence what a record (or load) must
	// satisfy to pass, as a message of Messages.
	describe func(c *Check) Msg
}

// kinds is every built-in kind by name; see the package documentation.
var kinds map[string]*kind

func init() {
	// Built in init: the run functions refer back to helpers that read
	// kinds, which a composite literal initialiser would make a cycle.
	kinds = map[string]*kind{
		"missing": {dimension: Completeness, severity: SeverityError, records: true,
			params: []string{"field"}, required: [][]string{{"field"}}, run: runMissing,
			describe: func(c *Check) Msg { return msg("q.desc.missing", attrArg(c.Field)) }},
		"valid": {dimension: Validity, severity: SeverityError, records: true,
			params: []string{"field"}, run: runValid,
			describe: func(c *Check) Msg {
				if c.Field == "" {
					return msg("q.desc.valid.any")
				}
				return msg("q.desc.valid", attrArg(c.Field))
			}},
		"allowed": {dimension: Validity, severity: SeverityError, records: true,
			params: []string{"field", "values"}, required: [][]string{{"field"}, {"values"}}, run: runAllowed,
			describe: func(c *Check) Msg { return msg("q.desc.allowed", attrArg(c.Field), valueArg(c.Field, c.Values...)) }},
		"range": {dimension: Validity, severity: SeverityError, records: true,
			params: []string{"field", "min", "max"}, required: [][]string{{"field"}, {"min", "max"}}, run: runRange,
			describe: describeRange},
		"pattern": {dimension: Validity, severity: SeverityWarning, records: true,
			params: []string{"field", "match", "not_match"}, required: [][]string{{"field"}, {"match", "not_match"}}, run: runPattern,
			describe: describePattern},
		"letter_case": {dimension: Validity, severity: SeverityInfo, records: true, cost: 2,
			params: []string{"field", "want"}, required: [][]string{{"field"}, {"want"}}, run: runLetterCase,
			describe: describeLetterCase},
		"script": {dimension: Validity, severity: SeverityWarning, records: true, cost: 2,
			params: []string{"field", "want"}, required: [][]string{{"field"}, {"want"}}, run: runScript,
			describe: func(c *Check) Msg { return msg("q.desc.script."+scriptKey(c.Want), attrArg(c.Field)) }},
		"age": {dimension: Validity, severity: SeverityError, records: true,
			params: []string{"field", "max_years"}, required: [][]string{{"field"}}, run: runAge,
			describe: describeAge},
		"unique": {dimension: Uniqueness, severity: SeverityError, records: true, cost: 2,
			params: []string{"field", "fields"}, required: [][]string{{"field", "fields"}}, run: runUnique,
			describe: func(c *Check) Msg { return msg("q.desc.unique", attrArg(c.fields()...)) }},
		"duplicates": {dimension: Uniqueness, severity: SeverityWarning, records: true, cost: 2,
			run:      runDuplicates,
			describe: func(c *Check) Msg { return msg("q.desc.duplicates") }},
		"freshness": {dimension: Timeliness, severity: SeverityWarning,
			params: []string{"max_age", "since"}, required: [][]string{{"max_age"}}, run: runFreshness,
			describe: describeFreshness},
		"volume": {dimension: Timeliness, severity: SeverityWarning,
			params: []string{"max_change"}, required: [][]string{{"max_change"}}, run: runVolume,
			describe: func(c *Check) Msg { return msg("q.desc.volume", percent(c.MaxChange)) }},
		"schema": {dimension: Integrity, severity: SeverityWarning, run: runSchema,
			describe: func(c *Check) Msg { return msg("q.desc.schema") }},
		"quarantine": {dimension: Integrity, severity: SeverityError, run: runQuarantine,
			describe: func(c *Check) Msg { return msg("q.desc.quarantine") }},
		"reference": {dimension: Consistency, severity: SeverityError, records: true, cost: 2,
			params: []string{"field", "register", "attribute"}, required: [][]string{{"field"}, {"register"}}, run: runReference,
			describe: func(c *Check) Msg {
				return msg("q.desc.reference", attrArg(c.Field), sourceArg(c.Register...), attrArg(c.attribute()))
			}},
		"dead_active": {dimension: Consistency, severity: SeverityError, records: true,
			params: []string{"after", "person"}, run: runDeadActive,
			describe: describeDeadActive},
		"dead_reference": {dimension: Consistency, severity: SeverityError, records: true, cost: 2,
			params: []string{"field"}, required: [][]string{{"field"}}, run: runDeadReference,
			describe: func(c *Check) Msg { return msg("q.desc.dead_reference", attrArg(c.Field)) }},
		"after_death": {dimension: Consistency, severity: SeverityError, records: true,
			params: []string{"field", "person"}, required: [][]string{{"field"}}, run: runAfterDeath,
			describe: func(c *Check) Msg { return msg("q.desc.after_death", attrArg(c.Field)) }},
		"group_size": {dimension: Consistency, severity: SeverityWarning, records: true, cost: 2,
			params: []string{"by", "max"}, required: [][]string{{"by"}, {"max"}}, run: runGroupSize,
			describe: func(c *Check) Msg { return msg("q.desc.group_size", c.MaxCount, attrArg(c.By)) }},
		"name_mismatch": {dimension: Consistency, severity: SeverityWarning, records: true, cost: 8,
			params:   []string{"field", "fields", "register", "register_fields", "key"},
			required: [][]string{{"field", "fields"}, {"register"}}, run: runNameMismatch,
			describe: func(c *Check) Msg {
				return msg("q.desc.name_mismatch", attrArg(c.fields()...), sourceArg(c.Register...))
			}},
		"kazakh_folded": {dimension: Consistency, severity: SeverityInfo, records: true, cost: 8,
			params:   []string{"field", "fields", "register", "register_fields", "key"},
			required: [][]string{{"field", "fields"}, {"register"}}, run: runKazakhFolded,
			describe: func(c *Check) Msg {
				return msg("q.desc.kazakh_folded", attrArg(c.fields()...), sourceArg(c.Register...))
			}},
	}
}

// kindNames returns every kind name, sorted, for messages.
func kindNames() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// commonKeys are the keys every check accepts.
var commonKeys = []string{"kind", "name", "severity", "dimension", "description"}

// fields returns Fields, or Field as a list.
func (c *Check) fields() []string {
	if len(c.Fields) > 0 {
		return c.Fields
	}
	if c.Field != "" {
		return []string{c.Field}
	}
	return nil
}

// attribute is the register attribute a reference must equal.
func (c *Check) attribute() string {
	if c.Attribute != "" {
		return c.Attribute
	}
	return c.Field
}

// defaultName is the name of a check declared without one: the kind, then
// its fields ("missing_national_id", "unique_tag", "group_size_owner_iin").
func (c *Check) defaultName() string {
	parts := []string{c.Kind}
	switch {
	case len(c.fields()) > 0:
		parts = append(parts, c.fields()...)
	case c.By != "":
		parts = append(parts, c.By)
	}
	return strings.Join(parts, "_")
}
