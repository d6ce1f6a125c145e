package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Statuses of a benefit offer. The state machine, enforced by the store:
//
//	offered  → accepted | declined   (the recipient, before expires_at)
//	offered  → expired               (ExpireOffers, from expires_at)
//	accepted → confirmed | rejected  (an official)
//
// Declined, expired, confirmed and rejected are final. Every transition is
// one conditional UPDATE on the status it leaves, so of two racing
// requests exactly one wins and the other gets ErrWrongState (or
// ErrTooLate); nothing is assigned without the recipient's acceptance and
// an official's confirmation.
const (
	OfferOffered   = "offered"
	OfferAccepted  = "accepted"
	OfferDeclined  = "declined"
	OfferExpired   = "expired"
	OfferConfirmed = "confirmed"
	OfferRejected  = "rejected"
)

// Offer is a proactive offer of a programme to a household, made to one
// recipient on the strength of a decision.
type Offer struct {
	ID           int64
	Household    string
	Programme    string
	DecisionID   int64
	Agency       string // the agency whose officers confirm it
	RecipientIIN string
	Amount       int64 // whole tenge
	Period       string
	Language     string // of the SMS: kk, ru or en
	Status       string // an Offer* status; CreateOffer ignores it
	CreatedAt    time.Time
	ExpiresAt    time.Time
	RespondedAt  time.Time // zero until accepted, declined or expired
	ConfirmedBy  int64     // the official who confirmed or rejected it; 0 until then
	ConfirmedAt  time.Time
	Note         string // the official's note
}

const offerColumns = `id, household, programme, decision_id, agency, recipient_iin, amount, period, language, status,
	created_at, expires_at, responded_at, COALESCE(confirmed_by, 0), confirmed_at, note`

func scanOffer(sc interface{ Scan(...any) error }) (Offer, error) {
	var o Offer
	err := sc.Scan(&o.ID, &o.Household, &o.Programme, &o.DecisionID, &o.Agency, &o.RecipientIIN, &o.Amount, &o.Period,
		&o.Language, &o.Status, timeValue{&o.CreatedAt}, timeValue{&o.ExpiresAt}, timeValue{&o.RespondedAt},
		&o.ConfirmedBy, timeValue{&o.ConfirmedAt}, &o.Note)
	return o, err
}

// CreateOffer stores o, offered, and returns it as stored, with created
// true. It is idempotent per decision: when the decision already made an
// offer of the programme, that offer is returned, as it now is, with
// created false. At most one offer of a programme to a household is open
// (offered or accepted): another one gives ErrExists. ErrInvalid when a
// field is missing or it expires before it is made. The decision must
// exist: its foreign key refuses the offer otherwise.
func (s *Store) CreateOffer(ctx context.Context, o Offer) (Offer, bool, error) {
	if o.Household == "" || o.Programme == "" || o.DecisionID == 0 || o.RecipientIIN == "" || o.CreatedAt.IsZero() ||
		!o.ExpiresAt.After(o.CreatedAt) {
		return Offer{}, false, fmt.Errorf("create offer of %s to %s: %w", o.Programme, o.Household, ErrInvalid)
	}
	d := s.dialect
	got, err := scanOffer(s.w.QueryRowContext(ctx, d.rebind(`INSERT INTO benefit_offers (household, programme,
		decision_id, agency, recipient_iin, amount, period, language, status, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING `+offerColumns),
		o.Household, o.Programme, o.DecisionID, o.Agency, o.RecipientIIN, o.Amount, o.Period, o.Language, OfferOffered,
		d.timeArg(o.CreatedAt), d.timeArg(o.ExpiresAt)))
	if err == nil {
		return got, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Offer{}, false, fmt.Errorf("create offer of %s to %s: %w", o.Programme, o.Household, err)
	}
	// A conflict: the decision's offer, or another open one. Offers are
	// never deleted, so the decision's is still there.
	got, err = scanOffer(s.db.QueryRowContext(ctx, d.rebind(`SELECT `+offerColumns+` FROM benefit_offers
		WHERE decision_id = ? AND programme = ?`), o.DecisionID, o.Programme))
	if errors.Is(err, sql.ErrNoRows) {
		return Offer{}, false, fmt.Errorf("create offer of %s to %s: an open offer: %w", o.Programme, o.Household, ErrExists)
	}
	if err != nil {
		return Offer{}, false, fmt.Errorf("create offer of %s to %s: %w", o.Programme, o.Household, err)
	}
	return got, false, nil
}

// Offer returns the offer with id, or ErrNotFound.
func (s *Store) Offer(ctx context.Context, id int64) (Offer, error) {
	o, err := scanOffer(s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT `+offerColumns+` FROM benefit_offers
		WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, fmt.Errorf("offer %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return o, fmt.Errorf("offer %d: %w", id, err)
	}
	return o, nil
}

// OffersFor lists the offers made to the person with iin, newest first.
func (s *Store) OffersFor(ctx context.Context, iin string) ([]Offer, error) {
	out, err := s.offers(ctx, `SELECT `+offerColumns+` FROM benefit_offers WHERE recipient_iin = ? ORDER BY id DESC`, iin)
	if err != nil {
		return nil, fmt.Errorf("offers of a person: %w", err)
	}
	return out, nil
}

// OfficerQueue lists the accepted offers awaiting an official's
// confirmation, of agency ("" for every agency), the longest waiting
// first, at most limit.
func (s *Store) OfficerQueue(ctx context.Context, agency string, limit int) ([]Offer, error) {
	out, err := s.offers(ctx, `SELECT `+offerColumns+` FROM benefit_offers WHERE status = ? AND (? = '' OR agency = ?)
		ORDER BY responded_at, id LIMIT ?`, OfferAccepted, agency, agency, limit)
	if err != nil {
		return nil, fmt.Errorf("offer queue: %w", err)
	}
	return out, nil
}

func (s *Store) offers(ctx context.Context, q string, args ...any) ([]Offer, error) {
	return queryAll(ctx, s, q, scanOffer, args...)
}

// RespondOffer records the recipient's answer at now: accepted (their
// consent to apply) or declined. Only an offered offer that has not
// expired (now before expires_at) can be answered, by its recipient (iin):
// ErrNotFound for another person's offer or none, ErrTooLate once it
// expired, ErrWrongState when it was already answered. It returns the
// offer as it now is.
func (s *Store) RespondOffer(ctx context.Context, id int64, iin string, accept bool, now time.Time) (Offer, error) {
	status := OfferDeclined
	if accept {
		status = OfferAccepted
	}
	d := s.dialect
	o, err := scanOffer(s.w.QueryRowContext(ctx, d.rebind(`UPDATE benefit_offers SET status = ?, responded_at = ?
		WHERE id = ? AND recipient_iin = ? AND status = ? AND expires_at > ? RETURNING `+offerColumns),
		status, d.timeArg(now), id, iin, OfferOffered, d.timeArg(now)))
	if err == nil {
		return o, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Offer{}, fmt.Errorf("respond to offer %d: %w", id, err)
	}
	cur, err := s.Offer(ctx, id)
	switch {
	case errors.Is(err, ErrNotFound) || err == nil && cur.RecipientIIN != iin:
		return Offer{}, fmt.Errorf("respond to offer %d: %w", id, ErrNotFound)
	case err != nil:
		return Offer{}, fmt.Errorf("respond to offer %d: %w", id, err)
	case cur.Status == OfferOffered || cur.Status == OfferExpired:
		return cur, fmt.Errorf("respond to offer %d: expired %s: %w", id, cur.ExpiresAt.Format(time.RFC3339), ErrTooLate)
	default:
		return cur, fmt.Errorf("respond to offer %d: %w (%s)", id, ErrWrongState, cur.Status)
	}
}

// ExpireOffers marks expired every offered offer whose expires_at is not
// after now, and returns how many.
func (s *Store) ExpireOffers(ctx context.Context, now time.Time) (int, error) {
	d := s.dialect
	res, err := s.w.ExecContext(ctx, d.rebind(`UPDATE benefit_offers SET status = ?, responded_at = expires_at
		WHERE status = ? AND expires_at <= ?`), OfferExpired, OfferOffered, d.timeArg(now))
	if err != nil {
		return 0, fmt.Errorf("expire offers: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("expire offers: %w", err)
	}
	return int(n), nil
}

// ConfirmOffer records an official's decision on an accepted offer at at:
// confirmed (the benefit is assigned) or rejected, with a note. Only an
// accepted offer can be decided: ErrNotFound for none, ErrWrongState
// otherwise (a second official's concurrent decision among them).
// ErrInvalid without an official. It returns the offer as it now is.
func (s *Store) ConfirmOffer(ctx context.Context, id, official int64, confirm bool, note string, at time.Time) (Offer, error) {
	if official == 0 {
		return Offer{}, fmt.Errorf("confirm offer %d: no official: %w", id, ErrInvalid)
	}
	status := OfferRejected
	if confirm {
		status = OfferConfirmed
	}
	d := s.dialect
	o, err := scanOffer(s.w.QueryRowContext(ctx, d.rebind(`UPDATE benefit_offers SET status = ?, confirmed_by = ?,
		confirmed_at = ?, note = ? WHERE id = ? AND status = ? RETURNING `+offerColumns),
		status, official, d.timeArg(at), note, id, OfferAccepted))
	if err == nil {
		return o, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Offer{}, fmt.Errorf("confirm offer %d: %w", id, err)
	}
	cur, err := s.Offer(ctx, id)
	if err != nil {
		return Offer{}, fmt.Errorf("confirm offer %d: %w", id, errors.Unwrap(err))
	}
	return cur, fmt.Errorf("confirm offer %d: %w (%s)", id, ErrWrongState, cur.Status)
}
