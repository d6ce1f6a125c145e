package officials

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/ortaq/ortaq/internal/store"
)

// Add creates a local account for o (its ID, Via and Disabled are ignored)
// with password, and returns the new TOTP secret in base32, to be given to
// the official once (see OTPAuthURI). The login, name, agency and roles are
// validated (ErrInvalid: the data officer's and social worker's roles need
// an agency), and so is the password (at least MinPassword characters);
// ErrExists when the login is taken.
func (d *Directory) Add(ctx context.Context, o Official, password string) (totpSecret string, err error) {
	if err := o.check(); err != nil {
		return "", err
	}
	if err := checkPassword(password); err != nil {
		return "", err
	}
	hash, secret, err := d.credentials(password)
	if err != nil {
		return "", err
	}
	_, err = d.st.AddOfficial(ctx, store.Official{Login: o.Login, Name: o.Name, Agency: o.Agency,
		Roles: roleNames(o.Roles), Via: ViaPassword, PasswordHash: hash, TOTPSecret: secret, CreatedAt: d.now()})
	if errors.Is(err, store.ErrExists) {
		return "", fmt.Errorf("%w: %s", ErrExists, o.Login)
	}
	if err != nil {
		return "", err
	}
	slog.InfoContext(ctx, "official added", "login", o.Login, "agency", o.Agency, "roles", roleNames(o.Roles))
	return secret, nil
}

// credentials hashes password and draws a TOTP secret.
func (d *Directory) credentials(password string) (hash, secret string, err error) {
	d.hashing <- struct{}{}
	hash, err = d.kdf.hash(password)
	<-d.hashing
	if err != nil {
		return "", "", err
	}
	secret, err = newTOTPSecret()
	return hash, secret, err
}

// Disable disables the official with login and ends their sessions: they
// can no longer sign in, by password or through their identity provider,
// and Reset does not re-enable them. ErrNotFound for an unknown login.
func (d *Directory) Disable(ctx context.Context, login string) error {
	err := d.st.DisableOfficial(ctx, login, d.now())
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", ErrNotFound, login)
	}
	if err != nil {
		return err
	}
	slog.InfoContext(ctx, "official disabled", "login", login)
	return nil
}

// Reset gives a local account a new password and a new TOTP secret
// (returned, in base32), unlocks it and ends its sessions. A disabled
// account stays disabled. ErrNotFound for an unknown login; ErrInvalid for
// a short password or an official of an identity provider.
func (d *Directory) Reset(ctx context.Context, login, password string) (totpSecret string, err error) {
	if err := checkPassword(password); err != nil {
		return "", err
	}
	hash, secret, err := d.credentials(password)
	if err != nil {
		return "", err
	}
	err = d.st.ResetOfficial(ctx, login, hash, secret, d.now())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", fmt.Errorf("%w: %s", ErrNotFound, login)
	case errors.Is(err, store.ErrInvalid):
		return "", fmt.Errorf("%w official %s: signs in through an identity provider", ErrInvalid, login)
	case err != nil:
		return "", err
	}
	slog.InfoContext(ctx, "official reset", "login", login)
	return secret, nil
}

// TOTPSecret returns the stored TOTP secret of a local account. It exists
// for the demo and tests ("ortaq officials code"), which must sign in
// without an authenticator app; the console never shows a secret again.
func (d *Directory) TOTPSecret(ctx context.Context, login string) (string, error) {
	o, err := d.st.OfficialByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("%w: %s", ErrNotFound, login)
	}
	if err != nil {
		return "", err
	}
	if o.TOTPSecret == "" {
		return "", fmt.Errorf("%w official %s: has no TOTP secret", ErrInvalid, login)
	}
	return o.TOTPSecret, nil
}

// SignIn checks a local account's login, password and TOTP code.
//
// Whatever is wrong (an unknown login, a disabled account, an official of
// an identity provider, a wrong password, a wrong, stale or replayed code)
// it returns ErrBadCredentials, after running argon2id once either way, so
// that neither the answer nor its time tells whether the login exists. A
// code is accepted within one 30-second step of now and only for a step
// after the last one accepted, so a code signs in once. MaxFailures
// consecutive failures lock the account for Lockout: ErrLocked, until then,
// whatever is given.
func (d *Directory) SignIn(ctx context.Context, login, password, code string) (Official, error) {
	so, err := d.st.OfficialByLogin(ctx, login)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return Official{}, err
	}
	known := err == nil && so.Via == ViaPassword && so.PasswordHash != ""
	hash := so.PasswordHash
	if !known {
		hash = d.dummy()
	}
	if len(password) > maxPassword {
		password = password[:maxPassword]
	}
	d.hashing <- struct{}{}
	pwOK, verr := verifyHash(hash, password)
	<-d.hashing
	if verr != nil {
		slog.ErrorContext(ctx, "official password hash unreadable", "login", login)
		pwOK = false
	}
	now := d.now()
	if !known {
		return Official{}, ErrBadCredentials
	}
	if now.Before(so.LockedUntil) {
		return Official{}, ErrLocked
	}
	if so.Disabled {
		return Official{}, ErrBadCredentials
	}
	step, codeOK := matchTOTP(so.TOTPSecret, code, now, so.TOTPLastStep)
	if pwOK && codeOK {
		ok, err := d.st.OfficialSignedIn(ctx, so.ID, step)
		if err != nil {
			return Official{}, err
		}
		if ok {
			return fromStore(so), nil
		}
		// Another sign-in used this code first.
	}
	locked, err := d.st.OfficialSignInFailed(ctx, so.ID, d.opts.MaxFailures, d.opts.Lockout, now)
	if err != nil {
		return Official{}, err
	}
	if locked {
		slog.WarnContext(ctx, "official locked out", "login", login, "for", d.opts.Lockout)
		return Official{}, ErrLocked
	}
	return Official{}, ErrBadCredentials
}
