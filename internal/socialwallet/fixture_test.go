package socialwallet_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

var almaty = time.FixedZone("Asia/Almaty", 5*3600)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// mrp2026 is the МРП of 2026 in tiyn (parameters.yaml).
const mrp2026 int64 = 432500

// world is a store with three households deciding on 2026-03-01 and
// their confirmed offers: h1 (3 members, АСП 20,000 ₸; a pupil of 10),
// h2 (2 members, АСП 15,000 ₸ and a birth grant of 50,000 ₸ from the
// same decision), h3 (birth, once, 100,000 ₸; a child of 9 with no
// school-meal support), all of region 55; programme
// money appropriated; a grocery, a pharmacy and a canteen registered, and
// a second grocery owned by a member of h2.
type world struct {
	st    *store.Store
	w     *socialwallet.Service
	clock *clock
	// h1 and h2 are the recipients; pupil and adult members of h1.
	h1, h2, h3, pupil, other          string
	unsupported                       string // the child of h3
	grocery, pharmacy, canteen, owned socialwallet.Merchant
}

func iin(tb testing.TB, y, m, d, serial int) string {
	tb.Helper()
	s, _, err := kz.MakeIIN(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), kz.Female, serial)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func newWorld(t *testing.T, st *store.Store) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 3, 10, 12, 0, 0, 0, almaty)}
	wd := &world{st: st, clock: c, w: socialwallet.New(st, socialwallet.Options{Now: c.Now, Workers: 3, Batch: 2})}
	wd.h1, wd.pupil, wd.other = iin(t, 1985, 4, 1, 11), iin(t, 2015, 9, 1, 12), iin(t, 2018, 1, 5, 13)
	wd.h2 = iin(t, 1990, 6, 6, 21)
	h2child := iin(t, 2012, 2, 2, 22)
	wd.h3, wd.unsupported = iin(t, 1995, 7, 7, 31), iin(t, 2016, 4, 4, 32)
	type hh struct {
		id      string
		members []string
		elig    map[string]int64
	}
	hs := []hh{
		{"h1", []string{wd.h1, wd.pupil, wd.other}, map[string]int64{"asp": 20000}},
		{"h2", []string{wd.h2, h2child}, map[string]int64{"asp": 15000, "birth": 50000}},
		{"h3", []string{wd.h3, wd.unsupported}, map[string]int64{"birth": 100000}},
	}
	w, err := st.BeginDecisions(ctx, store.BenefitRun{Kind: store.RunMass, DecisionDate: "2026-03-01", CatalogVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, h := range hs {
		inputs := []byte(fmt.Sprintf(`{"id":%q}`, h.id))
		sum := sha256.Sum256(inputs)
		d := store.BenefitDecision{Household: h.id, DecisionDate: "2026-03-01", Inputs: inputs, InputsHash: sum[:],
			Versions: "test", CreatedAt: c.Now()}
		for _, p := range []string{"asp", "birth"} {
			period := "month"
			if p == "birth" {
				period = "once"
			}
			amount, ok := h.elig[p]
			d.Outcomes = append(d.Outcomes, store.BenefitOutcome{Programme: p, Eligible: ok, Amount: amount, Period: period})
		}
		for i, m := range h.members {
			d.Members = append(d.Members, store.HouseholdMember{Person: fmt.Sprintf("%s-p%d", h.id, i), IIN: m})
		}
		if ids[h.id], err = w.Add(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := w.AddWellbeing(ctx, store.WellbeingRow{Household: h.id, Region: "55", Level: "C", Units: 1, Den: 3}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Commit(ctx, len(hs)); err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		for p, amount := range h.elig {
			period := map[string]string{"asp": "month", "birth": "once"}[p]
			o, _, err := st.CreateOffer(ctx, store.Offer{Household: h.id, Programme: p, DecisionID: ids[h.id], Agency: "mlsp",
				RecipientIIN: h.members[0], Amount: amount, Period: period, Language: "kk", CreatedAt: c.Now(),
				ExpiresAt: c.Now().Add(30 * 24 * time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.RespondOffer(ctx, o.ID, h.members[0], true, c.Now()); err != nil {
				t.Fatal(err)
			}
			if _, err := st.ConfirmOffer(ctx, o.ID, 1, true, "", c.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, a := range []struct {
		p string
		l ledger.Ledger
	}{{"asp", ledger.Cash}, {"asp", ledger.Food}, {"asp", ledger.SchoolMeals}, {"birth", ledger.Cash}} {
		if err := wd.w.Appropriate(ctx, a.p, a.l, 1_000_000_00, "budget-2026"); err != nil {
			t.Fatal(err)
		}
	}
	reg := func(m socialwallet.Merchant) socialwallet.Merchant {
		got, err := wd.w.RegisterMerchant(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	wd.grocery = reg(socialwallet.Merchant{BIN: "100140000001", Name: "Дүкен", Region: "55", Category: ledger.Food,
		Member: "grocery", Subsystem: "pos"})
	wd.pharmacy = reg(socialwallet.Merchant{BIN: "100140000002", Name: "Дәріхана", Region: "55", Category: ledger.Medicine})
	wd.canteen = reg(socialwallet.Merchant{BIN: "100140000003", Name: "Асхана", Region: "55", Category: ledger.SchoolMeals})
	wd.owned = reg(socialwallet.Merchant{BIN: "100140000004", Name: "Отбасы дүкені", Region: "55", Category: ledger.Food,
		OwnerIIN: h2child})
	return wd
}

// each runs fn on a world on SQLite and on PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, wd *world)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) { fn(t, newWorld(t, st)) })
}

func (wd *world) fund(t *testing.T, month string) socialwallet.FundReport {
	t.Helper()
	rep, err := wd.w.Fund(context.Background(), month, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// code makes a payment code for iin on l and returns its QR text, which
// carries the IIN too.
func (wd *world) code(t *testing.T, iin string, l ledger.Ledger) string {
	t.Helper()
	return wd.issue(t, iin, l, 0).QR
}

// issue makes a payment code for iin on l of at most maxAmount tiyn.
func (wd *world) issue(t *testing.T, iin string, l ledger.Ledger, maxAmount int64) socialwallet.PaymentCode {
	t.Helper()
	c, err := wd.w.NewPaymentCode(context.Background(), iin, l, maxAmount)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// buy presents code (the QR's text, with the IIN) for a purchase.
func (wd *world) buy(t *testing.T, m socialwallet.Merchant, id, code string, tiyn int64) socialwallet.PurchaseResult {
	t.Helper()
	return wd.buyAs(t, m, socialwallet.PurchaseRequest{ID: id, Code: code, Amount: tiyn})
}

// buyAs sends the purchase request r as it is.
func (wd *world) buyAs(t *testing.T, m socialwallet.Merchant, r socialwallet.PurchaseRequest) socialwallet.PurchaseResult {
	t.Helper()
	res, err := wd.w.Purchase(context.Background(), m, r)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (wd *world) balance(t *testing.T, id ledger.ID) int64 {
	t.Helper()
	as, err := wd.st.LedgerAccounts(context.Background(), []ledger.ID{id})
	if err != nil || len(as) != 1 {
		t.Fatalf("account %s: %v, %d", id, err, len(as))
	}
	return as[0].Balance()
}

func (wd *world) voucher(t *testing.T, iin, month string) socialwallet.Voucher {
	t.Helper()
	w, err := wd.w.Wallet(context.Background(), iin)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range w.Vouchers {
		if v.Month == month {
			return v
		}
	}
	t.Fatalf("no voucher of %s for %s in %+v", month, iin, w.Vouchers)
	return socialwallet.Voucher{}
}
