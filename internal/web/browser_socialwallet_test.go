package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// swMerchantExpect is a merchant's system as e2e/socialwallet.spec.mjs
// calls the API with it.
type swMerchantExpect struct {
	Name   string `json:"name"`
	Key    string `json:"key"`
	Client string `json:"client"` // Ortaq-Client: member/subsystem
}

// socialWalletExpect is what e2e/socialwallet.spec.mjs works with.
type socialWalletExpect struct {
	Citizen  benefitsCitizen  `json:"citizen"`
	Grocery  swMerchantExpect `json:"grocery"`
	Pharmacy swMerchantExpect `json:"pharmacy"`
	Policy   officialExpect   `json:"policy"`
	// Voucher is the food voucher's amount as the Kazakh page writes it;
	// Spend is what the grocery takes of it, as the API sends amounts.
	Voucher string `json:"voucher"`
	Spend   string `json:"spend"`
	// Limit is how the code page shows the pharmacy code's cap of 100 ₸.
	Limit string `json:"limit"`
}

// swClock is the social wallet's clock in the walk, moved past the
// voucher's expiry before the expiry runs.
type swClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *swClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *swClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// TestBrowserSocialWallet runs e2e/socialwallet.spec.mjs, the walk
// in Kazakh on a phone: an АСП family's confirmed offer funded a food
// voucher; the citizen makes a payment code and a grocery's system is
// paid part of the voucher; a pharmacy's system is refused a food code by
// the ledger; the rest expires back to the programme; the citizen reads it
// in plain words and the ministry's policy officer in the figures.
func TestBrowserSocialWallet(t *testing.T) {
	root := browserRoot(t)
	ctx := context.Background()
	d := demoBenefits(t)
	svc := welfareOn(t, d)
	p := newPlatform(t, d.st, 0)
	clock := &swClock{t: time.Now()}
	sw := socialwallet.New(d.st, socialwallet.Options{Now: clock.now,
		Catalog: func() *benefits.Catalog { return svc.Engine().Catalog() }})
	w := wallet.New(d.st, p.log, wallet.Options{CodeLimit: 20})
	srv, _ := mustServe(t, d.st, Options{Exchange: p.x, Audit: p.log, AuditVerifier: p.verify, Wallet: w,
		Consents: p.consents, SMSOutbox: true, Welfare: svc, SocialWallet: sw})

	var e socialWalletExpect
	e.Citizen = aspCitizen(t, d.st)
	for _, l := range []ledger.Ledger{ledger.Cash, ledger.Food} {
		if err := sw.Appropriate(ctx, "asp", l, 10_000_000_000_00, "walk"); err != nil {
			t.Fatal(err)
		}
	}
	month := clock.now().Format("2006-01")
	if _, err := sw.Fund(ctx, month, nil); err != nil {
		t.Fatal(err)
	}
	mw, err := sw.Wallet(ctx, e.Citizen.IIN)
	if err != nil {
		t.Fatal(err)
	}
	var voucher socialwallet.Voucher
	for _, v := range mw.Vouchers {
		if v.Ledger == ledger.Food && v.Month == month {
			voucher = v
		}
	}
	if voucher.Amount == 0 {
		t.Fatalf("the walk's family got no food voucher for %s: %+v", month, mw.Vouchers)
	}
	e.Voucher = view.Locale{Lang: "kk"}.Tenge(voucher.Amount)
	third := voucher.Amount / 3
	e.Spend = fmt.Sprintf("%d.%02d", third/100, third%100)
	e.Limit = view.Locale{Lang: "kk"}.Tenge(100_00)
	register := func(name, member, subsystem string, l ledger.Ledger) swMerchantExpect {
		if _, err := sw.RegisterMerchant(ctx, socialwallet.Merchant{ID: member, Name: name, Region: "almaty",
			Category: l, Member: member, Subsystem: subsystem}); err != nil {
			t.Fatal(err)
		}
		h := srv.key(t, member, exchange.ScopeMerchant)
		return swMerchantExpect{Name: name, Key: h[1][len("Bearer "):], Client: member + "/" + subsystem}
	}
	e.Grocery = register("Magnum, Алматы", "grocery", "pos", ledger.Food)
	e.Pharmacy = register("Дәріхана №5", "pharmacy", "till", ledger.Medicine)
	e.Policy = browserOfficial(t, srv.officials, svc.Agency(), access.PolicyOfficer)

	// The walk's server: the platform, and the expiry the minute tick runs,
	// at a moment past the voucher's last day.
	mux := http.NewServeMux()
	mux.HandleFunc("POST /test/expire", func(rw http.ResponseWriter, r *http.Request) {
		clock.set(voucher.ExpiresAt.Add(time.Minute))
		if _, _, err := sw.Expire(r.Context(), clock.now()); err != nil {
			http.Error(rw, err.Error(), http.StatusInternalServerError)
		}
	})
	mux.Handle("/", srv.Handler())
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	runSpec(t, root, "socialwallet.spec.mjs", ts.URL, filepath.Join(root, "test-output", "browser", "socialwallet"), e)

	after, err := sw.Wallet(ctx, e.Citizen.IIN)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range after.Vouchers {
		if v.Account == voucher.Account && (v.State != "expired" || v.Returned == 0 || v.Spent == 0) {
			t.Errorf("after the walk the voucher is %+v; want spent in part and the rest returned", v)
		}
	}
}

// aspCitizen finds a citizen with a phone who was offered АСП, accepts the
// offer for them and confirms it as an officer would.
func aspCitizen(t *testing.T, st *store.Store) benefitsCitizen {
	t.Helper()
	ctx := context.Background()
	ids, err := st.SampleNationalIDs(ctx, demoPeople)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, iin := range ids {
		phone, err := wallet.PhoneOf(ctx, st, iin)
		if err != nil || phone == "" {
			continue
		}
		offers, err := st.OffersFor(ctx, iin)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range offers {
			if o.Programme != "asp" || o.Status != store.OfferOffered || !claimHousehold(o.Household) {
				continue
			}
			if _, err := st.RespondOffer(ctx, o.ID, iin, true, now); err != nil {
				t.Fatal(err)
			}
			if _, err := st.ConfirmOffer(ctx, o.ID, 1, true, "", now); err != nil {
				t.Fatal(err)
			}
			return benefitsCitizen{IIN: iin, Phone: phone, Offer: o.ID, Decision: o.DecisionID, Programme: o.Programme}
		}
	}
	t.Skip("the demo offered АСП to no citizen with a phone")
	return benefitsCitizen{}
}
