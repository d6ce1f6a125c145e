package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// HeldLoad is a full load refused because it would have marked more than
// MaxShare of the source's Live records deleted: nothing of it was stored.
type HeldLoad struct {
	ID        int64
	SourceID  int64
	Source    string
	Agency    string
	File      string
	HeldAt    time.Time
	Rows      int // rows the extract carried
	Deletions int // live records the extract lacked
	Live      int // live records before the load
	MaxShare  float64
	// Pending is true until a later run of the source is stored (read
	// only; HoldLoad ignores it).
	Pending bool
}

// HoldLoad records a held load and puts f, its finding, on the owning
// agency's work list, in one transaction, and returns the load's id. f's
// ID, FirstRun and LastRun are set here: the finding belongs to the load,
// and quality runs keep it open while the load is pending (see
// PendingHeldLoads). It must be called after the load's own run was
// rolled back: on SQLite it takes the write lock.
func (s *Store) HoldLoad(ctx context.Context, h HeldLoad, f func(HeldLoad) Finding) (int64, error) {
	d := s.dialect
	err := s.inTx(ctx, func(t *tx) error {
		var after, quality int64
		err := t.QueryRowContext(ctx, d.rebind(`SELECT COALESCE(MAX(id), 0) FROM ingest_runs
			WHERE source_id = ? AND finished_at IS NOT NULL`), h.SourceID).Scan(&after)
		if err != nil {
			return err
		}
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM quality_runs`).Scan(&quality); err != nil {
			return err
		}
		err = t.QueryRowContext(ctx, d.rebind(`INSERT INTO held_loads
			(source_id, file, held_at, after_run, rows, deletions, live, max_share) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			h.SourceID, h.File, d.timeArg(h.HeldAt), after, h.Rows, h.Deletions, h.Live, h.MaxShare).Scan(&h.ID)
		if err != nil {
			return err
		}
		fd := f(h)
		js := make([]string, 3)
		for i, l := range [][]string{fd.Related, fd.ReasonArgs, fd.SuggestionArgs} {
			b, err := json.Marshal(nonNilSlice(l))
			if err != nil {
				return err
			}
			js[i] = string(b)
		}
		_, err = t.exec(ctx, `INSERT INTO quality_findings (id, source_id, check_name, kind, record_id, line, entity_id, value,
			reason, suggestion, related, status, first_run, last_run, status_at, note,
			severity, reason_key, reason_args, suggestion_key, suggestion_args, decided_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			fd.ID, h.SourceID, fd.Check, fd.Kind, fd.RecordID, fd.Line, fd.EntityID, fd.Value,
			fd.Reason, fd.Suggestion, js[0], FindingOpen, quality, quality, d.timeArg(h.HeldAt), "",
			fd.Severity, fd.ReasonKey, js[1], fd.SuggestionKey, js[2], "")
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("hold load of source %d: %w", h.SourceID, err)
	}
	s.changes.Add(1)
	return h.ID, nil
}

// HeldCheck names the findings of held loads. Their kind is volume: a
// change of volume caught before it was stored.
const HeldCheck = "held_load"

// HeldFinding is the work-list item of a held load: an error for the
// source's agency, which must confirm the deletions or send the whole
// extract. Its id is stable for the load, so that every quality run while
// the load is pending finds it again with its status. Its texts are the
// message keys q.held.reason and q.held.fix of quality.Messages, whose
// English texts are HeldReasonEN and HeldFixEN; Reason and Suggestion are
// those, rendered.
func HeldFinding(h HeldLoad) Finding {
	id := strconv.FormatInt(h.ID, 10)
	sum := sha256.Sum256([]byte(h.Source + "\x00" + HeldCheck + "\x00held:" + id))
	pct := strconv.FormatFloat(h.MaxShare*100, 'f', -1, 64) + "%"
	reasonArgs := []string{strconv.Itoa(h.Deletions), strconv.Itoa(h.Live), pct, strconv.Itoa(h.Rows),
		h.HeldAt.UTC().Format("2006-01-02 15:04")}
	fixArgs := []string{strconv.Itoa(h.Deletions)}
	return Finding{ID: hex.EncodeToString(sum[:8]), Source: h.Source, Agency: h.Agency, Check: HeldCheck,
		Kind: "volume", Severity: "error", Value: "held:" + id,
		Reason:     fmt.Sprintf(HeldReasonEN, reasonArgs[0], reasonArgs[1], reasonArgs[2], reasonArgs[3], reasonArgs[4]),
		Suggestion: fmt.Sprintf(HeldFixEN, fixArgs[0]),
		ReasonKey:  "q.held.reason", ReasonArgs: reasonArgs, SuggestionKey: "q.held.fix", SuggestionArgs: fixArgs}
}

// English texts of a held load's finding, as quality.Messages has them.
const (
	HeldReasonEN = "a full extract was refused and nothing of it stored: it would have deleted %s of the %s live records (more than %s); it had %s rows (%s UTC)"
	HeldFixEN    = "check whether the extract was cut short; send the whole extract, or confirm the %s deletions with ortaq ingest --allow-deletions or ?allow_deletions= on the push"
)

const heldColumns = `h.id, h.source_id, s.name, a.code, h.file, h.held_at, h.rows, h.deletions, h.live, h.max_share,
	NOT EXISTS (SELECT 1 FROM ingest_runs r WHERE r.source_id = h.source_id AND r.id > h.after_run AND r.finished_at IS NOT NULL)
	FROM held_loads h JOIN sources s ON s.id = h.source_id JOIN agencies a ON a.id = s.agency_id`

// HeldLoads lists the newest held loads of a source ("" for every
// source), at most limit of them.
func (s *Store) HeldLoads(ctx context.Context, source string, limit int) ([]HeldLoad, error) {
	return s.heldLoads(ctx, `SELECT `+heldColumns+` WHERE (? = '' OR s.name = ?) ORDER BY h.id DESC LIMIT ?`,
		source, source, limit)
}

// PendingHeldLoads lists every held load no later run of its source has
// superseded, oldest first: quality runs keep their findings open.
func (s *Store) PendingHeldLoads(ctx context.Context) ([]HeldLoad, error) {
	all, err := s.heldLoads(ctx, `SELECT `+heldColumns+` ORDER BY h.id`)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, h := range all {
		if h.Pending {
			out = append(out, h)
		}
	}
	return out, nil
}

func (s *Store) heldLoads(ctx context.Context, q string, args ...any) ([]HeldLoad, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("held loads: %w", err)
	}
	defer rows.Close()
	var out []HeldLoad
	for rows.Next() {
		var h HeldLoad
		if err := rows.Scan(&h.ID, &h.SourceID, &h.Source, &h.Agency, &h.File, timeValue{&h.HeldAt}, &h.Rows, &h.Deletions,
			&h.Live, &h.MaxShare, &h.Pending); err != nil {
			return nil, fmt.Errorf("held loads: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
