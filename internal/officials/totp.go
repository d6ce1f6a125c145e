package officials

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP as RFC 6238 defines it and authenticator apps expect it: HMAC-SHA-1,
// 30-second steps from the Unix epoch, 6 digits.
const (
	totpPeriod = 30
	totpDigits = 6
	// totpSkew is how many steps either side of now a code may be from,
	// for clocks that drift and people who type slowly.
	totpSkew = 1
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// newTOTPSecret returns a fresh 160-bit secret in base32, as RFC 4226
// recommends for HMAC-SHA-1.
func newTOTPSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return b32.EncodeToString(b), nil
}

func decodeSecret(secret string) ([]byte, error) {
	return b32.DecodeString(strings.ToUpper(strings.TrimRight(secret, "=")))
}

// totpStep is the time step t falls in.
func totpStep(t time.Time) int64 { return t.Unix() / totpPeriod }

// hotp is RFC 4226's HOTP value of counter, as totpDigits digits.
func hotp(key []byte, counter int64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(counter))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}

// Code returns the TOTP code of secret at t. It is what an authenticator
// app shows; the demo and tests use it to sign in.
func Code(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", fmt.Errorf("totp secret: %w", err)
	}
	return hotp(key, totpStep(t), totpDigits), nil
}

// matchTOTP returns the step of the code, within totpSkew steps of now and
// after the step last accepted, that code matches; false when none does.
// Every candidate step is computed and compared in constant time, so the
// time taken does not tell which matched.
func matchTOTP(secret, code string, now time.Time, last int64) (int64, bool) {
	key, err := decodeSecret(secret)
	if err != nil || len(key) == 0 || len(code) != totpDigits {
		return 0, false
	}
	var found int64
	ok := 0
	cur := totpStep(now)
	for step := cur - totpSkew; step <= cur+totpSkew; step++ {
		eq := subtle.ConstantTimeCompare([]byte(hotp(key, step, totpDigits)), []byte(code))
		if eq == 1 && step > last && ok == 0 {
			found, ok = step, 1
		}
	}
	return found, ok == 1
}

// OTPAuthURI returns the otpauth:// URI an authenticator app reads (as a
// QR code) to add the official's secret, in the key URI format of Google
// Authenticator: otpauth://totp/ISSUER:LOGIN?secret=…&issuer=…
func OTPAuthURI(issuer string, o Official, secret string) string {
	q := url.Values{}
	q.Set("secret", secret)
	q.Set("issuer", issuer)
	q.Set("algorithm", "SHA1")
	q.Set("digits", fmt.Sprint(totpDigits))
	q.Set("period", fmt.Sprint(totpPeriod))
	return "otpauth://totp/" + url.PathEscape(issuer+":"+o.Login) + "?" + q.Encode()
}
