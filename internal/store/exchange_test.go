package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

func TestExchangeRegistryRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		must(st.PutExchangeMember(ctx, store.ExchangeMember{Code: "mlsp", Title: map[string]string{"en": "Labour", "kk": "Еңбек"}, RateLimit: 5}))
		must(st.PutExchangeMember(ctx, store.ExchangeMember{Code: "gfc"}))
		// An update keeps the subsystems and replaces title and limit.
		must(st.PutExchangeSubsystem(ctx, store.ExchangeSubsystem{Member: "mlsp", Code: "benefits", Title: map[string]string{"ru": "Выплаты"}}))
		must(st.PutExchangeMember(ctx, store.ExchangeMember{Code: "mlsp", Title: map[string]string{"en": "Ministry of Labour"}, RateLimit: 50}))
		must(st.PutExchangeSubsystem(ctx, store.ExchangeSubsystem{Member: "gfc", Code: "desk"}))
		if err := st.PutExchangeSubsystem(ctx, store.ExchangeSubsystem{Member: "nope", Code: "x"}); err == nil {
			t.Fatal("subsystem of a missing member stored")
		}
		must(st.PutExchangeService(ctx, store.ExchangeService{Code: "person-income", Member: "mlsp", Kind: "person", KeyAttr: "national_id",
			Source: "tax_incomes", Fields: []string{"period", "income"}, Title: map[string]string{"en": "Incomes"}}))
		must(st.PutExchangePurpose(ctx, store.ExchangePurpose{Code: "eligibility", Title: map[string]string{"kk": "Құқық"}}))
		must(st.PutLegalBasis(ctx, store.LegalBasisRow{Code: "social-code", Law: "Social Code", Article: "art. 11",
			Purposes: []string{"eligibility"}, Fields: []string{"income"}, ConsentRequired: true, RetentionDays: 30}))
		must(st.PutAccessRight(ctx, store.AccessRight{Member: "gfc", Subsystem: "desk", Service: "person-income", Purpose: "eligibility"}))
		must(st.PutAccessRight(ctx, store.AccessRight{Member: "gfc", Subsystem: "desk", Service: "person-income", Purpose: "eligibility"}))
		notAfter := time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC)
		must(st.PutClientCertificate(ctx, store.ClientCertificate{Serial: "ab12", Member: "gfc", Subsystem: "desk", Subject: "CN=desk,O=gfc",
			NotAfter: notAfter, IssuedAt: notAfter.AddDate(-1, 0, 0)}))
		if err := st.PutClientCertificate(ctx, store.ClientCertificate{Serial: "ab12", Member: "gfc", Subsystem: "desk"}); err == nil {
			t.Fatal("a serial was recorded twice")
		}
		must(st.PutAPIKey(ctx, store.APIKey{ID: "k1", Hash: "00ff", Member: "gfc", Scopes: []string{"audit", "exchange"}, CreatedAt: notAfter}))

		got, err := st.ExchangeRegistry(ctx)
		must(err)
		want := store.ExchangeRegistry{
			Members: []store.ExchangeMember{{Code: "gfc", Title: map[string]string{}},
				{Code: "mlsp", Title: map[string]string{"en": "Ministry of Labour"}, RateLimit: 50}},
			Subsystems: []store.ExchangeSubsystem{{Member: "gfc", Code: "desk", Title: map[string]string{}},
				{Member: "mlsp", Code: "benefits", Title: map[string]string{"ru": "Выплаты"}}},
			Services: []store.ExchangeService{{Code: "person-income", Member: "mlsp", Kind: "person", KeyAttr: "national_id",
				Source: "tax_incomes", Fields: []string{"period", "income"}, Title: map[string]string{"en": "Incomes"}}},
			Purposes: []store.ExchangePurpose{{Code: "eligibility", Title: map[string]string{"kk": "Құқық"}}},
			LegalBases: []store.LegalBasisRow{{Code: "social-code", Title: map[string]string{}, Law: "Social Code", Article: "art. 11",
				Purposes: []string{"eligibility"}, Services: []string{}, Fields: []string{"income"}, ConsentRequired: true, RetentionDays: 30}},
			Rights: []store.AccessRight{{Member: "gfc", Subsystem: "desk", Service: "person-income", Purpose: "eligibility"}},
			Certificates: []store.ClientCertificate{{Serial: "ab12", Member: "gfc", Subsystem: "desk", Subject: "CN=desk,O=gfc",
				NotAfter: notAfter, IssuedAt: notAfter.AddDate(-1, 0, 0)}},
			Keys: []store.APIKey{{ID: "k1", Hash: "00ff", Member: "gfc", Scopes: []string{"audit", "exchange"}, CreatedAt: notAfter}},
		}
		ignore := cmp.Options{
			cmpopts.IgnoreFields(store.ExchangeMember{}, "CreatedAt"), cmpopts.IgnoreFields(store.ExchangeSubsystem{}, "CreatedAt"),
			cmpopts.IgnoreFields(store.ExchangeService{}, "CreatedAt"), cmpopts.IgnoreFields(store.LegalBasisRow{}, "CreatedAt"),
			cmpopts.IgnoreFields(store.AccessRight{}, "GrantedAt"),
		}
		if d := cmp.Diff(want, got, ignore); d != "" {
			t.Fatalf("registry (-want +got):\n%s", d)
		}
		if got.Members[0].CreatedAt.IsZero() || got.Rights[0].GrantedAt.IsZero() {
			t.Fatal("creation times not kept")
		}

		at := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
		must(st.RevokeClientCertificate(ctx, "ab12", at))
		must(st.RevokeClientCertificate(ctx, "ab12", at.Add(time.Hour)))
		must(st.RevokeAPIKey(ctx, "k1", at))
		for name, err := range map[string]error{
			"revoke unknown cert":   st.RevokeClientCertificate(ctx, "ffff", at),
			"revoke unknown key":    st.RevokeAPIKey(ctx, "nope", at),
			"delete unknown right":  st.DeleteAccessRight(ctx, store.AccessRight{Member: "gfc", Subsystem: "desk", Service: "x", Purpose: "y"}),
			"delete unknown basis":  st.DeleteLegalBasis(ctx, "nope"),
			"delete unknown member": st.DeleteExchangeMember(ctx, "nope"),
		} {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s: %v, want ErrNotFound", name, err)
			}
		}
		got, err = st.ExchangeRegistry(ctx)
		must(err)
		if !got.Certificates[0].RevokedAt.Equal(at) || !got.Keys[0].RevokedAt.Equal(at) {
			t.Fatalf("revoked at %v and %v, want %v (the first revocation)", got.Certificates[0].RevokedAt, got.Keys[0].RevokedAt, at)
		}

		// A member with services cannot go; deleting the subsystem takes
		// its rights, deleting the member its subsystems.
		if err := st.DeleteExchangeMember(ctx, "mlsp"); err == nil {
			t.Fatal("deleted a member that exposes a service")
		}
		must(st.PutAPIKey(ctx, store.APIKey{ID: "k2", Hash: "00ff", Member: "mlsp", Subsystem: "benefits", CreatedAt: notAfter}))
		must(st.PutAPIKey(ctx, store.APIKey{ID: "k3", Hash: "00ff", Member: "mlsp", CreatedAt: notAfter}))
		must(st.DeleteExchangeMember(ctx, "gfc"))
		must(st.DeleteExchangeService(ctx, "person-income"))
		must(st.DeleteLegalBasis(ctx, "social-code"))
		must(st.DeleteExchangeSubsystem(ctx, "mlsp", "benefits"))
		got, err = st.ExchangeRegistry(ctx)
		must(err)
		if len(got.Subsystems) != 0 || len(got.Rights) != 0 || len(got.Services) != 0 || len(got.LegalBases) != 0 || len(got.Members) != 1 {
			t.Fatalf("after deletes: %+v", got)
		}
		// Deleting a member or subsystem revokes its credentials, so that
		// one created again under the same code does not inherit them;
		// a member-wide key outlives a subsystem.
		revoked := map[string]bool{}
		for _, k := range got.Keys {
			revoked[k.ID] = !k.RevokedAt.IsZero()
		}
		if !got.Keys[0].RevokedAt.Equal(at) || !revoked["k2"] || revoked["k3"] || len(got.Keys) != 3 {
			t.Fatalf("keys after deletes: %+v", got.Keys)
		}
	})
}

func TestGoldenByTermAndEntitySourceRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		// Empty stores answer with nothing, not an error; the exchange
		// tests cover both on a real nation.
		rows, err := st.GoldenByTerm(ctx, "animal", "kz0100000221", 5)
		if err != nil || len(rows) != 0 {
			t.Fatalf("GoldenByTerm: %v, %v", rows, err)
		}
		recs, err := st.EntitySourceRecords(ctx, "P000001", "tax_incomes", "kgd")
		if err != nil || len(recs) != 0 {
			t.Fatalf("EntitySourceRecords: %v, %v", recs, err)
		}
		if _, _, err := st.SourceEntity(ctx, "tax_incomes"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("SourceEntity of an unregistered source: %v", err)
		}
	})
}
