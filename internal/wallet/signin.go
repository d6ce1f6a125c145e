package wallet

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/store"
)

// Challenge is a sign-in code on its way to the citizen's phone: the page
// asks for the code against its ID.
type Challenge struct {
	ID string
}

// SendCode sends a one-time code to the phone the registers hold for iin,
// bound to the browser holding binding (its pre-session secret). It
// answers the same whether or not the registers know a phone for iin, so
// that the form cannot be used to learn who is registered: without a
// phone the challenge is stored but no code can ever match it. lang is
// the language of the message.
func (w *Wallet) SendCode(ctx context.Context, iin string, binding []byte, lang string) (Challenge, error) {
	if _, err := kz.ParseIIN(iin); err != nil {
		return Challenge{}, &InputError{Field: "iin", Reason: err.Error()}
	}
	now := w.now()
	n, err := w.st.SignInCodesSince(ctx, iin, now.Add(-w.opts.CodeWindow))
	if err != nil {
		return Challenge{}, err
	}
	if n >= w.opts.CodeLimit {
		return Challenge{}, ErrRateLimited
	}
	phone, err := PhoneOf(ctx, w.st, iin)
	if err != nil {
		return Challenge{}, err
	}
	id, err := randomHex(16)
	if err != nil {
		return Challenge{}, err
	}
	code, err := randomCode()
	if err != nil {
		return Challenge{}, err
	}
	c := store.SignInCode{ID: id, IIN: iin, Phone: phone, CodeHash: codeHash(id, code), Binding: bindingHash(binding),
		CreatedAt: now, ExpiresAt: now.Add(w.opts.CodeTTL)}
	if phone == "" {
		// A hash of a secret no one ever learns: no code can match it.
		secret, err := randomHex(32)
		if err != nil {
			return Challenge{}, err
		}
		c.CodeHash = codeHash(id, secret)
	}
	if err := w.st.AddSignInCode(ctx, c); err != nil {
		return Challenge{}, err
	}
	if phone != "" {
		if err := w.opts.SMS.SendSMS(ctx, phone, codeText(lang, code, w.opts.CodeTTL)); err != nil {
			return Challenge{}, err
		}
	}
	return Challenge{ID: id}, nil
}

// PhoneOf is the phone number the golden record of the person iin holds,
// where sign-in codes go; "" when the registers know no such person or
// no phone for them.
func PhoneOf(ctx context.Context, st *store.Store, iin string) (string, error) {
	p, err := personOf(ctx, st, iin)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return p.Doc.Value("phone"), nil
}

// CheckCode checks a code typed into the browser holding binding and
// returns the IIN it signs in. A code is used once; a challenge takes
// Options.CodeAttempts wrong codes and then refuses even the right one.
func (w *Wallet) CheckCode(ctx context.Context, challenge, code string, binding []byte) (string, error) {
	c, err := w.st.SignInCode(ctx, challenge)
	if errors.Is(err, store.ErrNotFound) {
		return "", ErrCodeWrong
	}
	if err != nil {
		return "", err
	}
	// A challenge started in another browser is as good as unknown here:
	// a code read over someone's shoulder is no use without their browser.
	if subtle.ConstantTimeCompare(c.Binding, bindingHash(binding)) != 1 {
		return "", ErrCodeWrong
	}
	switch {
	case !c.UsedAt.IsZero():
		return "", ErrCodeUsed
	case c.Attempts >= w.opts.CodeAttempts:
		return "", ErrTooManyAttempts
	case !w.now().Before(c.ExpiresAt):
		return "", ErrCodeExpired
	}
	n, err := w.st.CountCodeAttempt(ctx, challenge)
	if err != nil {
		return "", err
	}
	if n > w.opts.CodeAttempts {
		return "", ErrTooManyAttempts
	}
	if c.Phone == "" || subtle.ConstantTimeCompare(c.CodeHash, codeHash(challenge, code)) != 1 {
		return "", fmt.Errorf("%w (%d attempts left)", ErrCodeWrong, w.opts.CodeAttempts-n)
	}
	ok, err := w.st.UseSignInCode(ctx, challenge, w.now())
	if err != nil {
		return "", err
	}
	if !ok {
		return "", ErrCodeUsed
	}
	return c.IIN, nil
}

// codeHash binds a code to its challenge, so that equal codes of two
// challenges hash apart.
func codeHash(challenge, code string) []byte {
	h := sha256.Sum256([]byte("ortaq sign-in code\x00" + challenge + "\x00" + code))
	return h[:]
}

func bindingHash(binding []byte) []byte {
	h := sha256.Sum256(append([]byte("ortaq browser\x00"), binding...))
	return h[:]
}

// randomCode is six random decimal digits.
func randomCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("sign-in code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// randomHex is n random bytes in hex.
func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return hex.EncodeToString(b), nil
}
