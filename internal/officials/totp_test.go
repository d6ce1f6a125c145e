package officials

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestHOTPRFC6238 checks the SHA-1 test vectors of RFC 6238, appendix B
// (8 digits, the ASCII key "12345678901234567890").
func TestHOTPRFC6238(t *testing.T) {
	key := []byte("12345678901234567890")
	for _, tt := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		if got := hotp(key, totpStep(time.Unix(tt.unix, 0)), 8); got != tt.want {
			t.Errorf("TOTP at %d = %s; want %s", tt.unix, got, tt.want)
		}
	}
	// Code uses the same key given in base32, with 6 digits: the last six
	// of the 8-digit value.
	secret := b32.EncodeToString(key)
	if got, err := Code(secret, time.Unix(59, 0)); err != nil || got != "287082" {
		t.Errorf("Code = %s, %v; want 287082", got, err)
	}
}

func TestMatchTOTP(t *testing.T) {
	secret, err := newTOTPSecret()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	cur := totpStep(now)
	code := func(step int64) string {
		c, _ := Code(secret, time.Unix(step*totpPeriod, 0))
		return c
	}
	for _, tt := range []struct {
		name string
		code string
		last int64
		want bool
		step int64
	}{
		{"current", code(cur), 0, true, cur},
		{"previous step", code(cur - 1), 0, true, cur - 1},
		{"next step", code(cur + 1), 0, true, cur + 1},
		{"two steps old", code(cur - 2), 0, false, 0},
		{"two steps ahead", code(cur + 2), 0, false, 0},
		{"replayed step", code(cur), cur, false, 0},
		{"older than the last accepted", code(cur - 1), cur, false, 0},
		{"next after the last accepted", code(cur + 1), cur, true, cur + 1},
		{"too short", code(cur)[:5], 0, false, 0},
		{"empty", "", 0, false, 0},
	} {
		step, ok := matchTOTP(secret, tt.code, now, tt.last)
		if ok != tt.want || step != tt.step {
			t.Errorf("%s: matchTOTP = %d, %t; want %d, %t", tt.name, step, ok, tt.step, tt.want)
		}
	}
	if _, ok := matchTOTP("not base32!", "123456", now, 0); ok {
		t.Error("a malformed secret matched")
	}
}

func TestOTPAuthURI(t *testing.T) {
	got := OTPAuthURI("ortaq demo", Official{Login: "mlsp.officer"}, "JBSWY3DPEHPK3PXP")
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/ortaq demo:mlsp.officer" {
		t.Errorf("URI %s: scheme %q host %q path %q", got, u.Scheme, u.Host, u.Path)
	}
	q := u.Query()
	for k, v := range map[string]string{"secret": "JBSWY3DPEHPK3PXP", "issuer": "ortaq demo", "digits": "6", "period": "30", "algorithm": "SHA1"} {
		if q.Get(k) != v {
			t.Errorf("URI %s: %s = %q; want %q", got, k, q.Get(k), v)
		}
	}
	if strings.Contains(got, " ") {
		t.Errorf("URI %s has a raw space", got)
	}
}

func TestPasswordHash(t *testing.T) {
	p := kdfParams{time: 1, memory: 64, threads: 1, saltLen: 16, keyLen: 32}
	h, err := p.hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %s is not a PHC argon2id string", h)
	}
	h2, _ := p.hash("correct horse battery")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	if ok, err := verifyHash(h, "correct horse battery"); !ok || err != nil {
		t.Errorf("verify right password = %t, %v", ok, err)
	}
	if ok, err := verifyHash(h, "correct horse batterY"); ok || err != nil {
		t.Errorf("verify wrong password = %t, %v", ok, err)
	}
	for _, bad := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=4194304,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA", // 4 GiB: refused, not run
		"$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=64,t=1,x=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
	} {
		if ok, err := verifyHash(bad, "x"); ok || err == nil {
			t.Errorf("verifyHash(%q) = %t, %v; want an error", bad, ok, err)
		}
	}
	// The default parameters are RFC 9106's second recommendation.
	if defaultKDF.time != 3 || defaultKDF.memory != 64*1024 || defaultKDF.threads != 4 || defaultKDF.saltLen != 16 || defaultKDF.keyLen != 32 {
		t.Errorf("default argon2id parameters %+v", defaultKDF)
	}
}

func TestGeneratePassword(t *testing.T) {
	a, b := GeneratePassword(), GeneratePassword()
	if len(a) != 20 || a == b || checkPassword(a) != nil {
		t.Errorf("GeneratePassword = %q, %q", a, b)
	}
}

func TestLimiter(t *testing.T) {
	l := limiter{perMinute: 10, burst: 10, buckets: map[string]*bucket{}}
	now := time.Unix(1_700_000_000, 0)
	for i := range 10 {
		if !l.allow("192.0.2.1", now) {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	if l.allow("192.0.2.1", now) {
		t.Fatal("11th attempt allowed")
	}
	if !l.allow("192.0.2.2", now) {
		t.Fatal("another address refused")
	}
	if l.allow("192.0.2.1", now.Add(5*time.Second)) {
		t.Fatal("allowed again before a token was refilled")
	}
	if !l.allow("192.0.2.1", now.Add(6500*time.Millisecond)) {
		t.Fatal("refused after a token was refilled (6.5 s at 10 a minute)")
	}
}
