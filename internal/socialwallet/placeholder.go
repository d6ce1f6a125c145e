// Package socialwallet is a PLACEHOLDER in branch h/web only, with the
// signatures of /work/wt/SOCIALWALLET.md, so that the web layer compiles
// until branch h/domain lands. It is deleted when h/domain is merged.
package socialwallet

import (
	"context"
	"errors"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

var errPlaceholder = errors.New("socialwallet: placeholder")

type Service struct{ st *store.Store }
type Options struct {
	Now     func() time.Time
	Catalog func() *benefits.Catalog
}

func New(st *store.Store, opts Options) *Service { return &Service{st: st} }

type Merchant struct {
	ID                string
	BIN, Name, Region string
	Category          ledger.Ledger
	OwnerIIN          string
	Member, Subsystem string
	Created           time.Time
}

var ErrNotMerchant = errors.New("socialwallet: the client is not a registered merchant")

func (s *Service) RegisterMerchant(ctx context.Context, m Merchant) (Merchant, error) {
	return m, errPlaceholder
}
func (s *Service) MerchantFor(ctx context.Context, member, subsystem string) (Merchant, error) {
	return Merchant{}, ErrNotMerchant
}
func (s *Service) Merchants(ctx context.Context) ([]Merchant, error) { return nil, nil }
func (s *Service) Appropriate(ctx context.Context, programme string, l ledger.Ledger, tiyn int64, ref string) error {
	return errPlaceholder
}

type FundReport struct {
	Month                         string
	Households, Payouts, Vouchers int
	Cash, Earmarked               int64
	Refused                       map[string]int
}

func (s *Service) Fund(ctx context.Context, month string, progress func(done, total int)) (FundReport, error) {
	return FundReport{}, errPlaceholder
}
func (s *Service) Expire(ctx context.Context, now time.Time) (int, int64, error) { return 0, 0, nil }

type Balance struct {
	Ledger    ledger.Ledger
	Available int64
}
type Voucher struct {
	Account                       ledger.ID
	Ledger                        ledger.Ledger
	Programme, Month              string
	Amount, Spent, Returned, Left int64
	ExpiresAt                     time.Time
	State                         string
}
type Entry struct {
	At                                time.Time
	Kind                              string
	Ledger                            ledger.Ledger
	Amount                            int64
	Programme, Merchant, MerchantName string
	Voucher                           ledger.ID
}
type Wallet struct {
	IIN      string
	Balances []Balance
	Vouchers []Voucher
	History  []Entry
}

func (s *Service) Wallet(ctx context.Context, iin string) (Wallet, error) {
	return Wallet{IIN: iin}, nil
}

type PaymentCode struct {
	Code      string
	Ledger    ledger.Ledger
	ExpiresAt time.Time
	QR        string
}

func (s *Service) NewPaymentCode(ctx context.Context, iin string, l ledger.Ledger) (PaymentCode, error) {
	return PaymentCode{}, errPlaceholder
}

type PurchaseRequest struct {
	ID     string
	Code   string
	Amount int64
}
type PurchaseResult struct {
	ID        string
	Status    string
	Reason    string
	Amount    int64
	Ledger    ledger.Ledger
	Transfers []ledger.ID
}

func (s *Service) Purchase(ctx context.Context, m Merchant, r PurchaseRequest) (PurchaseResult, error) {
	return PurchaseResult{}, errPlaceholder
}
func (s *Service) Refund(ctx context.Context, m Merchant, purchaseID, refundID string, tiyn int64) (PurchaseResult, error) {
	return PurchaseResult{}, errPlaceholder
}
func (s *Service) RecordMeal(ctx context.Context, m Merchant, pupilIIN string, day time.Time) (PurchaseResult, error) {
	return PurchaseResult{}, errPlaceholder
}

type ProgrammeFlow struct {
	Programme     string
	Ledger        ledger.Ledger
	In, Out, Left int64
}
type Flow struct {
	Key, Name       string
	Count           int
	Spent, Refunded int64
}
type Spending struct {
	Month                          string
	Programmes                     []ProgrammeFlow
	ByLedger, ByRegion, ByMerchant []Flow
	Unspent, Expired               int64
	Vouchers, Purchases, Refused   int
}

func (s *Service) Spending(ctx context.Context, month string) (Spending, error) {
	return Spending{}, nil
}

type Anomaly struct {
	Kind      string
	Merchant  string
	Household string
	Count     int
	Amount    int64
	Detail    string
}

func (s *Service) Anomalies(ctx context.Context, month string) ([]Anomaly, error) { return nil, nil }
