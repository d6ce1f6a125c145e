package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
)

// demoKeyFile keeps the demo's API key between starts: the server stores
// only its hash, so the token cannot be shown again otherwise.
const demoKeyFile = "demo-api-key"

// demoExchange seeds the exchange registry, makes sure the demo has an API
// key and prints a query a person can paste to try the exchange, and the
// wallet's address with an IIN to sign in as.
func demoExchange(ctx context.Context, st *store.Store, x *exchange.Exchange, data, addr, walletAddr string, out io.Writer) error {
	if err := exchange.SeedDemo(ctx, x); err != nil {
		return err
	}
	right, basis, ok := x.ExampleRight()
	if !ok {
		return errors.New("demo: the seeded registry grants no right to try")
	}
	token, err := demoKey(ctx, x, filepath.Join(data, demoKeyFile), right)
	if err != nil {
		return err
	}
	ids, err := st.SampleNationalIDs(ctx, 100)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(k string) bool { return !kz.ValidIIN(k) })
	if len(ids) == 0 {
		return nil
	}
	// Try a person whose phone the registers hold, so that the same IIN
	// signs in to the wallet and sees the query made for them.
	for i, id := range ids {
		if phone, err := wallet.PhoneOf(ctx, st, id); err != nil {
			return err
		} else if phone != "" {
			ids[0], ids[i] = ids[i], ids[0]
			break
		}
	}
	fmt.Fprintf(out, "exchange: try\n  curl -H 'Authorization: Bearer %s' -H 'Ortaq-Client: %s/%s' -H 'Ortaq-Purpose: %s' "+
		"-H 'Ortaq-Legal-Basis: %s' -H 'Ortaq-User: demo-officer' -H 'Ortaq-Request-Id: case-1' http://%s/api/v1/exchange/%s/%s\n"+
		"  then the receipt: curl -H 'Authorization: Bearer %s' http://%s/api/v1/audit/records/0\n",
		token, right.Member, right.Subsystem, right.Purpose, basis.Code, addr, right.Service, ids[0], token, addr)
	fmt.Fprintf(out, "wallet: sign in as a citizen at http://%s/wallet/sign-in with IIN %s; "+
		"the code arrives in the demo's SMS outbox, http://%s/wallet/sms\n", walletAddr, ids[0], walletAddr)
	return demoOffer(ctx, st, walletAddr, out)
}

// demoOffer names a citizen with a phone whose household has a benefit
// offer waiting, to accept in the wallet and confirm as mlsp.social.
func demoOffer(ctx context.Context, st *store.Store, walletAddr string, out io.Writer) error {
	ids, err := st.SampleNationalIDs(ctx, 2000)
	if err != nil {
		return err
	}
	for _, id := range ids {
		offers, err := st.OffersFor(ctx, id)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(offers, func(o store.Offer) bool { return o.Status == store.OfferOffered })
		if i < 0 {
			continue
		}
		if phone, err := wallet.PhoneOf(ctx, st, id); err != nil {
			return err
		} else if phone == "" {
			continue
		}
		fmt.Fprintf(out, "benefits: IIN %s has a %s offer waiting at http://%s/wallet/benefits; accept it, then confirm it "+
			"in the console's queue as mlsp.social\n", id, offers[i].Programme, walletAddr)
		return nil
	}
	return nil
}

// demoKey returns the saved demo token if it still works, else creates a
// key for right's subsystem with every scope and saves it.
func demoKey(ctx context.Context, x *exchange.Exchange, path string, right exchange.Right) (string, error) {
	if b, err := os.ReadFile(path); err == nil {
		token := strings.TrimSpace(string(b))
		if c, err := x.AuthenticateKey(token); err == nil && c.Member == right.Member && c.Subsystem == right.Subsystem {
			return token, nil
		}
	}
	token, _, err := x.CreateKey(ctx, right.Member, right.Subsystem,
		[]string{exchange.ScopeExchange, exchange.ScopeAudit, exchange.ScopeAdmin, exchange.ScopeSources})
	if err != nil {
		return "", fmt.Errorf("demo key: %w", err)
	}
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("demo key: %w", err)
	}
	return token, nil
}
