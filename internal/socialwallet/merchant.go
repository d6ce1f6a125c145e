package socialwallet

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// Merchant is a registered business wallet on one category.
type Merchant struct {
	ID       string // "M" + BIN, or the registrar's choice: [A-Za-z0-9_-]{1,40}
	BIN      string
	Name     string
	Region   string // KATO code prefix, as households carry it
	Category ledger.Ledger
	OwnerIIN string // for the "merchant linked to the household" anomaly; may be ""
	// Member and Subsystem name the exchange client whose credential
	// speaks for the merchant.
	Member, Subsystem string
	Created           time.Time
}

// ErrNotMerchant: the exchange client speaks for no registered merchant
// (HTTP 403).
var ErrNotMerchant = errors.New("socialwallet: the client is not a registered merchant")

// ErrMerchant is wrapped by RegisterMerchant's refusals of a merchant's
// fields, or of an id already taken by another merchant (HTTP 422).
var ErrMerchant = errors.New("socialwallet: invalid merchant")

var merchantID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,40}$`)

// RegisterMerchant registers m and opens its business wallet on its
// category. The id defaults to "M" + BIN. Registering the same merchant
// again returns it as stored; another merchant under a taken id, or a
// second merchant for one exchange client, is refused (ErrMerchant).
func (s *Service) RegisterMerchant(ctx context.Context, m Merchant) (Merchant, error) {
	m.Name, m.BIN, m.Region = strings.TrimSpace(m.Name), strings.TrimSpace(m.BIN), strings.TrimSpace(m.Region)
	if m.ID == "" && m.BIN != "" {
		m.ID = "M" + m.BIN
	}
	switch {
	case !merchantID.MatchString(m.ID):
		return Merchant{}, fmt.Errorf("%w: id %q: want 1 to 40 of A-Z a-z 0-9 _ -", ErrMerchant, m.ID)
	case m.Name == "":
		return Merchant{}, fmt.Errorf("%w %s: no name", ErrMerchant, m.ID)
	case !m.Category.Valid() || m.Category == ledger.Cash:
		return Merchant{}, fmt.Errorf("%w %s: category %s: want an earmarked ledger", ErrMerchant, m.ID, m.Category)
	case (m.Member == "") != (m.Subsystem == ""):
		return Merchant{}, fmt.Errorf("%w %s: give both the exchange member and subsystem, or neither", ErrMerchant, m.ID)
	case m.Member != "" && (!exchange.ValidCode(m.Member) || !exchange.ValidCode(m.Subsystem)):
		// Else no credential could ever speak for the merchant.
		return Merchant{}, fmt.Errorf("%w %s: exchange client %q/%q: want registry codes (1 to 64 of a-z, 0-9, '.', '_', '-')",
			ErrMerchant, m.ID, m.Member, m.Subsystem)
	}
	rs, err := s.st.CreateLedgerAccounts(ctx, []ledger.Account{{ID: MerchantAccount(m.ID), Ledger: m.Category,
		Code: AccountMerchant, UserData: "merchant:" + m.ID}})
	if err != nil {
		return Merchant{}, fmt.Errorf("register merchant %s: %w", m.ID, err)
	}
	if !rs[0].Applied() {
		// The id's wallet is on another category: another merchant's.
		return Merchant{}, fmt.Errorf("%w %s: its wallet exists on another category (%s)", ErrMerchant, m.ID, rs[0])
	}
	m.Created = s.opts.Now().UTC().Truncate(time.Microsecond)
	got, _, err := s.st.AddWalletMerchant(ctx, store.WalletMerchant(m))
	if errors.Is(err, store.ErrExists) {
		return Merchant{}, fmt.Errorf("%w %s: %v", ErrMerchant, m.ID, err)
	}
	if err != nil {
		return Merchant{}, fmt.Errorf("register merchant %s: %w", m.ID, err)
	}
	if got.Name != m.Name || got.BIN != m.BIN || got.Category != m.Category || got.Member != m.Member ||
		got.Subsystem != m.Subsystem || got.Region != m.Region || got.OwnerIIN != m.OwnerIIN {
		return Merchant{}, fmt.Errorf("%w %s: the id is another merchant's", ErrMerchant, m.ID)
	}
	return Merchant(got), nil
}

// MerchantFor returns the merchant the exchange client member/subsystem
// speaks for, or ErrNotMerchant.
func (s *Service) MerchantFor(ctx context.Context, member, subsystem string) (Merchant, error) {
	m, err := s.st.WalletMerchantFor(ctx, member, subsystem)
	if errors.Is(err, store.ErrNotFound) {
		return Merchant{}, ErrNotMerchant
	}
	return Merchant(m), err
}

// Merchants lists the registered merchants by id.
func (s *Service) Merchants(ctx context.Context) ([]Merchant, error) {
	ms, err := s.st.WalletMerchants(ctx)
	out := make([]Merchant, len(ms))
	for i, m := range ms {
		out[i] = Merchant(m)
	}
	return out, err
}
