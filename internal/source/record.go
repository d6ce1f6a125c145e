package source

import "time"

// Attr is one canonical attribute of a record.
type Attr struct {
	Name  string
	Value string
}

// Issue flags one field of a stored record as invalid.
type Issue struct {
	Field  string
	Value  string
	Reason string
}

// Record is one input row mapped onto the contract, ready to be stored.
type Record struct {
	Line       int    // 1-based physical line where the row starts
	ID         string // record id
	Attrs      []Attr // non-empty canonical attributes, in contract order
	Invalid    []Issue
	Raw        []byte    // the row as a JSON object, column -> value, in file order
	Hash       [16]byte  // content hash: independent of column order
	ObservedAt time.Time // zero when the row does not say
}

// Rejection is a row that cannot be stored meaningfully; it goes to quarantine.
type Rejection struct {
	Line  int
	Code  Code   // stable machine-readable reason, for grouping and tests
	Field string // the field or column at fault, or "" for the whole row
	// ID is the row's record id when it could be read despite the fault
	// (required_missing, duplicate_id, and not_utf8 when the id columns are
	// clean), else "". A full load should not mark that record deleted just
	// because its row in this extract was quarantined.
	ID     string
	Reason string // human-readable explanation naming what was expected
	Raw    string // the row's original text; invalid UTF-8 bytes and NUL are escaped as \xNN
}

// Code classifies why a row was quarantined.
type Code string

// Quarantine codes. Every rejected row carries exactly one.
const (
	CodeColumnCount     Code = "column_count"     // CSV row with more or fewer columns than the header
	CodeBadQuoting      Code = "bad_quoting"      // CSV quoting that cannot be parsed
	CodeNotUTF8         Code = "not_utf8"         // bytes that are not UTF-8 in a source not declared windows-1251
	CodeNoRecordID      Code = "no_record_id"     // empty record id
	CodeDuplicateID     Code = "duplicate_id"     // the same record id twice in one load
	CodeRequiredMissing Code = "required_missing" // a required field is empty
	CodeBadJSON         Code = "bad_json"         // NDJSON line that is not a JSON object
	CodeBadRecordID     Code = "bad_record_id"    // record id holding NUL, a byte-order mark or a bidirectional control
)

// AttrsJSON encodes canonical attributes as a JSON object in contract order,
// the form the store keeps them in.
func AttrsJSON(attrs []Attr) []byte {
	b := make([]byte, 0, 64+32*len(attrs))
	b = append(b, '{')
	for i, a := range attrs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, []byte(a.Name))
		b = append(b, ':')
		b = appendJSONString(b, []byte(a.Value))
	}
	return append(b, '}')
}

// IssuesJSON encodes field issues as {"field": "reason"}.
func IssuesJSON(issues []Issue) []byte {
	b := []byte{'{'}
	for i, is := range issues {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, []byte(is.Field))
		b = append(b, ':')
		b = appendJSONString(b, []byte(is.Reason))
	}
	return append(b, '}')
}
