package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/ledger"
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

// demoMerchantKeyFile keeps the demo grocery's API key beside the data, as
// demoKeyFile keeps the agency's.
const demoMerchantKeyFile = "demo-merchant-key"

// demoMerchant registers the till of a demo grocery on the exchange, makes
// sure it has an API key with scope merchant and prints a purchase an
// integrator can paste, with a code a citizen makes in the wallet.
func demoMerchant(ctx context.Context, st *store.Store, x *exchange.Exchange, data, addr, walletAddr string, out io.Writer) error {
	ms, err := socialwallet.New(st, socialwallet.Options{}).Merchants(ctx)
	if err != nil {
		return fmt.Errorf("demo merchant: %w", err)
	}
	var m socialwallet.Merchant
	for _, c := range ms {
		if c.Category == ledger.Food && c.Member != "" && c.Subsystem != "" && c.OwnerIIN == "" {
			m = c
			break
		}
	}
	if m.ID == "" {
		return nil
	}
	title := exchange.Title{"kk": m.Name, "ru": m.Name, "en": m.Name}
	if err := x.PutMember(ctx, exchange.Member{Code: m.Member, Title: title}); err != nil {
		return fmt.Errorf("demo merchant: %w", err)
	}
	if err := x.PutSubsystem(ctx, exchange.Subsystem{Member: m.Member, Code: m.Subsystem, Title: title}); err != nil {
		return fmt.Errorf("demo merchant: %w", err)
	}
	path := filepath.Join(data, demoMerchantKeyFile)
	token := ""
	if b, err := os.ReadFile(path); err == nil {
		t := strings.TrimSpace(string(b))
		if c, err := x.AuthenticateKey(t); err == nil && c.Member == m.Member && c.Can(exchange.ScopeMerchant) {
			token = t
		}
	}
	if token == "" {
		if token, _, err = x.CreateKey(ctx, m.Member, m.Subsystem, []string{exchange.ScopeMerchant}); err != nil {
			return fmt.Errorf("demo merchant key: %w", err)
		}
		if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
			return fmt.Errorf("demo merchant key: %w", err)
		}
	}
	fmt.Fprintf(out, "merchant: %s's till takes the IIN and code a citizen makes at http://%s/wallet/money/pay?ledger=food:\n"+
		"  curl -H 'Authorization: Bearer %s' -H 'Ortaq-Client: %s/%s' -H 'Content-Type: application/json' "+
		"-d '{\"id\":\"till-1\",\"iin\":\"IIN\",\"code\":\"CODE\",\"amount\":\"500.00\"}' http://%s/api/v1/wallet/purchases\n",
		m.Name, walletAddr, token, m.Member, m.Subsystem, addr)
	return nil
}
