package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SignInCode is a one-time sign-in code as stored: only its hash, and the
// hash of the browser it was sent for.
type SignInCode struct {
	ID        string
	IIN       string
	Phone     string
	CodeHash  []byte
	Binding   []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	Attempts  int
	UsedAt    time.Time // zero while unused
}

// AddSignInCode stores a new code.
func (s *Store) AddSignInCode(ctx context.Context, c SignInCode) error {
	d := s.dialect
	_, err := s.w.ExecContext(ctx, d.rebind(`INSERT INTO wallet_codes
		(id, iin, phone, code_hash, binding, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		c.ID, c.IIN, c.Phone, c.CodeHash, c.Binding, d.timeArg(c.CreatedAt), d.timeArg(c.ExpiresAt))
	if err != nil {
		return fmt.Errorf("sign-in code: %w", err)
	}
	return nil
}

// SignInCodesSince counts the codes sent for iin since t, for rate limits.
func (s *Store) SignInCodesSince(ctx context.Context, iin string, t time.Time) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*) FROM wallet_codes WHERE iin = ? AND created_at >= ?`),
		iin, s.dialect.timeArg(t)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sign-in codes of %s: %w", iin, err)
	}
	return n, nil
}

// SignInCode returns a stored code, or ErrNotFound.
func (s *Store) SignInCode(ctx context.Context, id string) (SignInCode, error) {
	var c SignInCode
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT id, iin, phone, code_hash, binding, created_at, expires_at,
		attempts, used_at FROM wallet_codes WHERE id = ?`), id).Scan(&c.ID, &c.IIN, &c.Phone, &c.CodeHash, &c.Binding,
		timeValue{&c.CreatedAt}, timeValue{&c.ExpiresAt}, &c.Attempts, timeValue{&c.UsedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return SignInCode{}, fmt.Errorf("sign-in code: %w", ErrNotFound)
	}
	if err != nil {
		return SignInCode{}, fmt.Errorf("sign-in code: %w", err)
	}
	return c, nil
}

// CountCodeAttempt records one more attempt at a code and returns how many
// have been made, the one counted included.
func (s *Store) CountCodeAttempt(ctx context.Context, id string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`UPDATE wallet_codes SET attempts = attempts + 1 WHERE id = ?
		RETURNING attempts`), id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("sign-in code: %w", ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("sign-in code: %w", err)
	}
	return n, nil
}

// UseSignInCode marks a code used at t. It reports false when the code was
// already used: of two requests racing with the same code, one wins.
func (s *Store) UseSignInCode(ctx context.Context, id string, t time.Time) (bool, error) {
	res, err := s.w.ExecContext(ctx, s.dialect.rebind(`UPDATE wallet_codes SET used_at = ? WHERE id = ? AND used_at IS NULL`),
		s.dialect.timeArg(t), id)
	if err != nil {
		return false, fmt.Errorf("sign-in code: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sign-in code: %w", err)
	}
	return n == 1, nil
}

// SMS is a text message in the demo's outbox.
type SMS struct {
	ID        int64
	Phone     string
	Body      string
	CreatedAt time.Time
}

// AddSMS puts a message in the outbox.
func (s *Store) AddSMS(ctx context.Context, m SMS) error {
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`INSERT INTO sms_outbox (phone, body, created_at) VALUES (?, ?, ?)`),
		m.Phone, m.Body, s.dialect.timeArg(m.CreatedAt))
	if err != nil {
		return fmt.Errorf("sms outbox: %w", err)
	}
	return nil
}

// SMSOutbox returns the latest limit messages, newest first.
func (s *Store) SMSOutbox(ctx context.Context, limit int) ([]SMS, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT id, phone, body, created_at FROM sms_outbox
		ORDER BY id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("sms outbox: %w", err)
	}
	defer rows.Close()
	var out []SMS
	for rows.Next() {
		var m SMS
		if err := rows.Scan(&m.ID, &m.Phone, &m.Body, timeValue{&m.CreatedAt}); err != nil {
			return nil, fmt.Errorf("sms outbox: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sms outbox: %w", err)
	}
	return out, nil
}

// WalletSession is a signed-in browser, stored under the hash of its token.
type WalletSession struct {
	IDHash    []byte
	IIN       string
	Via       string // how the citizen signed in: "sms" or "oidc"
	CSRF      string // the token every form of the session carries
	CreatedAt time.Time
	SeenAt    time.Time
	ExpiresAt time.Time
	EndedAt   time.Time // zero while the session is open
}

// AddWalletSession stores a new session.
func (s *Store) AddWalletSession(ctx context.Context, ws WalletSession) error {
	d := s.dialect
	_, err := s.w.ExecContext(ctx, d.rebind(`INSERT INTO wallet_sessions (id_hash, iin, via, csrf, created_at, seen_at,
		expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`), ws.IDHash, ws.IIN, ws.Via, ws.CSRF, d.timeArg(ws.CreatedAt),
		d.timeArg(ws.SeenAt), d.timeArg(ws.ExpiresAt))
	if err != nil {
		return fmt.Errorf("wallet session: %w", err)
	}
	return nil
}

// WalletSession returns the session stored under idHash, or ErrNotFound.
func (s *Store) WalletSession(ctx context.Context, idHash []byte) (WalletSession, error) {
	var ws WalletSession
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT id_hash, iin, via, csrf, created_at, seen_at, expires_at,
		ended_at FROM wallet_sessions WHERE id_hash = ?`), idHash).Scan(&ws.IDHash, &ws.IIN, &ws.Via, &ws.CSRF,
		timeValue{&ws.CreatedAt}, timeValue{&ws.SeenAt}, timeValue{&ws.ExpiresAt}, timeValue{&ws.EndedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return WalletSession{}, fmt.Errorf("wallet session: %w", ErrNotFound)
	}
	if err != nil {
		return WalletSession{}, fmt.Errorf("wallet session: %w", err)
	}
	return ws, nil
}

// TouchWalletSession records that the session was used at t.
func (s *Store) TouchWalletSession(ctx context.Context, idHash []byte, t time.Time) error {
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`UPDATE wallet_sessions SET seen_at = ? WHERE id_hash = ?`),
		s.dialect.timeArg(t), idHash)
	if err != nil {
		return fmt.Errorf("wallet session: %w", err)
	}
	return nil
}

// EndWalletSession ends a session at t; an ended session signs no one in.
func (s *Store) EndWalletSession(ctx context.Context, idHash []byte, t time.Time) error {
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`UPDATE wallet_sessions SET ended_at = ? WHERE id_hash = ?
		AND ended_at IS NULL`), s.dialect.timeArg(t), idHash)
	if err != nil {
		return fmt.Errorf("wallet session: %w", err)
	}
	return nil
}

// WalletSeen returns the highest audit index the citizen has seen, or -1.
func (s *Store) WalletSeen(ctx context.Context, iin string) (int64, error) {
	var idx int64
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT audit_index FROM wallet_seen WHERE iin = ?`), iin).Scan(&idx)
	if errors.Is(err, sql.ErrNoRows) {
		return -1, nil
	}
	if err != nil {
		return 0, fmt.Errorf("wallet seen: %w", err)
	}
	return idx, nil
}

// SetWalletSeen records that the citizen has seen accesses up to idx. It
// never moves the mark back, so an old page posting late cannot bring
// back accesses as new.
func (s *Store) SetWalletSeen(ctx context.Context, iin string, idx int64) error {
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`INSERT INTO wallet_seen (iin, audit_index) VALUES (?, ?)
		ON CONFLICT (iin) DO UPDATE SET audit_index = excluded.audit_index
		WHERE wallet_seen.audit_index < excluded.audit_index`), iin, idx)
	if err != nil {
		return fmt.Errorf("wallet seen: %w", err)
	}
	return nil
}

// AuditCountAfter counts the audit records about any of subjects above
// index after, stopping at limit: a notification says "5 new", or "99+".
func (s *Store) AuditCountAfter(ctx context.Context, subjects []string, after int64, limit int) (int, error) {
	if len(subjects) == 0 {
		return 0, nil
	}
	args := make([]any, 0, len(subjects)+2)
	for _, sub := range subjects {
		args = append(args, sub)
	}
	var n int
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*) FROM (SELECT 1 FROM audit_records
		WHERE subject IN (`+placeholders(len(subjects))+`) AND idx > ? LIMIT ?) t`), append(args, after, limit)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("new accesses: %w", err)
	}
	return n, nil
}
