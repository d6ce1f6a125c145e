package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/wallet"
)

// slowGateway is an SMS gateway that takes its time, as an operator's
// does, and then delivers to the demo's outbox.
type slowGateway struct {
	delay time.Duration
	next  wallet.SMSSender
}

func (g slowGateway) SendSMS(ctx context.Context, phone, text string) error {
	time.Sleep(g.delay)
	return g.next.SendSMS(ctx, phone, text)
}

// TestSignInUnknownIINLooksKnown asks for codes for a citizen with a
// phone and for an IIN the registers do not know, in turns, through a
// gateway as slow as an operator's: the two answers are the same page
// and take the same time. Waiting for the gateway used to make a known
// IIN's answer 50 ms slower, which told anyone who is registered.
func TestSignInUnknownIINLooksKnown(t *testing.T) {
	const delay = 50 * time.Millisecond
	d := demoSQLite(t)
	rig := newWalletRigWith(t, wallet.Options{SMS: slowGateway{delay: delay, next: wallet.NewOutbox(d.st)}})
	unknown := mustIIN(time.Date(1901, 2, 3, 0, 0, 0, 0, time.UTC), kz.Male, 999)
	if phone, err := wallet.PhoneOf(context.Background(), rig.st, unknown); err != nil || phone != "" {
		t.Fatalf("the unknown IIN has a phone %q (%v)", phone, err)
	}
	b := rig.browser(t)
	token := fields(b.do("GET", "/wallet/sign-in", nil).body)["csrf"]
	ask := func(iin string) (walletResp, time.Duration) {
		start := time.Now()
		r := b.do("POST", "/wallet/sign-in", url.Values{"csrf": {token}, "iin": {iin}})
		return r, time.Since(start)
	}
	// same is a page with what differs by right (the IIN typed in, the
	// random challenge) blanked out.
	same := func(r walletResp, iin string) string {
		return strings.ReplaceAll(strings.ReplaceAll(r.body, fields(r.body)["challenge"], "CHALLENGE"), iin, "IIN")
	}
	ask(rig.citizen) // warm the caches
	ask(unknown)
	const rounds = 20
	var known, stranger []time.Duration
	for i := range rounds {
		rk, dk := ask(rig.citizen)
		ru, du := ask(unknown)
		known, stranger = append(known, dk), append(stranger, du)
		if i > 0 {
			continue
		}
		if rk.status != http.StatusOK || ru.status != rk.status {
			t.Fatalf("answers: %d for a known IIN, %d for an unknown one; want 200 for both", rk.status, ru.status)
		}
		if a, b := same(rk, rig.citizen), same(ru, unknown); a != b {
			t.Errorf("the pages for a known and an unknown IIN differ:\n%s\n---\n%s", a, b)
		}
		for _, h := range []string{"Content-Type", "Cache-Control", "Content-Length"} {
			if rk.header.Get(h) != ru.header.Get(h) {
				t.Errorf("%s: %q for a known IIN, %q for an unknown one", h, rk.header.Get(h), ru.header.Get(h))
			}
		}
	}
	mk, mu := median(known), median(stranger)
	t.Logf("median answer over %d requests each: %v for a known IIN, %v for an unknown one", rounds, mk, mu)
	// Generous, so that a busy machine does not fail it, and still well
	// under the gateway's delay.
	if margin := delay / 2; mk-mu > margin || mu-mk > margin {
		t.Errorf("median answer: %v for a known IIN, %v for an unknown one; want them within %v", mk, mu, margin)
	}
	rig.wallet.Wait()
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// TestSignInCodeNeverLogged signs in with every log level on and looks
// for the code in what was logged: the demo's outbox used to log each
// message whole.
func TestSignInCodeNeverLogged(t *testing.T) {
	rig := newWalletRig(t)
	var logs bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })

	b := rig.browser(t)
	f, code := b.askCode(rig.citizen)
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	b.do("POST", "/wallet/sign-in/code", url.Values{"csrf": {f["csrf"]}, "challenge": {f["challenge"]}, "code": {wrong}})
	r := b.do("POST", "/wallet/sign-in/code", url.Values{"csrf": {f["csrf"]}, "challenge": {f["challenge"]}, "code": {code}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("sign in with the code: %d", r.status)
	}
	if sms := b.do("GET", "/wallet/sms", nil); !strings.Contains(sms.body, code) {
		t.Fatalf("the demo's outbox does not show the code %s", code)
	}
	rig.wallet.Wait()
	if logs.Len() == 0 {
		t.Fatal("nothing was logged; the capture is broken")
	}
	if strings.Contains(logs.String(), code) {
		t.Errorf("the sign-in code %s is in the log:\n%s", code, logs.String())
	}
}
