package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
)

// TestMerchantRequestsInWhoLooked: a grocery's wrong payment code naming
// a citizen, a canteen's meal for a pupil and a pharmacy's meal request
// for the same pupil each leave an audit record of kind merchant, subject
// the person, case the merchant's id, before the answer; the citizen's and
// the pupil's "who looked" name the merchant and say what it did and why
// it was refused in each language; a request of no merchant (no
// credential) leaves none; and the log still verifies.
func TestMerchantRequestsInWhoLooked(t *testing.T) {
	rig := newSWRig(t)
	ctx := context.Background()
	post := func(path, body string, header []string) response {
		return do(t, http.MethodPost, rig.ts+path, "application/json", body, header...)
	}
	pupil, _, err := kz.MakeIIN(time.Date(2015, 3, 4, 0, 0, 0, 0, time.UTC), kz.Female, 12) // a child of the rig's household
	if err != nil {
		t.Fatal(err)
	}
	canteen, err := rig.sw.RegisterMerchant(ctx, socialwallet.Merchant{BIN: "100140000003", Name: "Асхана №5",
		Region: "almaty", Category: ledger.SchoolMeals, Member: "canteen", Subsystem: "till"})
	if err != nil {
		t.Fatal(err)
	}
	canteenKey := append(rig.srv.key(t, "canteen", exchange.ScopeMerchant), "Ortaq-Client", "canteen/till")
	today := time.Now().Format(time.DateOnly)

	if r := post("/api/v1/wallet/purchases", `{"id":"sale-9","iin":"`+rig.recipient+`","code":"000000","amount":"1"}`,
		rig.groceryKey); r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), "code_invalid") {
		t.Fatalf("a wrong code: %d %s", r.status, r.body)
	}
	if r := post("/api/v1/wallet/purchases", `{"id":"sale-9","iin":"`+rig.recipient+`","code":"000000","amount":"1"}`,
		nil); r.status != http.StatusUnauthorized {
		t.Fatalf("a presentation without a credential: %d %s", r.status, r.body)
	}
	meal := post("/api/v1/wallet/meals", `{"pupil":"`+pupil+`","date":"`+today+`"}`, canteenKey)
	if meal.status != http.StatusOK && meal.status != http.StatusUnprocessableEntity {
		t.Fatalf("the canteen's meal: %d %s", meal.status, meal.body)
	}
	if r := post("/api/v1/wallet/meals", `{"pupil":"`+pupil+`","date":"`+today+`"}`, rig.pharmacyKey); r.status != http.StatusForbidden {
		t.Fatalf("the pharmacy's meal: %d %s", r.status, r.body)
	}

	// The records, as an auditor reads them.
	recs, err := rig.st.AuditBySubject(ctx, rig.recipient, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 {
		t.Fatalf("the citizen's subject has %d records; want the wrong code's alone: %+v", len(recs), recs)
	}
	if r := recs[0]; r.Kind != audit.KindMerchant || r.Member != "grocery" || r.Subsystem != "pos" || r.Case != rig.grocery.ID ||
		r.Service != "wallet.purchase" || r.RequestID != "sale-9" || r.Decision != audit.Refused ||
		r.Status != http.StatusUnprocessableEntity || r.Reason != "code_invalid" || !strings.HasPrefix(r.Auth, "key:") {
		t.Errorf("the wrong code's record: %+v", r)
	}
	recs, err = rig.st.AuditBySubject(ctx, pupil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[0].Case != rig.pharmacy.ID || recs[0].Reason != "not_a_canteen" || recs[1].Case != canteen.ID ||
		recs[1].Service != "wallet.meal" || recs[1].RequestID != today || recs[1].Status != meal.status {
		t.Fatalf("the pupil's records: %+v", recs)
	}

	for _, c := range []struct {
		iin  string
		want map[string][]string
	}{
		{rig.recipient, map[string][]string{
			"en": {"Magnum, Almaty", "presented a payment code for you", "a merchant registered with the social wallet", "wrong code", "sale-9"},
			"ru": {"Magnum, Almaty", "предъявил платёжный код на ваше имя", "неверный код"},
			"kk": {"Magnum, Almaty", "сіздің атыңызға төлем кодын ұсынды", "код қате"},
		}},
		{pupil, map[string][]string{
			"en": {"Асхана №5", "asked to bill a school meal for you", "Дәріхана", "the merchant is not a school canteen"},
			"ru": {"Асхана №5", "запросил оплату школьного питания для вас", "продавец не школьная столовая"},
			"kk": {"Асхана №5", "сізге мектеп тамағын есепке жазуды сұрады", "сатушы мектеп асханасы емес"},
		}},
	} {
		token, _, err := rig.wallet.StartSession(ctx, c.iin, "test")
		if err != nil {
			t.Fatal(err)
		}
		for lang, want := range c.want {
			r := get(t, rig.ts+"/wallet/access?lang="+lang, "Cookie", "__Host-ortaq-wallet="+token)
			if r.status != http.StatusOK {
				t.Fatalf("%s %s: %d %s", c.iin, lang, r.status, r.body)
			}
			for _, w := range want {
				if !strings.Contains(string(r.body), w) {
					t.Errorf("%s's who-looked in %s lacks %q", c.iin, lang, w)
				}
			}
		}
	}

	if _, err := rig.plat.log.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Verify(ctx, rig.st, rig.plat.verify, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("the audit log does not verify: %+v", rep.Problems)
	}
}
