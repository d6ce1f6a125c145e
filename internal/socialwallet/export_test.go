package socialwallet

import (
	"context"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// ParseCode exposes parseCode to the fuzz test.
var ParseCode = parseCode

// PayForTest runs a purchase of amount from iin's vouchers on l as if its
// code had been accepted: the race of purchases on one voucher, which one
// live code per citizen and ledger keeps the API from running.
func (s *Service) PayForTest(ctx context.Context, m Merchant, id, iin string, l ledger.Ledger, amount int64) (PurchaseResult, error) {
	return s.pay(ctx, m, store.WalletPayment{Merchant: m.ID, Kind: store.KindPurchase, ID: id, IIN: iin, Ledger: l,
		Amount: amount, Status: store.PaymentPending, At: s.opts.Now()})
}
