package web

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/wallet"
)

// swRig is a server over a store where one АСП household of three has a
// confirmed offer funded for this month (a food voucher of 3 МРП), with
// a grocery and a pharmacy registered as merchants.
type swRig struct {
	st                *store.Store
	srv               *testServer
	ts                string
	sw                *socialwallet.Service
	wallet            *wallet.Wallet
	recipient         string
	grocery, pharmacy socialwallet.Merchant
	// groceryKey and pharmacyKey are their systems' headers.
	groceryKey, pharmacyKey []string
	// plat holds the audit log and the key that verifies it.
	plat *platform
}

func newSWRig(t *testing.T) *swRig {
	t.Helper()
	ctx := context.Background()
	st := storetest.SQLite(t)
	now := time.Now()
	day := now.Format("2006-01") + "-01"
	person := func(y, serial int) string {
		s, _, err := kz.MakeIIN(time.Date(y, 3, 4, 0, 0, 0, 0, time.UTC), kz.Female, serial)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	members := []string{person(1985, 11), person(2015, 12), person(2018, 13)}
	w, err := st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunMass, DecisionDate: day, CatalogVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	inputs := []byte(`{"id":"h1"}`)
	sum := sha256.Sum256(inputs)
	d := store.BenefitDecision{Household: "h1", DecisionDate: day, Inputs: inputs, InputsHash: sum[:], Versions: "test",
		CreatedAt: now, Outcomes: []store.BenefitOutcome{{Programme: "asp", Eligible: true, Amount: 20000, Period: "month"}}}
	for i, m := range members {
		d.Members = append(d.Members, store.HouseholdMember{Person: fmt.Sprintf("h1-p%d", i), IIN: m})
	}
	id, err := w.Add(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddWellbeing(ctx, store.WellbeingRow{Household: "h1", Region: "almaty", Level: "C", Units: 1, Den: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Commit(ctx, 1); err != nil {
		t.Fatal(err)
	}
	o, _, err := st.CreateOffer(ctx, store.Offer{Household: "h1", Programme: "asp", DecisionID: id, Agency: "mlsp",
		RecipientIIN: members[0], Amount: 20000, Period: "month", Language: "kk", CreatedAt: now, ExpiresAt: now.Add(720 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RespondOffer(ctx, o.ID, members[0], true, now); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ConfirmOffer(ctx, o.ID, 1, true, "", now); err != nil {
		t.Fatal(err)
	}
	sw := socialwallet.New(st, socialwallet.Options{})
	for _, l := range []ledger.Ledger{ledger.Cash, ledger.Food} {
		if err := sw.Appropriate(ctx, "asp", l, 1_000_000_00, "budget"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := sw.Fund(ctx, now.Format("2006-01"), nil); err != nil {
		t.Fatal(err)
	}
	rig := &swRig{st: st, sw: sw, recipient: members[0]}
	reg := func(m socialwallet.Merchant) socialwallet.Merchant {
		got, err := sw.RegisterMerchant(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	rig.grocery = reg(socialwallet.Merchant{BIN: "100140000001", Name: "Magnum, Almaty", Region: "almaty", Category: ledger.Food,
		Member: "grocery", Subsystem: "pos"})
	rig.pharmacy = reg(socialwallet.Merchant{BIN: "100140000002", Name: "Дәріхана", Region: "almaty", Category: ledger.Medicine,
		Member: "pharmacy", Subsystem: "till"})
	p := newPlatform(t, st, 0)
	rig.wallet = wallet.New(st, p.log, wallet.Options{})
	srv, ts := mustServe(t, st, Options{Exchange: p.x, Audit: p.log, Wallet: rig.wallet, SocialWallet: sw})
	rig.srv, rig.ts, rig.plat = srv, ts.URL, p
	rig.groceryKey = append(rig.srv.key(t, "grocery", exchange.ScopeMerchant), "Ortaq-Client", "grocery/pos")
	rig.pharmacyKey = append(rig.srv.key(t, "pharmacy", exchange.ScopeMerchant), "Ortaq-Client", "pharmacy/till")
	return rig
}

// code makes a payment code for the recipient and returns its QR's
// text, which carries the IIN.
func (rig *swRig) code(t *testing.T, l ledger.Ledger) string {
	t.Helper()
	return rig.issue(t, l, 0).QR
}

// issue makes a payment code for the recipient of at most maxAmount tiyn.
func (rig *swRig) issue(t *testing.T, l ledger.Ledger, maxAmount int64) socialwallet.PaymentCode {
	t.Helper()
	c, err := rig.sw.NewPaymentCode(context.Background(), rig.recipient, l, maxAmount)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// left is what the recipient may still spend on food.
func (rig *swRig) left(t *testing.T) int64 {
	t.Helper()
	w, err := rig.sw.Wallet(context.Background(), rig.recipient)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range w.Balances {
		if b.Ledger == ledger.Food {
			return b.Available
		}
	}
	return 0
}

// TestMerchantPurchaseAPI walks the merchants' API over real HTTP and
// SQLite: a grocery's system buys with the citizen's code, retries
// harmlessly and refunds; a pharmacy's attempt on a food code is refused
// by the ledger; malformed requests are refused before it. Every answer
// is held to openapi.json.
func TestMerchantPurchaseAPI(t *testing.T) {
	rig := newSWRig(t)
	doc := mustAPIDoc(t)
	start := rig.left(t)
	if start != 3*432500 {
		t.Fatalf("the food voucher holds %d tiyn; want 3 МРП of 2026", start)
	}
	post := func(path, body string, header []string) response {
		return do(t, http.MethodPost, rig.ts+path, "application/json", body, header...)
	}
	issued := rig.issue(t, ledger.Food, 0)
	code := issued.QR
	body := `{"id":"sale-1","iin":"` + rig.recipient + `","code":"` + issued.Code + `","amount":"5000.50"}`
	r := post("/api/v1/wallet/purchases", body, rig.groceryKey)
	doc.check(t, "POST", "/api/v1/wallet/purchases", r)
	var res struct {
		ID, Status, Amount, Ledger string
		Transfers                  []string
	}
	decodeInto(t, r, &res)
	if r.status != http.StatusOK || res.Status != "approved" || res.Amount != "5000.50" || res.Ledger != "food" || len(res.Transfers) == 0 {
		t.Fatalf("purchase: %d %s", r.status, r.body)
	}
	if got := rig.left(t); got != start-500050 {
		t.Errorf("after the purchase %d tiyn are left; want %d", got, start-500050)
	}
	// A retry of the same purchase changes nothing.
	if r := post("/api/v1/wallet/purchases", body, rig.groceryKey); r.status != http.StatusOK || rig.left(t) != start-500050 {
		t.Errorf("a retry: %d %s, left %d", r.status, r.body, rig.left(t))
	}
	// A pharmacy's system presents a food code: the ledger refuses.
	r = post("/api/v1/wallet/purchases", `{"id":"rx-1","code":"`+rig.code(t, ledger.Food)+`","amount":"100"}`, rig.pharmacyKey)
	doc.check(t, "POST", "/api/v1/wallet/purchases", r)
	var refused struct {
		Code   string
		Result struct{ Status, Reason string }
	}
	decodeInto(t, r, &refused)
	if r.status != http.StatusUnprocessableEntity || refused.Code != "ledger_mismatch" || refused.Result.Reason != "ledger_mismatch" {
		t.Fatalf("the pharmacy's purchase with a food code: %d %s; want 422 ledger_mismatch", r.status, r.body)
	}
	if got := rig.left(t); got != start-500050 {
		t.Errorf("a refused purchase moved money: %d left", got)
	}
	// A refund of part of the purchase.
	r = post("/api/v1/wallet/purchases/sale-1/refunds", `{"id":"ret-1","amount":"1000"}`, rig.groceryKey)
	doc.check(t, "POST", "/api/v1/wallet/purchases/{id}/refunds", r)
	if r.status != http.StatusOK || rig.left(t) != start-400050 {
		t.Fatalf("refund: %d %s, left %d", r.status, r.body, rig.left(t))
	}
	// A used code, and malformed requests.
	for _, c := range []struct {
		path, body string
		status     int
		want       string
	}{
		{"/api/v1/wallet/purchases", `{"id":"sale-2","code":"` + code + `","amount":"1"}`, http.StatusUnprocessableEntity, "code_used"},
		{"/api/v1/wallet/purchases", `{"id":"sale-1","code":"` + code + `","amount":"1"}`, http.StatusConflict, "exists_with_different_fields"},
		{"/api/v1/wallet/purchases/sale-1/refunds", `{"id":"ret-1","amount":"1"}`, http.StatusConflict, "exists_with_different_fields"},
		{"/api/v1/wallet/purchases", `{"id":"sale-3","code":"` + issued.Code + `","amount":"1"}`, http.StatusBadRequest, "iin"},
		{"/api/v1/wallet/purchases", `{"id":"sale-3","iin":"` + rig.recipient + `","code":"ortaq-pay:900101300011:` + issued.Code + `","amount":"1"}`, http.StatusBadRequest, "iin"},
		{"/api/v1/wallet/purchases", `{"id":"sale-3","code":"1","amount":1250.5}`, http.StatusBadRequest, "amount"},
		{"/api/v1/wallet/purchases", `{"id":"sale-3","code":"1","amount":"-1"}`, http.StatusBadRequest, "amount"},
		{"/api/v1/wallet/purchases", `{"id":"sale 3","code":"1","amount":"1"}`, http.StatusBadRequest, "id"},
		{"/api/v1/wallet/purchases", `{"id":"sale-3","code":"1","amount":"1","tip":"5"}`, http.StatusBadRequest, "tip"},
		{"/api/v1/wallet/meals", `{"pupil":"123","date":"2026-11-20"}`, http.StatusBadRequest, "pupil"},
	} {
		r := post(c.path, c.body, rig.groceryKey)
		pattern := c.path
		if strings.HasSuffix(pattern, "/refunds") {
			pattern = "/api/v1/wallet/purchases/{id}/refunds"
		}
		doc.check(t, "POST", pattern, r)
		if r.status != c.status || !strings.Contains(string(r.body), c.want) {
			t.Errorf("%s %s: %d %s; want %d naming %q", c.path, c.body, r.status, r.body, c.status, c.want)
		}
	}
	// A code the citizen capped pays no more, and ends.
	capped := rig.issue(t, ledger.Food, 100_00).QR
	for _, id := range []string{"sale-4", "sale-5"} {
		r := post("/api/v1/wallet/purchases", `{"id":"`+id+`","code":"`+capped+`","amount":"100.01"}`, rig.groceryKey)
		doc.check(t, "POST", "/api/v1/wallet/purchases", r)
		want := map[string]string{"sale-4": "exceeds_code_limit", "sale-5": "code_used"}[id]
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), want) {
			t.Errorf("%s above the code's limit: %d %s; want 422 %s", id, r.status, r.body, want)
		}
	}
	if got := rig.left(t); got != start-400050 {
		t.Errorf("refused requests moved money: %d left", got)
	}
}

// TestWalletMoneyPages shows the citizen their voucher, a purchase and a
// refund in plain words in each language, and makes a payment code with
// its QR through the form.
func TestWalletMoneyPages(t *testing.T) {
	rig := newSWRig(t)
	code := rig.code(t, ledger.Food)
	r := do(t, http.MethodPost, rig.ts+"/api/v1/wallet/purchases", "application/json",
		`{"id":"sale-1","code":"`+code+`","amount":"12000"}`, rig.groceryKey...)
	if r.status != http.StatusOK {
		t.Fatalf("purchase: %d %s", r.status, r.body)
	}
	token, sess, err := rig.wallet.StartSession(context.Background(), rig.recipient, "test")
	if err != nil {
		t.Fatal(err)
	}
	cookie := "__Host-ortaq-wallet=" + token
	for lang, want := range map[string][]string{
		"en": {"Paid at Magnum, Almaty", "−12,000\u00a0₸", "Food voucher for ", "Left", "Pay"},
		"ru": {"Оплата в Magnum, Almaty", "−12\u00a0000\u00a0₸", "Ваучер «Продукты питания» за ", "Осталось"},
		"kk": {"Төленді: Magnum, Almaty", "−12\u00a0000\u00a0₸", "Ваучер: Азық-түлік", "Қалды"},
	} {
		r := get(t, rig.ts+"/wallet/money?lang="+lang, "Cookie", cookie)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", lang, r.status, r.body)
		}
		for _, w := range want {
			if !strings.Contains(string(r.body), w) {
				t.Errorf("%s /wallet/money lacks %q", lang, w)
			}
		}
	}
	r = get(t, rig.ts+"/wallet/money/pay?ledger=food&lang=en", "Cookie", cookie)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `id="make-code"`) {
		t.Fatalf("pay page: %d", r.status)
	}
	form := url.Values{"csrf": {sess.CSRF}, "ledger": {"food"}}
	r = do(t, http.MethodPost, rig.ts+"/wallet/money/pay?lang=en", "application/x-www-form-urlencoded", form.Encode(),
		"Cookie", cookie, "Origin", rig.ts)
	page := string(r.body)
	if r.status != http.StatusOK || !strings.Contains(page, `<svg class="qr"`) || !strings.Contains(page, "valid for 5 minutes") {
		t.Fatalf("making a code: %d %.600s", r.status, page)
	}
	i := strings.Index(page, `data-code="`)
	newCode := page[i+len(`data-code="`) : i+len(`data-code="`)+6]
	if !strings.Contains(page, `<span id="code-iin">`+rig.recipient+`</span>`) || strings.Contains(page, `id="code-limit"`) {
		t.Errorf("the code's page shows no IIN, or a limit none was set: %.2000s", page)
	}
	r = do(t, http.MethodPost, rig.ts+"/api/v1/wallet/purchases", "application/json",
		`{"id":"sale-2","iin":"`+rig.recipient+`","code":"`+newCode+`","amount":"1"}`, rig.groceryKey...)
	if r.status != http.StatusOK {
		t.Errorf("the code the page showed does not pay: %d %s", r.status, r.body)
	}
	// A code with the most it pays shows it, and pays no more.
	for lang, want := range map[string]string{"en": "Up to 5\u00a0₸", "ru": "Не более 5\u00a0₸", "kk": "Ең көбі 5\u00a0₸"} {
		form.Set("max", "5")
		r = do(t, http.MethodPost, rig.ts+"/wallet/money/pay?lang="+lang, "application/x-www-form-urlencoded", form.Encode(),
			"Cookie", cookie, "Origin", rig.ts)
		page = string(r.body)
		if r.status != http.StatusOK || !strings.Contains(page, `id="code-limit"`) || !strings.Contains(page, want) {
			t.Fatalf("%s: making a code up to 5 ₸: %d, no %q in %.3000s", lang, r.status, want, page)
		}
	}
	i = strings.Index(page, `data-code="`)
	capped := page[i+len(`data-code="`) : i+len(`data-code="`)+6]
	r = do(t, http.MethodPost, rig.ts+"/api/v1/wallet/purchases", "application/json",
		`{"id":"sale-3","iin":"`+rig.recipient+`","code":"`+capped+`","amount":"5.01"}`, rig.groceryKey...)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "exceeds_code_limit") {
		t.Errorf("above the code's limit: %d %s", r.status, r.body)
	}
	form.Set("max", "five")
	if r := do(t, http.MethodPost, rig.ts+"/wallet/money/pay?lang=en", "application/x-www-form-urlencoded", form.Encode(),
		"Cookie", cookie, "Origin", rig.ts); r.status != http.StatusBadRequest {
		t.Errorf("a limit that is no amount: %d", r.status)
	}
	form.Del("max")
	// A form without the session's token makes no code.
	form.Set("csrf", "forged")
	if r := do(t, http.MethodPost, rig.ts+"/wallet/money/pay", "application/x-www-form-urlencoded", form.Encode(),
		"Cookie", cookie, "Origin", rig.ts); r.status != http.StatusForbidden {
		t.Errorf("a forged form: %d", r.status)
	}
	// Cash and school meals are not paid by code, and a category without
	// money offers no code.
	for cat, want := range map[string]string{"cash": "not paid with a code", "school_meals": "not paid with a code",
		"medicine": "no money in this category"} {
		if r := get(t, rig.ts+"/wallet/money/pay?ledger="+cat+"&lang=en", "Cookie", cookie); r.status != http.StatusNotFound ||
			!strings.Contains(string(r.body), want) {
			t.Errorf("a code for %s: %d, no %q", cat, r.status, want)
		}
		form := url.Values{"csrf": {sess.CSRF}, "ledger": {cat}}
		if r := do(t, http.MethodPost, rig.ts+"/wallet/money/pay?lang=en", "application/x-www-form-urlencoded", form.Encode(),
			"Cookie", cookie, "Origin", rig.ts); r.status != http.StatusNotFound {
			t.Errorf("making a code for %s: %d", cat, r.status)
		}
	}
	money := string(get(t, rig.ts+"/wallet/money?lang=en", "Cookie", cookie).body)
	if !strings.Contains(money, "pay?ledger=food") || strings.Contains(money, "pay?ledger=school_meals") ||
		strings.Contains(money, "pay?ledger=cash") || strings.Contains(money, "pay?ledger=medicine") {
		t.Errorf("the money page offers a code for a category without money or not paid by code, or none for food")
	}
}

// TestSpendingPage shows the ministry's policy officer the figures of a
// purchase and of the programme, and refuses another agency's analyst.
func TestSpendingPage(t *testing.T) {
	rig := newSWRig(t)
	r := do(t, http.MethodPost, rig.ts+"/api/v1/wallet/purchases", "application/json",
		`{"id":"sale-1","code":"`+rig.code(t, ledger.Food)+`","amount":"12000"}`, rig.groceryKey...)
	if r.status != http.StatusOK {
		t.Fatalf("purchase: %d %s", r.status, r.body)
	}
	officer := newOfficial(t, rig.srv.officials, "mlsp", access.PolicyOfficer)
	cookie, _ := officialCookie(t, rig.srv.officials, officer, false)
	r = get(t, rig.ts+"/spending?lang=en", "Cookie", cookie)
	page := string(r.body)
	if r.status != http.StatusOK {
		t.Fatalf("/spending: %d %.400s", r.status, page)
	}
	for _, want := range []string{"Magnum, Almaty", "12,000\u00a0₸", `id="by-region"`, "Food", `id="programmes"`} {
		if !strings.Contains(page, want) {
			t.Errorf("/spending lacks %q", want)
		}
	}
	if r := get(t, rig.ts+"/spending/anomalies?lang=ru", "Cookie", cookie); r.status != http.StatusOK {
		t.Errorf("/spending/anomalies: %d", r.status)
	}
	other := newOfficial(t, rig.srv.officials, "kgd", access.Analyst)
	cookie, _ = officialCookie(t, rig.srv.officials, other, false)
	if r := get(t, rig.ts+"/spending", "Cookie", cookie); r.status != http.StatusForbidden || strings.Contains(string(r.body), "Magnum") {
		t.Errorf("another agency's analyst: %d", r.status)
	}
}
