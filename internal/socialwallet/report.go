package socialwallet

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// Flow is a programme's money on one ledger since the start: In
// (appropriations, and returns from expired vouchers and refunds), Out
// (payouts, vouchers, meals) and Left, its account's balance.
type Flow struct {
	Programme     string
	Ledger        ledger.Ledger
	In, Out, Left int64
}

// Group is what was spent through approved purchases and meals in one
// group: a ledger (Key its name), a region (KATO prefix) or a merchant
// (Key its id, Name its name).
type Group struct {
	Key, Name string
	Count     int
	Spent     int64 // tiyn bought
	Refunded  int64 // tiyn of it refunded since
}

// VoucherSum counts vouchers and sums an amount of them.
type VoucherSum struct {
	Count  int
	Amount int64
}

// Spending is the ministry's view of the wallet for a month ("" for all
// time). Programmes are always since the start (ledger balances); the
// rest is the month's.
type Spending struct {
	Month      string
	Programmes []Flow
	ByLedger   []Group
	ByRegion   []Group
	ByMerchant []Group
	Spent      int64 // sums of the groups
	Refunded   int64
	// Vouchers of the month: Funded (their amounts), Unspent (active:
	// what their accounts hold), Expired (returned to the programme).
	Funded, Unspent, Expired VoucherSum
}

// Spending returns the month's figures ("YYYY-MM", or "" for all time),
// computed by the database.
func (s *Service) Spending(ctx context.Context, month string) (Spending, error) {
	from, to, err := monthRange(month)
	if err != nil {
		return Spending{}, err
	}
	out := Spending{Month: month}
	progs := s.programmeAccounts()
	ids := make([]ledger.ID, 0, len(progs))
	for id := range progs {
		ids = append(ids, id)
	}
	as, err := s.st.LedgerAccounts(ctx, ids)
	if err != nil {
		return out, err
	}
	for _, a := range as {
		out.Programmes = append(out.Programmes, Flow{Programme: progs[a.ID], Ledger: a.Ledger, In: a.CreditsPosted,
			Out: a.DebitsPosted, Left: a.Balance()})
	}
	sortFlows(out.Programmes)
	names := map[string]string{}
	ms, err := s.st.WalletMerchants(ctx)
	if err != nil {
		return out, err
	}
	for _, m := range ms {
		names[m.ID] = m.Name
	}
	for _, by := range []string{"ledger", "region", "merchant"} {
		fs, err := s.st.WalletPaymentTotals(ctx, by, from, to)
		if err != nil {
			return out, err
		}
		gs := make([]Group, len(fs))
		for i, f := range fs {
			gs[i] = Group{Key: f.Key, Count: f.Count, Spent: f.Spent, Refunded: f.Refunded}
			switch by {
			case "ledger":
				n, _ := strconv.Atoi(f.Key)
				gs[i].Key = ledger.Ledger(n).String()
				out.Spent += f.Spent
				out.Refunded += f.Refunded
			case "merchant":
				gs[i].Name = names[f.Key]
			}
		}
		switch by {
		case "ledger":
			out.ByLedger = gs
		case "region":
			out.ByRegion = gs
		default:
			out.ByMerchant = gs
		}
	}
	vts, err := s.st.WalletVoucherTotals(ctx, month)
	if err != nil {
		return out, err
	}
	for _, t := range vts {
		out.Funded.Count += t.Count
		out.Funded.Amount += t.Amount
		if t.State == store.VoucherExpired {
			out.Expired.Count += t.Count
			out.Expired.Amount += t.Returned
		} else {
			out.Unspent.Count += t.Count
			out.Unspent.Amount += t.Balance
		}
	}
	return out, nil
}

func sortFlows(fs []Flow) {
	slices.SortFunc(fs, func(a, b Flow) int {
		return cmp.Or(strings.Compare(a.Programme, b.Programme), cmp.Compare(a.Ledger, b.Ledger))
	})
}

// Anomaly is a pattern of spending the ministry looks into.
type Anomaly struct {
	// Kind: "many_vouchers_one_merchant" (one merchant took at least
	// ManyPurchases purchases of one household's vouchers in the period)
	// or "merchant_linked_to_household" (the merchant's owner is a member
	// of the household whose vouchers it took), or "meals_above_usual"
	// (a canteen billed, for one day, at least MealSpikeMin meals and
	// more than MealSpikeFactor times its average over its other days of
	// the period, or at least MealSpikeMin on its first day of billing
	// ever, when it has no usual yet; Household is then "", Detail the
	// day), or "meal_refusals" (a canteen's meal requests for one day were
	// refused at least MealRefusalsMin times and more often than approved:
	// not_eligible, not_this_canteen, meal_already_served or
	// meal_date_not_allowed, counted from the audit log; Count the
	// refusals, Amount 0, Detail the day).
	Kind      string
	Merchant  string
	Household string
	Count     int   // purchases, or meals of the day
	Amount    int64 // tiyn, net of refunds
	Detail    string
}

// ManyPurchases is how many purchases of one household at one merchant
// in a month make an anomaly.
const ManyPurchases = 4

// MealSpikeMin and MealSpikeFactor make a canteen's day of meals an
// anomaly. Once meals are tied to the canteen's region and to eligible
// pupils, a canteen can no longer bill more meals a day than its region
// has eligible pupils; what is left to notice is a canteen that suddenly
// bills far more than it usually serves (a school's roll does not double
// overnight), for example by claiming the pupils of the region's other
// schools. The minimum keeps small canteens' ordinary swings out.
const (
	MealSpikeMin    = 30
	MealSpikeFactor = 2
)

// MealRefusalsMin is how many refused meal requests of a canteen for one
// day, if more than its approved meals of that day, make an anomaly: a
// canteen probing which pupils are supported, or billing pupils it does
// not serve, is refused far more often than one that bills its own roll.
const MealRefusalsMin = 20

// mealRefusalReasons are the refusals a canteen earns by the pupils and
// days it names; not_a_canteen is no canteen's.
var mealRefusalReasons = []string{ReasonNotEligible, ReasonNotThisCanteen, ReasonMealAlreadyServed, ReasonMealDateNotAllowed}

// Anomalies returns the month's anomalies ("" for all time), by merchant
// and household, then the canteens' unusual days.
func (s *Service) Anomalies(ctx context.Context, month string) ([]Anomaly, error) {
	from, to, err := monthRange(month)
	if err != nil {
		return nil, err
	}
	rows, err := s.st.MerchantHouseholds(ctx, ManyPurchases, from, to)
	if err != nil {
		return nil, err
	}
	var out []Anomaly
	for _, r := range rows {
		a := Anomaly{Merchant: r.Merchant, Household: r.Household, Count: r.Purchases, Amount: r.Amount,
			Detail: strconv.Itoa(r.Purchases) + " purchases"}
		if r.Linked {
			a.Kind = "merchant_linked_to_household"
			out = append(out, a)
		}
		if r.Purchases >= ManyPurchases {
			a.Kind = "many_vouchers_one_merchant"
			out = append(out, a)
		}
	}
	days, err := s.st.CanteenDays(ctx, from, to)
	if err != nil {
		return nil, err
	}
	var canteens []string
	for i, d := range days { // sorted by canteen
		if i == 0 || d.Merchant != days[i-1].Merchant {
			canteens = append(canteens, d.Merchant)
		}
	}
	billed := map[string]bool{}
	if !from.IsZero() {
		if billed, err = s.st.CanteensBilledBefore(ctx, canteens, from); err != nil {
			return nil, err
		}
	}
	fresh := make(map[string]bool, len(canteens))
	for _, c := range canteens {
		fresh[c] = !billed[c]
	}
	out = append(out, mealSpikes(days, fresh)...)
	refused, err := s.st.AuditRefusals(ctx, store.AuditRefusalQuery{Service: AuditServiceMeal,
		Reasons: mealRefusalReasons, From: from, To: to})
	if err != nil {
		return nil, err
	}
	return append(out, mealRefusals(refused, days)...), nil
}

// mealRefusals finds the canteens' days of refusals above MealRefusalsMin
// and above the day's approved meals (days).
func mealRefusals(refused []store.AuditRefusalCount, days []store.CanteenDay) []Anomaly {
	approved := map[[2]string]int{}
	for _, d := range days {
		approved[[2]string{d.Merchant, d.Day}] = d.Meals
	}
	var out []Anomaly
	for _, r := range refused {
		if r.Refused >= MealRefusalsMin && r.Refused > approved[[2]string{r.Case, r.RequestID}] {
			out = append(out, Anomaly{Kind: "meal_refusals", Merchant: r.Case, Count: r.Refused, Detail: r.RequestID})
		}
	}
	return out
}

// mealSpikes finds the canteens' days of meals above their usual (days
// sorted by canteen, then day). A canteen in fresh billed nothing before
// these days: its first day has no usual, and a large one is flagged
// as well, since a new canteen that starts big is never above its own
// average.
func mealSpikes(days []store.CanteenDay, fresh map[string]bool) []Anomaly {
	var out []Anomaly
	for len(days) > 0 {
		n := 1
		for n < len(days) && days[n].Merchant == days[0].Merchant {
			n++
		}
		total := 0
		for _, d := range days[:n] {
			total += d.Meals
		}
		for i, d := range days[:n] {
			// More than Factor times the mean of the other days, in integers:
			// meals × (days − 1) > Factor × (total − meals).
			spike := n > 1 && d.Meals*(n-1) > MealSpikeFactor*(total-d.Meals)
			first := i == 0 && fresh[d.Merchant]
			if d.Meals >= MealSpikeMin && (spike || first) {
				out = append(out, Anomaly{Kind: "meals_above_usual", Merchant: d.Merchant, Count: d.Meals,
					Amount: d.Amount, Detail: d.Day})
			}
		}
		days = days[n:]
	}
	return out
}
