package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Errors with an errors.Is contract for benefits. HTTP handlers map both
// to 409 Conflict.
var (
	// ErrWrongState: the offer, appeal or rule version is not in a state
	// that allows the change asked for (an offer already declined, an
	// appeal already answered). Nothing was written.
	ErrWrongState = errors.New("not in a state that allows this")
	// ErrTooLate: the time allowed has passed (an offer expired, a
	// decision older than the appeal window). Nothing was written.
	ErrTooLate = errors.New("too late")
)

// Kinds of rule version.
const (
	RuleProgramme = "programme"
	RuleParameter = "parameter"
)

// Statuses of a rule version.
const (
	RuleActive    = "active"
	RuleWithdrawn = "withdrawn"
)

// Actions of a rule change.
const (
	RuleAdded    = "added"
	RuleWithdraw = "withdrawn"
)

// Author is the official who made a change: their id in officials (0 for
// the platform itself, as for the built-in catalogue) and their name as it
// was then.
type Author struct {
	ID   int64
	Name string
}

// RuleVersion is a dated version of a programme's definition or a value of
// a parameter, as a ministry changed it without a release. Body is the
// engine's text (YAML or JSON); the store does not read it.
type RuleVersion struct {
	ID            int64
	Kind          string // RuleProgramme or RuleParameter
	Name          string // the programme's id or the parameter's name
	EffectiveFrom string // YYYY-MM-DD
	Body          string
	LawRef        string
	Reason        string
	Author        Author
	CreatedAt     time.Time
	Status        string // RuleActive or RuleWithdrawn (read only)
}

// RuleChange is one change to the rules, for the audit page.
type RuleChange struct {
	ID        int64
	VersionID int64
	Kind      string // of the version
	Name      string // of the version
	Action    string // RuleAdded or RuleWithdraw
	Author    Author
	Reason    string
	At        time.Time
}

// AddRuleVersion stores v, active, with its change record, in one
// transaction, and returns its id. ErrExists when an active version of
// the same kind and name takes effect on the same date: a rule's value on
// a date MUST be unambiguous, so the old one is withdrawn first.
// ErrInvalid for an unknown kind or a date not in YYYY-MM-DD form.
func (s *Store) AddRuleVersion(ctx context.Context, v RuleVersion) (int64, error) {
	if v.Kind != RuleProgramme && v.Kind != RuleParameter || v.Name == "" {
		return 0, fmt.Errorf("add rule version %s %q: %w", v.Kind, v.Name, ErrInvalid)
	}
	if _, err := time.Parse(time.DateOnly, v.EffectiveFrom); err != nil {
		return 0, fmt.Errorf("add rule version %s %q: effective date %q: %w", v.Kind, v.Name, v.EffectiveFrom, ErrInvalid)
	}
	d := s.dialect
	var id int64
	err := s.inTx(ctx, func(t *tx) error {
		err := t.QueryRowContext(ctx, d.rebind(`INSERT INTO benefit_rule_versions (kind, name, effective_from, body,
			law_ref, reason, author_id, author_name, created_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (kind, name, effective_from) WHERE status = 'active' DO NOTHING RETURNING id`),
			v.Kind, v.Name, v.EffectiveFrom, v.Body, v.LawRef, v.Reason, v.Author.ID, v.Author.Name,
			d.timeArg(v.CreatedAt), RuleActive).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("an active version from %s: %w", v.EffectiveFrom, ErrExists)
		}
		if err != nil {
			return err
		}
		return addRuleChange(ctx, t, id, RuleAdded, v.Author, v.Reason, v.CreatedAt)
	})
	if err != nil {
		return 0, fmt.Errorf("add rule version %s %q: %w", v.Kind, v.Name, err)
	}
	return id, nil
}

func addRuleChange(ctx context.Context, t *tx, id int64, action string, a Author, reason string, at time.Time) error {
	_, err := t.exec(ctx, `INSERT INTO benefit_rule_changes (version_id, action, author_id, author_name, reason, at)
		VALUES (?, ?, ?, ?, ?, ?)`, id, action, a.ID, a.Name, reason, t.s.dialect.timeArg(at))
	return err
}

// WithdrawRuleVersion withdraws an active rule version at at, with its
// change record, in one transaction: decisions made after it no longer use
// it; those made before keep naming it. ErrNotFound for an unknown id,
// ErrWrongState when it is already withdrawn.
func (s *Store) WithdrawRuleVersion(ctx context.Context, id int64, by Author, reason string, at time.Time) error {
	err := s.inTx(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE benefit_rule_versions SET status = ? WHERE id = ? AND status = ?`,
			RuleWithdrawn, id, RuleActive)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var status string
			err := t.QueryRowContext(ctx, s.dialect.rebind(`SELECT status FROM benefit_rule_versions WHERE id = ?`), id).Scan(&status)
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			if err != nil {
				return err
			}
			return fmt.Errorf("%w (%s)", ErrWrongState, status)
		}
		return addRuleChange(ctx, t, id, RuleWithdraw, by, reason, at)
	})
	if err != nil {
		return fmt.Errorf("withdraw rule version %d: %w", id, err)
	}
	return nil
}

const ruleVersionColumns = `id, kind, name, effective_from, body, law_ref, reason, author_id, author_name, created_at, status`

// RuleVersions returns every active rule version, by kind, name and
// effective date: what the engine overlays on its built-in catalogue.
func (s *Store) RuleVersions(ctx context.Context) ([]RuleVersion, error) {
	out, err := queryAll(ctx, s, `SELECT `+ruleVersionColumns+` FROM benefit_rule_versions
		WHERE status = ? ORDER BY kind, name, effective_from, id`, scanRuleVersion, RuleActive)
	if err != nil {
		return nil, fmt.Errorf("rule versions: %w", err)
	}
	return out, nil
}

// RuleChanges lists the newest changes to the rules, at most limit.
func (s *Store) RuleChanges(ctx context.Context, limit int) ([]RuleChange, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT c.id, c.version_id, v.kind, v.name, c.action,
		c.author_id, c.author_name, c.reason, c.at FROM benefit_rule_changes c
		JOIN benefit_rule_versions v ON v.id = c.version_id ORDER BY c.id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("rule changes: %w", err)
	}
	defer rows.Close()
	var out []RuleChange
	for rows.Next() {
		var c RuleChange
		if err := rows.Scan(&c.ID, &c.VersionID, &c.Kind, &c.Name, &c.Action, &c.Author.ID, &c.Author.Name, &c.Reason,
			timeValue{&c.At}); err != nil {
			return nil, fmt.Errorf("rule changes: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("rule changes: %w", err)
	}
	return out, nil
}

func scanRuleVersion(sc interface{ Scan(...any) error }) (RuleVersion, error) {
	var v RuleVersion
	err := sc.Scan(&v.ID, &v.Kind, &v.Name, &v.EffectiveFrom, &v.Body, &v.LawRef, &v.Reason, &v.Author.ID,
		&v.Author.Name, timeValue{&v.CreatedAt}, &v.Status)
	return v, err
}
