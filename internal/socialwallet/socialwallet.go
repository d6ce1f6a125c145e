// Package socialwallet is the Social Wallet's domain over the ledger
// (internal/ledger): budget lines fund programmes, confirmed benefit
// offers fund citizens' cash accounts and earmarked vouchers, registered
// merchants take vouchers of their category with one-time payment codes,
// canteens are paid per school meal served, and what is left of a voucher
// returns to its programme at expiry.
//
// Contracts that MUST hold:
//
//   - Every account and transfer id comes from ledger.IDOf on a natural key
//     (see the Account* and Transfer* constants), so any operation retried
//     after a crash (Fund, Expire, Purchase, Refund, RecordMeal,
//     Appropriate) changes nothing twice.
//   - Categories are never checked in Go: a purchase sends voucher →
//     merchant transfers to the ledger, which refuses a voucher of another
//     category (ledger_mismatch), and no-overdraft, not this package,
//     keeps concurrent purchases within a voucher.
//   - Money is int64 tiyn; decisions' whole tenge are multiplied by 100.
//   - Reports (Spending, Anomalies) are aggregates computed by the
//     database.
package socialwallet

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// Account codes (ledger.Account.Code).
const (
	AccountBudget    uint16 = 1 // a budget line: funding for one programme on one ledger
	AccountProgramme uint16 = 2 // the programme's money on a ledger
	AccountCash      uint16 = 3 // a citizen's cash account
	AccountVoucher   uint16 = 4 // one earmarked voucher (one per decision and month)
	AccountMerchant  uint16 = 5 // a merchant's business wallet
)

// Transfer codes (ledger.Transfer.Code).
const (
	TransferAppropriation uint16 = 1 // budget → programme
	TransferPayout        uint16 = 2 // programme → cash
	TransferVoucher       uint16 = 3 // programme → voucher
	TransferPurchase      uint16 = 4 // voucher → merchant
	TransferRefund        uint16 = 5 // merchant → voucher (or programme once it expired)
	TransferExpiry        uint16 = 6 // voucher → programme, what is left at expiry
	TransferMeal          uint16 = 7 // school meals programme → canteen
)

// BudgetAccount is the id of programme's budget line on l.
func BudgetAccount(programme string, l ledger.Ledger) ledger.ID {
	return ledger.IDOf("budget:" + programme + ":" + l.String())
}

// ProgrammeAccount is the id of programme's account on l.
func ProgrammeAccount(programme string, l ledger.Ledger) ledger.ID {
	return ledger.IDOf("programme:" + programme + ":" + l.String())
}

// CashAccount is the id of the cash account of the person with iin,
// ordered by the IIN (see fundingOrder).
func CashAccount(iin string) ledger.ID { return ledger.OrderedIDOf(iinOrder(iin), "cash:"+iin) }

// VoucherAccount is the id of the voucher a decision funds for month to
// its recipient.
func VoucherAccount(iin string, decision int64, month string) ledger.ID {
	return ledger.OrderedIDOf(fundingOrder(month, iin), "voucher:"+strconv.FormatInt(decision, 10)+":"+month)
}

// fundingOrder orders what a month's funding writes (see
// ledger.OrderedIDOf): funding walks the offers by recipient's IIN, so
// that the recipients' cash accounts are rewritten page after page, and
// their payouts and vouchers append, months apart. month is "YYYY-MM", or
// "" for what is paid once whatever the month. An offer's recipient never
// changes, so neither do its ids.
func fundingOrder(month, iin string) uint64 {
	var m uint64
	if t, err := ParseMonth(month); err == nil {
		m = uint64(t.Year()*12 + int(t.Month()))
	}
	return m<<40 | iinOrder(iin)
}

// iinOrder is an IIN's twelve digits as a number, below 2⁴⁰; 0 for
// anything else.
func iinOrder(iin string) uint64 {
	n, err := strconv.ParseUint(iin, 10, 64)
	if err != nil || len(iin) != 12 || n >= 1<<40 {
		return 0
	}
	return n
}

// MerchantAccount is the id of the merchant's business wallet.
func MerchantAccount(merchant string) ledger.ID { return ledger.IDOf("merchant:" + merchant) }

// Options configure a Service; the zero value is the defaults.
type Options struct {
	Now func() time.Time // nil: time.Now
	// Catalog returns the benefits catalog in force, for the МРП and the
	// programmes; nil: benefits.DefaultCatalog.
	Catalog func() *benefits.Catalog
	// Workers submit Fund's and Expire's batches concurrently; 0 = 4.
	Workers int
	// Batch is the number of offers per funding batch; 0 = 2000.
	Batch int
}

// Service is the Social Wallet over one store. It is safe for concurrent
// use.
type Service struct {
	st      *store.Store
	opts    Options
	support Support

	mu       sync.Mutex
	accounts map[ledger.ID]bool // programme and budget accounts known to exist
	swept    time.Time          // when Expire last looked again at expired vouchers
}

// New returns the wallet over st.
func New(st *store.Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Catalog == nil {
		var once sync.Once
		var cat *benefits.Catalog
		opts.Catalog = func() *benefits.Catalog {
			once.Do(func() {
				var err error
				if cat, err = benefits.DefaultCatalog(); err != nil {
					panic(fmt.Sprintf("socialwallet: the built-in benefits catalog: %v", err)) // a build defect, caught by tests
				}
			})
			return cat
		}
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Batch <= 0 {
		opts.Batch = 2000
	}
	return &Service{st: st, opts: opts, support: defaultSupport, accounts: map[ledger.ID]bool{}}
}

// Support returns the earmarked support the service funds (support.yaml).
func (s *Service) Support() Support { return s.support }

// almaty is the time zone of vouchers' expiry: Kazakhstan keeps one,
// UTC+5, since 1 March 2024. A fixed zone needs no tz database.
var almaty = time.FixedZone("Asia/Almaty", 5*3600)

// ParseMonth reads "YYYY-MM" and returns the first instant of that month
// in Asia/Almaty.
func ParseMonth(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", s, almaty)
	if err != nil || len(s) != 7 {
		return time.Time{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return t, nil
}

// MonthOf is the month ("YYYY-MM") of t in Asia/Almaty.
func MonthOf(t time.Time) string { return t.In(almaty).Format("2006-01") }

// monthRange is [first instant, first instant of the next month) of month;
// zero times for "".
func monthRange(month string) (time.Time, time.Time, error) {
	if month == "" {
		return time.Time{}, time.Time{}, nil
	}
	from, err := ParseMonth(month)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	return from, from.AddDate(0, 1, 0), nil
}

// ensureAccounts creates the programme and budget accounts of programme
// on l once per service.
func (s *Service) ensureAccounts(ctx context.Context, programme string, l ledger.Ledger) error {
	b, p := BudgetAccount(programme, l), ProgrammeAccount(programme, l)
	s.mu.Lock()
	known := s.accounts[p]
	s.mu.Unlock()
	if known {
		return nil
	}
	rs, err := s.st.CreateLedgerAccounts(ctx, []ledger.Account{
		{ID: b, Ledger: l, Code: AccountBudget, Flags: ledger.DebitsMayExceedCredits, UserData: "budget:" + programme},
		{ID: p, Ledger: l, Code: AccountProgramme, UserData: "programme:" + programme},
	})
	if err != nil {
		return err
	}
	for _, r := range rs {
		if !r.Applied() {
			return fmt.Errorf("accounts of %s on %s: %s", programme, l, r)
		}
	}
	s.mu.Lock()
	s.accounts[p] = true
	s.mu.Unlock()
	return nil
}

// Appropriate moves tiyn from programme's budget line to its programme
// account on l, once per ref: the same ref again changes nothing (and a
// different amount under it is refused).
func (s *Service) Appropriate(ctx context.Context, programme string, l ledger.Ledger, tiyn int64, ref string) error {
	if programme == "" || ref == "" || !l.Valid() || tiyn <= 0 {
		return fmt.Errorf("appropriate %s on %s: %w", programme, l, store.ErrInvalid)
	}
	if err := s.ensureAccounts(ctx, programme, l); err != nil {
		return fmt.Errorf("appropriate %s on %s: %w", programme, l, err)
	}
	rs, err := s.st.CreateLedgerTransfers(ctx, []ledger.Transfer{{
		ID:           ledger.IDOf("appropriation:" + programme + ":" + l.String() + ":" + ref),
		DebitAccount: BudgetAccount(programme, l), CreditAccount: ProgrammeAccount(programme, l),
		Amount: tiyn, Ledger: l, Code: TransferAppropriation, UserData: ref,
	}})
	if err != nil {
		return fmt.Errorf("appropriate %s on %s: %w", programme, l, err)
	}
	if !rs[0].Applied() {
		return fmt.Errorf("appropriate %s on %s under %q: %s", programme, l, ref, rs[0])
	}
	return nil
}
