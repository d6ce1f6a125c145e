package scorecard

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// FindingID is a finding's stable id: the same check finding the same
// record (or quarantined line, or for checks of a whole extract such as
// schema drift, the same value) of the same source has the same id in every
// run, so that a data officer's decision on it carries over.
func FindingID(source, check, recordID string, line int, value string) string {
	key := recordID
	switch {
	case key != "":
	case line > 0:
		key = "line:" + strconv.Itoa(line)
	default:
		key = "value:" + value
	}
	sum := sha256.Sum256([]byte(source + "\x00" + check + "\x00" + key))
	return hex.EncodeToString(sum[:8])
}

// Notes the run leaves on findings whose status it changes.
const (
	noteReappeared = "reappeared: the data still shows it after it was marked fixed"
	noteReopened   = "reopened: the data shows it again"
)

// carryOver gives this run's findings the status their earlier selves had,
// and resolves the earlier findings the data no longer shows:
//
//   - new: open;
//   - open: stays open; not a defect: stays so;
//   - marked fixed but found again: open again, noted;
//   - resolved but found again: open again, noted;
//   - not found any more: resolved, whatever it was, keeping its note.
//
// It returns every finding to store and how many are open.
func carryOver(found []store.Finding, old map[string]store.Finding, now time.Time) (out []store.Finding, open int) {
	out = make([]store.Finding, 0, len(found)+len(old))
	for _, f := range found {
		f.Status = store.FindingOpen
		if prev, ok := old[f.ID]; ok {
			delete(old, f.ID)
			f.FirstRun, f.StatusAt, f.Note, f.DecidedBy = prev.FirstRun, prev.StatusAt, prev.Note, prev.DecidedBy
			switch prev.Status {
			case store.FindingNotDefect:
				f.Status = store.FindingNotDefect
			case store.FindingFixed:
				f.StatusAt, f.Note, f.DecidedBy = now, noteReappeared, ""
			case store.FindingResolved:
				f.StatusAt, f.Note, f.DecidedBy = now, noteReopened, ""
			}
		}
		if f.Status == store.FindingOpen {
			open++
		}
		out = append(out, f)
	}
	for _, prev := range old {
		if prev.Status != store.FindingResolved {
			prev.Status, prev.StatusAt = store.FindingResolved, now
		}
		out = append(out, prev)
	}
	return out, open
}

// worklistHeader is the CSV header of an exported work list.
var worklistHeader = []string{"finding_id", "agency", "source", "check", "kind", "record_id", "line", "entity_id",
	"value", "reason", "suggestion", "related", "status", "first_run", "last_run", "status_at", "note"}

// WriteCSV writes findings as a work list a data officer can open in a
// spreadsheet: one row per finding, RFC 4180, UTF-8 with a byte-order mark
// so that Excel reads Cyrillic correctly.
func WriteCSV(w io.Writer, findings []store.Finding) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("work list: %w", err)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(worklistHeader); err != nil {
		return fmt.Errorf("work list: %w", err)
	}
	for _, f := range findings {
		line := ""
		if f.Line > 0 {
			line = strconv.Itoa(f.Line)
		}
		err := cw.Write([]string{f.ID, f.Agency, f.Source, f.Check, f.Kind, f.RecordID, line, f.EntityID,
			f.Value, f.Reason, f.Suggestion, strings.Join(f.Related, " "), f.Status,
			strconv.FormatInt(f.FirstRun, 10), strconv.FormatInt(f.LastRun, 10), f.StatusAt.UTC().Format(time.RFC3339), f.Note})
		if err != nil {
			return fmt.Errorf("work list: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("work list: %w", err)
	}
	return nil
}
