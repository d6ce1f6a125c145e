package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
)

// demoWallet seeds the Social Wallet at the demo's first start (offers
// accepted and confirmed by mlsp.social, two months funded, purchases,
// refunds, meals, an expiry) and prints the walk-through family.
func demoWallet(ctx context.Context, st *store.Store, walletAddr string, out io.Writer) error {
	officer, err := st.OfficialByLogin(ctx, "mlsp.social")
	if err != nil {
		return fmt.Errorf("demo wallet: %w", err)
	}
	start := time.Now()
	rep, err := socialwallet.SeedDemo(ctx, st, socialwallet.DemoOptions{Officer: officer.ID,
		HasPhone: func(ctx context.Context, iin string) (bool, error) {
			phone, err := wallet.PhoneOf(ctx, st, iin)
			return phone != "", err
		}})
	if err != nil {
		return fmt.Errorf("demo wallet: %w", err)
	}
	if rep.Seeded {
		fmt.Fprintf(out, "social wallet: funded %s and %s (%d households this month), %d merchants, %d purchases, %d school meals, "+
			"%d vouchers expired returning %s ₸, in %s\n", rep.Months[0], rep.Months[1], rep.Households, rep.Merchants,
			rep.Purchases, rep.Meals, rep.Expired, socialwallet.FormatTenge(rep.Returned), time.Since(start).Round(time.Millisecond))
	}
	if rep.Family != "" {
		fmt.Fprintf(out, "social wallet: IIN %s (an АСП family) paid part of its food voucher at %s with a code; %s's try to "+
			"take it was refused by the ledger (%s); %s ₸ left: http://%s/wallet/money; the ministry's figures: "+
			"/spending as mlsp.policy; check the ledger: ortaq ledger verify\n", rep.Family, rep.Grocery, rep.Pharmacy,
			rep.Refusal, socialwallet.FormatTenge(rep.Left), walletAddr)
	}
	return nil
}
