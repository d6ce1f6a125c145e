package socialwallet

import (
	"context"
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
// voucher to its programme.
func ExpiryTransfer(voucher ledger.ID) ledger.ID { return ledger.IDOf("expiry:" + voucher.String()) }

// Expire returns what is left of every active voucher whose expiry is at
// or before now to its programme (one transfer each), marks the vouchers
// expired, and reports how many and how much it returned. Running it
// again, or after a crash, returns nothing twice: the transfer's id is the
// voucher's, and a voucher whose transfer exists is marked with that
// transfer's amount.
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
	if vouchers > 0 {
		slog.InfoContext(ctx, "vouchers expired", "vouchers", vouchers, "returned", FormatTenge(total))
	}
	return vouchers, total, nil
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
