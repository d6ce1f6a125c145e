package quality

import (
	"time"

	"github.com/ortaq/ortaq/internal/golden"
)

// Report is the outcome of running checks over a dataset.
type Report struct {
	// AsOf is the "today" ages, deaths and freshness were judged at.
	AsOf time.Time `json:"as_of"`
	// Results are in the dataset's source order, then the config's order.
	Results []Result `json:"results"`
}

// Result is the outcome of one check on one source. Failed of Total
// records (or rows, columns, loads) fail it; Findings name them.
type Result struct {
	Name      string `json:"name"`
	Source    string `json:"source"`
	Agency    string `json:"agency"`
	Kind      string `json:"kind"`
	Dimension string `json:"dimension"`
	Severity  string `json:"severity"`
	// Params is the check's parameters as written in YAML flow style.
	Params string `json:"params,omitempty"`
	// Description says in English what passing means; DescriptionMsg
	// says it in any language (zero for a description written in the
	// configuration, which is in the language its author wrote).
	Description    string    `json:"description"`
	DescriptionMsg Msg       `json:"description_msg,omitzero"`
	Failed         int       `json:"failed"`
	Total          int       `json:"total"`
	Findings       []Finding `json:"findings,omitempty"`
	// Counted are the records counted in Total, by position in their
	// source's Records, when the run was asked for them
	// (Options.PerRecord) and the check is over records: what lets an
	// incremental run tell what each record adds. Nil otherwise.
	Counted *Positions `json:"-"`
	// Due lists, with Counted, the records whose result may differ at a
	// later as-of date than the run's, with the first such date: the
	// checks judged against the as-of date (ages, dates in the future,
	// deaths, ranges up to today) say when their judgement of a record
	// can next change. A record not listed keeps its result at every
	// later as-of date: at every as-of date from the run's up to the day
	// before its date, a listed record is counted and found, with the
	// same words, as at the run's. Nil when Counted is.
	Due *Dues `json:"-"`
}

// dueOn lists r, a record of src, as due on day, when the records counted
// are kept.
func (res *Result) dueOn(src *golden.Source, r *golden.Record, day string) {
	if res.Due != nil {
		res.Due.add(src.Position(r), day)
	}
}

// count counts r, a record of src, in Total, and in Counted when that is
// kept (not nil).
func (res *Result) count(src *golden.Source, r *golden.Record) {
	res.Total++
	if res.Counted != nil {
		res.Counted.add(src.Position(r))
	}
}

// Finding is one record, row, column or load that fails a check.
type Finding struct {
	RecordID string `json:"record_id,omitempty"`
	// Line is the record's (or quarantined row's) line in its extract.
	Line     int    `json:"line,omitempty"`
	EntityID string `json:"entity_id,omitempty"`
	// Value is the offending value.
	Value string `json:"value,omitempty"`
	// Reason says in English what is wrong with this record; ReasonMsg
	// says it in any language.
	Reason    string `json:"reason"`
	ReasonMsg Msg    `json:"reason_msg"`
	// Suggestion proposes a fix, often the value another source holds,
	// in English; SuggestionMsg in any language.
	Suggestion    string `json:"suggestion,omitempty"`
	SuggestionMsg Msg    `json:"suggestion_msg,omitzero"`
	// Key identifies the finding within its check when the record does
	// not: a duplicate cluster is its entity, whichever record is kept.
	Key string `json:"key,omitempty"`
	// Related are other records involved (the other cards of a patient,
	// the other records of a tag), at most maxRelated of them.
	Related []string `json:"related,omitempty"`
	// Records is how many failing records the finding stands for when
	// more than one (every record of a duplicate cluster fails the
	// check); 0 means one.
	Records int `json:"-"`
}

// maxRelated bounds Finding.Related: a herd of 500 animals would otherwise
// make every finding carry 499 ids.
const maxRelated = 20
