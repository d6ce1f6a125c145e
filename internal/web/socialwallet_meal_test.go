package web

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
)

// TestMealAPIRefusesNonCanteens: a grocery's or a pharmacy's system that
// records a meal is refused with 403 not_a_canteen, the same answer for
// a supported pupil and for one of no household, and nothing is stored
// (but the audit record, which TestMerchantRequestsInWhoLooked checks);
// a canteen billing a future day is refused with meal_date_not_allowed.
// Every answer is held to openapi.json.
func TestMealAPIRefusesNonCanteens(t *testing.T) {
	rig := newSWRig(t)
	doc := mustAPIDoc(t)
	person := func(y, serial int) string {
		s, _, err := kz.MakeIIN(time.Date(y, 3, 4, 0, 0, 0, 0, time.UTC), kz.Female, serial)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	supported, unknown := person(2015, 12), person(2015, 99) // a child of the rig's АСП household; nobody's
	today := time.Now().Format(time.DateOnly)
	for _, who := range []struct {
		name   string
		header []string
	}{{"grocery", rig.groceryKey}, {"pharmacy", rig.pharmacyKey}} {
		var bodies []string
		for _, pupil := range []string{supported, unknown} {
			changes := rig.st.Changes()
			r := do(t, http.MethodPost, rig.ts+"/api/v1/wallet/meals", "application/json",
				`{"pupil":"`+pupil+`","date":"`+today+`"}`, who.header...)
			doc.check(t, "POST", "/api/v1/wallet/meals", r)
			var p struct{ Code string }
			if err := json.Unmarshal(r.body, &p); err != nil || r.status != http.StatusForbidden || p.Code != "not_a_canteen" {
				t.Errorf("%s, pupil %s: %d %s; want 403 not_a_canteen", who.name, pupil, r.status, r.body)
			}
			if rig.st.Changes() != changes {
				t.Errorf("%s, pupil %s: the refusal changed the store", who.name, pupil)
			}
			bodies = append(bodies, string(r.body))
		}
		if bodies[0] != bodies[1] {
			t.Errorf("%s: answers differ by pupil:\n%s\n%s", who.name, bodies[0], bodies[1])
		}
	}
	if _, err := rig.sw.RegisterMerchant(context.Background(), socialwallet.Merchant{BIN: "100140000003", Name: "Асхана",
		Region: "almaty", Category: ledger.SchoolMeals, Member: "canteen", Subsystem: "till"}); err != nil {
		t.Fatal(err)
	}
	canteen := append(rig.srv.key(t, "canteen", exchange.ScopeMerchant), "Ortaq-Client", "canteen/till")
	r := do(t, http.MethodPost, rig.ts+"/api/v1/wallet/meals", "application/json",
		`{"pupil":"`+supported+`","date":"2030-06-03"}`, canteen...)
	doc.check(t, "POST", "/api/v1/wallet/meals", r)
	var p struct {
		Code   string
		Result struct{ Status, Reason string }
	}
	if err := json.Unmarshal(r.body, &p); err != nil || r.status != http.StatusUnprocessableEntity ||
		p.Code != "meal_date_not_allowed" || p.Result.Reason != "meal_date_not_allowed" {
		t.Errorf("a canteen billing 2030-06-03: %d %s; want 422 meal_date_not_allowed", r.status, r.body)
	}
}
