package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrExists is returned when a row with the same unique key is already
// stored (an official's login).
var ErrExists = errors.New("already exists")

// ErrReviewed is returned when a break-glass access has already been
// reviewed: a review is final.
var ErrReviewed = errors.New("already reviewed")

// Official is an official as stored. Roles are access role names.
//
// TOTPSecret is the base32 TOTP secret as it was given to the official, not
// a hash: checking a code needs the secret itself. The database is the
// platform's own secret store, as it is for the audit log's signing key;
// whoever can read it can mint codes, but still needs the password, which
// is kept only as an argon2id hash.
type Official struct {
	ID           int64
	Login        string
	Name         string
	Agency       string
	Roles        []string
	Via          string // "password" or "oidc"
	PasswordHash string // PHC string; "" for officials of an identity provider
	TOTPSecret   string
	TOTPLastStep int64 // the last TOTP time step accepted; codes of this step or earlier are refused
	Disabled     bool
	Failures     int       // consecutive failed sign-ins
	LockedUntil  time.Time // zero when not locked
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

const officialCols = `id, login, name, agency, roles, via, password_hash, totp_secret, totp_last_step, disabled,
	failures, locked_until, created_at, updated_at`

func scanOfficial(sc interface{ Scan(...any) error }) (Official, error) {
	var o Official
	var roles string
	var disabled int64
	err := sc.Scan(&o.ID, &o.Login, &o.Name, &o.Agency, &roles, &o.Via, &o.PasswordHash, &o.TOTPSecret,
		&o.TOTPLastStep, &disabled, &o.Failures, timeValue{&o.LockedUntil}, timeValue{&o.CreatedAt},
		timeValue{&o.UpdatedAt})
	if err != nil {
		return Official{}, err
	}
	o.Roles = splitRoles(roles)
	o.Disabled = disabled != 0
	return o, nil
}

func splitRoles(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// AddOfficial stores a new official and returns its id; ErrExists when the
// login is taken. CreatedAt is also the first UpdatedAt.
func (s *Store) AddOfficial(ctx context.Context, o Official) (int64, error) {
	d := s.dialect
	var id int64
	err := s.w.QueryRowContext(ctx, d.rebind(`INSERT INTO officials (login, name, agency, roles, via, password_hash,
		totp_secret, disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (login) DO NOTHING RETURNING id`), o.Login, o.Name, o.Agency, strings.Join(o.Roles, ","), o.Via,
		o.PasswordHash, o.TOTPSecret, boolInt(o.Disabled), d.timeArg(o.CreatedAt), d.timeArg(o.CreatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("official %s: %w", o.Login, ErrExists)
	}
	if err != nil {
		return 0, fmt.Errorf("official %s: %w", o.Login, err)
	}
	return id, nil
}

// UpsertOIDCOfficial stores an official of an identity provider as of a
// sign-in at t: a new one is added with via 'oidc'; a known one has its
// name, agency and roles refreshed from the provider. It never touches a
// local account (ErrExists: a provider must not take over a login that has
// a password) and never re-enables a disabled official. It returns the
// official as stored.
func (s *Store) UpsertOIDCOfficial(ctx context.Context, o Official, t time.Time) (Official, error) {
	d := s.dialect
	roles := strings.Join(o.Roles, ",")
	var out Official
	err := s.inTx(ctx, func(tx *tx) error {
		row := tx.QueryRowContext(ctx, d.rebind(`INSERT INTO officials (login, name, agency, roles, via, created_at,
			updated_at) VALUES (?, ?, ?, ?, 'oidc', ?, ?)
			ON CONFLICT (login) DO UPDATE SET name = excluded.name, agency = excluded.agency, roles = excluded.roles,
			updated_at = excluded.updated_at WHERE officials.via = 'oidc'
			RETURNING `+officialCols), o.Login, o.Name, o.Agency, roles, d.timeArg(t), d.timeArg(t))
		var err error
		out, err = scanOfficial(row)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("a local account: %w", ErrExists)
		}
		return err
	})
	if err != nil {
		return Official{}, fmt.Errorf("official %s: %w", o.Login, err)
	}
	return out, nil
}

// OfficialByLogin returns the official with login, or ErrNotFound.
func (s *Store) OfficialByLogin(ctx context.Context, login string) (Official, error) {
	o, err := scanOfficial(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+officialCols+`
		FROM officials WHERE login = ?`), login))
	if errors.Is(err, sql.ErrNoRows) {
		return Official{}, fmt.Errorf("official %s: %w", login, ErrNotFound)
	}
	if err != nil {
		return Official{}, fmt.Errorf("official %s: %w", login, err)
	}
	return o, nil
}

// OfficialByID returns the official with id, or ErrNotFound.
func (s *Store) OfficialByID(ctx context.Context, id int64) (Official, error) {
	o, err := scanOfficial(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+officialCols+`
		FROM officials WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Official{}, fmt.Errorf("official %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Official{}, fmt.Errorf("official %d: %w", id, err)
	}
	return o, nil
}

// Officials returns every official by login.
func (s *Store) Officials(ctx context.Context) ([]Official, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+officialCols+` FROM officials ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("officials: %w", err)
	}
	defer rows.Close()
	var out []Official
	for rows.Next() {
		o, err := scanOfficial(rows)
		if err != nil {
			return nil, fmt.Errorf("officials: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("officials: %w", err)
	}
	return out, nil
}

// DisableOfficial disables the official with login at t and ends all their
// open sessions in the same transaction, so that no page is served to them
// after it returns. ErrNotFound for an unknown login.
func (s *Store) DisableOfficial(ctx context.Context, login string, t time.Time) error {
	d := s.dialect
	err := s.inTx(ctx, func(tx *tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, d.rebind(`UPDATE officials SET disabled = 1, updated_at = ? WHERE login = ?
			RETURNING id`), d.timeArg(t), login).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return endOfficialSessions(ctx, tx, id, t)
	})
	if err != nil {
		return fmt.Errorf("disable official %s: %w", login, err)
	}
	return nil
}

// ResetOfficial gives a local account a new password hash and TOTP secret
// at t, forgets the last TOTP step, unlocks it, clears its failures and
// ends its open sessions. It does not re-enable a disabled official.
// ErrNotFound for an unknown login; ErrInvalid for an official of an
// identity provider, whose credentials are the provider's.
func (s *Store) ResetOfficial(ctx context.Context, login, passwordHash, totpSecret string, t time.Time) error {
	d := s.dialect
	err := s.inTx(ctx, func(tx *tx) error {
		var id int64
		var via string
		err := tx.QueryRowContext(ctx, d.rebind(`SELECT id, via FROM officials WHERE login = ?`), login).Scan(&id, &via)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if via != "password" {
			return fmt.Errorf("%w: signs in through an identity provider", ErrInvalid)
		}
		if _, err := tx.exec(ctx, `UPDATE officials SET password_hash = ?, totp_secret = ?, totp_last_step = 0,
			failures = 0, locked_until = NULL, updated_at = ? WHERE id = ?`, passwordHash, totpSecret, d.timeArg(t), id); err != nil {
			return err
		}
		return endOfficialSessions(ctx, tx, id, t)
	})
	if err != nil {
		return fmt.Errorf("reset official %s: %w", login, err)
	}
	return nil
}

// OfficialSignInFailed counts a failed sign-in of official id at t. The
// max-th consecutive failure locks the account until t+lockFor and starts
// the count again. It reports whether this failure locked the account.
func (s *Store) OfficialSignInFailed(ctx context.Context, id int64, max int, lockFor time.Duration, t time.Time) (bool, error) {
	d := s.dialect
	var locked bool
	err := s.inTx(ctx, func(tx *tx) error {
		var n int
		err := tx.QueryRowContext(ctx, d.rebind(`UPDATE officials SET failures = failures + 1 WHERE id = ?
			RETURNING failures`), id).Scan(&n)
		if err != nil {
			return err
		}
		if n < max {
			return nil
		}
		locked = true
		_, err = tx.exec(ctx, `UPDATE officials SET failures = 0, locked_until = ?, updated_at = ? WHERE id = ?`,
			d.timeArg(t.Add(lockFor)), d.timeArg(t), id)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("official %d: sign-in failure: %w", id, err)
	}
	return locked, nil
}

// OfficialSignedIn records a successful sign-in of official id with the
// TOTP code of step: it clears the failures and remembers step. It reports
// false, changing nothing, when a code of step or a later one was already
// accepted: of two sign-ins racing with one code, one wins.
func (s *Store) OfficialSignedIn(ctx context.Context, id, step int64) (bool, error) {
	res, err := s.w.ExecContext(ctx, s.dialect.rebind(`UPDATE officials SET failures = 0, totp_last_step = ?
		WHERE id = ? AND totp_last_step < ?`), step, id, step)
	if err != nil {
		return false, fmt.Errorf("official %d: sign-in: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("official %d: sign-in: %w", id, err)
	}
	return n == 1, nil
}

// OfficialSession is a signed-in official's browser, stored under the hash
// of its token, with the case the official stated (empty until stated).
type OfficialSession struct {
	IDHash     []byte
	OfficialID int64
	CSRF       string
	CaseRef    string
	CaseReason string
	CaseAt     time.Time
	CreatedAt  time.Time
	SeenAt     time.Time
	ExpiresAt  time.Time
	EndedAt    time.Time // zero while open
}

// AddOfficialSession stores a new session.
func (s *Store) AddOfficialSession(ctx context.Context, os OfficialSession) error {
	d := s.dialect
	_, err := s.w.ExecContext(ctx, d.rebind(`INSERT INTO official_sessions (id_hash, official_id, csrf, created_at,
		seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`), os.IDHash, os.OfficialID, os.CSRF, d.timeArg(os.CreatedAt),
		d.timeArg(os.SeenAt), d.timeArg(os.ExpiresAt))
	if err != nil {
		return fmt.Errorf("official session: %w", err)
	}
	return nil
}

// OfficialSession returns the session stored under idHash, or ErrNotFound.
func (s *Store) OfficialSession(ctx context.Context, idHash []byte) (OfficialSession, error) {
	var os OfficialSession
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT id_hash, official_id, csrf, case_ref, case_reason, case_at,
		created_at, seen_at, expires_at, ended_at FROM official_sessions WHERE id_hash = ?`), idHash).Scan(&os.IDHash,
		&os.OfficialID, &os.CSRF, &os.CaseRef, &os.CaseReason, timeValue{&os.CaseAt}, timeValue{&os.CreatedAt},
		timeValue{&os.SeenAt}, timeValue{&os.ExpiresAt}, timeValue{&os.EndedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return OfficialSession{}, fmt.Errorf("official session: %w", ErrNotFound)
	}
	if err != nil {
		return OfficialSession{}, fmt.Errorf("official session: %w", err)
	}
	return os, nil
}

// TouchOfficialSession records that the session was used at t.
func (s *Store) TouchOfficialSession(ctx context.Context, idHash []byte, t time.Time) error {
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`UPDATE official_sessions SET seen_at = ? WHERE id_hash = ?`),
		s.dialect.timeArg(t), idHash)
	if err != nil {
		return fmt.Errorf("official session: %w", err)
	}
	return nil
}

// SetOfficialSessionCase records the case an open session works on from t.
// ErrNotFound when the session is unknown or ended.
func (s *Store) SetOfficialSessionCase(ctx context.Context, idHash []byte, ref, reason string, t time.Time) error {
	res, err := s.w.ExecContext(ctx, s.dialect.rebind(`UPDATE official_sessions SET case_ref = ?, case_reason = ?,
		case_at = ? WHERE id_hash = ? AND ended_at IS NULL`), ref, reason, s.dialect.timeArg(t), idHash)
	if err != nil {
		return fmt.Errorf("official session case: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("official session case: %w", err)
	} else if n == 0 {
		return fmt.Errorf("official session case: %w", ErrNotFound)
	}
	return nil
}

// EndOfficialSession ends a session at t.
func (s *Store) EndOfficialSession(ctx context.Context, idHash []byte, t time.Time) error {
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`UPDATE official_sessions SET ended_at = ? WHERE id_hash = ?
		AND ended_at IS NULL`), s.dialect.timeArg(t), idHash)
	if err != nil {
		return fmt.Errorf("official session: %w", err)
	}
	return nil
}

// EndOfficialSessions ends every open session of official id at t.
func (s *Store) EndOfficialSessions(ctx context.Context, id int64, t time.Time) error {
	err := s.inTx(ctx, func(tx *tx) error { return endOfficialSessions(ctx, tx, id, t) })
	if err != nil {
		return fmt.Errorf("official %d: end sessions: %w", id, err)
	}
	return nil
}

func endOfficialSessions(ctx context.Context, tx *tx, id int64, t time.Time) error {
	_, err := tx.exec(ctx, `UPDATE official_sessions SET ended_at = ? WHERE official_id = ? AND ended_at IS NULL`,
		tx.s.dialect.timeArg(t), id)
	return err
}

// BreakGlass is an official's time-boxed access to a person outside their
// agency, with its review (ReviewerID 0 until reviewed).
type BreakGlass struct {
	ID         int64
	OfficialID int64
	Subject    string // the person's entity id
	Reason     string
	CaseRef    string
	At         time.Time
	Until      time.Time
	ReviewerID int64
	Verdict    string
	Note       string
	ReviewedAt time.Time
}

const breakGlassCols = `id, official_id, subject, reason, case_ref, at, until, reviewer_id, verdict, note, reviewed_at`

func scanBreakGlass(sc interface{ Scan(...any) error }) (BreakGlass, error) {
	var g BreakGlass
	var reviewer sql.NullInt64
	err := sc.Scan(&g.ID, &g.OfficialID, &g.Subject, &g.Reason, &g.CaseRef, timeValue{&g.At}, timeValue{&g.Until},
		&reviewer, &g.Verdict, &g.Note, timeValue{&g.ReviewedAt})
	g.ReviewerID = reviewer.Int64
	return g, err
}

// AddBreakGlass stores a break-glass access and returns its id.
func (s *Store) AddBreakGlass(ctx context.Context, g BreakGlass) (int64, error) {
	d := s.dialect
	var id int64
	err := s.w.QueryRowContext(ctx, d.rebind(`INSERT INTO break_glass (official_id, subject, reason, case_ref, at, until)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), g.OfficialID, g.Subject, g.Reason, g.CaseRef, d.timeArg(g.At),
		d.timeArg(g.Until)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("break-glass: %w", err)
	}
	return id, nil
}

// ActiveBreakGlass returns the latest break-glass access of official id to
// subject that is open at t and not reviewed as unjustified; false when
// there is none.
func (s *Store) ActiveBreakGlass(ctx context.Context, officialID int64, subject string, t time.Time) (BreakGlass, bool, error) {
	d := s.dialect
	g, err := scanBreakGlass(s.db.QueryRowContext(ctx, d.rebind(`SELECT `+breakGlassCols+` FROM break_glass
		WHERE official_id = ? AND subject = ? AND at <= ? AND until > ? AND verdict <> 'unjustified'
		ORDER BY until DESC, id DESC LIMIT 1`), officialID, subject, d.timeArg(t), d.timeArg(t)))
	if errors.Is(err, sql.ErrNoRows) {
		return BreakGlass{}, false, nil
	}
	if err != nil {
		return BreakGlass{}, false, fmt.Errorf("break-glass: %w", err)
	}
	return g, true, nil
}

// BreakGlassByID returns one break-glass access, or ErrNotFound.
func (s *Store) BreakGlassByID(ctx context.Context, id int64) (BreakGlass, error) {
	g, err := scanBreakGlass(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+breakGlassCols+` FROM break_glass
		WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return BreakGlass{}, fmt.Errorf("break-glass %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return BreakGlass{}, fmt.Errorf("break-glass %d: %w", id, err)
	}
	return g, nil
}

// BreakGlassList returns up to limit break-glass accesses, newest first;
// with pendingOnly, only those not yet reviewed.
func (s *Store) BreakGlassList(ctx context.Context, pendingOnly bool, limit int) ([]BreakGlass, error) {
	q := `SELECT ` + breakGlassCols + ` FROM break_glass`
	if pendingOnly {
		q += ` WHERE reviewed_at IS NULL`
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q+` ORDER BY id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("break-glass list: %w", err)
	}
	defer rows.Close()
	var out []BreakGlass
	for rows.Next() {
		g, err := scanBreakGlass(rows)
		if err != nil {
			return nil, fmt.Errorf("break-glass list: %w", err)
		}
		out = append(out, g)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("break-glass list: %w", err)
	}
	return out, nil
}

// ReviewBreakGlass records the review of break-glass access id at t.
// ErrNotFound for an unknown id; ErrReviewed when it was already reviewed
// (of two reviews racing, one wins).
func (s *Store) ReviewBreakGlass(ctx context.Context, id, reviewerID int64, verdict, note string, t time.Time) error {
	d := s.dialect
	res, err := s.w.ExecContext(ctx, d.rebind(`UPDATE break_glass SET reviewer_id = ?, verdict = ?, note = ?,
		reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL`), reviewerID, verdict, note, d.timeArg(t), id)
	if err != nil {
		return fmt.Errorf("break-glass %d review: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("break-glass %d review: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	if _, err := s.BreakGlassByID(ctx, id); err != nil {
		return err
	}
	return fmt.Errorf("break-glass %d review: %w", id, ErrReviewed)
}
