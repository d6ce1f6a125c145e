package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
)

// Payment codes, purchases, refunds and meals of the Social Wallet. Every
// state change is one conditional statement (or one transaction), so of
// two racing requests exactly one wins.

// AddPaymentCode stores a new code's hash for iin on l, valid until
// expires, for purchases of at most maxAmount tiyn (0: any), and revokes
// the citizen's earlier live codes on l in the same transaction: one live
// code per citizen and ledger. A new code starts with no bad
// presentations counted, so a citizen whose code guessers revoked can
// always make another at the till and pay. It reports false, storing
// nothing, when a live code (not expired) already has that hash: the
// caller draws another code. A stale row with the hash is replaced.
func (s *Store) AddPaymentCode(ctx context.Context, hash []byte, iin string, l ledger.Ledger, maxAmount int64, created, expires time.Time) (bool, error) {
	var added bool
	err := s.inTx(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `UPDATE social_pay_codes SET used_us = ?, holder = ? WHERE iin = ? AND ledger = ? AND used_us = 0`,
			micros(created), codeRevoked, iin, int64(l)); err != nil {
			return err
		}
		res, err := t.exec(ctx, `INSERT INTO social_pay_codes (hash, iin, ledger, created_us, expires_us, max_amount, holder,
			used_us, bad, bad_last) VALUES (?, ?, ?, ?, ?, ?, '', 0, 0, '')
			ON CONFLICT (hash) DO UPDATE SET iin = excluded.iin, ledger = excluded.ledger, created_us = excluded.created_us,
			expires_us = excluded.expires_us, max_amount = excluded.max_amount, holder = '', used_us = 0, bad = 0,
			bad_last = ''
			WHERE social_pay_codes.expires_us <= ?`, hash, iin, int64(l), micros(created), micros(expires), maxAmount,
			micros(created))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		added = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("add payment code: %w", err)
	}
	return added, nil
}

// codeRevoked is the holder of a code that ended unpresented: a newer
// code of the same ledger, or too many bad presentations naming the
// citizen while it was live, ended it.
const codeRevoked = "revoked"

// CodePresentation is a merchant's presentation of a citizen's code.
type CodePresentation struct {
	Hash     []byte // over the IIN and the code
	IIN      string // the citizen's, as the merchant sent it
	Merchant string
	Holder   string // the purchase presenting it: "merchant/purchase id"
	Now      time.Time
	// CitizenAttempts is how many presentations naming the IIN of a code
	// that does not exist a live code of the citizen survives: the last
	// one revokes it. Window is how long a merchant's presentations of
	// codes that do not exist are counted from the first one;
	// MerchantFailures of them are allowed in it.
	Window                            time.Duration
	CitizenAttempts, MerchantFailures int
}

// PaymentCodeClaim is what a presented live code allows.
type PaymentCodeClaim struct {
	Ledger    ledger.Ledger
	MaxAmount int64 // tiyn; 0: any
}

// PresentPaymentCode counts the attempt and ends the code, in one
// transaction. The merchant's count is one UPSERT ... RETURNING, counted
// before the look-up (so racing presentations never pass the limit
// together) and given back unless the code does not exist: a code found,
// even spent, revoked or expired, is no guess, so a citizen retrying a
// code that guessers revoked never costs the honest merchant. A code that
// does not exist counts one bad presentation on each of the citizen's
// live codes, in one UPDATE that revokes those reaching CitizenAttempts;
// the citizen's next code starts afresh. Racing retries of one purchase
// with the same code count once on both.
// Errors: ErrLimitReached (the merchant's failures are spent),
// ErrNotFound (no such code for that IIN), ErrTooLate (expired),
// ErrWrongState (already presented or revoked). A code found live ends
// here whatever becomes of the purchase; only the same holder may present
// it again (a retry after a crash).
func (s *Store) PresentPaymentCode(ctx context.Context, c CodePresentation) (PaymentCodeClaim, error) {
	var claim PaymentCodeClaim
	var refusal error
	since := micros(c.Now.Add(-c.Window))
	now := micros(c.Now)
	key := c.Holder + ":" + hex.EncodeToString(c.Hash)
	merchant := "merchant:" + c.Merchant
	err := s.inTx(ctx, func(t *tx) error {
		var n int
		err := t.QueryRowContext(ctx, s.dialect.rebind(`INSERT INTO social_code_attempts (who, attempts, since_us, last_key)
			VALUES (?, 1, ?, ?) ON CONFLICT (who) DO UPDATE SET
			attempts = CASE WHEN social_code_attempts.since_us <= ? THEN 1
				WHEN social_code_attempts.last_key = excluded.last_key THEN social_code_attempts.attempts
				ELSE social_code_attempts.attempts + 1 END,
			since_us = CASE WHEN social_code_attempts.since_us <= ? THEN excluded.since_us ELSE social_code_attempts.since_us END,
			last_key = excluded.last_key
			RETURNING attempts`), merchant, now, key, since, since).Scan(&n)
		if err != nil || n > c.MerchantFailures {
			refusal = ErrLimitReached
			return err
		}
		giveBack := func() error {
			_, err := t.exec(ctx, `UPDATE social_code_attempts SET attempts = attempts - 1, last_key = ''
				WHERE who = ? AND attempts > 0`, merchant)
			return err
		}
		var lg int64
		err = t.QueryRowContext(ctx, s.dialect.rebind(`UPDATE social_pay_codes SET used_us = ?, holder = ?
			WHERE hash = ? AND iin = ? AND expires_us > ? AND (used_us = 0 OR holder = ?) RETURNING ledger, max_amount`),
			now, c.Holder, c.Hash, c.IIN, now, c.Holder).Scan(&lg, &claim.MaxAmount)
		if err == nil {
			claim.Ledger = ledger.Ledger(lg)
			return giveBack()
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var expires int64
		err = t.QueryRowContext(ctx, s.dialect.rebind(`SELECT expires_us FROM social_pay_codes WHERE hash = ? AND iin = ?`),
			c.Hash, c.IIN).Scan(&expires)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			refusal = ErrNotFound
			_, err = t.exec(ctx, `UPDATE social_pay_codes SET bad = bad + 1, bad_last = ?,
				used_us = CASE WHEN bad + 1 >= ? THEN ? ELSE used_us END,
				holder = CASE WHEN bad + 1 >= ? THEN ? ELSE holder END
				WHERE iin = ? AND used_us = 0 AND expires_us > ? AND bad_last <> ?`,
				key, c.CitizenAttempts, now, c.CitizenAttempts, codeRevoked, c.IIN, now, key)
			return err
		case err != nil:
			return err
		case expires <= now:
			refusal = ErrTooLate
		default:
			refusal = ErrWrongState
		}
		return giveBack()
	})
	if err == nil {
		err = refusal
	}
	if err != nil {
		return PaymentCodeClaim{}, fmt.Errorf("present payment code: %w", err)
	}
	return claim, nil
}

// DeletePaymentCodes deletes up to limit codes that expired before
// before, the oldest first, and reports how many: a code ends by five
// minutes after it was made, and a retry of its purchase reads the
// purchase, not the code.
func (s *Store) DeletePaymentCodes(ctx context.Context, before time.Time, limit int) (int, error) {
	res, err := s.w.ExecContext(ctx, s.dialect.rebind(`DELETE FROM social_pay_codes WHERE hash IN
		(SELECT hash FROM social_pay_codes WHERE expires_us < ? ORDER BY expires_us LIMIT ?)`), micros(before), limit)
	if err != nil {
		return 0, fmt.Errorf("delete payment codes: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete payment codes: %w", err)
	}
	return int(n), nil
}

// Kinds and statuses of social_payments rows.
const (
	KindPurchase = "purchase"
	KindRefund   = "refund"
	KindMeal     = "meal"

	PaymentPending  = "pending"
	PaymentApproved = "approved"
	PaymentRefused  = "refused"
)

// WalletPayment is a purchase, refund or meal as a merchant sent it and
// what the ledger decided.
type WalletPayment struct {
	Merchant   string
	Kind       string // KindPurchase, KindRefund or KindMeal
	ID         string // the merchant's purchase or refund id; "<pupil IIN>:<YYYY-MM-DD>" for a meal
	PurchaseID string // of a refund: the purchase refunded
	IIN        string
	Household  string
	Region     string
	Ledger     ledger.Ledger
	Amount     int64 // tiyn
	Refunded   int64 // of a purchase: tiyn refunded so far (pending refunds included)
	Status     string
	Reason     string
	Plan       string // the transfers, encoded by the caller
	Code       string // of a purchase: the hex hash of its code; "" for refunds and meals
	At         time.Time
}

const walletPaymentCols = `merchant, kind, id, purchase_id, iin, household, region, ledger, amount, refunded, status,
	reason, plan, code, at_us`

func scanWalletPayment(sc interface{ Scan(...any) error }) (WalletPayment, error) {
	var p WalletPayment
	var lg, at int64
	err := sc.Scan(&p.Merchant, &p.Kind, &p.ID, &p.PurchaseID, &p.IIN, &p.Household, &p.Region, &lg, &p.Amount,
		&p.Refunded, &p.Status, &p.Reason, &p.Plan, &p.Code, &at)
	p.Ledger, p.At = ledger.Ledger(lg), fromMicros(at)
	return p, err
}

// WalletPayment returns the row of merchant's kind and id, or ErrNotFound.
func (s *Store) WalletPayment(ctx context.Context, merchant, kind, id string) (WalletPayment, error) {
	p, err := scanWalletPayment(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+walletPaymentCols+`
		FROM social_payments WHERE merchant = ? AND kind = ? AND id = ?`), merchant, kind, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("%s %s of %s: %w", kind, id, merchant, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("%s %s of %s: %w", kind, id, merchant, err)
	}
	return p, nil
}

func insertPayment(ctx context.Context, t *tx, p *WalletPayment) (bool, error) {
	res, err := t.exec(ctx, `INSERT INTO social_payments (`+walletPaymentCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (merchant, kind, id) DO NOTHING`,
		p.Merchant, p.Kind, p.ID, p.PurchaseID, p.IIN, p.Household, p.Region, int64(p.Ledger), p.Amount, p.Refunded,
		p.Status, p.Reason, p.Plan, p.Code, micros(p.At))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// StartPayment stores p (pending, or already decided) unless a row with
// its merchant, kind and id exists; created reports which. The caller
// reads the existing row on false.
func (s *Store) StartPayment(ctx context.Context, p WalletPayment) (bool, error) {
	var created bool
	err := s.inTx(ctx, func(t *tx) error {
		var err error
		created, err = insertPayment(ctx, t, &p)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("start %s %s: %w", p.Kind, p.ID, err)
	}
	return created, nil
}

// SetPaymentPlan replaces the plan of a pending row, before its transfers
// are sent again.
func (s *Store) SetPaymentPlan(ctx context.Context, merchant, kind, id, plan string) error {
	if _, err := s.w.ExecContext(ctx, s.dialect.rebind(`UPDATE social_payments SET plan = ?
		WHERE merchant = ? AND kind = ? AND id = ? AND status = ?`), plan, merchant, kind, id, PaymentPending); err != nil {
		return fmt.Errorf("plan %s %s: %w", kind, id, err)
	}
	return nil
}

// FinishPayment records what the ledger decided on a pending row. A
// refused refund gives its amount back to its purchase's refundable sum;
// a refused meal frees the pupil's day.
func (s *Store) FinishPayment(ctx context.Context, p WalletPayment, status, reason string) error {
	err := s.inTx(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE social_payments SET status = ?, reason = ? WHERE merchant = ? AND kind = ? AND id = ?
			AND status = ?`, status, reason, p.Merchant, p.Kind, p.ID, PaymentPending)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 || status != PaymentRefused {
			return err
		}
		switch p.Kind {
		case KindRefund:
			_, err = t.exec(ctx, `UPDATE social_payments SET refunded = refunded - ? WHERE merchant = ? AND kind = ? AND id = ?`,
				p.Amount, p.Merchant, KindPurchase, p.PurchaseID)
		case KindMeal:
			_, err = t.exec(ctx, `DELETE FROM social_meals WHERE pupil_iin = ? AND day = ? AND merchant = ?`,
				p.IIN, p.ID[len(p.IIN)+1:], p.Merchant)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("finish %s %s: %w", p.Kind, p.ID, err)
	}
	return nil
}

// StartRefund reserves r.Amount of its purchase's refundable sum and
// stores r pending, in one transaction. plan is called inside it with the
// purchase and the plans of its earlier refunds (pending or approved), and
// returns r's plan. ErrNotFound when the purchase is not an approved one
// of the merchant; ErrLimitReached when the amount exceeds what is left
// to refund. created is false, and nothing changes, when the refund
// exists already.
func (s *Store) StartRefund(ctx context.Context, r WalletPayment, plan func(p WalletPayment, earlier []string) (string, error)) (bool, error) {
	var created bool
	err := s.inTx(ctx, func(t *tx) error {
		var n int
		if err := t.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*) FROM social_payments WHERE merchant = ? AND kind = ?
			AND id = ?`), r.Merchant, KindRefund, r.ID).Scan(&n); err != nil || n > 0 {
			return err
		}
		lock := ""
		if s.dialect == postgresDialect {
			lock = " FOR UPDATE"
		}
		p, err := scanWalletPayment(t.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+walletPaymentCols+` FROM social_payments
			WHERE merchant = ? AND kind = ? AND id = ? AND status = ?`+lock), r.Merchant, KindPurchase, r.PurchaseID, PaymentApproved))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if r.Amount > p.Amount-p.Refunded {
			return ErrLimitReached
		}
		rows, err := t.QueryContext(ctx, s.dialect.rebind(`SELECT plan FROM social_payments WHERE merchant = ? AND kind = ?
			AND purchase_id = ? AND status <> ?`), r.Merchant, KindRefund, r.PurchaseID, PaymentRefused)
		if err != nil {
			return err
		}
		var earlier []string
		for rows.Next() {
			var pl string
			if err := rows.Scan(&pl); err != nil {
				rows.Close()
				return err
			}
			earlier = append(earlier, pl)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if r.Plan, err = plan(p, earlier); err != nil {
			return err
		}
		r.IIN, r.Household, r.Region, r.Ledger, r.Status = p.IIN, p.Household, p.Region, p.Ledger, PaymentPending
		if _, err := t.exec(ctx, `UPDATE social_payments SET refunded = refunded + ? WHERE merchant = ? AND kind = ? AND id = ?`,
			r.Amount, r.Merchant, KindPurchase, r.PurchaseID); err != nil {
			return err
		}
		created, err = insertPayment(ctx, t, &r)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("start refund %s: %w", r.ID, err)
	}
	return created, nil
}

// ClaimMeal takes the pupil's day for merchant: true when it was free or
// is already the merchant's (a retry), false when another canteen served
// the pupil that day.
func (s *Store) ClaimMeal(ctx context.Context, pupil, day, merchant string) (bool, error) {
	if _, err := s.w.ExecContext(ctx, s.dialect.rebind(`INSERT INTO social_meals (pupil_iin, day, merchant) VALUES (?, ?, ?)
		ON CONFLICT (pupil_iin, day) DO NOTHING`), pupil, day, merchant); err != nil {
		return false, fmt.Errorf("claim meal: %w", err)
	}
	var got string
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT merchant FROM social_meals WHERE pupil_iin = ? AND day = ?`),
		pupil, day).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil // released by a refusal meanwhile; the caller may try again
	}
	if err != nil {
		return false, fmt.Errorf("claim meal: %w", err)
	}
	return got == merchant, nil
}

// MealHousehold returns the household of region (its wellbeing row's)
// through which the pupil with iin is eligible for school meals: one of
// whose members they are, with a confirmed offer of programme that its
// current decision still grants. When the pupil belongs to households of
// region but none is eligible, eligible is false. ErrNotFound when the
// pupil belongs to no household of region: the answer is then the same
// whatever the pupil's support elsewhere, so that a canteen learns
// nothing about households beyond its own region.
func (s *Store) MealHousehold(ctx context.Context, iin, programme, region string) (household string, eligible bool, err error) {
	var ok int
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT m.household,
		CASE WHEN EXISTS (SELECT 1 FROM benefit_current c WHERE c.household = m.household AND c.programme = ?)
			AND EXISTS (SELECT 1 FROM benefit_offers o WHERE o.household = m.household AND o.programme = ?
				AND o.status = 'confirmed') THEN 1 ELSE 0 END
		FROM benefit_household_members m
		JOIN benefit_wellbeing w ON w.household = m.household
		WHERE m.iin = ? AND w.region = ?
		ORDER BY 2 DESC, 1 LIMIT 1`), programme, programme, iin, region).Scan(&household, &ok)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, fmt.Errorf("meal household of a pupil: %w", ErrNotFound)
	}
	if err != nil {
		return "", false, fmt.Errorf("meal household of a pupil: %w", err)
	}
	return household, ok == 1, nil
}
