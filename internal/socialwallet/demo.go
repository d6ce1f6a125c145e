package socialwallet

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// DemoOptions configure SeedDemo.
type DemoOptions struct {
	Now func() time.Time // nil: time.Now
	// Officer confirms the offers the demo's households accept.
	Officer int64
	// HasPhone tells whether the person can sign in to the wallet, so the
	// walk-through names one who can; nil: anyone.
	HasPhone func(ctx context.Context, iin string) (bool, error)
	// Share is the share of open offers accepted and confirmed, in
	// percent; 0 = 60. Every АСП offer is.
	Share int
}

// DemoReport is what the demo's printed walk-through needs.
type DemoReport struct {
	Seeded            bool // false when the store had been seeded before
	Months            []string
	Households        int // funded in the current month
	Merchants         int
	Purchases, Meals  int
	Expired           int    // vouchers returned at expiry
	Returned          int64  // tiyn
	Family            string // IIN of an АСП recipient with an active, partly spent food voucher
	Grocery, Pharmacy string // where the family paid, and where it was refused
	Left              int64  // what the family's voucher has left
	Refusal           string // the pharmacy's refusal: "ledger_mismatch"
}

// demoWalk is the purchase id of the walk-through family's purchase.
const demoWalk = "demo-walk-1"

// SeedDemo gives the demo a month of wallet activity, once: programme
// appropriations; a grocery, a pharmacy and a canteen per region (and a
// grocery whose owner belongs to a household it sells to); a share of
// the open offers accepted and confirmed; the previous month funded,
// partly spent and expired back to the programmes; the current month
// funded with purchases by code, refunds, school meals; and an АСП family
// whose food voucher is partly spent and whom a pharmacy tried to charge.
// On a store seeded before it only finds the family again.
func SeedDemo(ctx context.Context, st *store.Store, o DemoOptions) (DemoReport, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Share == 0 {
		o.Share = 60
	}
	now := o.Now()
	cur := MonthOf(now)
	start, _ := ParseMonth(cur)
	prev := MonthOf(start.AddDate(0, 0, -1))
	rep := DemoReport{Months: []string{prev, cur}, Refusal: ledger.ResultLedgerMismatch.String()}
	ms, err := st.WalletMerchants(ctx)
	if err != nil {
		return rep, err
	}
	if len(ms) > 0 {
		rep.Merchants = len(ms)
		return rep, demoFamily(ctx, st, ms, &rep)
	}
	rep.Seeded = true
	if err := demoConfirm(ctx, st, o, now); err != nil {
		return rep, err
	}
	w := New(st, Options{Now: o.Now})
	if err := demoBudget(ctx, w); err != nil {
		return rep, err
	}
	rng := rand.New(rand.NewPCG(16, 2026))

	// The previous month, as of its 15th: funded and spent a little.
	mid := start.AddDate(0, -1, 14).Add(12 * time.Hour)
	past := New(st, Options{Now: func() time.Time { return mid }})
	if _, err := past.Fund(ctx, prev, nil); err != nil {
		return rep, err
	}
	regions, err := demoMerchants(ctx, w, st, prev, cur)
	if err != nil {
		return rep, err
	}
	if ms, err = st.WalletMerchants(ctx); err != nil {
		return rep, err
	}
	rep.Merchants = len(ms)
	n, err := demoPurchases(ctx, past, st, prev, regions, rng, "p")
	if err != nil {
		return rep, err
	}
	rep.Purchases += n
	// Now: what is left of last month returns, this month is funded.
	if rep.Expired, rep.Returned, err = w.Expire(ctx, now); err != nil {
		return rep, err
	}
	fr, err := w.Fund(ctx, cur, nil)
	if err != nil {
		return rep, err
	}
	rep.Households = fr.Households
	// The walk-through first, while every voucher of the month is whole.
	if err := demoWalkThrough(ctx, w, st, o, cur, regions); err != nil {
		return rep, err
	}
	if n, err = demoPurchases(ctx, w, st, cur, regions, rng, "c"); err != nil {
		return rep, err
	}
	rep.Purchases += n
	if rep.Meals, err = demoMeals(ctx, w, st, cur, regions); err != nil {
		return rep, err
	}
	return rep, demoFamily(ctx, st, ms, &rep)
}

// demoConfirm accepts a share of the open offers as their recipients and
// confirms them as the officer: every АСП offer, and Share % of the others.
func demoConfirm(ctx context.Context, st *store.Store, o DemoOptions, now time.Time) error {
	if o.Officer == 0 {
		return errors.New("demo wallet: no officer to confirm offers")
	}
	after := int64(0)
	for {
		offers, err := st.OffersByStatus(ctx, store.OfferOffered, after, 1000)
		if err != nil || len(offers) == 0 {
			return err
		}
		after = offers[len(offers)-1].ID
		for _, of := range offers {
			if of.Programme != defaultSupport.Food.Programme && int(of.ID%100) >= o.Share {
				continue
			}
			if _, err := st.RespondOffer(ctx, of.ID, of.RecipientIIN, true, now); err != nil {
				if errors.Is(err, store.ErrTooLate) || errors.Is(err, store.ErrWrongState) {
					continue
				}
				return err
			}
			if _, err := st.ConfirmOffer(ctx, of.ID, o.Officer, true, "demo", now); err != nil && !errors.Is(err, store.ErrWrongState) {
				return err
			}
		}
	}
}

// demoBudget appropriates ample money to every programme.
func demoBudget(ctx context.Context, w *Service) error {
	const plenty = 50_000_000_000_00 // 50 bn ₸
	for _, p := range w.opts.Catalog().Programmes {
		if err := w.Appropriate(ctx, p.ID, ledger.Cash, plenty, "demo-budget"); err != nil {
			return err
		}
	}
	for _, a := range []struct {
		p string
		l ledger.Ledger
	}{{w.support.Food.Programme, w.support.Food.Ledger}, {w.support.Meals.Programme, w.support.Meals.Ledger}} {
		if err := w.Appropriate(ctx, a.p, a.l, plenty, "demo-budget"); err != nil {
			return err
		}
	}
	return nil
}

// demoRegion holds the demo merchants of one region.
type demoRegion struct {
	grocery, pharmacy, canteen Merchant
}

// demoMerchants registers a grocery, a pharmacy and a canteen in each
// region with vouchers, and a grocery owned by a member of one household
// holding a voucher.
func demoMerchants(ctx context.Context, w *Service, st *store.Store, months ...string) (map[string]demoRegion, error) {
	regions := map[string]demoRegion{}
	var owner, ownerRegion string
	for _, month := range months {
		vs, err := st.WalletVouchersOfMonth(ctx, month, 5000)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if _, ok := regions[v.Region]; !ok {
				regions[v.Region] = demoRegion{}
			}
			if owner == "" {
				members, err := st.HouseholdMembers(ctx, v.Household)
				if err != nil {
					return nil, err
				}
				for _, m := range members {
					if m.IIN != v.IIN && kz.ValidIIN(m.IIN) {
						owner, ownerRegion = m.IIN, v.Region
						break
					}
				}
			}
		}
	}
	for i, region := range slices.Sorted(maps.Keys(regions)) {
		bin := func(kind int) string { return fmt.Sprintf("2612%02d%06d", kind, 100+i) }
		var r demoRegion
		var err error
		if r.grocery, err = w.RegisterMerchant(ctx, Merchant{BIN: bin(40), Name: "Азық-түлік дүкені №" + strconv.Itoa(i+1),
			Region: region, Category: ledger.Food, Member: "m" + bin(40), Subsystem: "pos"}); err != nil {
			return nil, err
		}
		if r.pharmacy, err = w.RegisterMerchant(ctx, Merchant{BIN: bin(41), Name: "Дәріхана №" + strconv.Itoa(i+1),
			Region: region, Category: ledger.Medicine, Member: "m" + bin(41), Subsystem: "pos"}); err != nil {
			return nil, err
		}
		if r.canteen, err = w.RegisterMerchant(ctx, Merchant{BIN: bin(42), Name: "Мектеп асханасы №" + strconv.Itoa(i+1),
			Region: region, Category: ledger.SchoolMeals, Member: "m" + bin(42), Subsystem: "canteen"}); err != nil {
			return nil, err
		}
		regions[region] = r
	}
	if owner != "" {
		if _, err := w.RegisterMerchant(ctx, Merchant{ID: "demo-family-shop", BIN: "261243000001", Name: "Отбасылық дүкен",
			Region: ownerRegion, Category: ledger.Food, OwnerIIN: owner}); err != nil {
			return nil, err
		}
	}
	return regions, nil
}

// demoPurchases spends part of up to 150 vouchers of month at their
// region's grocery, with payment codes; the first holder buys five times
// at one grocery (an anomaly), and a household member's shop sells once to
// its own household (another).
func demoPurchases(ctx context.Context, w *Service, st *store.Store, month string, regions map[string]demoRegion, rng *rand.Rand, tag string) (int, error) {
	vs, err := st.WalletVouchersOfMonth(ctx, month, 150)
	if err != nil {
		return 0, err
	}
	shop, err := st.WalletMerchant(ctx, "demo-family-shop")
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	n := 0
	buy := func(m Merchant, v store.WalletVoucher, id string, tiyn int64) (PurchaseResult, error) {
		code, err := w.NewPaymentCode(ctx, v.IIN, v.Ledger, 0)
		if err != nil {
			return PurchaseResult{}, err
		}
		r, err := w.Purchase(ctx, m, PurchaseRequest{ID: id, IIN: v.IIN, Code: code.Code, Amount: tiyn})
		if err == nil && r.Status == store.PaymentApproved {
			n++
		}
		return r, err
	}
	i := -1
	for _, v := range vs {
		// Spent ones are the walk-through's: its figures are its own.
		if !v.ExpiresAt.After(w.opts.Now()) || v.Available() < v.Amount {
			continue
		}
		i++
		g := regions[v.Region].grocery
		times := 1 + rng.IntN(2)
		if i == 0 {
			times = ManyPurchases + 1
		}
		for k := range times {
			tiyn := v.Amount * int64(5+rng.IntN(15)) / 100
			r, err := buy(g, v, fmt.Sprintf("demo-%s-%d-%d", tag, i, k), tiyn)
			if err != nil {
				return n, err
			}
			if k == 0 && i%10 == 3 && r.Status == store.PaymentApproved {
				if _, err := w.Refund(ctx, g, r.ID, r.ID+"-refund", tiyn/2); err != nil {
					return n, err
				}
			}
		}
	}
	if shop.ID != "" {
		for i, v := range vs {
			members, err := st.HouseholdMembers(ctx, v.Household)
			if err != nil {
				return n, err
			}
			if slices.ContainsFunc(members, func(m store.HouseholdMember) bool { return m.IIN == shop.OwnerIIN }) {
				if _, err := buy(Merchant(shop), v, fmt.Sprintf("demo-%s-own-%d", tag, i), v.Amount/10); err != nil {
					return n, err
				}
				break
			}
		}
	}
	return n, nil
}

// demoMeals serves school meals on the two latest school days the
// canteens may still bill to up to 100 pupils of supported households,
// at their region's canteen.
func demoMeals(ctx context.Context, w *Service, st *store.Store, month string, regions map[string]demoRegion) (int, error) {
	vs, err := st.WalletVouchersOfMonth(ctx, month, 400)
	if err != nil {
		return 0, err
	}
	now := w.opts.Now()
	// The two latest school days within the grace, of the month.
	var days []time.Time
	for back := 0; back <= w.support.Meals.GraceDays && len(days) < 2; back++ {
		if day := now.AddDate(0, 0, -back); MonthOf(day) == month && w.support.Meals.DayAllowed(day, now) {
			days = append(days, day)
		}
	}
	n := 0
	for _, v := range vs {
		members, err := st.HouseholdMembers(ctx, v.Household)
		if err != nil {
			return n, err
		}
		for _, m := range members {
			id, err := kz.ParseIIN(m.IIN)
			if err != nil {
				continue
			}
			if age := ageOn(id.BirthDate, now); age < w.support.Meals.MinAge || age > w.support.Meals.MaxAge {
				continue
			}
			for _, day := range days {
				r, err := w.RecordMeal(ctx, regions[v.Region].canteen, m.IIN, day)
				if err != nil {
					return n, err
				}
				if r.Status == store.PaymentApproved {
					n++
				}
			}
			if n >= 200 {
				return n, nil
			}
		}
	}
	return n, nil
}

// demoWalkThrough has an АСП family with a phone pay about a third of its
// active food voucher at its grocery with a code, and a pharmacy try to
// take the food voucher (the ledger refuses).
func demoWalkThrough(ctx context.Context, w *Service, st *store.Store, o DemoOptions, month string, regions map[string]demoRegion) error {
	vs, err := st.WalletVouchersOfMonth(ctx, month, 2000)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.Available() < v.Amount || v.Programme != w.support.Food.Programme {
			continue // untouched vouchers only: the walk-through's figures are its own
		}
		if o.HasPhone != nil {
			ok, err := o.HasPhone(ctx, v.IIN)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		r := regions[v.Region]
		code, err := w.NewPaymentCode(ctx, v.IIN, ledger.Food, 0)
		if err != nil {
			return err
		}
		if _, err := w.Purchase(ctx, r.grocery, PurchaseRequest{ID: demoWalk, IIN: v.IIN, Code: code.Code, Amount: v.Amount / 3}); err != nil {
			return err
		}
		if code, err = w.NewPaymentCode(ctx, v.IIN, ledger.Food, 0); err != nil {
			return err
		}
		_, err = w.Purchase(ctx, r.pharmacy, PurchaseRequest{ID: demoWalk, IIN: v.IIN, Code: code.Code, Amount: v.Amount / 4})
		return err
	}
	return nil
}

// demoFamily finds the walk-through family through its purchase.
func demoFamily(ctx context.Context, st *store.Store, ms []store.WalletMerchant, rep *DemoReport) error {
	for _, m := range ms {
		p, err := st.WalletPayment(ctx, m.ID, store.KindPurchase, demoWalk)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		switch m.Category {
		case ledger.Food:
			rep.Family, rep.Grocery = p.IIN, m.Name
			vs, err := st.ActiveVouchers(ctx, p.IIN, ledger.Food, time.Now())
			if err != nil {
				return err
			}
			for _, v := range vs {
				rep.Left += v.Available()
			}
		case ledger.Medicine:
			rep.Pharmacy, rep.Refusal = m.Name, p.Reason
		}
	}
	return nil
}
