package consent

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func newRegistry(t *testing.T, st *store.Store) (*Registry, note.Verifier) {
	t.Helper()
	signer, verifier, err := audit.LoadOrCreateKey(filepath.Join(t.TempDir(), "key"), "test.ortaq/consent")
	if err != nil {
		t.Fatal(err)
	}
	return New(st, signer), verifier
}

var (
	day    = 24 * time.Hour
	start  = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	client = exchange.Client{Member: "bank", Subsystem: "loans"}
)

func grant(t *testing.T, r *Registry, frequency string, services ...string) Signed {
	t.Helper()
	s, err := r.Grant(context.Background(), Artefact{Subject: "850314400123", Member: "bank", Purpose: "loan-check",
		Services: services, Fields: []string{"income"}, ValidFrom: start, ValidUntil: start.Add(90 * day),
		Frequency: frequency, RetentionDays: 30}, "subject")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func allows(t *testing.T, r *Registry, c exchange.Client, service, purpose string) bool {
	t.Helper()
	_, ok, err := r.Allows(context.Background(), "850314400123", c, service, purpose, []string{"national_id", "income"})
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestLifecycle walks a consent through its statuses and checks that each
// change decides the very next query.
func TestLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r, verifier := newRegistry(t, st)
		r.now = func() time.Time { return start.Add(day) }
		c := grant(t, r, Periodic, "person-income")

		steps := []struct {
			name   string
			change func() (Signed, error)
			want   bool
		}{
			{"granted", nil, true},
			{"paused", func() (Signed, error) { return r.Pause(ctx, c.ID, "subject", "on holiday") }, false},
			{"resumed", func() (Signed, error) { return r.Resume(ctx, c.ID, "subject", "") }, true},
			{"revoked", func() (Signed, error) { return r.Revoke(ctx, c.ID, "subject", "changed my mind") }, false},
		}
		for _, s := range steps {
			if s.change != nil {
				if _, err := s.change(); err != nil {
					t.Fatalf("%s: %v", s.name, err)
				}
			}
			if got := allows(t, r, client, "person-income", "loan-check"); got != s.want {
				t.Errorf("%s: allows %v; want %v", s.name, got, s.want)
			}
		}
		if _, err := r.Resume(ctx, c.ID, "subject", ""); !errors.Is(err, ErrTransition) {
			t.Errorf("resuming a revoked consent: %v; want ErrTransition", err)
		}

		hist, err := r.History(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var statuses []string
		for i, v := range hist {
			statuses = append(statuses, v.Status)
			if v.Version != i+1 {
				t.Errorf("version %d is numbered %d", i+1, v.Version)
			}
			n, err := note.Open([]byte(v.Note), note.VerifierList(verifier))
			if err != nil {
				t.Errorf("version %d: signed note does not verify: %v", v.Version, err)
				continue
			}
			var signed Artefact
			if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimPrefix(n.Text, "ortaq consent v1\n"), "\n")), &signed); err != nil {
				t.Errorf("version %d: signed body: %v", v.Version, err)
			} else if signed.Status != v.Status || signed.Version != v.Version || signed.Subject != v.Subject {
				t.Errorf("version %d: signed %+v, stored %+v", v.Version, signed, v.Artefact)
			}
		}
		if got := strings.Join(statuses, " "); got != "ACTIVE PAUSED ACTIVE REVOKED" {
			t.Errorf("history %s; want ACTIVE PAUSED ACTIVE REVOKED", got)
		}
	})
}

// TestAllowsOnlyWhatWasGiven refuses another consumer, subsystem, purpose
// or service, a one-off consent's second use, and an expired consent.
func TestAllowsOnlyWhatWasGiven(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r, _ := newRegistry(t, st)
		r.now = func() time.Time { return start.Add(day) }
		grant(t, r, Periodic, "person-income")
		cases := []struct {
			name             string
			c                exchange.Client
			service, purpose string
			want             bool
		}{
			{"as given", client, "person-income", "loan-check", true},
			{"any subsystem of the member", exchange.Client{Member: "bank", Subsystem: "cards"}, "person-income", "loan-check", true},
			{"another member", exchange.Client{Member: "other-bank", Subsystem: "loans"}, "person-income", "loan-check", false},
			{"another purpose", client, "person-income", "marketing", false},
			{"another service", client, "person-basic", "loan-check", false},
		}
		for _, tc := range cases {
			if got := allows(t, r, tc.c, tc.service, tc.purpose); got != tc.want {
				t.Errorf("%s: allows %v; want %v", tc.name, got, tc.want)
			}
		}

		once := grant(t, r, OneOff, "person-basic")
		if !allows(t, r, client, "person-basic", "loan-check") {
			t.Error("a one-off consent refuses its first use")
		}
		if allows(t, r, client, "person-basic", "loan-check") {
			t.Error("a one-off consent allows a second use")
		}
		if got, err := r.Get(ctx, once.ID); err != nil || got.Status != Expired || got.ChangedBy != "exchange" {
			t.Errorf("one-off consent after use: %+v, %v; want EXPIRED by the exchange", got.Artefact, err)
		}

		all, err := r.Of(ctx, "850314400123")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 {
			t.Errorf("the subject's consents: %d; want both, each at its latest version", len(all))
		}
		for _, c := range all {
			if c.ID == once.ID && c.Version != 2 {
				t.Errorf("the one-off consent is listed at version %d; want its latest, 2", c.Version)
			}
		}

		r.now = func() time.Time { return start.Add(91 * day) }
		if allows(t, r, client, "person-income", "loan-check") {
			t.Error("an expired consent allows a query")
		}
		if _, err := r.Pause(ctx, once.ID, "subject", ""); !errors.Is(err, ErrTransition) {
			t.Errorf("pausing an expired consent: %v; want ErrTransition", err)
		}
	})
}

// TestGrantRefusesBadConsents names what is wrong with a consent that
// cannot be recorded.
func TestGrantRefusesBadConsents(t *testing.T) {
	r, _ := newRegistry(t, storetest.SQLite(t))
	good := Artefact{Subject: "850314400123", Member: "bank", Purpose: "loan-check", ValidFrom: start,
		ValidUntil: start.Add(day), Frequency: Periodic}
	for _, tc := range []struct {
		name string
		edit func(*Artefact)
		want string
	}{
		{"no subject", func(a *Artefact) { a.Subject = "" }, "no subject"},
		{"no consumer", func(a *Artefact) { a.Member = "" }, "no data consumer"},
		{"no purpose", func(a *Artefact) { a.Purpose = "" }, "no purpose"},
		{"bad frequency", func(a *Artefact) { a.Frequency = "always" }, "frequency"},
		{"ends before it starts", func(a *Artefact) { a.ValidUntil = start.Add(-day) }, "not after"},
	} {
		a := good
		tc.edit(&a)
		if _, err := r.Grant(context.Background(), a, "subject"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want an error naming %q", tc.name, err, tc.want)
		}
	}
}

// TestAllowsNarrowsFields gives the consumer only the fields a consent
// names, and refuses when it names none of those asked for.
func TestAllowsNarrowsFields(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t, storetest.SQLite(t))
	r.now = func() time.Time { return start.Add(day) }
	_, err := r.Grant(ctx, Artefact{Subject: "850314400123", Member: "bank", Purpose: "loan-check",
		Services: []string{"person-income"}, Fields: []string{"income", "period"}, ValidFrom: start,
		ValidUntil: start.Add(90 * day), Frequency: Periodic}, "subject")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		asked  []string
		want   []string
		wantOK bool
	}{
		{"narrowed to the consent", []string{"national_id", "income", "employer", "period"}, []string{"income", "period"}, true},
		{"within the consent", []string{"income"}, []string{"income"}, true},
		{"none of the consent's", []string{"national_id", "employer"}, nil, false},
	} {
		got, ok, err := r.Allows(ctx, "850314400123", client, "person-income", "loan-check", tc.asked)
		if err != nil {
			t.Fatal(err)
		}
		if ok != tc.wantOK || !slices.Equal(got, tc.want) {
			t.Errorf("%s: Allows = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.wantOK)
		}
	}
}
