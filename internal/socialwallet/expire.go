package socialwallet

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// expiryPage is how many vouchers one round of Expire handles.
const expiryPage = 2000

// ExpiryTransfer is the id of the transfer that returns what is left of a
// voucher to its programme, ordered with the voucher (a month's expiry
// writes in the order its funding did; see ledger.OrderedIDOf).
func ExpiryTransfer(voucher ledger.ID) ledger.ID {
	return ledger.OrderedIDOf(binary.BigEndian.Uint64(voucher[:8]), "expiry:"+voucher.String())
}

// Expiry's housekeeping bounds: how far back Expire looks again at
// expired vouchers for money a refund credited after the sweep (a refund
// racing the sweep, or one a crash left pending and retried after it),
// and how long it keeps ended payment codes, at most codePage a run.
// The look again runs at most every resweepEvery: it reads every voucher
// expired within the window, a month's worth of the country's for a week
// after each expiry, and money stranded by a race can wait an hour.
const (
	ResweepWindow = 7 * 24 * time.Hour
	resweepEvery  = time.Hour
	codeKeep      = 24 * time.Hour
	codePage      = 10000
)

// ResweepTransfer is the id of the transfer that returns money found
// again on an expired voucher whose account has credits posted: one per
// state of the account, so that a rerun sends it once and a later refund
// gets a transfer of its own.
func ResweepTransfer(voucher ledger.ID, credits int64) ledger.ID {
	return ledger.OrderedIDOf(binary.BigEndian.Uint64(voucher[:8]), "expiry:"+voucher.String()+":"+strconv.FormatInt(credits, 10))
}

// Expire returns what is left of every active voucher whose expiry is at
// or before now to its programme (one transfer each), marks the vouchers
// expired, and reports how many and how much it returned. Running it
// again, or after a crash, returns nothing twice: the transfer's id is the
// voucher's, and a voucher whose transfer exists is marked with that
// transfer's amount. At most once an hour (of now) it then returns the
// money found again on vouchers expired within ResweepWindow (counted in
// the report too); and it deletes payment codes that ended a day ago.
func (s *Service) Expire(ctx context.Context, now time.Time) (int, int64, error) {
	var after ledger.ID
	vouchers, total := 0, int64(0)
	for {
		page, err := s.st.DueVouchers(ctx, now, after, expiryPage)
		if err != nil {
			return vouchers, total, err
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].Account
		n, tiyn, err := s.expirePage(ctx, page)
		vouchers, total = vouchers+n, total+tiyn
		if err != nil {
			return vouchers, total, fmt.Errorf("expire vouchers: %w", err)
		}
	}
	s.mu.Lock()
	due := s.swept.IsZero() || now.Sub(s.swept) >= resweepEvery
	if due {
		s.swept = now
	}
	s.mu.Unlock()
	if due {
		n, tiyn, err := s.resweep(ctx, now)
		vouchers, total = vouchers+n, total+tiyn
		if err != nil {
			return vouchers, total, fmt.Errorf("expire vouchers: %w", err)
		}
	}
	if vouchers > 0 {
		slog.InfoContext(ctx, "vouchers expired", "vouchers", vouchers, "returned", FormatTenge(total))
	}
	if _, err := s.st.DeletePaymentCodes(ctx, now.Add(-codeKeep), codePage); err != nil {
		return vouchers, total, err
	}
	return vouchers, total, nil
}

// resweep returns to their programmes the money on vouchers expired
// within ResweepWindow, and reports how many and how much.
func (s *Service) resweep(ctx context.Context, now time.Time) (int, int64, error) {
	var after ledger.ID
	vouchers, total := 0, int64(0)
	for {
		page, err := s.st.StrandedVouchers(ctx, now.Add(-ResweepWindow), now, after, expiryPage)
		if err != nil || len(page) == 0 {
			return vouchers, total, err
		}
		after = page[len(page)-1].Account
		ts := make([]ledger.Transfer, len(page))
		for i, v := range page {
			if err := s.ensureAccounts(ctx, v.Programme, v.Ledger); err != nil {
				return vouchers, total, err
			}
			ts[i] = ledger.Transfer{ID: ResweepTransfer(v.Account, v.CreditsPosted), DebitAccount: v.Account,
				CreditAccount: ProgrammeAccount(v.Programme, v.Ledger), Amount: v.Balance(), Ledger: v.Ledger,
				Code: TransferExpiry, UserData: "voucher:" + strconv.FormatInt(v.DecisionID, 10) + ":" + v.Month}
		}
		rs, err := s.st.CreateLedgerTransfers(ctx, ts)
		if err != nil {
			return vouchers, total, err
		}
		// Only a transfer made now adds to what the voucher returned: a
		// concurrent run's (ResultExists) added it there.
		returned := map[ledger.ID]int64{}
		for i, r := range rs {
			if r == ledger.ResultOK {
				returned[page[i].Account] = ts[i].Amount
				vouchers, total = vouchers+1, total+ts[i].Amount
			}
		}
		if err := s.st.AddVoucherReturns(ctx, returned); err != nil {
			return vouchers, total, err
		}
	}
}

func (s *Service) expirePage(ctx context.Context, page []store.WalletVoucher) (int, int64, error) {
	ids := make([]ledger.ID, len(page))
	for i, v := range page {
		ids[i] = ExpiryTransfer(v.Account)
	}
	// A voucher whose expiry transfer exists (a crash after it) returned
	// that transfer's amount; its balance now is what came after.
	done, err := s.st.LedgerTransfers(ctx, ids)
	if err != nil {
		return 0, 0, err
	}
	returned := make(map[ledger.ID]int64, len(page))
	for _, t := range done {
		returned[t.DebitAccount] = t.Amount
	}
	var ts []ledger.Transfer
	var of []ledger.ID
	for i, v := range page {
		if _, ok := returned[v.Account]; ok {
			continue
		}
		if v.Balance() <= 0 {
			returned[v.Account] = 0
			continue
		}
		if err := s.ensureAccounts(ctx, v.Programme, v.Ledger); err != nil {
			return 0, 0, err
		}
		ts = append(ts, ledger.Transfer{ID: ids[i], DebitAccount: v.Account, CreditAccount: ProgrammeAccount(v.Programme, v.Ledger),
			Amount: v.Balance(), Ledger: v.Ledger, Code: TransferExpiry,
			UserData: "voucher:" + strconv.FormatInt(v.DecisionID, 10) + ":" + v.Month})
		of = append(of, v.Account)
	}
	if len(ts) > 0 {
		rs, err := s.st.CreateLedgerTransfers(ctx, ts)
		if err != nil {
			return 0, 0, err
		}
		for i, r := range rs {
			// A purchase in flight may have spent some of the balance read:
			// the voucher stays active and the next run returns the rest.
			if r.Applied() {
				returned[of[i]] = ts[i].Amount
			}
		}
	}
	if err := s.st.MarkVouchersExpired(ctx, returned); err != nil {
		return 0, 0, err
	}
	var total int64
	for _, n := range returned {
		total += n
	}
	return len(returned), total, nil
}
