package officials

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// testKDF makes hashing cheap in tests that are not about its cost.
var testKDF = kdfParams{time: 1, memory: 64, threads: 1, saltLen: 16, keyLen: 32}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time            { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration)       { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func newClock() *clock                     { return &clock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)} }
func (c *clock) code(secret string) string { s, _ := Code(secret, c.now()); return s }

func newDir(t *testing.T, st *store.Store, c *clock) *Directory {
	t.Helper()
	d := New(st, Options{Now: c.now})
	d.kdf = testKDF
	return d
}

const pw = "correct horse battery"

var (
	mlspOfficer = Official{Login: "mlsp.officer", Name: "Айгүл Сейітова", Agency: "mlsp", Roles: []access.Role{access.DataOfficer}}
	auditor     = Official{Login: "auditor", Name: "Auditor", Roles: []access.Role{access.Auditor}}
	analyst     = Official{Login: "analyst", Name: "Analyst", Roles: []access.Role{access.Analyst}}
)

func mustAdd(t *testing.T, d *Directory, o Official) (Official, string) {
	t.Helper()
	secret, err := d.Add(context.Background(), o, pw)
	if err != nil {
		t.Fatalf("Add(%s): %v", o.Login, err)
	}
	got, err := d.Lookup(context.Background(), o.Login)
	if err != nil {
		t.Fatal(err)
	}
	return got, secret
}

func TestAddValidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDir(t, st, newClock())
		ctx := context.Background()
		ok := mlspOfficer
		for _, tt := range []struct {
			name string
			edit func(o *Official)
			pw   string
		}{
			{"upper-case login", func(o *Official) { o.Login = "Mlsp" }, pw},
			{"login with space", func(o *Official) { o.Login = "a b" }, pw},
			{"empty login", func(o *Official) { o.Login = "" }, pw},
			{"empty name", func(o *Official) { o.Name = "" }, pw},
			{"name with RLO", func(o *Official) { o.Name = "Ali\u202Eecila" }, pw},
			{"name with NUL", func(o *Official) { o.Name = "A\x00B" }, pw},
			{"agency not a code", func(o *Official) { o.Agency = "MLSP; drop" }, pw},
			{"no role", func(o *Official) { o.Roles = nil }, pw},
			{"unknown role", func(o *Official) { o.Roles = []access.Role{"root"} }, pw},
			{"role twice", func(o *Official) { o.Roles = []access.Role{access.DataOfficer, access.DataOfficer} }, pw},
			{"data officer without agency", func(o *Official) { o.Agency = "" }, pw},
			{"short password", nil, "elevenchars"},
		} {
			o := ok
			if tt.edit != nil {
				tt.edit(&o)
			}
			if _, err := d.Add(ctx, o, tt.pw); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: Add = %v; want ErrInvalid", tt.name, err)
			}
		}
		if all, _ := d.List(ctx); len(all) != 0 {
			t.Fatalf("invalid officials were stored: %+v", all)
		}
		got, secret := mustAdd(t, d, ok)
		if len(secret) != 32 || got.Via != ViaPassword || got.ID == 0 || !slices.Equal(got.Roles, ok.Roles) {
			t.Errorf("added %+v with secret %q", got, secret)
		}
		if _, err := d.Add(ctx, ok, pw); !errors.Is(err, ErrExists) {
			t.Errorf("second Add = %v; want ErrExists", err)
		}
		// National roles need no agency.
		mustAdd(t, d, auditor)
	})
}

func TestSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		d := newDir(t, st, c)
		ctx := context.Background()
		o, secret := mustAdd(t, d, mlspOfficer)

		got, err := d.SignIn(ctx, o.Login, pw, c.code(secret))
		if err != nil || got.ID != o.ID || got.Agency != "mlsp" {
			t.Fatalf("SignIn = %+v, %v", got, err)
		}
		// The same code again is a replay, even with the right password.
		if _, err := d.SignIn(ctx, o.Login, pw, c.code(secret)); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("replayed code: %v; want ErrBadCredentials", err)
		}
		c.add(30 * time.Second)
		for _, tt := range []struct{ name, login, pw, code string }{
			{"wrong password", o.Login, pw + "!", c.code(secret)},
			{"wrong code", o.Login, pw, "000000"},
			{"no code", o.Login, pw, ""},
			{"unknown login", "nobody", pw, c.code(secret)},
		} {
			if _, err := d.SignIn(ctx, tt.login, tt.pw, tt.code); !errors.Is(err, ErrBadCredentials) {
				t.Errorf("%s: %v; want ErrBadCredentials", tt.name, err)
			}
		}
		if _, err := d.SignIn(ctx, o.Login, pw, c.code(secret)); err != nil {
			t.Fatalf("sign-in after failures below the limit: %v", err)
		}

		// A disabled official gets the same answer as a wrong password.
		if err := d.Disable(ctx, o.Login); err != nil {
			t.Fatal(err)
		}
		c.add(30 * time.Second)
		if _, err := d.SignIn(ctx, o.Login, pw, c.code(secret)); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("disabled: %v; want ErrBadCredentials", err)
		}
		if err := d.Disable(ctx, "nobody"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Disable(nobody) = %v", err)
		}
	})
}

func TestLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		d := newDir(t, st, c)
		ctx := context.Background()
		o, secret := mustAdd(t, d, mlspOfficer)
		for i := 1; i <= 5; i++ {
			_, err := d.SignIn(ctx, o.Login, "wrong password!", c.code(secret))
			want := ErrBadCredentials
			if i == 5 {
				want = ErrLocked
			}
			if !errors.Is(err, want) {
				t.Fatalf("failure %d: %v; want %v", i, err, want)
			}
		}
		// Locked: even the right password and code are refused.
		if _, err := d.SignIn(ctx, o.Login, pw, c.code(secret)); !errors.Is(err, ErrLocked) {
			t.Fatalf("locked sign-in: %v; want ErrLocked", err)
		}
		c.add(15 * time.Minute)
		if _, err := d.SignIn(ctx, o.Login, pw, c.code(secret)); err != nil {
			t.Fatalf("sign-in after the lockout: %v", err)
		}

		// Reset unlocks at once and replaces both factors.
		for range 5 {
			d.SignIn(ctx, o.Login, "wrong password!", "000000")
		}
		newSecret, err := d.Reset(ctx, o.Login, "a new password, long")
		if err != nil || newSecret == secret {
			t.Fatalf("Reset = %q, %v", newSecret, err)
		}
		c.add(30 * time.Second)
		if _, err := d.SignIn(ctx, o.Login, pw, c.code(newSecret)); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("old password after reset: %v", err)
		}
		if _, err := d.SignIn(ctx, o.Login, "a new password, long", c.code(secret)); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("old TOTP secret after reset: %v", err)
		}
		if _, err := d.SignIn(ctx, o.Login, "a new password, long", c.code(newSecret)); err != nil {
			t.Errorf("new credentials after reset: %v", err)
		}
		if _, err := d.Reset(ctx, "nobody", "a new password, long"); !errors.Is(err, ErrNotFound) {
			t.Errorf("Reset(nobody) = %v", err)
		}
		if _, err := d.Reset(ctx, o.Login, "short"); !errors.Is(err, ErrInvalid) {
			t.Errorf("Reset with a short password = %v", err)
		}
	})
}

// TestSignInTimingHidesLogins checks an unknown login costs an argon2id run
// like a known one: without the dummy hash it answers a hundred times
// faster, which tells an attacker which logins exist.
func TestSignInTimingHidesLogins(t *testing.T) {
	st := storetest.SQLite(t)
	c := newClock()
	d := New(st, Options{Now: c.now}) // the real cost
	ctx := context.Background()
	if _, err := d.Add(ctx, mlspOfficer, pw); err != nil {
		t.Fatal(err)
	}
	d.SignIn(ctx, "warm-up", pw, "000000")
	median := func(login string) time.Duration {
		var ds []time.Duration
		for range 3 {
			start := time.Now()
			if _, err := d.SignIn(ctx, login, "wrong password!", "000000"); !errors.Is(err, ErrBadCredentials) {
				t.Fatalf("SignIn(%s): %v", login, err)
			}
			ds = append(ds, time.Since(start))
		}
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return ds[1]
	}
	known, unknown := median(mlspOfficer.Login), median("no.such.login")
	t.Logf("known login %v, unknown login %v", known, unknown)
	if unknown < known/2 || known < unknown/2 {
		t.Errorf("known login took %v, unknown %v: the time tells them apart", known, unknown)
	}
}

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		d := newDir(t, st, c)
		ctx := context.Background()
		o, _ := mustAdd(t, d, mlspOfficer)
		token, s, err := d.StartSession(ctx, o)
		if err != nil || token == "" || s.CSRF == "" || s.Official.ID != o.ID || !s.Case.At.IsZero() {
			t.Fatalf("StartSession = %q, %+v, %v", token, s, err)
		}
		got, err := d.Session(ctx, token)
		if err != nil || got.Official.Login != o.Login || got.CSRF != s.CSRF {
			t.Fatalf("Session = %+v, %v", got, err)
		}
		if _, err := d.Session(ctx, token+"x"); !errors.Is(err, ErrNoSession) {
			t.Errorf("wrong token: %v", err)
		}
		if _, err := d.Session(ctx, ""); !errors.Is(err, ErrNoSession) {
			t.Errorf("empty token: %v", err)
		}

		// Idle expiry, kept off by use: 29 minutes at a time for 2 hours.
		for range 4 {
			c.add(29 * time.Minute)
			if _, err := d.Session(ctx, token); err != nil {
				t.Fatalf("session used every 29 minutes ended: %v", err)
			}
		}
		c.add(31 * time.Minute)
		if _, err := d.Session(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("idle 31 minutes: %v; want ErrNoSession", err)
		}

		// Absolute expiry, whatever the use.
		token, _, _ = d.StartSession(ctx, o)
		for i := 0; i < 12*60/29; i++ {
			c.add(29 * time.Minute)
			d.Session(ctx, token)
		}
		c.add(29 * time.Minute)
		if _, err := d.Session(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("session older than 12 h: %v; want ErrNoSession", err)
		}

		// Sign-out.
		token, s, _ = d.StartSession(ctx, o)
		if err := d.EndSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Session(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("after EndSession: %v", err)
		}

		// Disabling an official ends their sessions.
		token, _, _ = d.StartSession(ctx, o)
		if err := d.Disable(ctx, o.Login); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Session(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("after Disable: %v", err)
		}
		o.Disabled = true
		if _, _, err := d.StartSession(ctx, o); err == nil {
			t.Error("started a session for a disabled official")
		}
	})
}

// TestSessionOfDisabledOfficialEnds checks Session itself refuses a
// disabled official, whatever disabled them (here the store directly, as
// a second server process would).
func TestSessionOfDisabledOfficialEnds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		d := newDir(t, st, c)
		ctx := context.Background()
		o, _ := mustAdd(t, d, mlspOfficer)
		var token string
		// Disabled by another process: the sessions it ended are open again
		// here, as if it had crashed between the two writes.
		if err := st.DisableOfficial(ctx, o.Login, c.now()); err != nil {
			t.Fatal(err)
		}
		if err := st.AddOfficialSession(ctx, store.OfficialSession{IDHash: tokenHash("late"), OfficialID: o.ID, CSRF: "c",
			CreatedAt: c.now(), SeenAt: c.now(), ExpiresAt: c.now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		token = "late"
		if _, err := d.Session(ctx, token); !errors.Is(err, ErrNoSession) {
			t.Fatalf("session of a disabled official: %v; want ErrNoSession", err)
		}
	})
}

func TestSetCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		d := newDir(t, st, c)
		ctx := context.Background()
		o, _ := mustAdd(t, d, mlspOfficer)
		token, s, _ := d.StartSession(ctx, o)
		for _, bad := range []Case{
			{Ref: "", Reason: "citizen-request"},
			{Ref: strings.Repeat("x", 65), Reason: "citizen-request"},
			{Ref: "CASE\u202E1", Reason: "citizen-request"},
			{Ref: "CASE\u20661", Reason: "citizen-request"},
			{Ref: "CASE\n1", Reason: "citizen-request"},
			{Ref: " CASE-1", Reason: "citizen-request"},
			{Ref: "CASE-1", Reason: "curiosity"},
			{Ref: "CASE-1", Reason: ""},
		} {
			if err := d.SetCase(ctx, &s, bad); !errors.Is(err, ErrInvalid) {
				t.Errorf("SetCase(%+q) = %v; want ErrInvalid", bad, err)
			}
		}
		if err := d.SetCase(ctx, &s, Case{Ref: "ӘЛЕУМ-2025/17", Reason: "social-case"}); err != nil {
			t.Fatal(err)
		}
		if s.Case.Ref != "ӘЛЕУМ-2025/17" || !s.Case.At.Equal(c.now()) {
			t.Errorf("case in session = %+v", s.Case)
		}
		got, _ := d.Session(ctx, token)
		if got.Case.Ref != "ӘЛЕУМ-2025/17" || got.Case.Reason != "social-case" || got.Case.At.IsZero() {
			t.Errorf("stored case = %+v", got.Case)
		}
		for _, code := range ReasonCodes {
			for _, lang := range []string{"kk", "ru", "en"} {
				if ReasonLabels[code][lang] == "" {
					t.Errorf("no %s label for reason %s", lang, code)
				}
			}
		}
		d.EndSession(ctx, s)
		if err := d.SetCase(ctx, &s, Case{Ref: "X", Reason: "social-case"}); !errors.Is(err, ErrNoSession) {
			t.Errorf("SetCase on an ended session = %v; want ErrNoSession", err)
		}
	})
}

func TestBreakGlass(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		d := newDir(t, st, c)
		ctx := context.Background()
		o, _ := mustAdd(t, d, mlspOfficer)
		aud, _ := mustAdd(t, d, auditor)
		an, _ := mustAdd(t, d, analyst)
		_, s, _ := d.StartSession(ctx, o)
		const reason = "Appeal hearing today; the tax record decides the benefit."

		if _, err := d.BreakGlass(ctx, s, "P0000042", reason); !errors.Is(err, ErrNoCase) {
			t.Fatalf("break-glass without a case: %v; want ErrNoCase", err)
		}
		if err := d.SetCase(ctx, &s, Case{Ref: "APPEAL-7", Reason: "citizen-request"}); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []struct{ subject, reason string }{
			{"P0000042", "too short a reason"},
			{"P0000042", "      too short a reason      "},
			{"P0000042", "a long enough reason \u202E hidden"},
			{"", reason},
			{"P 42", reason},
		} {
			if _, err := d.BreakGlass(ctx, s, bad.subject, bad.reason); !errors.Is(err, ErrInvalid) {
				t.Errorf("BreakGlass(%q, %q) = %v; want ErrInvalid", bad.subject, bad.reason, err)
			}
		}
		// An analyst never reads a person, break-glass or not.
		_, as, _ := d.StartSession(ctx, an)
		d.SetCase(ctx, &as, Case{Ref: "X", Reason: "quality-review"})
		if _, err := d.BreakGlass(ctx, as, "P0000042", reason); !errors.Is(err, ErrForbidden) {
			t.Errorf("analyst break-glass: %v; want ErrForbidden", err)
		}

		g, err := d.BreakGlass(ctx, s, "P0000042", reason+"\r\nSecond line.")
		if err != nil {
			t.Fatal(err)
		}
		if g.Case != "APPEAL-7" || g.Official.Login != o.Login || !g.Until.Equal(c.now().Add(time.Hour)) || g.Reviewed ||
			strings.Contains(g.Reason, "\r") {
			t.Errorf("grant = %+v", g)
		}
		if a, ok, err := d.ActiveGrant(ctx, o.ID, "P0000042"); err != nil || !ok || a.ID != g.ID {
			t.Errorf("ActiveGrant = %+v, %t, %v", a, ok, err)
		}
		if _, ok, _ := d.ActiveGrant(ctx, o.ID, "P0000043"); ok {
			t.Error("grant opens another person")
		}
		if _, ok, _ := d.ActiveGrant(ctx, aud.ID, "P0000042"); ok {
			t.Error("grant opens the person to another official")
		}
		c.add(time.Hour)
		if _, ok, _ := d.ActiveGrant(ctx, o.ID, "P0000042"); ok {
			t.Error("grant still open after an hour")
		}

		pending, err := d.Grants(ctx, true, 10)
		if err != nil || len(pending) != 1 || pending[0].ID != g.ID || pending[0].Official.Login != o.Login {
			t.Fatalf("pending grants = %+v, %v", pending, err)
		}
		if err := d.Review(ctx, g.ID, an, Justified, ""); !errors.Is(err, ErrForbidden) {
			t.Errorf("review by an analyst: %v; want ErrForbidden", err)
		}
		if err := d.Review(ctx, g.ID, aud, "fine", ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("review with a bad verdict: %v; want ErrInvalid", err)
		}
		if err := d.Review(ctx, g.ID+99, aud, Justified, ""); !errors.Is(err, ErrNotFound) {
			t.Errorf("review of an unknown grant: %v; want ErrNotFound", err)
		}
		if err := d.Review(ctx, g.ID, aud, Unjustified, "No appeal found under APPEAL-7."); err != nil {
			t.Fatal(err)
		}
		if err := d.Review(ctx, g.ID, aud, Justified, ""); !errors.Is(err, ErrReviewed) {
			t.Errorf("second review: %v; want ErrReviewed", err)
		}
		if pending, _ := d.Grants(ctx, true, 10); len(pending) != 0 {
			t.Errorf("reviewed grant still pending: %+v", pending)
		}
		all, _ := d.Grants(ctx, false, 10)
		if len(all) != 1 || !all[0].Reviewed || all[0].Reviewer != "auditor" || all[0].Verdict != Unjustified {
			t.Errorf("reviewed grants = %+v", all)
		}
	})
}

// TestNoSelfReview checks an official who is both auditor and data officer
// cannot approve their own break-glass access.
func TestNoSelfReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		d := newDir(t, st, newClock())
		ctx := context.Background()
		both := Official{Login: "both", Name: "Both", Agency: "kgd", Roles: []access.Role{access.DataOfficer, access.Auditor}}
		o, _ := mustAdd(t, d, both)
		_, s, _ := d.StartSession(ctx, o)
		d.SetCase(ctx, &s, Case{Ref: "K-1", Reason: "data-correction"})
		g, err := d.BreakGlass(ctx, s, "P0000042", "checking an income record of an mlsp client")
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Review(ctx, g.ID, o, Justified, ""); !errors.Is(err, ErrForbidden) {
			t.Fatalf("self-review: %v; want ErrForbidden", err)
		}
	})
}

func TestPrincipal(t *testing.T) {
	o := Official{Agency: "mlsp", Roles: []access.Role{access.DataOfficer}}
	if access.Decide(o.Principal(), access.ReadPerson, "mlsp") != access.Allow {
		t.Error("data officer refused their own agency's person")
	}
	o.Disabled = true
	if access.Decide(o.Principal(), access.ReadPerson, "mlsp") != access.Deny {
		t.Error("disabled official allowed")
	}
}

// TestCodeSignsInOnce races sign-ins with one code: exactly one wins.
func TestCodeSignsInOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		c := newClock()
		d := newDir(t, st, c)
		ctx := context.Background()
		o, secret := mustAdd(t, d, mlspOfficer)
		code := c.code(secret)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 4 {
			wg.Go(func() {
				if _, err := d.SignIn(ctx, o.Login, pw, code); err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				} else if !errors.Is(err, ErrBadCredentials) {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("%d sign-ins with one code succeeded; want 1", wins)
		}
	})
}
