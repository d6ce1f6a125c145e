package exchange

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// mustIIN makes a valid IIN for tests.
func mustIIN(tb testing.TB, serial int) string {
	tb.Helper()
	iin, _, err := kz.MakeIIN(time.Date(1985, 3, 14, 0, 0, 0, 0, time.UTC), kz.Female, serial)
	if err != nil {
		tb.Fatal(err)
	}
	return iin
}

// mustExchange opens an Exchange on st with the demo registry seeded.
func mustExchange(tb testing.TB, st *store.Store, opts Options) *Exchange {
	tb.Helper()
	ctx := context.Background()
	x, err := New(ctx, st, opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(x.Close)
	if err := SeedDemo(ctx, x); err != nil {
		tb.Fatal(err)
	}
	return x
}

// mustKey creates an API key and authenticates with it.
func mustKey(tb testing.TB, x *Exchange, member, subsystem string, scopes ...string) (Client, string, string) {
	tb.Helper()
	token, id, err := x.CreateKey(context.Background(), member, subsystem, scopes)
	if err != nil {
		tb.Fatal(err)
	}
	c, err := x.AuthenticateKey(token)
	if err != nil {
		tb.Fatal(err)
	}
	return c, token, id
}

// wantRefusal fails unless err is a *Refusal with status and code.
func wantRefusal(tb testing.TB, err error, status int, code string) *Refusal {
	tb.Helper()
	var ref *Refusal
	if !errors.As(err, &ref) {
		tb.Fatalf("error %v (%T), want refusal %d %s", err, err, status, code)
	}
	if ref.Status != status || ref.Code != code {
		tb.Fatalf("refusal %d %s (%s), want %d %s", ref.Status, ref.Code, ref.Detail, status, code)
	}
	return ref
}

func TestDecide(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	consented := map[string]bool{}
	broken := mustIIN(t, 3)
	x := mustExchange(t, st, Options{Consent: func(_ context.Context, subject string, c Client, service, purpose string, fields []string) ([]string, bool, error) {
		if subject == broken {
			return nil, false, errors.New("consent registry down")
		}
		return fields, consented[subject] && c.Member == "gfc" && service == "person-basic" && purpose == "identity-verification", nil
	}})
	gfc, _, _ := mustKey(t, x, "gfc", "benefit-desk")
	mlspWide, _, _ := mustKey(t, x, "mlsp", "")
	auditOnly, _, _ := mustKey(t, x, "gfc", "benefit-desk", ScopeAudit)
	iin, other := mustIIN(t, 1), mustIIN(t, 2)
	consented[iin] = true

	base := Request{Client: gfc, ClientID: "gfc/benefit-desk", Service: "person-basic", Keys: []string{iin},
		Purpose: "social-benefit-eligibility", LegalBasis: "social-code-art-11", User: "operator-17", RequestID: "req-1"}
	many := make([]string, MaxBatch+1)
	for i := range many {
		many[i] = iin
	}
	tests := []struct {
		name   string
		edit   func(r *Request)
		status int
		code   string
		detail string // a part of the detail
	}{
		{"no client header", func(r *Request) { r.ClientID = "" }, 400, CodeBadRequest, "Ortaq-Client"},
		{"malformed client header", func(r *Request) { r.ClientID = "gfc" }, 400, CodeBadRequest, "Ortaq-Client"},
		{"no purpose header", func(r *Request) { r.Purpose = "" }, 400, CodeBadRequest, "Ortaq-Purpose"},
		{"no basis header", func(r *Request) { r.LegalBasis = "" }, 400, CodeBadRequest, "Ortaq-Legal-Basis"},
		{"malformed basis header", func(r *Request) { r.LegalBasis = "Art 8!" }, 400, CodeBadRequest, "Ortaq-Legal-Basis"},
		{"no user header", func(r *Request) { r.User = "" }, 400, CodeBadRequest, "Ortaq-User"},
		{"control character in user", func(r *Request) { r.User = "a\nb" }, 400, CodeBadRequest, "Ortaq-User"},
		{"no request id", func(r *Request) { r.RequestID = "" }, 400, CodeBadRequest, "Ortaq-Request-Id"},
		{"no key", func(r *Request) { r.Keys = nil }, 400, CodeBadRequest, "no key"},
		{"bad IIN check digit", func(r *Request) { r.Keys = []string{iin[:11] + string('0'+(iin[11]-'0'+1)%10)} }, 400, CodeBadKey, "IIN"},
		{"bad key before mismatch", func(r *Request) { r.Keys = []string{"12"}; r.ClientID = "kgd/tax-audit" }, 400, CodeBadKey, "IIN"},
		{"bad tag", func(r *Request) { r.Service = "animal-by-tag"; r.Keys = []string{"KZ-01"} }, 400, CodeBadKey, "tag"},
		{"batch too large", func(r *Request) { r.Keys = many }, 400, CodeBadRequest, "at most 100"},
		{"other member", func(r *Request) { r.ClientID = "kgd/tax-audit" }, 403, CodeClientMismatch, "kgd"},
		{"other subsystem", func(r *Request) { r.ClientID = "gfc/other" }, 403, CodeClientMismatch, "other"},
		{"member-wide key, missing subsystem", func(r *Request) { r.Client = mlspWide; r.ClientID = "mlsp/nope" }, 403, CodeClientMismatch, "nope"},
		{"key without exchange scope", func(r *Request) { r.Client = auditOnly }, 403, CodeClientMismatch, "scope"},
		{"unknown service", func(r *Request) { r.Service = "person-secrets" }, 404, CodeUnknownService, "person-secrets"},
		{"no right", func(r *Request) { r.Purpose = "tax-audit"; r.LegalBasis = "tax-code-art-26" }, 403, CodeNoRight, "tax-audit"},
		{"member-wide key, no right for that subsystem", func(r *Request) { r.Client = mlspWide; r.ClientID = "mlsp/disability-register" }, 403, CodeNoRight, "mlsp/disability-register"},
		{"unknown basis", func(r *Request) { r.LegalBasis = "made-up-law" }, 403, CodeUnknownLegalBasis, "made-up-law"},
		{"basis does not allow purpose", func(r *Request) { r.LegalBasis = "tax-code-art-26" }, 403, CodePurposeNotAllowed, "social-benefit-eligibility"},
		{"consent basis does not allow medical care", func(r *Request) {
			r.Service, r.Purpose, r.LegalBasis = "person-health-attachment", "medical-care", "pd-law-art-8-consent"
			r.Client, r.ClientID = mustClient(t, x, "moh", "health-cards"), "moh/health-cards"
		}, 403, CodePurposeNotAllowed, "medical-care"},
		{"unknown field", func(r *Request) { r.Fields = []string{"last_name", "shoe_size"} }, 400, CodeUnknownField, "shoe_size"},
		{"field outside the basis", func(r *Request) { r.Fields = []string{"last_name", "phone", "email"} }, 403, CodeFieldNotAllowed, "phone, email"},
		{"consent missing", func(r *Request) {
			r.Purpose, r.LegalBasis, r.Keys = "identity-verification", "pd-law-art-8-consent", []string{iin, other}
		}, 403, CodeConsentRequired, other},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := base
			tt.edit(&req)
			_, err := x.Decide(ctx, req)
			ref := wantRefusal(t, err, tt.status, tt.code)
			if !strings.Contains(ref.Detail, tt.detail) {
				t.Errorf("detail %q does not mention %q", ref.Detail, tt.detail)
			}
		})
	}

	t.Run("service not covered", func(t *testing.T) {
		// A basis that allows the purpose but lists other services.
		if err := x.PutLegalBasis(ctx, LegalBasis{Code: "narrow", Law: "Test law", Article: "art. 1",
			Purposes: []string{"social-benefit-eligibility"}, Services: []string{"person-income"}, Fields: []string{"last_name"}}); err != nil {
			t.Fatal(err)
		}
		req := base
		req.LegalBasis = "narrow"
		_, err := x.Decide(ctx, req)
		wantRefusal(t, err, 403, CodeServiceNotCovered)
	})

	t.Run("granted", func(t *testing.T) {
		g, err := x.Decide(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"last_name", "first_name", "middle_name", "birth_date", "sex", "region", "address", "death_date"}
		if strings.Join(g.Fields, ",") != strings.Join(want, ",") || g.Client.Subsystem != "benefit-desk" || g.Basis.Code != "social-code-art-11" {
			t.Fatalf("grant %+v", g)
		}
		req := base
		req.Fields = []string{"birth_date", "last_name", "birth_date"}
		if g, err = x.Decide(ctx, req); err != nil || strings.Join(g.Fields, ",") != "birth_date,last_name" {
			t.Fatalf("asked fields: %v, %v", g.Fields, err)
		}
	})

	t.Run("member-wide key speaks for a subsystem", func(t *testing.T) {
		req := base
		req.Client, req.ClientID = mlspWide, "mlsp/social-benefits"
		g, err := x.Decide(ctx, req)
		if err != nil || g.Client.Subsystem != "social-benefits" || g.Client.Auth != mlspWide.Auth {
			t.Fatalf("grant %+v, %v", g.Client, err)
		}
	})

	t.Run("consent given", func(t *testing.T) {
		req := base
		req.Purpose, req.LegalBasis = "identity-verification", "pd-law-art-8-consent"
		if _, err := x.Decide(ctx, req); err != nil {
			t.Fatal(err)
		}
		req.Keys = []string{broken}
		if _, err := x.Decide(ctx, req); err == nil || errors.As(err, new(*Refusal)) {
			t.Fatalf("failing consent check: %v, want an internal error", err)
		}
	})

	t.Run("no consent checker", func(t *testing.T) {
		y := mustExchange(t, st, Options{})
		req := base
		req.Purpose, req.LegalBasis = "identity-verification", "pd-law-art-8-consent"
		_, err := y.Decide(ctx, req)
		wantRefusal(t, err, 403, CodeConsentRequired)
	})

	t.Run("revoked right applies at once", func(t *testing.T) {
		r := Right{Member: "gfc", Subsystem: "benefit-desk", Service: "person-basic", Purpose: "social-benefit-eligibility"}
		if err := x.Revoke(ctx, r); err != nil {
			t.Fatal(err)
		}
		_, err := x.Decide(ctx, base)
		wantRefusal(t, err, 403, CodeNoRight)
		wantRefusal(t, x.Revoke(ctx, r), 404, CodeNotFound)
		if err := x.Grant(ctx, r); err != nil {
			t.Fatal(err)
		}
		if _, err := x.Decide(ctx, base); err != nil {
			t.Fatal(err)
		}
	})
}

func mustClient(tb testing.TB, x *Exchange, member, subsystem string) Client {
	tb.Helper()
	c, _, _ := mustKey(tb, x, member, subsystem)
	return c
}

func TestAuthenticateKey(t *testing.T) {
	ctx := context.Background()
	x := mustExchange(t, storetest.SQLite(t), Options{})
	c, token, id := mustKey(t, x, "kgd", "tax-audit", ScopeExchange, ScopeAudit)
	if c.Member != "kgd" || c.Subsystem != "tax-audit" || c.Auth != "key:"+id || !c.Can(ScopeAudit) || c.Can(ScopeAdmin) {
		t.Fatalf("client %+v", c)
	}
	wrong := token[:len(token)-1] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", token[len(token)-1])+1)%16])
	for name, tok := range map[string]string{
		"empty": "", "no prefix": strings.TrimPrefix(token, "ortaq_"), "short": token[:20], "upper case": strings.ToUpper(token),
		"unknown id": "ortaq_0000000000000000_" + token[len(token)-64:], "wrong secret": wrong,
	} {
		_, err := x.AuthenticateKey(tok)
		wantRefusal(t, err, 401, CodeUnauthenticated)
		_ = name
	}
	if err := x.RevokeKey(ctx, id); err != nil {
		t.Fatal(err)
	}
	_, err := x.AuthenticateKey(token)
	wantRefusal(t, err, 401, CodeRevoked)
	wantRefusal(t, x.RevokeKey(ctx, "ffffffffffffffff"), 404, CodeNotFound)

	_, _, err = x.CreateKey(ctx, "kgd", "tax-audit", []string{"root"})
	wantRefusal(t, err, 400, CodeBadRequest)
	_, _, err = x.CreateKey(ctx, "kgd", "nope", nil)
	wantRefusal(t, err, 404, CodeNotFound)
	_, _, err = x.CreateKey(ctx, "nope", "", nil)
	wantRefusal(t, err, 404, CodeNotFound)
}

func TestAuthenticateCert(t *testing.T) {
	ctx := context.Background()
	x := mustExchange(t, storetest.SQLite(t), Options{})
	ca, err := InitCA(t.TempDir(), "test CA")
	if err != nil {
		t.Fatal(err)
	}
	_, _, cert, err := ca.IssueClient("moa", "vet-service", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, err = x.AuthenticateCert(cert)
	wantRefusal(t, err, 401, CodeUnauthenticated)
	if err := x.RegisterCert(ctx, cert); err != nil {
		t.Fatal(err)
	}
	c, err := x.AuthenticateCert(cert)
	if err != nil {
		t.Fatal(err)
	}
	if c.Member != "moa" || c.Subsystem != "vet-service" || c.Auth != "cert:"+cert.SerialNumber.Text(16) || !c.Can(ScopeExchange) || c.Can(ScopeAudit) {
		t.Fatalf("client %+v", c)
	}
	// Serials are accepted as people copy them: upper case with colons.
	hexSerial := strings.ToUpper(cert.SerialNumber.Text(16))
	var colons []string
	for i := len(hexSerial); i > 0; i -= 2 {
		colons = append([]string{hexSerial[max(0, i-2):i]}, colons...)
	}
	if err := x.RevokeCert(ctx, strings.Join(colons, ":")); err != nil {
		t.Fatal(err)
	}
	_, err = x.AuthenticateCert(cert)
	wantRefusal(t, err, 401, CodeRevoked)
	wantRefusal(t, x.RevokeCert(ctx, "ab"), 404, CodeNotFound)
	wantRefusal(t, x.RevokeCert(ctx, "xyz"), 400, CodeBadRequest)

	_, _, stranger, err := ca.IssueClient("moa", "no-such-subsystem", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, x.RegisterCert(ctx, stranger), 404, CodeNotFound)
	_, err = x.AuthenticateCert(nil)
	wantRefusal(t, err, 401, CodeUnauthenticated)
}

func TestRateLimit(t *testing.T) {
	ctx := context.Background()
	x := mustExchange(t, storetest.SQLite(t), Options{})
	var now atomic.Int64
	x.now = func() time.Time { return x.epoch.Add(time.Duration(now.Load())) }
	if err := x.PutMember(ctx, Member{Code: "moa", RateLimit: 4}); err != nil {
		t.Fatal(err)
	}
	c, _, _ := mustKey(t, x, "moa", "vet-service")
	req := Request{Client: c, ClientID: "moa/vet-service", Service: "animal-by-tag", Keys: []string{"KZ0100000221"},
		Purpose: "veterinary-control", LegalBasis: "vet-law-art-8", User: "vet-3", RequestID: "r"}
	for i := range 4 {
		if _, err := x.Decide(ctx, req); err != nil {
			t.Fatalf("request %d within the burst: %v", i, err)
		}
	}
	_, err := x.Decide(ctx, req)
	ref := wantRefusal(t, err, 429, CodeRateLimited)
	if ref.RetryAfter != 250*time.Millisecond {
		t.Fatalf("RetryAfter %v, want 250ms", ref.RetryAfter)
	}
	now.Add(int64(250 * time.Millisecond))
	if _, err := x.Decide(ctx, req); err != nil {
		t.Fatalf("after RetryAfter: %v", err)
	}
	wantRefusal(t, errOf(x.Decide(ctx, req)), 429, CodeRateLimited)
	// The bucket survives a reload: reloading must not grant a fresh burst.
	if err := x.reload(ctx); err != nil {
		t.Fatal(err)
	}
	wantRefusal(t, errOf(x.Decide(ctx, req)), 429, CodeRateLimited)
	// Another member is not held up.
	k, _, _ := mustKey(t, x, "kgd", "tax-audit")
	other := Request{Client: k, ClientID: "kgd/tax-audit", Service: "person-income", Keys: []string{mustIIN(t, 5)},
		Purpose: "tax-audit", LegalBasis: "tax-code-art-26", User: "u", RequestID: "r"}
	if _, err := x.Decide(ctx, other); err != nil {
		t.Fatal(err)
	}
}

func errOf(_ Grant, err error) error { return err }

// TestHiddenCharactersRefused sends each header with a bidirectional
// control, a byte-order mark or NUL in it, and registers titles holding
// one: each is refused with a detail naming the header or title. Ortaq-User
// and titles used to take them, to be shown reordered to the citizen and
// the auditor.
func TestHiddenCharactersRefused(t *testing.T) {
	ctx := context.Background()
	x := mustExchange(t, storetest.SQLite(t), Options{})
	gfc, _, _ := mustKey(t, x, "gfc", "benefit-desk")
	base := Request{Client: gfc, ClientID: "gfc/benefit-desk", Service: "person-basic", Keys: []string{mustIIN(t, 1)},
		Purpose: "social-benefit-eligibility", LegalBasis: "social-code-art-11", User: "operator-17", RequestID: "req-1"}
	for _, tc := range []struct {
		header string
		edit   func(r *Request, bad string)
	}{
		{"Ortaq-Client", func(r *Request, bad string) { r.ClientID = "gfc/benefit" + bad + "desk" }},
		{"Ortaq-Purpose", func(r *Request, bad string) { r.Purpose = bad + "social-benefit-eligibility" }},
		{"Ortaq-Legal-Basis", func(r *Request, bad string) { r.LegalBasis = "social-code-art-11" + bad }},
		{"Ortaq-User", func(r *Request, bad string) { r.User = "operator" + bad + "-17" }},
		{"Ortaq-Request-Id", func(r *Request, bad string) { r.RequestID = "req" + bad + "-1" }},
		{"IIN", func(r *Request, bad string) { r.Keys = []string{bad + r.Keys[0]} }},
	} {
		for _, bad := range []string{"\u202E", "\u2066", "\u200F", "\u061C", "\uFEFF", "\x00"} {
			req := base
			tc.edit(&req, bad)
			_, err := x.Decide(ctx, req)
			var ref *Refusal
			if !errors.As(err, &ref) || ref.Status != 400 || !strings.Contains(ref.Detail, tc.header) {
				t.Errorf("%s with %+q: %v; want a 400 naming %s", tc.header, bad, err, tc.header)
			}
		}
	}
	if _, err := x.Decide(ctx, base); err != nil {
		t.Fatalf("the clean request: %v", err)
	}
	err := x.PutMember(ctx, Member{Code: "m1", Title: Title{"en": "Ministry of \u202EJustice"}})
	var ref *Refusal
	if !errors.As(err, &ref) || ref.Status != 400 || !strings.Contains(ref.Detail, "U+202E") {
		t.Errorf("a title with U+202E: %v; want a 400 naming the character", err)
	}
}

func TestRegistryValidation(t *testing.T) {
	ctx := context.Background()
	x := mustExchange(t, storetest.SQLite(t), Options{})
	for name, err := range map[string]error{
		"bad member code":       x.PutMember(ctx, Member{Code: "Bad Code"}),
		"title language":        x.PutMember(ctx, Member{Code: "m1", Title: Title{"de": "x"}}),
		"negative rate":         x.PutMember(ctx, Member{Code: "m1", RateLimit: -1}),
		"service kind":          x.PutService(ctx, Service{Code: "s1", Member: "moj", Kind: "car", Fields: []string{"a"}}),
		"service key":           x.PutService(ctx, Service{Code: "s1", Member: "moj", Kind: "person", KeyAttr: "phone", Fields: []string{"a"}}),
		"service no fields":     x.PutService(ctx, Service{Code: "s1", Member: "moj", Kind: "person"}),
		"service golden field":  x.PutService(ctx, Service{Code: "s1", Member: "moj", Kind: "person", Fields: []string{"income"}}),
		"service field twice":   x.PutService(ctx, Service{Code: "s1", Member: "moj", Kind: "person", Fields: []string{"sex", "sex"}}),
		"basis without law":     x.PutLegalBasis(ctx, LegalBasis{Code: "b1", Purposes: []string{"tax-audit"}, Fields: []string{"a"}}),
		"basis without purpose": x.PutLegalBasis(ctx, LegalBasis{Code: "b1", Law: "l", Article: "a", Fields: []string{"a"}}),
		"member with services":  x.DeleteMember(ctx, "moj"),
	} {
		var ref *Refusal
		if !errors.As(err, &ref) || ref.Status != 400 || ref.Code != CodeBadRequest || ref.Detail == "" {
			t.Errorf("%s: %v, want a 400 refusal", name, err)
		}
	}
	for name, err := range map[string]error{
		"subsystem of unknown member": x.PutSubsystem(ctx, Subsystem{Member: "nope", Code: "s"}),
		"service of unknown member":   x.PutService(ctx, Service{Code: "s1", Member: "nope", Kind: "person", Fields: []string{"sex"}}),
		"basis with unknown purpose": x.PutLegalBasis(ctx, LegalBasis{Code: "b1", Law: "l", Article: "a", Purposes: []string{"fun"},
			Fields: []string{"a"}}),
		"basis with unknown service": x.PutLegalBasis(ctx, LegalBasis{Code: "b1", Law: "l", Article: "a", Purposes: []string{"tax-audit"},
			Services: []string{"nope"}, Fields: []string{"a"}}),
		"right of unknown subsystem": x.Grant(ctx, Right{Member: "moj", Subsystem: "nope", Service: "person-basic", Purpose: "tax-audit"}),
		"right to unknown service":   x.Grant(ctx, Right{Member: "moj", Subsystem: "civil-registry", Service: "nope", Purpose: "tax-audit"}),
		"right for unknown purpose":  x.Grant(ctx, Right{Member: "moj", Subsystem: "civil-registry", Service: "person-basic", Purpose: "fun"}),
		"delete unknown service":     x.DeleteService(ctx, "nope"),
		"delete unknown basis":       x.DeleteLegalBasis(ctx, "nope"),
		"delete unknown member":      x.DeleteMember(ctx, "nope"),
		"delete unknown subsystem":   x.DeleteSubsystem(ctx, "moj", "nope"),
	} {
		var ref *Refusal
		if !errors.As(err, &ref) || ref.Status != 404 || ref.Code != CodeNotFound {
			t.Errorf("%s: %v, want a 404 refusal", name, err)
		}
	}
}

func TestRegistryChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		x := mustExchange(t, st, Options{})
		// SeedDemo again changes nothing.
		before := len(x.Rights())
		if err := SeedDemo(ctx, x); err != nil {
			t.Fatal(err)
		}
		if len(x.Rights()) != before || len(x.Members()) != len(demoMembers) || len(x.Services()) != len(demoServices) ||
			len(x.Purposes()) != len(demoPurposes) || len(x.LegalBases()) != len(demoBases) {
			t.Fatalf("after a second seed: %d rights (was %d), %d members, %d services, %d purposes, %d bases", len(x.Rights()), before,
				len(x.Members()), len(x.Services()), len(x.Purposes()), len(x.LegalBases()))
		}
		b, ok := x.LegalBasis("pd-law-art-8-consent")
		if !ok || !b.ConsentRequired || b.RetentionDays != 90 || b.Title["kk"] == "" {
			t.Fatalf("basis %+v", b)
		}

		// Another process (a second Exchange, as the CLI) changes the
		// registry; the first sees it after its next reload.
		y, err := New(ctx, st, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer y.Close()
		if err := y.PutMember(ctx, Member{Code: "akimat-almaty", RateLimit: 10, Title: Title{"en": "Almaty akimat"}}); err != nil {
			t.Fatal(err)
		}
		if err := y.PutSubsystem(ctx, Subsystem{Member: "akimat-almaty", Code: "housing"}); err != nil {
			t.Fatal(err)
		}
		if err := x.reload(ctx); err != nil {
			t.Fatal(err)
		}
		ms := x.Members()
		if m := ms[0]; m.Code != "akimat-almaty" || len(m.Subsystems) != 1 || m.Subsystems[0].Code != "housing" {
			t.Fatalf("first member %+v", m)
		}
		// Deleting a member takes its subsystems and rights with it.
		if err := x.DeleteMember(ctx, "gfc"); err != nil {
			t.Fatal(err)
		}
		for _, r := range x.Rights() {
			if r.Member == "gfc" {
				t.Fatalf("right %+v survived its member", r)
			}
		}
		if err := x.DeleteService(ctx, "person-income"); err != nil {
			t.Fatal(err)
		}
		if _, ok := x.Service("person-income"); ok {
			t.Fatal("deleted service still listed")
		}
		if err := x.DeleteLegalBasis(ctx, "tax-code-art-26"); err != nil {
			t.Fatal(err)
		}
		if _, ok := x.LegalBasis("tax-code-art-26"); ok {
			t.Fatal("deleted basis still listed")
		}
	})
}

func TestReloader(t *testing.T) {
	ctx := context.Background()
	st := storetest.SQLite(t)
	x, err := New(ctx, st, Options{ReloadEvery: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	y := mustExchange(t, st, Options{})
	_ = y
	deadline := time.Now().Add(5 * time.Second)
	for len(x.Members()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the reloader did not pick up another process's changes")
		}
		time.Sleep(5 * time.Millisecond)
	}
	x.Close()
	x.Close()
}
