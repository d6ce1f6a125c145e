package wallet

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// Ways a citizen signs in, as sessions record them.
const (
	ViaSMS  = "sms"
	ViaOIDC = "oidc"
)

// Session is a signed-in citizen's browser.
type Session struct {
	IIN string
	Via string
	// CSRF is the token every form the session shows must send back.
	CSRF      string
	CreatedAt time.Time
	// ExpiresAt is when the session ends unless it is used before.
	ExpiresAt time.Time
	idHash    []byte
}

// touchEvery limits how often a session's last use is written: a page
// view is a read, and most views need not become a write.
const touchEvery = time.Minute

// StartSession signs iin in and returns the session and its token, the
// cookie's value. Only a hash of the token is stored.
func (w *Wallet) StartSession(ctx context.Context, iin, via string) (string, Session, error) {
	// rand.Text is 128 random bits, never fails, and reads well in a
	// cookie and a form.
	token, csrf := rand.Text(), rand.Text()
	now := w.now()
	ws := store.WalletSession{IDHash: tokenHash(token), IIN: iin, Via: via, CSRF: csrf, CreatedAt: now, SeenAt: now,
		ExpiresAt: now.Add(w.opts.SessionMax)}
	if err := w.st.AddWalletSession(ctx, ws); err != nil {
		return "", Session{}, err
	}
	return token, w.session(ws), nil
}

// Session returns the open session of token, or ErrNoSession when the
// token is unknown, ended, idle too long or past its maximum age.
func (w *Wallet) Session(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrNoSession
	}
	ws, err := w.st.WalletSession(ctx, tokenHash(token))
	if errors.Is(err, store.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	now := w.now()
	if !ws.EndedAt.IsZero() || !now.Before(ws.ExpiresAt) || !now.Before(ws.SeenAt.Add(w.opts.SessionIdle)) {
		return Session{}, ErrNoSession
	}
	if now.Sub(ws.SeenAt) >= touchEvery {
		if err := w.st.TouchWalletSession(ctx, ws.IDHash, now); err != nil {
			return Session{}, err
		}
		ws.SeenAt = now
	}
	return w.session(ws), nil
}

// EndSession signs the session's browser out; its token stops working.
func (w *Wallet) EndSession(ctx context.Context, s Session) error {
	return w.st.EndWalletSession(ctx, s.idHash, w.now())
}

func (w *Wallet) session(ws store.WalletSession) Session {
	return Session{IIN: ws.IIN, Via: ws.Via, CSRF: ws.CSRF, CreatedAt: ws.CreatedAt, idHash: ws.IDHash,
		ExpiresAt: minTime(ws.ExpiresAt, ws.SeenAt.Add(w.opts.SessionIdle))}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte("ortaq wallet session\x00" + token))
	return h[:]
}
