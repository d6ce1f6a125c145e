package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Correction statuses. A correction is filed open and decided once:
// accepted (a new version of the record carries the proposed value) or
// rejected (with a reason). A decided correction never changes again;
// what becomes of an accepted one in the agency's own system is its
// override's status (Correction.Override).
const (
	CorrectionOpen     = "open"
	CorrectionAccepted = "accepted"
	CorrectionRejected = "rejected"
)

// Statuses of the events that follow an acceptance. They are never a
// correction's own status: the correction stays accepted.
const (
	// CorrectionApplied: a version the agency itself sent holds the
	// accepted value; the override retired (actor: the agency's code).
	CorrectionApplied = "applied"
	// CorrectionSuperseded: a later accepted correction of the same value
	// replaced this one's override (actor: who accepted it; note: its id).
	CorrectionSuperseded = "superseded"
)

// Errors with an errors.Is contract for corrections. HTTP handlers map
// both to 409 Conflict.
var (
	// ErrCorrectionDecided: the correction was already accepted or
	// rejected; a decision is final.
	ErrCorrectionDecided = errors.New("correction already decided")
	// ErrRecordChanged: the record got a version (a load, another
	// correction) after the one the new version was built on, or was
	// deleted. Nothing was written; read the record again and rebuild.
	ErrRecordChanged = errors.New("record changed since it was read")
)

// CorrectionRunPrefix begins the File of the ingest run that stores an
// accepted correction ("correction:" + its id), which tells such runs from
// loads of the agency's extracts.
const CorrectionRunPrefix = "correction:"

// Correction is a citizen's request to change one value an agency's record
// holds about them, with what became of it.
type Correction struct {
	ID       string
	Subject  string // the citizen's IIN
	EntityID string // the entity the record belonged to when filed
	SourceID int64
	Source   string // the source's name (read by join; on filing, SourceID wins)
	Agency   string // the code of the agency owning the source (read by join)
	RecordID string
	// RecordVersion and CurrentValue are the version and value the request
	// was filed against.
	RecordVersion int
	Attr          string
	CurrentValue  string
	ProposedValue string
	Explanation   string
	// The attachment's name, content type and size in bytes; its content
	// is read by CorrectionAttachment only. Empty name and size 0: none.
	AttachmentName string
	AttachmentType string
	AttachmentSize int64
	Status         string // a Correction* status
	FiledAt        time.Time
	DueAt          time.Time // when the agency should have answered
	DecidedAt      time.Time // zero while open
	DecidedBy      string
	DecisionNote   string // the officer's note on acceptance, the reason of a rejection
	NewVersion     int    // the record version an acceptance made; 0 when none
	RunID          int64  // the ingest run that stored NewVersion; 0 when none
	// Override is the status of the override an acceptance made (an
	// Override* status): active while the agency's own data still lacks
	// the value, retired once it holds it. "" when there is none (open,
	// rejected). ApplyBy is when the agency should have applied it;
	// OverrideEndedAt when it retired or was superseded (zero while active).
	Override        string
	ApplyBy         time.Time
	OverrideEndedAt time.Time
}

// CorrectionEvent is one step in a correction's history: filing, then the
// decision. Events are appended, never changed.
type CorrectionEvent struct {
	Seq    int
	At     time.Time
	Status string
	Actor  string // "citizen" for the filing; the deciding officer or agency
	Note   string
}

// CorrectionFilter selects corrections for a work list; zero fields
// select all.
type CorrectionFilter struct {
	Agency string // agency code of the record's source
	Source string // source name
	Status string
	Limit  int // default 100
	Offset int
}

// correctionActorCitizen is the actor of a correction's first event.
const correctionActorCitizen = "citizen"

const correctionColumns = `c.id, c.subject, c.entity_id, c.source_id, s.name, a.code, c.record_id, c.record_version,
	c.attr, c.current_value, c.proposed_value, c.explanation, c.attachment_name, c.attachment_type,
	COALESCE(LENGTH(c.attachment), 0), c.status, c.filed_at, c.due_at, c.decided_at, c.decided_by,
	c.decision_note, c.new_version, c.run_id, COALESCE(o.status, ''), o.due_at, o.retired_at`

const correctionFrom = ` FROM corrections c JOIN sources s ON s.id = c.source_id JOIN agencies a ON a.id = s.agency_id
	LEFT JOIN correction_overrides o ON o.correction_id = c.id`

func scanCorrection(sc interface{ Scan(...any) error }) (Correction, error) {
	var (
		c          Correction
		newVersion sql.NullInt64
		runID      sql.NullInt64
	)
	err := sc.Scan(&c.ID, &c.Subject, &c.EntityID, &c.SourceID, &c.Source, &c.Agency, &c.RecordID, &c.RecordVersion,
		&c.Attr, &c.CurrentValue, &c.ProposedValue, &c.Explanation, &c.AttachmentName, &c.AttachmentType,
		&c.AttachmentSize, &c.Status, timeValue{&c.FiledAt}, timeValue{&c.DueAt}, timeValue{&c.DecidedAt}, &c.DecidedBy,
		&c.DecisionNote, &newVersion, &runID, &c.Override, timeValue{&c.ApplyBy}, timeValue{&c.OverrideEndedAt})
	c.NewVersion, c.RunID = int(newVersion.Int64), runID.Int64
	return c, err
}

// txConn is what correction writes need of a tx or a Run's connection.
type txConn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// FileCorrection stores a new correction, open, with its first event
// (actor "citizen"), in one transaction. The caller has checked the
// request (the record is the subject's, the values are sensible) and
// chosen its id, which must be new. SourceID names the source; when it is
// 0, Source is looked up by name. Status is ignored: a filed correction is
// open. attachment, when not nil, is kept with the request. Times are kept
// to the microsecond.
func (s *Store) FileCorrection(ctx context.Context, c Correction, attachment []byte) error {
	if c.ID == "" || c.Subject == "" || c.EntityID == "" || c.RecordID == "" || c.Attr == "" {
		return fmt.Errorf("file correction %q: id, subject, entity, record and attribute are required", c.ID)
	}
	if c.FiledAt.IsZero() || c.DueAt.IsZero() {
		return fmt.Errorf("file correction %s: filing and due times are required", c.ID)
	}
	if c.SourceID == 0 {
		src, err := s.Source(ctx, c.Source)
		if err != nil {
			return fmt.Errorf("file correction %s: %w", c.ID, err)
		}
		c.SourceID = src.ID
	}
	var att any
	if attachment != nil {
		att = attachment
	}
	d := s.dialect
	err := s.inTx(ctx, func(tx *tx) error {
		_, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO corrections (id, subject, entity_id, source_id, record_id,
		record_version, attr, current_value, proposed_value, explanation, attachment_name, attachment_type, attachment,
		status, filed_at, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.ID, c.Subject, c.EntityID, c.SourceID, c.RecordID, c.RecordVersion, c.Attr, c.CurrentValue, c.ProposedValue,
			c.Explanation, c.AttachmentName, c.AttachmentType, att, CorrectionOpen, d.timeArg(c.FiledAt), d.timeArg(c.DueAt))
		if err != nil {
			return err
		}
		return s.appendCorrectionEvent(ctx, tx, c.ID, c.FiledAt, CorrectionOpen, correctionActorCitizen, "")
	})
	if err != nil {
		return fmt.Errorf("file correction %s: %w", c.ID, err)
	}
	return nil
}

// appendCorrectionEvent adds the next event of a correction. The caller's
// transaction holds the correction (SQLite: the write lock; PostgreSQL: a
// new row, or one locked FOR UPDATE), so the next number is its own.
func (s *Store) appendCorrectionEvent(ctx context.Context, tx txConn, id string, at time.Time, status, actor, note string) error {
	d := s.dialect
	var seq int
	if err := tx.QueryRowContext(ctx, d.rebind(`SELECT COALESCE(MAX(seq), 0) + 1 FROM correction_events WHERE correction_id = ?`), id).
		Scan(&seq); err != nil {
		return fmt.Errorf("event: %w", err)
	}
	_, err := tx.ExecContext(ctx, d.rebind(`INSERT INTO correction_events (correction_id, seq, at, status, actor, note)
		VALUES (?, ?, ?, ?, ?, ?)`), id, seq, d.timeArg(at), status, actor, note)
	if err != nil {
		return fmt.Errorf("event: %w", err)
	}
	return nil
}

// Correction returns one correction and its history, oldest event first,
// or a wrapped ErrNotFound.
func (s *Store) Correction(ctx context.Context, id string) (Correction, []CorrectionEvent, error) {
	c, err := scanCorrection(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+correctionColumns+correctionFrom+` WHERE c.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil, fmt.Errorf("correction %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return c, nil, fmt.Errorf("correction %s: %w", id, err)
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT seq, at, status, actor, note FROM correction_events
		WHERE correction_id = ? ORDER BY seq`), id)
	if err != nil {
		return c, nil, fmt.Errorf("correction %s: events: %w", id, err)
	}
	defer rows.Close()
	var events []CorrectionEvent
	for rows.Next() {
		var e CorrectionEvent
		if err := rows.Scan(&e.Seq, timeValue{&e.At}, &e.Status, &e.Actor, &e.Note); err != nil {
			return c, nil, fmt.Errorf("correction %s: events: %w", id, err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return c, nil, fmt.Errorf("correction %s: events: %w", id, err)
	}
	return c, events, nil
}

// CorrectionAttachment returns the file filed with a correction, or a
// wrapped ErrNotFound when there is no such correction or it has none.
func (s *Store) CorrectionAttachment(ctx context.Context, id string) (name, ctype string, data []byte, err error) {
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT attachment_name, attachment_type, attachment
		FROM corrections WHERE id = ?`), id).Scan(&name, &ctype, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", nil, fmt.Errorf("correction %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", "", nil, fmt.Errorf("correction %s attachment: %w", id, err)
	}
	if data == nil {
		return "", "", nil, fmt.Errorf("correction %s attachment: %w", id, ErrNotFound)
	}
	return name, ctype, data, nil
}

// CorrectionsOf lists the corrections a citizen filed, newest first.
func (s *Store) CorrectionsOf(ctx context.Context, subject string) ([]Correction, error) {
	out, err := s.corrections(ctx, `SELECT `+correctionColumns+correctionFrom+`
		WHERE c.subject = ? ORDER BY c.filed_at DESC, c.id DESC`, subject)
	if err != nil {
		return nil, fmt.Errorf("corrections of a subject: %w", err)
	}
	return out, nil
}

// correctionWhere is the condition of a CorrectionFilter; its arguments
// are correctionArgs.
const correctionWhere = ` WHERE (? = '' OR a.code = ?) AND (? = '' OR s.name = ?) AND (? = '' OR c.status = ?)`

func correctionArgs(f CorrectionFilter) []any {
	return []any{f.Agency, f.Agency, f.Source, f.Source, f.Status, f.Status}
}

// CorrectionList is a work list: the corrections f selects, the nearest
// deadline first (then the earliest filed), one page of them, and how
// many f selects in all.
func (s *Store) CorrectionList(ctx context.Context, f CorrectionFilter) ([]Correction, int, error) {
	if f.Limit <= 0 {
		f.Limit = 100
	}
	f.Offset = max(f.Offset, 0)
	var total int
	if err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*)`+correctionFrom+correctionWhere), correctionArgs(f)...).
		Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("list corrections: %w", err)
	}
	out, err := s.corrections(ctx, `SELECT `+correctionColumns+correctionFrom+correctionWhere+`
		ORDER BY c.due_at, c.filed_at, c.id LIMIT ? OFFSET ?`, append(correctionArgs(f), f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list corrections: %w", err)
	}
	return out, total, nil
}

func (s *Store) corrections(ctx context.Context, q string, args ...any) ([]Correction, error) {
	return queryAll(ctx, s, q, scanCorrection, args...)
}

// lockOpenCorrection reads a correction's status within tx, locking its
// row on PostgreSQL (SQLite's transaction holds the write lock), and
// fails unless it is open.
func (s *Store) lockOpenCorrection(ctx context.Context, tx txConn, id string) error {
	q := `SELECT status FROM corrections WHERE id = ?`
	if s.dialect == postgresDialect {
		q += ` FOR UPDATE`
	}
	var status string
	err := tx.QueryRowContext(ctx, s.dialect.rebind(q), id).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	if status != CorrectionOpen {
		return fmt.Errorf("%w (%s)", ErrCorrectionDecided, status)
	}
	return nil
}

// AcceptCorrection accepts an open correction by appending v, the record's
// corrected version, in one transaction that is also an ingest run of the
// record's source (mode "delta", file CorrectionRunPrefix + id: one row,
// stored, the live count unchanged), so that every reader of records sees
// it as any other load: the run list, the record's history, LiveRecords,
// and ChangedSince for the next incremental resolution. The correction
// becomes accepted, naming the new version and the run, and gets its
// decision event. by is who decided, note an optional remark.
//
// In the same transaction the acceptance makes the correction's override
// (see Override): active, due at applyBy, which must be after the
// acceptance. An active override of the same value (source, record,
// attribute) from an earlier correction is superseded, and that
// correction gets a CorrectionSuperseded event.
//
// The caller builds v from the record's latest version (its attributes
// with the corrected one; Raw and Hash telling it from a load): v.Version
// MUST be that version + 1. Inside the transaction, with the source's
// runs held off, the store checks it and fails with ErrRecordChanged when
// another version came in between or the record was deleted. A correction
// that is not open fails with ErrCorrectionDecided, an unknown one with
// ErrNotFound. On any error nothing is written.
func (s *Store) AcceptCorrection(ctx context.Context, id, by, note string, v Version, applyBy time.Time) (Correction, error) {
	c, _, err := s.Correction(ctx, id)
	if err != nil {
		return Correction{}, fmt.Errorf("accept: %w", err)
	}
	if c.Status != CorrectionOpen {
		return Correction{}, fmt.Errorf("accept correction %s: %w (%s)", id, ErrCorrectionDecided, c.Status)
	}
	if v.RecordID == "" {
		v.RecordID = c.RecordID
	}
	switch {
	case v.RecordID != c.RecordID:
		return Correction{}, fmt.Errorf("accept correction %s: version of record %q, not of %q", id, v.RecordID, c.RecordID)
	case v.Deleted:
		return Correction{}, fmt.Errorf("accept correction %s: the new version must not be a deletion", id)
	case !json.Valid(v.Attrs) || !json.Valid(v.Raw) || (v.Invalid != nil && !json.Valid(v.Invalid)):
		return Correction{}, fmt.Errorf("accept correction %s: attrs, invalid and raw must be JSON", id)
	case v.ObservedAt.IsZero():
		return Correction{}, fmt.Errorf("accept correction %s: the new version needs an observation time", id)
	case applyBy.IsZero():
		return Correction{}, fmt.Errorf("accept correction %s: a deadline to apply it is required", id)
	}
	var attrs map[string]string
	if err := json.Unmarshal(v.Attrs, &attrs); err != nil {
		return Correction{}, fmt.Errorf("accept correction %s: attrs: %w", id, err)
	}
	value, ok := attrs[c.Attr]
	if !ok {
		return Correction{}, fmt.Errorf("accept correction %s: the new version holds no %s", id, c.Attr)
	}
	r, err := s.BeginRun(ctx, c.SourceID, CorrectionRunPrefix+id, "delta")
	if err != nil {
		return Correction{}, fmt.Errorf("accept correction %s: %w", id, err)
	}
	defer r.Abort()
	if err := s.lockOpenCorrection(ctx, r.conn, id); err != nil {
		return Correction{}, fmt.Errorf("accept correction %s: %w", id, err)
	}
	latest, err := r.Latest(ctx, []string{c.RecordID})
	if err != nil {
		return Correction{}, fmt.Errorf("accept correction %s: %w", id, err)
	}
	l, ok := latest[c.RecordID]
	switch {
	case !ok || l.Deleted:
		return Correction{}, fmt.Errorf("accept correction %s: record %s:%s is deleted: %w", id, c.Source, c.RecordID, ErrRecordChanged)
	case v.Version != l.Version+1:
		return Correction{}, fmt.Errorf("accept correction %s: record %s:%s is at version %d, the new version is %d: %w",
			id, c.Source, c.RecordID, l.Version, v.Version, ErrRecordChanged)
	}
	live, err := r.PreviousLive(ctx)
	if err != nil {
		return Correction{}, fmt.Errorf("accept correction %s: %w", id, err)
	}
	if err := r.AddVersions(ctx, []Version{v}); err != nil {
		return Correction{}, fmt.Errorf("accept correction %s: %w", id, err)
	}
	d := s.dialect
	at := r.LoadedAt()
	res, err := r.conn.ExecContext(ctx, d.rebind(`UPDATE corrections SET status = ?, decided_at = ?, decided_by = ?,
		decision_note = ?, new_version = ?, run_id = ? WHERE id = ? AND status = ?`),
		CorrectionAccepted, d.timeArg(at), by, note, v.Version, r.ID, id, CorrectionOpen)
	if err == nil {
		err = oneRow(res)
	}
	if err == nil {
		err = s.appendCorrectionEvent(ctx, r.conn, id, at, CorrectionAccepted, by, note)
	}
	if err == nil {
		if !applyBy.After(at) {
			err = fmt.Errorf("the deadline to apply it, %s, is not after the acceptance", applyBy.Format(time.RFC3339))
		}
	}
	if err == nil {
		err = s.putOverride(ctx, r.conn, Override{CorrectionID: id, SourceID: c.SourceID, RecordID: c.RecordID,
			Attr: c.Attr, Value: value, Version: v.Version, RunID: r.ID, AcceptedAt: at, DueAt: applyBy}, by)
	}
	if err != nil {
		return Correction{}, fmt.Errorf("accept correction %s: %w", id, err)
	}
	counts := RunCounts{Rows: 1, Stored: 1, Live: live}
	if v.Invalid != nil && string(v.Invalid) != "{}" {
		counts.Flagged = 1
	}
	if err := r.Commit(ctx, counts); err != nil {
		return Correction{}, fmt.Errorf("accept correction %s: %w", id, err)
	}
	s.changes.Add(1)
	c, _, err = s.Correction(ctx, id)
	if err != nil {
		return Correction{}, fmt.Errorf("accept: %w", err)
	}
	return c, nil
}

// RejectCorrection rejects an open correction with a reason, in one
// transaction with its decision event. A correction that is not open fails
// with ErrCorrectionDecided, an unknown one with ErrNotFound.
func (s *Store) RejectCorrection(ctx context.Context, id, by, reason string) (Correction, error) {
	d := s.dialect
	err := s.inTx(ctx, func(tx *tx) error {
		if err := s.lockOpenCorrection(ctx, tx, id); err != nil {
			return err
		}
		at := time.Now().UTC().Truncate(time.Microsecond)
		res, err := tx.ExecContext(ctx, d.rebind(`UPDATE corrections SET status = ?, decided_at = ?, decided_by = ?,
		decision_note = ? WHERE id = ? AND status = ?`), CorrectionRejected, d.timeArg(at), by, reason, id, CorrectionOpen)
		if err == nil {
			err = oneRow(res)
		}
		if err == nil {
			err = s.appendCorrectionEvent(ctx, tx, id, at, CorrectionRejected, by, reason)
		}
		return err
	})
	if err != nil {
		return Correction{}, fmt.Errorf("reject correction %s: %w", id, err)
	}
	c, _, err := s.Correction(ctx, id)
	if err != nil {
		return Correction{}, fmt.Errorf("reject: %w", err)
	}
	return c, nil
}

// oneRow checks that a statement changed exactly one row: a decision
// whose correction was decided meanwhile changes none.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return ErrCorrectionDecided
	}
	return nil
}
