package wallet

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"net/netip"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/store"
)

// Challenge is a sign-in code on its way to the citizen's phone: the page
// asks for the code against its ID.
type Challenge struct {
	ID string
}

// SendCode sends a one-time code to the phone the registers hold for iin,
// bound to the browser holding binding (its pre-session secret). client
// is the address the request came from (see ClientOf), for the
// per-address limit; lang is the language of the message.
//
// It answers the same, in the same time, whether or not the registers
// know a phone for iin, so that the form cannot be used to learn who is
// registered: without a phone the challenge is stored but no code can
// ever match it, and with one the code is handed to the SMS gateway after
// SendCode returns (Wait waits for it). Codes are limited per IIN, per
// client and in all (Options.CodeLimit, CodeClientLimit, CodeTotalLimit);
// past a limit SendCode returns ErrRateLimited, however many requests
// race.
func (w *Wallet) SendCode(ctx context.Context, iin, client string, binding []byte, lang string) (Challenge, error) {
	if _, err := kz.ParseIIN(iin); err != nil {
		return Challenge{}, &InputError{Field: "iin", Reason: err.Error()}
	}
	now := w.now()
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
	// Both branches hash once and store once: the work is the same.
	secret := code
	if phone == "" {
		// A secret no one ever learns: no code can match it.
		if secret, err = randomHex(32); err != nil {
			return Challenge{}, err
		}
	}
	c := store.SignInCode{ID: id, IIN: iin, Phone: phone, CodeHash: codeHash(id, secret), Binding: bindingHash(binding),
		CreatedAt: now, ExpiresAt: now.Add(w.opts.CodeTTL), Client: client}
	lim := store.SignInCodeLimits{Since: now.Add(-w.opts.CodeWindow), PerIIN: w.opts.CodeLimit,
		PerClient: w.opts.CodeClientLimit, Total: w.opts.CodeTotalLimit}
	if err := w.st.AddSignInCode(ctx, c, lim); errors.Is(err, store.ErrLimitReached) {
		slog.InfoContext(ctx, "sign-in code refused", "reason", err.Error())
		return Challenge{}, ErrRateLimited
	} else if err != nil {
		return Challenge{}, err
	}
	if phone != "" {
		w.deliver(ctx, phone, codeText(lang, code, w.opts.CodeTTL))
	}
	return Challenge{ID: id}, nil
}

// deliver hands a text to the SMS gateway in the background: a gateway
// answers in its own time, and waiting for it would tell a caller that
// the IIN has a phone. The text holds a code, so it is never logged.
func (w *Wallet) deliver(ctx context.Context, phone, text string) {
	w.sending.Add(1)
	go func() {
		defer w.sending.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), w.opts.SMSTimeout)
		defer cancel()
		if err := w.opts.SMS.SendSMS(ctx, phone, text); err != nil {
			slog.WarnContext(ctx, "sign-in code not delivered", "phone", MaskPhone(phone), "err", err)
		}
	}()
}

// Wait returns once every sign-in code sent so far has been handed to
// the SMS gateway, or given up on. serve calls it before closing the
// store; the demo's outbox page, before reading the outbox.
func (w *Wallet) Wait() { w.sending.Wait() }

// ClientOf is the client address limits count by, from an HTTP request's
// RemoteAddr: the IP address, or for IPv6 its /64 network, which one
// subscriber usually holds whole. The reverse proxy's headers are not
// trusted: behind one, limit per client there.
func ClientOf(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
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
