package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

var officialsT0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

func mustAddOfficial(t *testing.T, st *store.Store, o store.Official) store.Official {
	t.Helper()
	if o.Via == "" {
		o.Via = "password"
	}
	if o.CreatedAt.IsZero() {
		o.CreatedAt = officialsT0
	}
	id, err := st.AddOfficial(context.Background(), o)
	if err != nil {
		t.Fatalf("AddOfficial(%s): %v", o.Login, err)
	}
	got, err := st.OfficialByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestOfficialsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		want := store.Official{Login: "mlsp.officer", Name: "Айгүл Сейітова", Agency: "mlsp",
			Roles: []string{"data_officer", "social_worker"}, Via: "password", PasswordHash: "$argon2id$x",
			TOTPSecret: "JBSWY3DPEHPK3PXP", CreatedAt: officialsT0, UpdatedAt: officialsT0}
		got := mustAddOfficial(t, st, want)
		want.ID = got.ID
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("stored official (-want +got):\n%s", diff)
		}
		if _, err := st.AddOfficial(ctx, want); !errors.Is(err, store.ErrExists) {
			t.Errorf("second AddOfficial: %v; want ErrExists", err)
		}
		byLogin, err := st.OfficialByLogin(ctx, "mlsp.officer")
		if err != nil || byLogin.ID != got.ID {
			t.Errorf("OfficialByLogin = %+v, %v", byLogin, err)
		}
		if _, err := st.OfficialByLogin(ctx, "MLSP.OFFICER"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("OfficialByLogin in other case: %v; want ErrNotFound", err)
		}
		mustAddOfficial(t, st, store.Official{Login: "admin", Name: "Admin", Roles: []string{"admin"}})
		all, err := st.Officials(ctx)
		if err != nil || len(all) != 2 || all[0].Login != "admin" {
			t.Errorf("Officials = %+v, %v", all, err)
		}
	})
}

func TestOfficialLockoutAndTOTPStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		o := mustAddOfficial(t, st, store.Official{Login: "kgd.officer", Name: "K", Agency: "kgd", Roles: []string{"data_officer"}})
		for i := 1; i <= 3; i++ {
			locked, err := st.OfficialSignInFailed(ctx, o.ID, 3, 15*time.Minute, officialsT0)
			if err != nil {
				t.Fatal(err)
			}
			if locked != (i == 3) {
				t.Fatalf("failure %d: locked = %t", i, locked)
			}
		}
		got, _ := st.OfficialByID(ctx, o.ID)
		if !got.LockedUntil.Equal(officialsT0.Add(15*time.Minute)) || got.Failures != 0 {
			t.Fatalf("after lockout: locked until %v, failures %d", got.LockedUntil, got.Failures)
		}
		st.OfficialSignInFailed(ctx, o.ID, 3, 15*time.Minute, officialsT0)
		ok, err := st.OfficialSignedIn(ctx, o.ID, 100)
		if err != nil || !ok {
			t.Fatalf("OfficialSignedIn(100) = %t, %v", ok, err)
		}
		// The same step again, or an earlier one, is a replay.
		for _, step := range []int64{100, 99} {
			if ok, err := st.OfficialSignedIn(ctx, o.ID, step); err != nil || ok {
				t.Errorf("OfficialSignedIn(%d) after 100 = %t, %v; want false", step, ok, err)
			}
		}
		got, _ = st.OfficialByID(ctx, o.ID)
		if got.TOTPLastStep != 100 || got.Failures != 0 {
			t.Errorf("after sign-in: last step %d, failures %d", got.TOTPLastStep, got.Failures)
		}
	})
}

func TestOfficialSessionsDisableReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		o := mustAddOfficial(t, st, store.Official{Login: "auditor", Name: "A", Roles: []string{"auditor"}, PasswordHash: "old", TOTPSecret: "OLD"})
		other := mustAddOfficial(t, st, store.Official{Login: "analyst", Name: "B", Roles: []string{"analyst"}})
		sess := func(id int64, h string) store.OfficialSession {
			return store.OfficialSession{IDHash: []byte(h), OfficialID: id, CSRF: "csrf-" + h, CreatedAt: officialsT0,
				SeenAt: officialsT0, ExpiresAt: officialsT0.Add(time.Hour)}
		}
		for _, s := range []store.OfficialSession{sess(o.ID, "a1"), sess(o.ID, "a2"), sess(other.ID, "b1")} {
			if err := st.AddOfficialSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		at := officialsT0.Add(time.Minute)
		if err := st.SetOfficialSessionCase(ctx, []byte("a1"), "CASE-1", "citizen-request", at); err != nil {
			t.Fatal(err)
		}
		if err := st.TouchOfficialSession(ctx, []byte("a1"), at); err != nil {
			t.Fatal(err)
		}
		got, err := st.OfficialSession(ctx, []byte("a1"))
		want := sess(o.ID, "a1")
		want.CaseRef, want.CaseReason, want.CaseAt, want.SeenAt = "CASE-1", "citizen-request", at, at
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("session (-want +got):\n%s", diff)
		}
		if _, err := st.OfficialSession(ctx, []byte("zz")); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown session: %v", err)
		}

		// Reset ends the official's sessions, not others', and unlocks.
		st.OfficialSignInFailed(ctx, o.ID, 1, time.Hour, officialsT0)
		st.OfficialSignedIn(ctx, o.ID, 500)
		if err := st.ResetOfficial(ctx, "auditor", "new", "NEW", at); err != nil {
			t.Fatal(err)
		}
		r, _ := st.OfficialByID(ctx, o.ID)
		if r.PasswordHash != "new" || r.TOTPSecret != "NEW" || r.TOTPLastStep != 0 || !r.LockedUntil.IsZero() || r.Disabled {
			t.Errorf("after reset: %+v", r)
		}
		for h, ended := range map[string]bool{"a1": true, "a2": true, "b1": false} {
			s, _ := st.OfficialSession(ctx, []byte(h))
			if s.EndedAt.IsZero() == ended {
				t.Errorf("session %s ended at %v; want ended %t", h, s.EndedAt, ended)
			}
		}
		if err := st.SetOfficialSessionCase(ctx, []byte("a1"), "X", "quality-review", at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("case on an ended session: %v; want ErrNotFound", err)
		}
		if err := st.ResetOfficial(ctx, "nobody", "h", "s", at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("reset unknown: %v", err)
		}

		if err := st.DisableOfficial(ctx, "analyst", at); err != nil {
			t.Fatal(err)
		}
		if s, _ := st.OfficialSession(ctx, []byte("b1")); s.EndedAt.IsZero() {
			t.Error("disable left the session open")
		}
		if d, _ := st.OfficialByLogin(ctx, "analyst"); !d.Disabled {
			t.Error("not disabled")
		}
		if err := st.DisableOfficial(ctx, "nobody", at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("disable unknown: %v", err)
		}
	})
}

func TestUpsertOIDCOfficial(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		o := store.Official{Login: "a.user", Name: "A", Agency: "mlsp", Roles: []string{"data_officer"}}
		first, err := st.UpsertOIDCOfficial(ctx, o, officialsT0)
		if err != nil || first.Via != "oidc" || first.ID == 0 {
			t.Fatalf("first upsert = %+v, %v", first, err)
		}
		o.Name, o.Roles = "A B", []string{"data_officer", "auditor"}
		later := officialsT0.Add(time.Hour)
		second, err := st.UpsertOIDCOfficial(ctx, o, later)
		if err != nil || second.ID != first.ID || second.Name != "A B" || len(second.Roles) != 2 ||
			!second.UpdatedAt.Equal(later) || !second.CreatedAt.Equal(officialsT0) {
			t.Fatalf("second upsert = %+v, %v", second, err)
		}
		// A disabled official stays disabled.
		if err := st.DisableOfficial(ctx, "a.user", later); err != nil {
			t.Fatal(err)
		}
		if third, err := st.UpsertOIDCOfficial(ctx, o, later); err != nil || !third.Disabled {
			t.Fatalf("upsert of a disabled official = %+v, %v", third, err)
		}
		// A provider cannot take over a local account.
		local := mustAddOfficial(t, st, store.Official{Login: "local", Name: "L", Roles: []string{"admin"}, PasswordHash: "h"})
		if _, err := st.UpsertOIDCOfficial(ctx, store.Official{Login: "local", Name: "X", Roles: []string{"auditor"}}, later); !errors.Is(err, store.ErrExists) {
			t.Fatalf("upsert over a local account: %v; want ErrExists", err)
		}
		if got, _ := st.OfficialByID(ctx, local.ID); got.Name != "L" || got.Via != "password" {
			t.Errorf("local account changed: %+v", got)
		}
		if err := st.ResetOfficial(ctx, "a.user", "h", "s", later); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("reset of an oidc official: %v; want ErrInvalid", err)
		}
	})
}

func TestBreakGlassStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		o := mustAddOfficial(t, st, store.Official{Login: "kgd.officer", Name: "K", Agency: "kgd", Roles: []string{"data_officer"}})
		aud := mustAddOfficial(t, st, store.Official{Login: "auditor", Name: "A", Roles: []string{"auditor"}})
		g := store.BreakGlass{OfficialID: o.ID, Subject: "P000123", Reason: "urgent benefit appeal hearing today", CaseRef: "C-9",
			At: officialsT0, Until: officialsT0.Add(time.Hour)}
		id, err := st.AddBreakGlass(ctx, g)
		if err != nil {
			t.Fatal(err)
		}
		g.ID = id
		for _, tt := range []struct {
			at      time.Time
			subject string
			want    bool
		}{
			{officialsT0, "P000123", true},
			{officialsT0.Add(59 * time.Minute), "P000123", true},
			{officialsT0.Add(time.Hour), "P000123", false},
			{officialsT0.Add(-time.Second), "P000123", false},
			{officialsT0, "P000124", false},
		} {
			got, ok, err := st.ActiveBreakGlass(ctx, o.ID, tt.subject, tt.at)
			if err != nil || ok != tt.want || ok && got.ID != id {
				t.Errorf("ActiveBreakGlass(%s, %v) = %+v, %t, %v; want %t", tt.subject, tt.at, got, ok, err, tt.want)
			}
		}
		pending, err := st.BreakGlassList(ctx, true, 10)
		if err != nil || len(pending) != 1 {
			t.Fatalf("pending = %+v, %v", pending, err)
		}
		if diff := cmp.Diff(g, pending[0]); diff != "" {
			t.Errorf("listed (-want +got):\n%s", diff)
		}
		at := officialsT0.Add(2 * time.Hour)
		if err := st.ReviewBreakGlass(ctx, id, aud.ID, "unjustified", "no case on file", at); err != nil {
			t.Fatal(err)
		}
		if err := st.ReviewBreakGlass(ctx, id, aud.ID, "justified", "", at); !errors.Is(err, store.ErrReviewed) {
			t.Errorf("second review: %v; want ErrReviewed", err)
		}
		if err := st.ReviewBreakGlass(ctx, id+100, aud.ID, "justified", "", at); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("review of unknown: %v; want ErrNotFound", err)
		}
		if pending, _ := st.BreakGlassList(ctx, true, 10); len(pending) != 0 {
			t.Errorf("still pending: %+v", pending)
		}
		all, _ := st.BreakGlassList(ctx, false, 10)
		if len(all) != 1 || all[0].ReviewerID != aud.ID || all[0].Verdict != "unjustified" || !all[0].ReviewedAt.Equal(at) {
			t.Errorf("reviewed = %+v", all)
		}
		// An access found unjustified is closed at once.
		if _, ok, _ := st.ActiveBreakGlass(ctx, o.ID, "P000123", officialsT0); ok {
			t.Error("an unjustified access is still active")
		}
	})
}
