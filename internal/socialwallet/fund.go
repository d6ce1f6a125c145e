package socialwallet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// FundReport is what funding a month did.
type FundReport struct {
	Month      string
	Households int // households with a payout or voucher of the month (made now or before)
	Payouts    int // cash payouts made now
	Vouchers   int // vouchers funded now
	// Existing counts payouts and vouchers an earlier run of the month
	// made: a rerun reports them and changes nothing.
	Existing  int
	Cash      int64 // tiyn paid out now to cash accounts
	Earmarked int64 // tiyn funded now onto vouchers
	// Refused counts the transfers the ledger refused, by result name
	// ("exceeds_credits" when a programme lacks appropriations).
	Refused map[string]int
}

// Fund makes the payouts of month ("YYYY-MM") for every confirmed offer
// whose household's current decision still grants the programme and whose
// decision is dated in that month or before: one cash payout per month
// ("once" programmes: one in all), and for the АСП food support a voucher
// of МРП × members expiring on the 29th (support.yaml).
//
// Offers are read in pages (one query each) in the order of their
// recipients' IINs, which is the order of the recipients' cash accounts
// and of the ids funding writes (fundingOrder), and their accounts and
// transfers submitted in batches by Options.Workers goroutines. Every id
// is derived from its decision, recipient and month, so running a month
// again, or after a crash, makes no payout twice. progress, if not nil,
// is told the confirmed offers walked and their number.
func (s *Service) Fund(ctx context.Context, month string, progress func(done, total int)) (FundReport, error) {
	start, err := ParseMonth(month)
	if err != nil {
		return FundReport{}, err
	}
	y, m, _ := start.Date()
	mrp, ok := s.opts.Catalog().Params["MRP"]
	if !ok {
		return FundReport{}, errors.New("fund: the benefits catalog has no MRP")
	}
	v, ok := mrp.At(benefits.MakeDate(y, int(m), 1))
	if !ok || v.Value == nil {
		return FundReport{}, fmt.Errorf("fund %s: no МРП in force", month)
	}
	per, err := v.Value.Mul(s.support.Food.MRPPerMember)
	if err == nil {
		per, err = per.Mul(benefits.Tenge(100))
	}
	if err != nil {
		return FundReport{}, fmt.Errorf("fund %s: voucher amount: %w", month, err)
	}
	f := &funding{s: s, month: month, voucherTiyn: per.Round().Int64(), expires: s.voucherExpiry(start),
		rep: FundReport{Month: month, Refused: map[string]int{}}, shared: map[string]bool{}}
	if err := s.st.AnalyzeFunding(ctx); err != nil {
		return FundReport{}, fmt.Errorf("fund %s: %w", month, err)
	}
	total, err := s.st.CountConfirmedOffers(ctx)
	if err != nil {
		return FundReport{}, err
	}
	shared, err := s.st.SharedFunding(ctx)
	if err != nil {
		return FundReport{}, fmt.Errorf("fund %s: %w", month, err)
	}
	for _, h := range shared {
		f.shared[h] = false
	}
	if err := s.ensureAccounts(ctx, s.support.Food.Programme, s.support.Food.Ledger); err != nil {
		return FundReport{}, fmt.Errorf("fund %s: %w", month, err)
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	pages := make(chan store.FundingPage, s.opts.Workers)
	go func() {
		defer close(pages)
		var after store.FundingCursor
		for {
			page, err := s.st.NextFundingPage(ctx, after, s.opts.Batch)
			if err != nil {
				cancel(err)
				return
			}
			if page.Walked == 0 {
				return
			}
			after = page.Next
			select {
			case pages <- page:
			case <-ctx.Done():
				return
			}
		}
	}()
	var wg sync.WaitGroup
	done := 0
	for range s.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for page := range pages {
				if ctx.Err() != nil {
					continue
				}
				if err := f.page(ctx, page.Rows); err != nil {
					cancel(err)
					continue
				}
				f.mu.Lock()
				done += page.Walked
				if progress != nil {
					progress(done, total)
				}
				f.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, funded := range f.shared {
		if funded {
			f.rep.Households++
		}
	}
	if err := context.Cause(ctx); err != nil {
		return f.rep, fmt.Errorf("fund %s: %w", month, err)
	}
	slog.InfoContext(ctx, "wallet funded", "month", month, "households", f.rep.Households, "payouts", f.rep.Payouts,
		"vouchers", f.rep.Vouchers, "existing", f.rep.Existing, "refused", f.rep.Refused)
	return f.rep, nil
}

// voucherExpiry is when a voucher of the month starting at start expires
// if funded now: the end of the support's day of that month in Almaty, or
// the end of the month when that has passed (or the month has no such
// day).
func (s *Service) voucherExpiry(start time.Time) time.Time {
	end := start.AddDate(0, 1, 0)
	at := start.AddDate(0, 0, s.support.Food.ExpiresDay) // the start of the next day
	if at.After(end) || !s.opts.Now().Before(at) {
		at = end
	}
	return at.UTC()
}

// funding is one run of Fund.
type funding struct {
	s           *Service
	month       string
	voucherTiyn int64 // per member
	expires     time.Time

	mu  sync.Mutex
	rep FundReport
	// shared holds the households whose offers go to several recipients,
	// which the walk meets on several pages: whether any page funded them.
	shared map[string]bool
}

// page funds the rows of a page: every granting offer of its recipients.
func (f *funding) page(ctx context.Context, rows []store.FundingRow) error {
	s, food := f.s, f.s.support.Food
	var accts []ledger.Account
	var ts []ledger.Transfer
	var vouchers []store.WalletVoucher
	// owner[i] is the index in rows of transfer i's offer; voucherOf[i]
	// the index in vouchers of a voucher transfer, else -1.
	var owner, voucherOf []int
	seen := map[ledger.ID]bool{}
	for i := range rows {
		r := &rows[i]
		if len(r.DecisionDate) < 7 || r.DecisionDate[:7] > f.month || r.Amount < 0 {
			continue // decided after the month
		}
		if err := s.ensureAccounts(ctx, r.Programme, ledger.Cash); err != nil {
			return err
		}
		dec := strconv.FormatInt(r.DecisionID, 10)
		// The programme is in the key: one decision grants several.
		key := "payout:" + dec + ":" + r.Programme + ":" + f.month
		order := fundingOrder(f.month, r.RecipientIIN)
		if r.Period == "once" {
			// The same id whatever the month it is paid in.
			key = "payout:" + dec + ":" + r.Programme + ":once"
			order = fundingOrder("", r.RecipientIIN)
		}
		cash := CashAccount(r.RecipientIIN)
		if r.Amount > 0 {
			if !seen[cash] {
				seen[cash] = true
				accts = append(accts, ledger.Account{ID: cash, Ledger: ledger.Cash, Code: AccountCash, UserData: r.RecipientIIN})
			}
			ts = append(ts, ledger.Transfer{ID: ledger.OrderedIDOf(order, key), DebitAccount: ProgrammeAccount(r.Programme, ledger.Cash),
				CreditAccount: cash, Amount: r.Amount * 100, Ledger: ledger.Cash, Code: TransferPayout,
				UserData: "decision:" + dec})
			owner, voucherOf = append(owner, i), append(voucherOf, -1)
		}
		if r.Programme == food.Programme && r.Members > 0 && r.Period != "once" {
			acct := VoucherAccount(r.RecipientIIN, r.DecisionID, f.month)
			accts = append(accts, ledger.Account{ID: acct, Ledger: food.Ledger, Code: AccountVoucher, UserData: r.RecipientIIN})
			ts = append(ts, ledger.Transfer{ID: ledger.OrderedIDOf(fundingOrder(f.month, r.RecipientIIN), "payout:"+dec+":"+f.month+":"+food.Ledger.String()),
				DebitAccount: ProgrammeAccount(food.Programme, food.Ledger), CreditAccount: acct,
				Amount: f.voucherTiyn * int64(r.Members), Ledger: food.Ledger, Code: TransferVoucher, UserData: "decision:" + dec})
			owner, voucherOf = append(owner, i), append(voucherOf, len(vouchers))
			vouchers = append(vouchers, store.WalletVoucher{Account: acct, DecisionID: r.DecisionID, Month: f.month,
				Programme: food.Programme, Ledger: food.Ledger, IIN: r.RecipientIIN, Household: r.Household, Region: r.Region,
				Amount: f.voucherTiyn * int64(r.Members), ExpiresAt: f.expires})
		}
	}
	if len(ts) == 0 {
		return nil
	}
	// The accounts and their first transfers in one transaction.
	ars, trs, err := s.st.CreateLedgerAccountsAndTransfers(ctx, accts, ts)
	if err != nil {
		return err
	}
	for i, r := range ars {
		if !r.Applied() {
			return fmt.Errorf("account %s: %s", accts[i].ID, r)
		}
	}
	var keep []store.WalletVoucher
	var rep FundReport
	rep.Refused = map[string]int{}
	funded := map[string]bool{}
	for i, r := range trs {
		t := &ts[i]
		switch r {
		case ledger.ResultOK:
			if t.Code == TransferPayout {
				rep.Payouts++
				rep.Cash += t.Amount
			} else {
				rep.Vouchers++
				rep.Earmarked += t.Amount
			}
		case ledger.ResultExists:
			rep.Existing++
		default:
			rep.Refused[r.String()]++
			continue
		}
		funded[rows[owner[i]].Household] = true
		if j := voucherOf[i]; j >= 0 {
			keep = append(keep, vouchers[j])
		}
	}
	// After the ledger applied them: a crash before this line leaves the
	// transfers, which a rerun finds (ResultExists) and records then.
	if err := s.st.AddWalletVouchers(ctx, keep); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for h := range funded {
		if _, ok := f.shared[h]; ok {
			f.shared[h] = true
		} else {
			f.rep.Households++
		}
	}
	f.rep.Payouts += rep.Payouts
	f.rep.Vouchers += rep.Vouchers
	f.rep.Existing += rep.Existing
	f.rep.Cash += rep.Cash
	f.rep.Earmarked += rep.Earmarked
	for k, n := range rep.Refused {
		f.rep.Refused[k] += n
	}
	return nil
}
