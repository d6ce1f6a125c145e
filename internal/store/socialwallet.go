package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
)

// The Social Wallet's domain tables (migration 0018): merchants, vouchers
// and the stream of confirmed offers that funding reads. The money is in
// the ledger's tables; these say whose, where and why.

// WalletMerchant is a registered merchant (see socialwallet.Merchant).
type WalletMerchant struct {
	ID, BIN, Name, Region string
	Category              ledger.Ledger
	OwnerIIN              string
	Member, Subsystem     string
	Created               time.Time
}

const walletMerchantCols = `id, bin, name, region, category, owner_iin, member, subsystem, created_us`

func scanWalletMerchant(sc interface{ Scan(...any) error }) (WalletMerchant, error) {
	var m WalletMerchant
	var cat, created int64
	err := sc.Scan(&m.ID, &m.BIN, &m.Name, &m.Region, &cat, &m.OwnerIIN, &m.Member, &m.Subsystem, &created)
	m.Category, m.Created = ledger.Ledger(cat), fromMicros(created)
	return m, err
}

// AddWalletMerchant stores m unless a merchant with its id exists, and
// returns the merchant as stored with created true when it is new.
// ErrExists when another merchant already speaks through m's exchange
// client.
func (s *Store) AddWalletMerchant(ctx context.Context, m WalletMerchant) (WalletMerchant, bool, error) {
	res, err := s.w.ExecContext(ctx, s.dialect.rebind(`INSERT INTO social_merchants (`+walletMerchantCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
		m.ID, m.BIN, m.Name, m.Region, int64(m.Category), m.OwnerIIN, m.Member, m.Subsystem, micros(m.Created))
	if err != nil {
		if isUniqueViolation(err) || isSQLiteUnique(err) {
			return WalletMerchant{}, false, fmt.Errorf("add merchant %s: its client %s/%s: %w", m.ID, m.Member, m.Subsystem, ErrExists)
		}
		return WalletMerchant{}, false, fmt.Errorf("add merchant %s: %w", m.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return WalletMerchant{}, false, fmt.Errorf("add merchant %s: %w", m.ID, err)
	}
	got, err := s.WalletMerchant(ctx, m.ID)
	return got, n == 1, err
}

// isSQLiteUnique reports whether err is SQLite's UNIQUE constraint failure.
func isSQLiteUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// WalletMerchant returns the merchant with id, or ErrNotFound.
func (s *Store) WalletMerchant(ctx context.Context, id string) (WalletMerchant, error) {
	m, err := scanWalletMerchant(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+walletMerchantCols+`
		FROM social_merchants WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("merchant %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("merchant %s: %w", id, err)
	}
	return m, nil
}

// WalletMerchantFor returns the merchant the exchange client
// member/subsystem speaks for, or ErrNotFound.
func (s *Store) WalletMerchantFor(ctx context.Context, member, subsystem string) (WalletMerchant, error) {
	m, err := scanWalletMerchant(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+walletMerchantCols+`
		FROM social_merchants WHERE member = ? AND subsystem = ? AND member <> ''`), member, subsystem))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("merchant of %s/%s: %w", member, subsystem, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("merchant of %s/%s: %w", member, subsystem, err)
	}
	return m, nil
}

// WalletMerchants lists the merchants by id.
func (s *Store) WalletMerchants(ctx context.Context) ([]WalletMerchant, error) {
	ms, err := queryAll(ctx, s, `SELECT `+walletMerchantCols+` FROM social_merchants ORDER BY id`, scanWalletMerchant)
	if err != nil {
		return nil, fmt.Errorf("merchants: %w", err)
	}
	return ms, nil
}

// Voucher states.
const (
	VoucherActive  = "active"
	VoucherExpired = "expired"
)

// WalletVoucher is one earmarked voucher: a ledger account funded for a
// decision and month. The ledger sums are filled by the reads that join
// the account (WalletVouchersOf, ActiveVouchers, DueVouchers).
type WalletVoucher struct {
	Account    ledger.ID
	DecisionID int64
	Month      string // YYYY-MM
	Programme  string
	Ledger     ledger.Ledger
	IIN        string
	Household  string
	Region     string
	Amount     int64 // tiyn funded
	ExpiresAt  time.Time
	State      string // VoucherActive or VoucherExpired
	Returned   int64  // tiyn moved back to the programme at expiry

	DebitsPosted, DebitsPending, CreditsPosted int64
}

// Balance is what the voucher's account holds.
func (v WalletVoucher) Balance() int64 { return v.CreditsPosted - v.DebitsPosted }

// Available is what may still be spent from it.
func (v WalletVoucher) Available() int64 { return v.CreditsPosted - v.DebitsPosted - v.DebitsPending }

var walletVoucherCols = []string{"account", "decision_id", "month", "programme", "ledger", "iin", "household", "region",
	"amount", "expires_us", "state", "returned"}

const walletVoucherSelect = `v.account, v.decision_id, v.month, v.programme, v.ledger, v.iin, v.household, v.region,
	v.amount, v.expires_us, v.state, v.returned, a.debits_posted, a.debits_pending, a.credits_posted
	FROM social_vouchers v JOIN ledger_accounts a ON a.id = v.account`

func scanWalletVoucher(sc interface{ Scan(...any) error }) (WalletVoucher, error) {
	var v WalletVoucher
	var acct []byte
	var lg, expires int64
	err := sc.Scan(&acct, &v.DecisionID, &v.Month, &v.Programme, &lg, &v.IIN, &v.Household, &v.Region, &v.Amount,
		&expires, &v.State, &v.Returned, &v.DebitsPosted, &v.DebitsPending, &v.CreditsPosted)
	if err != nil {
		return v, err
	}
	v.Ledger, v.ExpiresAt = ledger.Ledger(lg), fromMicros(expires)
	return v, scanID(acct, &v.Account)
}

// AddWalletVouchers records vouchers whose funding transfers the ledger
// applied. A voucher already recorded is left as it is, so funding a month
// again or after a crash adds nothing twice.
func (s *Store) AddWalletVouchers(ctx context.Context, vs []WalletVoucher) error {
	if len(vs) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(t *tx) error {
		a := newApplyTx(t)
		marks := "(" + placeholders(len(walletVoucherCols)) + ")"
		return a.insert(ctx, `INSERT INTO social_vouchers (`+strings.Join(walletVoucherCols, ", ")+`)`, marks, len(walletVoucherCols),
			`ON CONFLICT (account) DO NOTHING`, len(vs), func(args []any, i int) []any {
				v := &vs[i]
				return append(args, v.Account[:], v.DecisionID, v.Month, v.Programme, int64(v.Ledger), v.IIN, v.Household,
					v.Region, v.Amount, micros(v.ExpiresAt), VoucherActive, int64(0))
			})
	})
	if err != nil {
		return fmt.Errorf("add vouchers: %w", err)
	}
	return nil
}

// WalletVouchersOf lists the vouchers of the person with iin, the latest
// expiry first, at most limit.
func (s *Store) WalletVouchersOf(ctx context.Context, iin string, limit int) ([]WalletVoucher, error) {
	vs, err := queryAll(ctx, s, `SELECT `+walletVoucherSelect+` WHERE v.iin = ? ORDER BY v.expires_us DESC, v.account LIMIT ?`,
		scanWalletVoucher, iin, limit)
	if err != nil {
		return nil, fmt.Errorf("vouchers of a person: %w", err)
	}
	return vs, nil
}

// ActiveVouchers lists the vouchers of iin on l that are active and not
// yet expired at now, the earliest expiry first: the order a purchase
// spends them in.
func (s *Store) ActiveVouchers(ctx context.Context, iin string, l ledger.Ledger, now time.Time) ([]WalletVoucher, error) {
	vs, err := queryAll(ctx, s, `SELECT `+walletVoucherSelect+` WHERE v.iin = ? AND v.ledger = ? AND v.state = ?
		AND v.expires_us > ? ORDER BY v.expires_us, v.account`, scanWalletVoucher, iin, int64(l), VoucherActive, micros(now))
	if err != nil {
		return nil, fmt.Errorf("active vouchers: %w", err)
	}
	return vs, nil
}

// WalletVouchersByAccount returns the vouchers with the given accounts
// that exist.
func (s *Store) WalletVouchersByAccount(ctx context.Context, ids []ledger.ID) (map[ledger.ID]WalletVoucher, error) {
	out := make(map[ledger.ID]WalletVoucher, len(ids))
	err := s.ledgerRows(ctx, s.db, `SELECT `+walletVoucherSelect+` WHERE %s`, "v.account", ids, func(r scanner) error {
		v, err := scanWalletVoucher(r)
		if err == nil {
			out[v.Account] = v
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("vouchers: %w", err)
	}
	return out, nil
}

// DueVouchers returns up to limit active vouchers whose expiry is at or
// before now, with accounts after after in id order: the pages Expire
// walks.
func (s *Store) DueVouchers(ctx context.Context, now time.Time, after ledger.ID, limit int) ([]WalletVoucher, error) {
	vs, err := queryAll(ctx, s, `SELECT `+walletVoucherSelect+` WHERE v.state = ? AND v.expires_us <= ? AND v.account > ?
		ORDER BY v.account LIMIT ?`, scanWalletVoucher, VoucherActive, micros(now), after[:], limit)
	if err != nil {
		return nil, fmt.Errorf("due vouchers: %w", err)
	}
	return vs, nil
}

// StrandedVouchers returns up to limit expired vouchers whose expiry is
// after since and at or before now and whose accounts still hold money
// (a refund credited after Expire swept them), with accounts after after
// in id order. The expiry index bounds the scan to the vouchers expired
// since since.
func (s *Store) StrandedVouchers(ctx context.Context, since, now time.Time, after ledger.ID, limit int) ([]WalletVoucher, error) {
	vs, err := queryAll(ctx, s, `SELECT `+walletVoucherSelect+` WHERE v.state = ? AND v.expires_us > ? AND v.expires_us <= ?
		AND a.credits_posted > a.debits_posted AND v.account > ? ORDER BY v.account LIMIT ?`, scanWalletVoucher,
		VoucherExpired, micros(since), micros(now), after[:], limit)
	if err != nil {
		return nil, fmt.Errorf("stranded vouchers: %w", err)
	}
	return vs, nil
}

// AddVoucherReturns adds to what expired vouchers returned to their
// programme: the money Expire swept from them again.
func (s *Store) AddVoucherReturns(ctx context.Context, returned map[ledger.ID]int64) error {
	if len(returned) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(t *tx) error {
		for id, n := range returned {
			if _, err := t.exec(ctx, `UPDATE social_vouchers SET returned = returned + ? WHERE account = ? AND state = ?`,
				n, id[:], VoucherExpired); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("add voucher returns: %w", err)
	}
	return nil
}

// MarkVouchersExpired records that the vouchers expired, each with what
// returned to its programme. A voucher already expired is left as it is.
func (s *Store) MarkVouchersExpired(ctx context.Context, returned map[ledger.ID]int64) error {
	if len(returned) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(t *tx) error {
		st, err := t.conn.PrepareContext(ctx, s.dialect.rebind(`UPDATE social_vouchers SET state = ?, returned = ?
			WHERE account = ? AND state = ?`))
		if err != nil {
			return err
		}
		defer st.Close()
		for id, n := range returned {
			if _, err := st.ExecContext(ctx, VoucherExpired, n, id[:], VoucherActive); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark vouchers expired: %w", err)
	}
	return nil
}

// FundingRow is a confirmed offer with what funding needs of its
// household: the current decision's amount for the programme (whole
// tenge), the number of members and the region.
type FundingRow struct {
	Offer        int64
	DecisionID   int64
	Household    string
	Programme    string
	RecipientIIN string
	Amount       int64  // whole tenge, as the household's current decision has it
	Period       string // "month" or "once"
	DecisionDate string // YYYY-MM-DD of the offer's decision
	Members      int
	Region       string
}

// fundingCurrent says whether an offer of a funding page still grants:
// its household's latest confirmed offer of the programme, which the
// household is still eligible for (benefit_current has it).
const fundingCurrent = `c.household IS NOT NULL AND o.id = (SELECT MAX(o2.id) FROM benefit_offers o2
		WHERE o2.household = o.household AND o2.programme = o.programme AND o2.status = 'confirmed')`

// FundingCursor is where a funding walk stands: the last recipient and
// offer it walked; the zero value is the start.
type FundingCursor struct {
	IIN   string
	Offer int64
}

// FundingPage is one page of a funding walk: the confirmed offers of
// some recipients, in the order of their IINs and then offer ids, and
// of those the offers that still grant.
type FundingPage struct {
	Rows   []FundingRow  // the offers that still grant
	Walked int           // confirmed offers walked, granting or not; 0 at the end
	Next   FundingCursor // where the next page starts
}

// NextFundingPage walks about limit confirmed offers after after, every
// offer of a recipient in one page (a recipient with more offers than
// limit makes a larger page): one query per page, never one per
// recipient.
func (s *Store) NextFundingPage(ctx context.Context, after FundingCursor, limit int) (FundingPage, error) {
	limit = max(limit, 1)
	var rows []walkedOffer
	for {
		var err error
		if rows, err = s.walkOffers(ctx, after, limit); err != nil {
			return FundingPage{}, fmt.Errorf("funding page: %w", err)
		}
		if len(rows) < limit || rows[0].RecipientIIN != rows[len(rows)-1].RecipientIIN {
			break
		}
		limit *= 2
	}
	// A full page may end inside a recipient's offers: leave them to the
	// next.
	if len(rows) == limit {
		last := rows[len(rows)-1].RecipientIIN
		for rows[len(rows)-1].RecipientIIN == last {
			rows = rows[:len(rows)-1]
		}
	}
	page := FundingPage{Walked: len(rows), Next: after}
	for _, w := range rows {
		if w.grants {
			page.Rows = append(page.Rows, w.FundingRow)
		}
	}
	if len(rows) > 0 {
		last := rows[len(rows)-1]
		page.Next = FundingCursor{IIN: last.RecipientIIN, Offer: last.Offer}
	}
	return page, nil
}

// walkedOffer is a confirmed offer a funding walk met, and whether it
// still grants (fundingCurrent).
type walkedOffer struct {
	FundingRow
	grants bool
}

// walkOffers returns the first limit confirmed offers after after, by
// recipient and offer id.
//
// The page is first cut from benefit_offers_status_recipient (0019) alone
// and only then joined: asked as one query, PostgreSQL's estimate of the
// "latest offer" filter was so low that it joined every remaining offer
// and sorted them for each page (3 s a page at a million households
// against 17 ms). The plain range starts the index scan where the page
// starts on either planner; the row comparison then skips what came
// before.
func (s *Store) walkOffers(ctx context.Context, after FundingCursor, limit int) ([]walkedOffer, error) {
	return queryAll(ctx, s, `SELECT o.id, o.decision_id, o.household, o.programme, o.recipient_iin,
			COALESCE(c.amount, 0), COALESCE(c.period, ''), d.decision_date,
			(SELECT COUNT(*) FROM benefit_household_members m WHERE m.household = o.household),
			COALESCE((SELECT w.region FROM benefit_wellbeing w WHERE w.household = o.household), ''),
			`+fundingCurrent+`
		FROM (SELECT id, decision_id, household, programme, recipient_iin FROM benefit_offers
			WHERE status = 'confirmed' AND recipient_iin >= ? AND (recipient_iin, id) > (?, ?)
			ORDER BY status, recipient_iin, id LIMIT ?) o
		LEFT JOIN benefit_current c ON c.household = o.household AND c.programme = o.programme
		JOIN benefit_decisions d ON d.id = o.decision_id
		ORDER BY o.recipient_iin, o.id`,
		func(sc interface{ Scan(...any) error }) (walkedOffer, error) {
			var w walkedOffer
			r := &w.FundingRow
			err := sc.Scan(&r.Offer, &r.DecisionID, &r.Household, &r.Programme, &r.RecipientIIN, &r.Amount, &r.Period,
				&r.DecisionDate, &r.Members, &r.Region, &w.grants)
			return w, err
		}, after.IIN, after.IIN, after.Offer, limit)
}

// SharedFunding returns the households whose confirmed offers go to more
// than one recipient: a funding walk meets them more than once. Few
// households are such.
func (s *Store) SharedFunding(ctx context.Context) ([]string, error) {
	hs, err := queryAll(ctx, s, `SELECT household FROM benefit_offers WHERE status = 'confirmed'
		GROUP BY household HAVING MIN(recipient_iin) <> MAX(recipient_iin)`,
		func(sc interface{ Scan(...any) error }) (string, error) {
			var h string
			err := sc.Scan(&h)
			return h, err
		})
	if err != nil {
		return nil, fmt.Errorf("households with several recipients: %w", err)
	}
	return hs, nil
}

// AnalyzeFunding gathers PostgreSQL's statistics of the tables a funding
// walk reads. Autovacuum gathers them only a while after a mass run wrote
// a country's decisions, and a page planned without them may join more
// than it needs. SQLite needs none: its pages are driven by the index
// whatever the statistics.
func (s *Store) AnalyzeFunding(ctx context.Context) error {
	if s.dialect != postgresDialect {
		return nil
	}
	if _, err := s.db.ExecContext(ctx, `ANALYZE benefit_current, benefit_offers, benefit_decisions,
		benefit_household_members, benefit_wellbeing`); err != nil {
		return fmt.Errorf("analyze funding tables: %w", err)
	}
	return nil
}

// CountConfirmedOffers counts the offers a funding walk walks.
func (s *Store) CountConfirmedOffers(ctx context.Context) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM benefit_offers WHERE status = 'confirmed'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count confirmed offers: %w", err)
	}
	return n, nil
}

// OffersByStatus lists the offers of status with ids after after, in id
// order, at most limit: for bulk work such as the demo's.
func (s *Store) OffersByStatus(ctx context.Context, status string, after int64, limit int) ([]Offer, error) {
	out, err := s.offers(ctx, `SELECT `+offerColumns+` FROM benefit_offers WHERE status = ? AND id > ? ORDER BY id LIMIT ?`,
		status, after, limit)
	if err != nil {
		return nil, fmt.Errorf("offers by status: %w", err)
	}
	return out, nil
}

// WalletVouchersOfMonth lists up to limit vouchers of month, by account.
func (s *Store) WalletVouchersOfMonth(ctx context.Context, month string, limit int) ([]WalletVoucher, error) {
	vs, err := queryAll(ctx, s, `SELECT `+walletVoucherSelect+` WHERE v.month = ? ORDER BY v.account LIMIT ?`,
		scanWalletVoucher, month, limit)
	if err != nil {
		return nil, fmt.Errorf("vouchers of a month: %w", err)
	}
	return vs, nil
}
