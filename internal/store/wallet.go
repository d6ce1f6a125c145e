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
	// Client is the address the code was asked from, for the per-client
	// limit.
	Client string
}

// SignInCodeLimits bound how many sign-in codes AddSignInCode stores
// since Since: per IIN, per client address and overall. A limit of 0 or
// less is no limit.
type SignInCodeLimits struct {
	Since                    time.Time
	PerIIN, PerClient, Total int
}

// ErrLimitReached is returned, wrapped with the limit's name, when storing
// one more would exceed a limit: HTTP 429.
var ErrLimitReached = errors.New("limit reached")

// AddSignInCode stores a new code unless one of lim is reached, in which
// case it stores nothing and returns ErrLimitReached. Counting and storing
// are one transaction that excludes any other AddSignInCode, on SQLite by
// its write lock and on PostgreSQL by a table lock, so that concurrent
// requests, from one process or many sharing the database, never store
// more than a limit allows.
func (s *Store) AddSignInCode(ctx context.Context, c SignInCode, lim SignInCodeLimits) error {
	err := s.inTx(ctx, func(t *tx) error {
		if s.dialect == postgresDialect {
			// SHARE ROW EXCLUSIVE conflicts with itself and with writes,
			// not with reads: checking codes goes on meanwhile.
			if _, err := t.ExecContext(ctx, `LOCK TABLE wallet_codes IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		d := s.dialect
		checks := []struct {
			name  string
			limit int
			where string
			arg   any
		}{
			{"per IIN", lim.PerIIN, "iin = ? AND ", c.IIN},
			{"per client", lim.PerClient, "client = ? AND ", c.Client},
			{"total", lim.Total, "", nil},
		}
		for _, ch := range checks {
			if ch.limit <= 0 {
				continue
			}
			args := []any{d.timeArg(lim.Since)}
			if ch.arg != nil {
				args = append([]any{ch.arg}, args...)
			}
			var n int
			if err := t.QueryRowContext(ctx, d.rebind(`SELECT COUNT(*) FROM wallet_codes WHERE `+ch.where+
				`created_at >= ?`), args...).Scan(&n); err != nil {
				return err
			}
			if n >= ch.limit {
				return fmt.Errorf("%w: %d %s", ErrLimitReached, ch.limit, ch.name)
			}
		}
		_, err := t.exec(ctx, `INSERT INTO wallet_codes (id, iin, phone, code_hash, binding, created_at, expires_at, client)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.IIN, c.Phone, c.CodeHash, c.Binding, d.timeArg(c.CreatedAt),
			d.timeArg(c.ExpiresAt), c.Client)
		return err
	})
	if err != nil {
		return fmt.Errorf("sign-in code: %w", err)
	}
	return nil
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
		WHERE subject IN (`+placeholders(len(subjects))+`) AND kind <> 'ledger' AND idx > ? LIMIT ?) t`), append(args, after, limit)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("new accesses: %w", err)
	}
	return n, nil
}
