package socialwallet

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// Balance is what a citizen may spend on one ledger.
type Balance struct {
	Ledger    ledger.Ledger
	Available int64 // tiyn
}

// Voucher is one of the citizen's vouchers. Amount = Spent + Returned +
// Left: Spent is net of refunds, Returned went back to the programme at
// expiry, Left is still on it.
type Voucher struct {
	Account                       ledger.ID
	Ledger                        ledger.Ledger
	Programme, Month              string
	Amount, Spent, Returned, Left int64
	ExpiresAt                     time.Time
	State                         string // "active", "spent" or "expired"
}

// Entry is one line of a citizen's history.
type Entry struct {
	At   time.Time
	Kind string // "payout", "voucher", "purchase", "refund", "expiry", "meal"
	// Ledger of the money moved; Amount is signed: + into the citizen's
	// accounts, - out of them.
	Ledger                            ledger.Ledger
	Amount                            int64
	Programme, Merchant, MerchantName string
	Voucher                           ledger.ID // the voucher concerned; zero for cash
}

// Wallet is what a citizen's wallet page shows.
type Wallet struct {
	IIN      string
	Balances []Balance // cash first, then the earmarked ledgers in order; only those with money or vouchers
	Vouchers []Voucher // latest expiry first
	History  []Entry   // newest first, at most historyLimit
}

const (
	historyLimit = 200
	voucherLimit = 100
)

var kindOfCode = map[uint16]string{TransferPayout: "payout", TransferVoucher: "voucher", TransferPurchase: "purchase",
	TransferRefund: "refund", TransferExpiry: "expiry", TransferMeal: "meal", TransferAppropriation: "appropriation"}

// Wallet returns the wallet of the person with iin: balances, vouchers and
// history. A person without accounts gets an empty wallet.
func (s *Service) Wallet(ctx context.Context, iin string) (Wallet, error) {
	w := Wallet{IIN: iin}
	now := s.opts.Now()
	vs, err := s.st.WalletVouchersOf(ctx, iin, voucherLimit)
	if err != nil {
		return w, err
	}
	cash, err := s.st.LedgerAccounts(ctx, []ledger.ID{CashAccount(iin)})
	if err != nil {
		return w, err
	}
	avail := map[ledger.Ledger]int64{}
	has := map[ledger.Ledger]bool{}
	if len(cash) == 1 {
		avail[ledger.Cash], has[ledger.Cash] = cash[0].Available(), true
	}
	accounts := []ledger.ID{CashAccount(iin)}
	byAccount := map[ledger.ID]*store.WalletVoucher{}
	for i := range vs {
		v := &vs[i]
		accounts = append(accounts, v.Account)
		byAccount[v.Account] = v
		out := Voucher{Account: v.Account, Ledger: v.Ledger, Programme: v.Programme, Month: v.Month, Amount: v.Amount,
			Returned: v.Returned, ExpiresAt: v.ExpiresAt, State: "active"}
		switch {
		case v.State == store.VoucherExpired:
			out.State = "expired"
		case !v.ExpiresAt.After(now):
			out.State, out.Left = "expired", v.Balance() // not yet swept by Expire
		case v.Balance() <= 0:
			out.State = "spent"
		default:
			out.Left = v.Balance()
			avail[v.Ledger] += v.Available()
			has[v.Ledger] = true
		}
		out.Spent = out.Amount - out.Returned - out.Left
		w.Vouchers = append(w.Vouchers, out)
	}
	for _, l := range append([]ledger.Ledger{ledger.Cash}, ledger.Ledgers()[:5]...) {
		if has[l] {
			w.Balances = append(w.Balances, Balance{Ledger: l, Available: avail[l]})
		}
	}
	ts, err := s.st.LedgerTransfersOf(ctx, accounts, historyLimit)
	if err != nil {
		return w, err
	}
	names, err := s.merchantNames(ctx)
	if err != nil {
		return w, err
	}
	progs := s.programmeAccounts()
	mine := map[ledger.ID]bool{}
	for _, a := range accounts {
		mine[a] = true
	}
	for _, t := range ts {
		e := Entry{At: t.Timestamp, Kind: kindOfCode[t.Code], Ledger: t.Ledger, Amount: t.Amount}
		own := t.CreditAccount
		if mine[t.DebitAccount] {
			e.Amount, own = -t.Amount, t.DebitAccount
		}
		if v := byAccount[own]; v != nil {
			e.Voucher, e.Programme = own, v.Programme
		}
		other := t.DebitAccount
		if other == own {
			other = t.CreditAccount
		}
		if e.Programme == "" {
			e.Programme = progs[other]
		}
		if m, ok := names[other]; ok {
			e.Merchant, e.MerchantName = m[0], m[1]
		}
		w.History = append(w.History, e)
	}
	return w, nil
}

// programmeAccounts maps the accounts of the catalog's and the
// support's programmes, on every ledger, to the programme.
func (s *Service) programmeAccounts() map[ledger.ID]string {
	out := map[ledger.ID]string{}
	add := func(p string) {
		for _, l := range ledger.Ledgers() {
			out[ProgrammeAccount(p, l)] = p
		}
	}
	for _, p := range s.opts.Catalog().Programmes {
		add(p.ID)
	}
	add(s.support.Food.Programme)
	add(s.support.Meals.Programme)
	return out
}

// merchantNames maps merchants' accounts to their id and name.
func (s *Service) merchantNames(ctx context.Context) (map[ledger.ID][2]string, error) {
	ms, err := s.st.WalletMerchants(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[ledger.ID][2]string, len(ms))
	for _, m := range ms {
		out[MerchantAccount(m.ID)] = [2]string{m.ID, m.Name}
	}
	return out, nil
}

// PaymentCode is a one-time code a citizen shows a merchant to pay from
// one ledger.
type PaymentCode struct {
	IIN       string
	Code      string // 6 digits
	Ledger    ledger.Ledger
	MaxAmount int64 // tiyn the citizen allowed at most; 0: any
	ExpiresAt time.Time
	QR        string // the text the QR encodes: "ortaq-pay:<iin>:<code>"
}

// Limits of payment codes. A code is bound to its citizen: the merchant
// sends the IIN with the 6 digits and the stored hash is over both, so
// every citizen has a million codes of his own and one live code per
// ledger (a new one revokes the earlier). A code lives CodeTTL and ends at
// its first presentation, approved or refused, so a merchant cannot probe
// the balance with one code.
//
// Guessing: a presentation naming an IIN with a code that does not exist
// is counted against each of the citizen's live codes, and the one that
// reaches CitizenAttempts revokes them. So a guesser gets CitizenAttempts
// tries at each code the citizen makes (one live code per ledger, a
// million codes each), while a citizen whose code was revoked so makes
// another at the till and pays: a new code starts a fresh count, and the
// count is never the citizen's, so no merchant can lock him out. Racing
// retries of one purchase with one code count once. A merchant whose
// presentations named codes that do not exist MerchantFailures times
// within AttemptWindow is refused every code ("too_many_attempts") until
// the window has passed, which bounds spraying many citizens at once; a
// code that exists (even spent, revoked or expired) is no guess and is
// not counted, so a citizen retrying a revoked code never costs the
// honest merchant.
const (
	CodeTTL          = 5 * time.Minute
	CitizenAttempts  = 5
	MerchantFailures = 10
	AttemptWindow    = 10 * time.Minute
)

// codeHash is how codes are stored: never in clear, and over the IIN so
// that the same 6 digits of two citizens are two codes.
func codeHash(iin, code string) []byte {
	h := sha256.Sum256([]byte("ortaq-pay:" + iin + ":" + code))
	return h[:]
}

// NewPaymentCode issues a code for the person with iin to pay from ledger
// l, valid CodeTTL, single use, stored hashed, for at most maxAmount tiyn
// (0: any), and revokes the person's earlier codes on l. Whether the
// person has money on l is the purchase's business.
func (s *Service) NewPaymentCode(ctx context.Context, iin string, l ledger.Ledger, maxAmount int64) (PaymentCode, error) {
	if !kz.ValidIIN(iin) || !l.Valid() || maxAmount < 0 {
		return PaymentCode{}, fmt.Errorf("payment code: %w", store.ErrInvalid)
	}
	now := s.opts.Now().UTC().Truncate(time.Microsecond)
	for range 20 {
		var b [8]byte
		rand.Read(b[:])
		code := fmt.Sprintf("%06d", binary.BigEndian.Uint64(b[:])%1_000_000)
		ok, err := s.st.AddPaymentCode(ctx, codeHash(iin, code), iin, l, maxAmount, now, now.Add(CodeTTL))
		if err != nil {
			return PaymentCode{}, err
		}
		if ok {
			return PaymentCode{IIN: iin, Code: code, Ledger: l, MaxAmount: maxAmount, ExpiresAt: now.Add(CodeTTL),
				QR: "ortaq-pay:" + iin + ":" + code}, nil
		}
	}
	return PaymentCode{}, fmt.Errorf("payment code: no free code found, try again: %w", store.ErrLimitReached)
}

// parseCode reads the citizen's IIN and code from a purchase: the code as
// typed (with the IIN beside it) or the QR's text "ortaq-pay:<iin>:<code>"
// (the IIN beside it, if any, must be the same).
func parseCode(iin, code string) (string, string, error) {
	c := strings.TrimSpace(code)
	qrIIN := ""
	if rest, ok := strings.CutPrefix(c, "ortaq-pay:"); ok {
		c = rest
		if i, digits, ok := strings.Cut(rest, ":"); ok {
			qrIIN, c = strings.TrimSpace(i), digits
		}
	}
	c = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, c)
	iin = strings.TrimSpace(iin)
	switch {
	case iin == "":
		iin = qrIIN
	case qrIIN != "" && qrIIN != iin:
		return "", "", fmt.Errorf("%w: the iin is not the one of the code's QR", ErrRequest)
	}
	if !kz.ValidIIN(iin) {
		return "", "", fmt.Errorf("%w: iin: the citizen's IIN is required with the code", ErrRequest)
	}
	return iin, c, nil
}
