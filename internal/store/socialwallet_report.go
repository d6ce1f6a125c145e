package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
)

// The Social Wallet's reports: aggregates computed by the database, never
// by a loop over the country's rows in Go.

// WalletFlow is what was spent through approved purchases and meals in
// one group (a ledger, a region or a merchant).
type WalletFlow struct {
	Key      string // the ledger's number, the region or the merchant id
	Count    int
	Spent    int64 // tiyn bought, refunds not deducted
	Refunded int64
}

// WalletPaymentTotals sums the approved purchases and meals made in
// [from, to) (zero times: unbounded) grouped by "ledger", "region" or
// "merchant".
func (s *Store) WalletPaymentTotals(ctx context.Context, by string, from, to time.Time) ([]WalletFlow, error) {
	col := map[string]string{"ledger": "CAST(ledger AS TEXT)", "region": "region", "merchant": "merchant"}[by]
	if col == "" {
		return nil, fmt.Errorf("payment totals by %q: %w", by, ErrInvalid)
	}
	hi := micros(to)
	if to.IsZero() {
		hi = 1<<63 - 1
	}
	out, err := queryAll(ctx, s, `SELECT `+col+`, COUNT(*), COALESCE(SUM(amount), 0), COALESCE(SUM(refunded), 0)
		FROM social_payments WHERE kind IN ('purchase', 'meal') AND status = 'approved' AND at_us >= ? AND at_us < ?
		GROUP BY `+col+` ORDER BY 1`, func(sc interface{ Scan(...any) error }) (WalletFlow, error) {
		var f WalletFlow
		err := sc.Scan(&f.Key, &f.Count, &f.Spent, &f.Refunded)
		return f, err
	}, micros(from), hi)
	if err != nil {
		return nil, fmt.Errorf("payment totals by %s: %w", by, err)
	}
	return out, nil
}

// VoucherTotal sums the vouchers of one programme, ledger and state.
type VoucherTotal struct {
	Programme string
	Ledger    ledger.Ledger
	State     string
	Count     int
	Amount    int64 // funded
	Returned  int64 // moved back at expiry
	Balance   int64 // what their accounts hold now
}

// WalletVoucherTotals sums the vouchers of month ("" for all) by
// programme, ledger and state.
func (s *Store) WalletVoucherTotals(ctx context.Context, month string) ([]VoucherTotal, error) {
	out, err := queryAll(ctx, s, `SELECT v.programme, v.ledger, v.state, COUNT(*), COALESCE(SUM(v.amount), 0),
		COALESCE(SUM(v.returned), 0), COALESCE(SUM(a.credits_posted - a.debits_posted), 0)
		FROM social_vouchers v JOIN ledger_accounts a ON a.id = v.account
		WHERE ? = '' OR v.month = ? GROUP BY v.programme, v.ledger, v.state ORDER BY 1, 2, 3`,
		func(sc interface{ Scan(...any) error }) (VoucherTotal, error) {
			var t VoucherTotal
			var lg int64
			err := sc.Scan(&t.Programme, &lg, &t.State, &t.Count, &t.Amount, &t.Returned, &t.Balance)
			t.Ledger = ledger.Ledger(lg)
			return t, err
		}, month, month)
	if err != nil {
		return nil, fmt.Errorf("voucher totals: %w", err)
	}
	return out, nil
}

// MerchantHousehold is what one merchant took from one household in a
// period: for the ministry's anomalies.
type MerchantHousehold struct {
	Merchant, Household string
	Purchases           int
	Amount              int64
	Linked              bool // the merchant's owner is a member of the household
}

// MerchantHouseholds returns the (merchant, household) pairs with at
// least min approved purchases in [from, to), and every pair, however
// few its purchases, where the merchant's owner is a member of the
// household.
func (s *Store) MerchantHouseholds(ctx context.Context, min int, from, to time.Time) ([]MerchantHousehold, error) {
	hi := micros(to)
	if to.IsZero() {
		hi = 1<<63 - 1
	}
	out, err := queryAll(ctx, s, `SELECT p.merchant, p.household, COUNT(*), COALESCE(SUM(p.amount - p.refunded), 0),
		MAX(CASE WHEN EXISTS (SELECT 1 FROM social_merchants m JOIN benefit_household_members hm ON hm.iin = m.owner_iin
			WHERE m.id = p.merchant AND m.owner_iin <> '' AND hm.household = p.household) THEN 1 ELSE 0 END) AS linked
		FROM social_payments p
		WHERE p.kind = 'purchase' AND p.status = 'approved' AND p.household <> '' AND p.at_us >= ? AND p.at_us < ?
		GROUP BY p.merchant, p.household
		HAVING COUNT(*) >= ? OR MAX(CASE WHEN EXISTS (SELECT 1 FROM social_merchants m JOIN benefit_household_members hm
			ON hm.iin = m.owner_iin WHERE m.id = p.merchant AND m.owner_iin <> '' AND hm.household = p.household)
			THEN 1 ELSE 0 END) = 1
		ORDER BY 1, 2`, func(sc interface{ Scan(...any) error }) (MerchantHousehold, error) {
		var m MerchantHousehold
		var linked int
		err := sc.Scan(&m.Merchant, &m.Household, &m.Purchases, &m.Amount, &linked)
		m.Linked = linked == 1
		return m, err
	}, micros(from), hi, min)
	if err != nil {
		return nil, fmt.Errorf("merchant households: %w", err)
	}
	return out, nil
}

// CanteenDay is what one canteen billed for the meals of one day.
type CanteenDay struct {
	Merchant string
	Day      string // YYYY-MM-DD, the meals' day
	Meals    int
	Amount   int64 // tiyn
}

// CanteenDays returns the approved meals recorded in [from, to) (a zero
// to: no end), counted by canteen and the day they were served on, by
// canteen then day. It reads the payments through their time index, and
// the day from the meal's id "<pupil>:<YYYY-MM-DD>".
func (s *Store) CanteenDays(ctx context.Context, from, to time.Time) ([]CanteenDay, error) {
	hi := micros(to)
	if to.IsZero() {
		hi = 1<<63 - 1
	}
	out, err := queryAll(ctx, s, `SELECT merchant, substr(id, length(id) - 9), COUNT(*), COALESCE(SUM(amount), 0)
		FROM social_payments
		WHERE kind = 'meal' AND status = 'approved' AND at_us >= ? AND at_us < ?
		GROUP BY merchant, substr(id, length(id) - 9)
		ORDER BY 1, 2`, func(sc interface{ Scan(...any) error }) (CanteenDay, error) {
		var d CanteenDay
		err := sc.Scan(&d.Merchant, &d.Day, &d.Meals, &d.Amount)
		return d, err
	}, micros(from), hi)
	if err != nil {
		return nil, fmt.Errorf("canteen days: %w", err)
	}
	return out, nil
}

// CanteensBilledBefore returns which of the canteen merchants had an
// approved meal recorded before t: a canteen without one is new, and its
// first large day has no usual to compare with. One query per 500
// merchants, each merchant's meals walked by primary key up to the first
// such.
func (s *Store) CanteensBilledBefore(ctx context.Context, merchants []string, t time.Time) (map[string]bool, error) {
	billed := make(map[string]bool, len(merchants))
	for lo := 0; lo < len(merchants); lo += refChunk {
		chunk := merchants[lo:min(len(merchants), lo+refChunk)]
		args := make([]any, 0, len(chunk)+1)
		for _, m := range chunk {
			args = append(args, m)
		}
		ids, err := queryAll(ctx, s, `SELECT m.id FROM social_merchants m
			WHERE m.id IN (?`+strings.Repeat(", ?", len(chunk)-1)+`) AND EXISTS (SELECT 1 FROM social_payments p
				WHERE p.merchant = m.id AND p.kind = 'meal' AND p.status = 'approved' AND p.at_us < ?)`,
			func(sc interface{ Scan(...any) error }) (string, error) {
				var id string
				err := sc.Scan(&id)
				return id, err
			}, append(args, micros(t))...)
		if err != nil {
			return nil, fmt.Errorf("canteens billed before: %w", err)
		}
		for _, id := range ids {
			billed[id] = true
		}
	}
	return billed, nil
}
