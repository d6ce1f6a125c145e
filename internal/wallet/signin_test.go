package wallet_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/wallet"
)

// phone is a fake SMS gateway that keeps what it was asked to send.
type phone struct {
	// w is the wallet sending through this phone, whose deliveries a
	// look at what was sent waits for.
	w    *wallet.Wallet
	mu   sync.Mutex
	sent map[string][]string // phone -> texts
}

// count is how many texts were sent, once every delivery under way ends.
func (p *phone) count() int {
	p.w.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, texts := range p.sent {
		n += len(texts)
	}
	return n
}

func (p *phone) SendSMS(_ context.Context, to, text string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.sent == nil {
		p.sent = map[string][]string{}
	}
	p.sent[to] = append(p.sent[to], text)
	return nil
}

var codeInText = regexp.MustCompile(`\b[0-9]{6}\b`)

// lastCode is the code in the last text sent to number.
func (p *phone) lastCode(t *testing.T, number string) string {
	t.Helper()
	p.w.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	texts := p.sent[number]
	if len(texts) == 0 {
		t.Fatalf("no text message was sent to %s", number)
	}
	code := codeInText.FindString(texts[len(texts)-1])
	if code == "" {
		t.Fatalf("no code in %q", texts[len(texts)-1])
	}
	return code
}

// clock is a settable time for the wallet.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newWallet(t *testing.T, st *store.Store, log *audit.Log) (*wallet.Wallet, *phone, *clock) {
	return newWalletWith(t, st, log, wallet.Options{})
}

// newWalletWith is newWallet with options other than the defaults.
func newWalletWith(t *testing.T, st *store.Store, log *audit.Log, opts wallet.Options) (*wallet.Wallet, *phone, *clock) {
	p, c := &phone{}, &clock{t: time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)}
	opts.SMS, opts.Now = p, c.now
	p.w = wallet.New(st, log, opts)
	return p.w, p, c
}

// here is the client address the tests ask for codes from.
const here = "192.0.2.1"

var (
	browser = []byte("the citizen's browser, 32 bytes!")
	thief   = []byte("someone else's browser, 32 bytes")
)

// TestSignInWithCode walks the code sign-in and each way it refuses.
func TestSignInWithCode(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		w, p, clk := newWallet(t, st, nil)

		ch, err := w.SendCode(ctx, n.citizen, here, browser, "en")
		if err != nil {
			t.Fatal(err)
		}
		code := p.lastCode(t, "+77011112233")
		if _, err := w.CheckCode(ctx, ch.ID, code, thief); !errors.Is(err, wallet.ErrCodeWrong) {
			t.Errorf("the right code typed in another browser: %v; want ErrCodeWrong", err)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "000001"
		}
		if _, err := w.CheckCode(ctx, ch.ID, wrong, browser); !errors.Is(err, wallet.ErrCodeWrong) {
			t.Errorf("a wrong code: %v; want ErrCodeWrong", err)
		}
		iin, err := w.CheckCode(ctx, ch.ID, code, browser)
		if err != nil || iin != n.citizen {
			t.Fatalf("the right code: %q, %v; want %s", iin, err, n.citizen)
		}
		if _, err := w.CheckCode(ctx, ch.ID, code, browser); !errors.Is(err, wallet.ErrCodeUsed) {
			t.Errorf("the code replayed: %v; want ErrCodeUsed", err)
		}

		ch, err = w.SendCode(ctx, n.citizen, here, browser, "en")
		if err != nil {
			t.Fatal(err)
		}
		code = p.lastCode(t, "+77011112233")
		clk.t = clk.t.Add(5*time.Minute + time.Second)
		if _, err := w.CheckCode(ctx, ch.ID, code, browser); !errors.Is(err, wallet.ErrCodeExpired) {
			t.Errorf("a code after 5 minutes: %v; want ErrCodeExpired", err)
		}

		ch, err = w.SendCode(ctx, n.citizen, here, browser, "en")
		if err != nil {
			t.Fatal(err)
		}
		code = p.lastCode(t, "+77011112233")
		for range 5 {
			w.CheckCode(ctx, ch.ID, wrong, browser)
		}
		if _, err := w.CheckCode(ctx, ch.ID, code, browser); !errors.Is(err, wallet.ErrTooManyAttempts) {
			t.Errorf("the right code after 5 wrong ones: %v; want ErrTooManyAttempts", err)
		}
		if _, err := w.SendCode(ctx, n.citizen, here, browser, "en"); !errors.Is(err, wallet.ErrRateLimited) {
			t.Errorf("a fourth code in 15 minutes: %v; want ErrRateLimited", err)
		}
		clk.t = clk.t.Add(16 * time.Minute)
		if _, err := w.SendCode(ctx, n.citizen, here, browser, "en"); err != nil {
			t.Errorf("a code after the window: %v", err)
		}
	})
}

// TestSignInUnknownPerson answers an IIN the registers do not know like a
// known one, but sends nothing and accepts no code; a malformed IIN is an
// input error.
func TestSignInUnknownPerson(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	n := newCorrectionNation(t, st)
	w, p, _ := newWallet(t, st, nil)
	stranger := correctionIIN(t, "1980-05-05", 1, 77)
	ch, err := w.SendCode(ctx, stranger, here, browser, "kk")
	if err != nil || ch.ID == "" {
		t.Fatalf("SendCode for an unknown IIN: %+v, %v; want a challenge like any other", ch, err)
	}
	if p.count() != 0 {
		t.Errorf("a text was sent for an IIN the registers do not know: %v", p.sent)
	}
	for _, code := range []string{"000000", "123456", ch.ID} {
		if _, err := w.CheckCode(ctx, ch.ID, code, browser); !errors.Is(err, wallet.ErrCodeWrong) {
			t.Errorf("code %q for an unknown IIN: %v; want ErrCodeWrong", code, err)
		}
	}
	var bad *wallet.InputError
	if _, err := w.SendCode(ctx, n.citizen[:11]+"x", here, browser, "kk"); !errors.As(err, &bad) || bad.Field != "iin" {
		t.Errorf("a malformed IIN: %v; want an InputError on iin", err)
	}
}

// TestOutboxKeepsTheCode checks the demo's gateway: the message, in the
// citizen's language, lands in the store's outbox.
func TestOutboxKeepsTheCode(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	n := newCorrectionNation(t, st)
	w := wallet.New(st, nil, wallet.Options{})
	if _, err := w.SendCode(ctx, n.citizen, here, browser, "ru"); err != nil {
		t.Fatal(err)
	}
	w.Wait()
	msgs, err := wallet.NewOutbox(st).Messages(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].Phone != "+77011112233" || !codeInText.MatchString(msgs[0].Body) ||
		!regexp.MustCompile(`код входа`).MatchString(msgs[0].Body) {
		t.Fatalf("outbox: %+v; want one Russian message with a code to +77011112233", msgs)
	}
}

// TestSessions checks that a session ends when signed out, when idle for
// 15 minutes and 12 hours after sign-in, and that a made-up token signs no
// one in.
func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		w, _, clk := newWallet(t, st, nil)
		start := func() string {
			token, s, err := w.StartSession(ctx, n.citizen, wallet.ViaSMS)
			if err != nil || s.IIN != n.citizen || s.CSRF == "" {
				t.Fatalf("StartSession: %+v, %v", s, err)
			}
			return token
		}
		alive := func(token string) bool {
			_, err := w.Session(ctx, token)
			if err != nil && !errors.Is(err, wallet.ErrNoSession) {
				t.Fatal(err)
			}
			return err == nil
		}

		token := start()
		if !alive(token) {
			t.Fatal("a new session is not open")
		}
		for _, forged := range []string{"", "x", token + "x", token[:len(token)-1]} {
			if alive(forged) {
				t.Errorf("token %q signs in", forged)
			}
		}
		s, _ := w.Session(ctx, token)
		if err := w.EndSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if alive(token) {
			t.Error("a signed-out session still works")
		}

		token = start()
		clk.t = clk.t.Add(14 * time.Minute)
		if !alive(token) {
			t.Fatal("a session used 14 minutes ago has ended")
		}
		clk.t = clk.t.Add(15*time.Minute + time.Second)
		if alive(token) {
			t.Error("a session idle for over 15 minutes still works")
		}

		token = start()
		for range 12 * 6 {
			clk.t = clk.t.Add(10 * time.Minute)
			if !alive(token) {
				break
			}
		}
		if alive(token) {
			t.Error("a session kept in use outlives 12 hours")
		}
	})
}

// TestAccessesAreOnlyOwn lists, counts and proves a citizen's own accesses
// and treats another person's as missing.
func TestAccessesAreOnlyOwn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		signer, verifier, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "audit.key"), "ortaq.test/audit")
		if err != nil {
			t.Fatal(err)
		}
		log, err := audit.Open(ctx, st, signer, audit.Options{Origin: "ortaq.test/audit"})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { log.Close() })
		rec := func(subject, req string) audit.Record {
			return audit.Record{Member: "gfc", Subsystem: "desk", Auth: "key:x", User: "officer-7", Service: "person-basic",
				Subject: subject, Fields: []string{"last_name"}, Purpose: "p", LegalBasis: "b", RequestID: req,
				Decision: audit.Allowed, Status: 200}
		}
		recs, err := log.Append(ctx, rec(n.citizen, "c1"), rec(n.other, "o1"), rec(n.citizen, "c2"))
		if err != nil {
			t.Fatal(err)
		}
		w, _, _ := newWallet(t, st, log)
		acc, err := w.Accesses(ctx, n.citizen, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(acc) != 2 || acc[0].RequestID != "c2" || acc[1].RequestID != "c1" || !acc[0].New {
			t.Fatalf("accesses: %+v; want c2 then c1, new", acc)
		}
		if k, err := w.NewAccesses(ctx, n.citizen); err != nil || k != 2 {
			t.Errorf("new accesses: %d, %v; want 2", k, err)
		}
		if err := w.MarkSeen(ctx, n.citizen, acc[0].Index); err != nil {
			t.Fatal(err)
		}
		if k, _ := w.NewAccesses(ctx, n.citizen); k != 0 {
			t.Errorf("new accesses after seeing them: %d; want 0", k)
		}
		if err := w.MarkSeen(ctx, n.citizen, 0); err != nil {
			t.Fatal(err)
		}
		if k, _ := w.NewAccesses(ctx, n.citizen); k != 0 {
			t.Errorf("an older mark brought back %d accesses as new", k)
		}

		r, err := w.Receipt(ctx, n.citizen, recs[2].Index)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Verify(verifier); err != nil {
			t.Errorf("own receipt: %v", err)
		}
		if _, err := w.Receipt(ctx, n.citizen, recs[1].Index); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another person's receipt: %v; want ErrNotFound", err)
		}
		if _, err := w.Receipt(ctx, n.citizen, 999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a receipt past the log's end: %v; want ErrNotFound", err)
		}
	})
}

// TestSignInCodeLimitRaces asks for codes for one IIN from 20 requests at
// once: exactly CodeLimit of them may send one, on either database.
// Counting the codes sent and storing a new one used to be two steps, and
// requests racing between them each sent a code.
func TestSignInCodeLimitRaces(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		n := newCorrectionNation(t, st)
		w, p, _ := newWalletWith(t, st, nil, wallet.Options{CodeLimit: 3, CodeClientLimit: 1000})
		const requests = 20
		var (
			wg      sync.WaitGroup
			start   = make(chan struct{})
			mu      sync.Mutex
			sent    int
			limited int
		)
		for i := range requests {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := w.SendCode(ctx, n.citizen, fmt.Sprintf("192.0.2.%d", i), browser, "en")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					sent++
				case errors.Is(err, wallet.ErrRateLimited):
					limited++
				default:
					t.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if sent != 3 || limited != requests-3 || p.count() != 3 {
			t.Errorf("%d parallel requests for one IIN: %d challenges, %d refused, %d texts; want 3, %d, 3",
				requests, sent, limited, p.count(), requests-3)
		}
	})
}

// TestSignInCodeLimitsPerClientAndInAll checks the limits beyond the one
// per IIN: one address cycling through IINs, known or not, is stopped
// after CodeClientLimit codes while others go on; past CodeTotalLimit
// everyone is stopped; the window's end lifts both.
func TestSignInCodeLimitsPerClientAndInAll(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		newCorrectionNation(t, st)
		w, _, clk := newWalletWith(t, st, nil, wallet.Options{CodeClientLimit: 4, CodeTotalLimit: 6})
		serial := 0
		ask := func(client string) error {
			serial++
			_, err := w.SendCode(ctx, correctionIIN(t, "1990-01-01", 1, 100+serial), client, browser, "en")
			return err
		}
		for i := range 4 {
			if err := ask(here); err != nil {
				t.Fatalf("code %d from one address: %v", i+1, err)
			}
		}
		if err := ask(here); !errors.Is(err, wallet.ErrRateLimited) {
			t.Errorf("a 5th IIN from one address: %v; want ErrRateLimited", err)
		}
		// An IPv6 subscriber's /64 is one client, whichever address in it.
		for i, client := range []string{"[2001:db8:1:2::10]:5000", "[2001:db8:1:2:ffff::1]:5001"} {
			if err := ask(wallet.ClientOf(client)); err != nil {
				t.Fatalf("code %d from another address: %v", i+1, err)
			}
		}
		if err := ask("198.51.100.7"); !errors.Is(err, wallet.ErrRateLimited) {
			t.Errorf("a 7th code in all, from a fresh address: %v; want ErrRateLimited", err)
		}
		clk.t = clk.t.Add(16 * time.Minute)
		if err := ask(here); err != nil {
			t.Errorf("a code after the window: %v", err)
		}
	})
}

// TestClientOf keys clients by address, IPv6 by its /64.
func TestClientOf(t *testing.T) {
	for _, tc := range []struct{ remote, want string }{
		{"192.0.2.1:1234", "192.0.2.1"},
		{"[::ffff:192.0.2.1]:1234", "192.0.2.1"},
		{"[2001:db8:1:2:3:4:5:6]:443", "2001:db8:1:2::/64"},
		{"[2001:db8:1:2::]:443", "2001:db8:1:2::/64"},
		{"not an address", "not an address"},
	} {
		if got := wallet.ClientOf(tc.remote); got != tc.want {
			t.Errorf("ClientOf(%q) = %q; want %q", tc.remote, got, tc.want)
		}
	}
}
