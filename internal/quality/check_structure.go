package quality

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/golden"
)

// runSchema compares the latest extract's columns with those of the load
// before it: a column added is data the contract does not map yet, a
// column removed may empty a mapped attribute. It needs two loads that
// stored records.
func runSchema(x *env, s *golden.Source, c *Check, res *Result) {
	if s.PrevColumns == nil || s.Columns == nil {
		return
	}
	for _, col := range s.PrevColumns {
		res.Total++
		if !slices.Contains(s.Columns, col) {
			f := Finding{Value: col}
			f.because(msg("q.schema.gone", col))
			f.suggest(msg("q.schema.gone.fix", agencyArg(s.AgencyCode)))
			res.Findings = append(res.Findings, f)
		}
	}
	for _, col := range s.Columns {
		if slices.Contains(s.PrevColumns, col) {
			continue
		}
		res.Total++
		f := Finding{Value: col}
		f.because(msg("q.schema.new", col))
		f.suggest(msg("q.schema.new.fix"))
		res.Findings = append(res.Findings, f)
	}
}

// runQuarantine lists the rows of the source's live state that could not
// be stored (a column too many, a stray quote, no record id), by line: the
// rows of its latest full load and of the pushes after it, each once
// (golden.Source.Quarantine), so that loading the same file again changes
// nothing. The items judged are the live records and those rows. The
// record id is read from the raw row where it can be.
func runQuarantine(x *env, s *golden.Source, c *Check, res *Result) {
	if len(s.Runs) == 0 {
		return
	}
	res.Failed = max(s.Quarantined, len(s.Quarantine))
	res.Total = s.LiveCount() + res.Failed
	for _, q := range s.Quarantine {
		f := Finding{RecordID: rawRecordID(s, q.Raw), Line: q.Line, Value: q.Raw}
		if isWordKey("q.qcode." + q.Code) {
			f.because(msg("q.quarantine.code", q.Line, "@q.qcode."+q.Code))
		} else {
			reason := q.Reason
			if q.Code != "" {
				reason = q.Code + ": " + q.Reason
			}
			f.because(msg("q.quarantine.reason", q.Line, reason))
		}
		f.suggest(msg("q.quarantine.fix"))
		res.Findings = append(res.Findings, f)
	}
	slices.SortStableFunc(res.Findings, func(a, b Finding) int { return a.Line - b.Line })
}

// rawRecordID reads the source's id columns from a raw quarantined row, as
// leniently as possible: the row is broken, but its id is usually intact.
// Several id columns are joined with "|", as ingest joins them.
func rawRecordID(s *golden.Source, raw string) string {
	if len(s.Def.ID) == 0 || raw == "" {
		return ""
	}
	var get func(col string) string
	if s.Def.Format == "ndjson" {
		var obj map[string]any
		if json.Unmarshal([]byte(raw), &obj) != nil {
			return ""
		}
		get = func(col string) string {
			if v, ok := obj[col]; ok && v != nil {
				return strings.TrimSpace(fmt.Sprint(v))
			}
			return ""
		}
	} else {
		r := csv.NewReader(strings.NewReader(raw))
		r.Comma = s.Def.Delimiter
		if r.Comma == 0 {
			r.Comma = ','
		}
		r.LazyQuotes = true
		r.FieldsPerRecord = -1
		row, err := r.Read()
		if err != nil {
			return ""
		}
		get = func(col string) string {
			if i := slices.Index(s.Columns, col); i >= 0 && i < len(row) {
				return strings.TrimSpace(row[i])
			}
			return ""
		}
	}
	parts := make([]string, 0, len(s.Def.ID))
	for _, col := range s.Def.ID {
		v := get(col)
		if v == "" {
			return ""
		}
		parts = append(parts, v)
	}
	return strings.Join(parts, "|")
}
