package quality

import (
	"regexp"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
)

// Dimensions group checks for scoring: a source's score in a dimension is
// the pass rate of its checks in that dimension.
const (
	Completeness = "completeness" // values that should be there are there
	Validity     = "validity"     // values have the type, form and range they should
	Uniqueness   = "uniqueness"   // one thing is recorded once
	Consistency  = "consistency"  // records agree with other sources and with each other
	Timeliness   = "timeliness"   // the extract is recent and of the usual size
	Integrity    = "integrity"    // the extract's structure holds: columns, parsable rows
)

// Severities say how urgently a failing check needs a fix.
const (
	SeverityError   = "error"   // the data is wrong and misleads whoever uses it
	SeverityWarning = "warning" // probably wrong; worth a look
	SeverityInfo    = "info"    // a blemish that matching copes with
)

// Config is a parsed quality.yaml, or the checks Defaults derives.
type Config struct {
	// Path is the file the checks were read from ("" for Defaults).
	Path string
	// AsOf is "today" for ages, deaths and freshness; zero means the
	// dataset's AsOf.
	AsOf time.Time
	// All are checks run on every source of the dataset, before its own
	// (all_sources: in YAML): freshness, volume, schema, quarantine.
	All []Check
	// Sources holds each source's checks, in file order.
	Sources []SourceChecks
}

// SourceChecks are the checks declared for one source.
type SourceChecks struct {
	Source string
	Line   int
	Checks []Check
}

// Check is one declared check: a kind with its parameters. Only the
// parameters its kind takes are set; the parser rejects the others.
type Check struct {
	// Name identifies the check within its source; it defaults to the kind
	// and the field ("missing_national_id").
	Name string
	Kind string
	// Dimension and Severity default to the kind's.
	Dimension string
	Severity  string
	// Description, when set, replaces the generated explanation.
	Description string
	Line        int // of the check in the file; 0 for built-in checks

	// Field is the attribute checked; Fields several (unique, names).
	Field  string
	Fields []string
	// Where limits a record check to records whose attributes hold one of
	// the listed values.
	Where []Cond
	// Values are the allowed values (allowed).
	Values []string
	// Min and Max bound a range: numbers, dates YYYY-MM-DD or "today".
	Min, Max string
	// Match must match the value, NotMatch must not (pattern).
	Match, NotMatch *regexp.Regexp
	// Want is the expected letter case (title, upper, lower) or script
	// (cyrillic, latin).
	Want string
	// MaxYears bounds an age, possibly per value of another attribute.
	MaxYears *Limit
	// MaxAge is the oldest the newest data may be (freshness); Since says
	// what is dated: "observed" (records) or "run" (the latest load).
	MaxAge time.Duration
	Since  string
	// MaxChange is the largest relative change of the row count against
	// the median of previous loads (volume).
	MaxChange float64
	// Register names the reference sources, in order of preference.
	Register []string
	// Attribute is the register attribute a reference value must equal.
	Attribute string
	// RegisterFields are the register's name attributes (names checks).
	RegisterFields []string
	// Key is the attribute that pairs a record with its register record
	// (names checks; default national_id).
	Key string
	// After is a date attribute that must lie after the death (dead_active).
	After string
	// Person is the IIN attribute naming the person, instead of the
	// record's own entity (dead_active, after_death).
	Person string
	// By is the grouping attribute (group_size); MaxCount the largest
	// group (written max:).
	By       string
	MaxCount int
}

// Cond is one where condition: the attribute holds one of Values ("" is
// the empty value).
type Cond struct {
	Attr   string
	Values []string
}

// Limit is a number, possibly varying with the value of another attribute.
type Limit struct {
	// By is the attribute whose value selects the limit; "" for one limit.
	By     string
	Values map[string]float64
	// Default applies when By is "" or its value is not in Values; with
	// HasDefault false such records are not checked.
	Default    float64
	HasDefault bool
}

// of returns the limit for a record's attributes.
func (l *Limit) of(attrs golden.Attrs) (float64, bool) {
	if l.By != "" {
		if v, ok := l.Values[attrs.Get(l.By)]; ok {
			return v, true
		}
	}
	return l.Default, l.HasDefault
}
