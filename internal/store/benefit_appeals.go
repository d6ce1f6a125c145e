package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Statuses of an appeal. The state machine, enforced by the store:
//
//	open → answered   (an official, with an outcome)
//	open → withdrawn  (the appellant)
//
// Answered and withdrawn are final. Each transition is one conditional
// UPDATE on the open status, so of two racing requests exactly one wins
// and the other gets ErrWrongState.
const (
	AppealOpen      = "open"
	AppealAnswered  = "answered"
	AppealWithdrawn = "withdrawn"
)

// Outcomes of an answered appeal.
const (
	AppealUpheld   = "upheld"   // the decision stands
	AppealChanged  = "changed"  // a new decision replaced it (NewDecisionID)
	AppealRejected = "rejected" // the appeal was not admissible
)

// Appeal is a citizen's appeal against a decision on one programme.
type Appeal struct {
	ID           int64
	DecisionID   int64
	Household    string // the decision's (set by FileAppeal)
	Programme    string
	AppellantIIN string
	Reason       string
	// The document's name, content type and size in bytes; its content is
	// read by AppealDocument only. Empty name and size 0: none.
	DocumentName string
	DocumentType string
	DocumentSize int64
	Status       string // an Appeal* status; FileAppeal ignores it
	FiledAt      time.Time
	Deadline     time.Time // when the answer is due
	Answer       string
	AnswerRule   string // the rule the answer cites (its law reference)
	Outcome      string // an Appeal* outcome; "" until answered
	AnsweredBy   int64  // the official; 0 until answered
	AnsweredAt   time.Time
	// NewDecisionID is the decision an answer "changed" made; 0 otherwise.
	NewDecisionID int64
}

// AppealAnswer is an official's answer to an appeal.
type AppealAnswer struct {
	Official      int64
	Text          string
	RuleRef       string
	Outcome       string // an Appeal* outcome
	NewDecisionID int64  // required when Outcome is AppealChanged
	At            time.Time
}

const appealColumns = `id, decision_id, household, programme, appellant_iin, reason, document_name, document_type,
	COALESCE(LENGTH(document), 0), status, filed_at, deadline, answer, answer_rule, outcome, COALESCE(answered_by, 0),
	answered_at, COALESCE(new_decision_id, 0)`

func scanAppeal(sc interface{ Scan(...any) error }) (Appeal, error) {
	var a Appeal
	err := sc.Scan(&a.ID, &a.DecisionID, &a.Household, &a.Programme, &a.AppellantIIN, &a.Reason, &a.DocumentName,
		&a.DocumentType, &a.DocumentSize, &a.Status, timeValue{&a.FiledAt}, timeValue{&a.Deadline}, &a.Answer,
		&a.AnswerRule, &a.Outcome, &a.AnsweredBy, timeValue{&a.AnsweredAt}, &a.NewDecisionID)
	return a, err
}

// AddMonths is the same instant n calendar months later; when that month
// is shorter, the last day of that month (31 August + 6 months is 28 or
// 29 February), unlike time.AddDate, which runs into the next month.
func AddMonths(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month(), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	first = first.AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(t.Day(), last)-1)
}

// FileAppeal stores a, open, with doc (nil for none; its size limit is the
// caller's), filed at now and due answerDays days later, and returns it as
// stored. The appeal window MUST hold: a decision made (created) more than
// withinMonths calendar months before now cannot be appealed (ErrTooLate);
// at exactly that instant it still can. ErrNotFound for an unknown
// decision; ErrExists when the appellant already has an open appeal of the
// decision on the programme; ErrInvalid when a field is missing. Whether
// the appellant may appeal (a member of the household) is the caller's
// check.
func (s *Store) FileAppeal(ctx context.Context, a Appeal, doc []byte, now time.Time, withinMonths, answerDays int) (Appeal, error) {
	if a.DecisionID == 0 || a.Programme == "" || a.AppellantIIN == "" || a.Reason == "" {
		return Appeal{}, fmt.Errorf("file appeal: %w", ErrInvalid)
	}
	dec, err := s.BenefitDecision(ctx, a.DecisionID)
	if err != nil {
		return Appeal{}, fmt.Errorf("file appeal: %w", err)
	}
	if now.After(AddMonths(dec.CreatedAt, withinMonths)) {
		return Appeal{}, fmt.Errorf("file appeal against decision %d of %s: %w", dec.ID,
			dec.CreatedAt.Format(time.DateOnly), ErrTooLate)
	}
	var document any
	if doc != nil {
		document = doc
	}
	d := s.dialect
	got, err := scanAppeal(s.w.QueryRowContext(ctx, d.rebind(`INSERT INTO benefit_appeals (decision_id, household,
		programme, appellant_iin, reason, document, document_name, document_type, status, filed_at, deadline)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING `+appealColumns),
		dec.ID, dec.Household, a.Programme, a.AppellantIIN, a.Reason, document, a.DocumentName, a.DocumentType,
		AppealOpen, d.timeArg(now), d.timeArg(now.AddDate(0, 0, answerDays))))
	if errors.Is(err, sql.ErrNoRows) {
		return Appeal{}, fmt.Errorf("file appeal against decision %d: an open appeal: %w", dec.ID, ErrExists)
	}
	if err != nil {
		return Appeal{}, fmt.Errorf("file appeal against decision %d: %w", dec.ID, err)
	}
	return got, nil
}

// Appeal returns the appeal with id, or ErrNotFound.
func (s *Store) Appeal(ctx context.Context, id int64) (Appeal, error) {
	a, err := scanAppeal(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+appealColumns+` FROM benefit_appeals
		WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, fmt.Errorf("appeal %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return a, fmt.Errorf("appeal %d: %w", id, err)
	}
	return a, nil
}

// AppealDocument returns the document filed with an appeal, or
// ErrNotFound when there is no such appeal or it has none.
func (s *Store) AppealDocument(ctx context.Context, id int64) (name, ctype string, data []byte, err error) {
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT document_name, document_type, document
		FROM benefit_appeals WHERE id = ?`), id).Scan(&name, &ctype, &data)
	if errors.Is(err, sql.ErrNoRows) || err == nil && data == nil {
		return "", "", nil, fmt.Errorf("appeal %d document: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", "", nil, fmt.Errorf("appeal %d document: %w", id, err)
	}
	return name, ctype, data, nil
}

// AppealsFor lists the appeals the person with iin filed, newest first.
func (s *Store) AppealsFor(ctx context.Context, iin string) ([]Appeal, error) {
	out, err := s.appeals(ctx, `SELECT `+appealColumns+` FROM benefit_appeals WHERE appellant_iin = ? ORDER BY id DESC`, iin)
	if err != nil {
		return nil, fmt.Errorf("appeals of a person: %w", err)
	}
	return out, nil
}

// AppealQueue lists the open appeals, the nearest deadline first, at most
// limit.
func (s *Store) AppealQueue(ctx context.Context, limit int) ([]Appeal, error) {
	out, err := s.appeals(ctx, `SELECT `+appealColumns+` FROM benefit_appeals WHERE status = ?
		ORDER BY deadline, id LIMIT ?`, AppealOpen, limit)
	if err != nil {
		return nil, fmt.Errorf("appeal queue: %w", err)
	}
	return out, nil
}

func (s *Store) appeals(ctx context.Context, q string, args ...any) ([]Appeal, error) {
	return queryAll(ctx, s, q, scanAppeal, args...)
}

// AnswerAppeal records an official's answer to an open appeal and returns
// the appeal as it now is. ErrNotFound for none; ErrWrongState unless it
// is open (answered or withdrawn, a concurrent answer among them);
// ErrInvalid without an official, a text or a known outcome, or for
// "changed" without the new decision.
func (s *Store) AnswerAppeal(ctx context.Context, id int64, ans AppealAnswer) (Appeal, error) {
	switch {
	case ans.Official == 0 || ans.Text == "" || ans.At.IsZero():
		return Appeal{}, fmt.Errorf("answer appeal %d: %w", id, ErrInvalid)
	case ans.Outcome != AppealUpheld && ans.Outcome != AppealChanged && ans.Outcome != AppealRejected:
		return Appeal{}, fmt.Errorf("answer appeal %d: outcome %q: %w", id, ans.Outcome, ErrInvalid)
	case (ans.Outcome == AppealChanged) != (ans.NewDecisionID != 0):
		return Appeal{}, fmt.Errorf("answer appeal %d: a new decision goes with outcome %q only: %w", id, AppealChanged, ErrInvalid)
	}
	var newDecision any
	if ans.NewDecisionID != 0 {
		newDecision = ans.NewDecisionID
	}
	d := s.dialect
	return s.appealTransition(ctx, id, "answer appeal", `UPDATE benefit_appeals SET status = ?, answer = ?, answer_rule = ?,
		outcome = ?, answered_by = ?, answered_at = ?, new_decision_id = ? WHERE id = ? AND status = ? RETURNING `+appealColumns,
		AppealAnswered, ans.Text, ans.RuleRef, ans.Outcome, ans.Official, d.timeArg(ans.At), newDecision, id, AppealOpen)
}

// WithdrawAppeal withdraws an open appeal on behalf of its appellant (iin)
// at at. ErrNotFound for another person's appeal or none; ErrWrongState
// unless it is open.
func (s *Store) WithdrawAppeal(ctx context.Context, id int64, iin string, at time.Time) (Appeal, error) {
	a, err := s.appealTransition(ctx, id, "withdraw appeal", `UPDATE benefit_appeals SET status = ?, answered_at = ?
		WHERE id = ? AND appellant_iin = ? AND status = ? RETURNING `+appealColumns,
		AppealWithdrawn, s.dialect.timeArg(at), id, iin, AppealOpen)
	if errors.Is(err, ErrWrongState) && a.AppellantIIN != iin {
		return Appeal{}, fmt.Errorf("withdraw appeal %d: %w", id, ErrNotFound)
	}
	return a, err
}

// appealTransition runs q, a conditional UPDATE … RETURNING of appeal id,
// and tells why it changed nothing.
func (s *Store) appealTransition(ctx context.Context, id int64, what, q string, args ...any) (Appeal, error) {
	a, err := scanAppeal(s.w.QueryRowContext(ctx, s.dialect.rebind(q), args...))
	if err == nil {
		return a, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Appeal{}, fmt.Errorf("%s %d: %w", what, id, err)
	}
	cur, err := s.Appeal(ctx, id)
	if err != nil {
		return Appeal{}, fmt.Errorf("%s %d: %w", what, id, errors.Unwrap(err))
	}
	return cur, fmt.Errorf("%s %d: %w (%s)", what, id, ErrWrongState, cur.Status)
}
