package socialwallet

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// PurchaseRequest is a merchant's request to take Amount from the
// vouchers of the citizen who showed Code.
type PurchaseRequest struct {
	ID string // the merchant's purchase id, the idempotency key: [A-Za-z0-9_.:-]{1,64}
	// IIN is the citizen's: a code is bound to its citizen. It may be left
	// out when Code is the QR's text, which carries it.
	IIN    string
	Code   string // 6 digits, or the QR's text "ortaq-pay:<iin>:<code>"
	Amount int64  // tiyn
}

// PurchaseResult is what became of a purchase, refund or meal.
type PurchaseResult struct {
	ID     string
	Status string // "approved" or "refused"
	// Reason is "" when approved, else a ledger result name (for example
	// "ledger_mismatch": the code's category is not the merchant's) or one
	// of the Reason* constants.
	Reason    string
	Amount    int64 // tiyn
	Ledger    ledger.Ledger
	Transfers []ledger.ID // the ledger transfers, when approved
}

// Reasons of a refusal decided before the ledger.
const (
	ReasonCodeInvalid       = "code_invalid"                 // no such code
	ReasonCodeExpired       = "code_expired"                 // older than CodeTTL
	ReasonCodeUsed          = "code_used"                    // presented before, or revoked by a newer code
	ReasonTooManyAttempts   = "too_many_attempts"            // too many codes that do not exist presented by the merchant
	ReasonExceedsCodeLimit  = "exceeds_code_limit"           // more than the citizen allowed the code
	ReasonDifferentFields   = "exists_with_different_fields" // the purchase or refund id was used with other fields
	ReasonInsufficientFunds = "insufficient_funds"           // the vouchers of the code's category hold less
	ReasonUnknownPurchase   = "unknown_purchase"             // a refund of no approved purchase of the merchant
	ReasonExceedsPurchase   = "exceeds_purchase"             // a refund above what is left to refund
	ReasonNotEligible       = "not_eligible"                 // a meal for a pupil without school-meal support
	ReasonMealAlreadyServed = "meal_already_served"          // the pupil had a paid meal that day
	// ReasonMealDateNotAllowed: not a school day, in the future, or
	// further back than the grace of support.yaml.
	ReasonMealDateNotAllowed = "meal_date_not_allowed"
	// ReasonNotThisCanteen: the pupil belongs to no household of the
	// canteen's region.
	ReasonNotThisCanteen = "not_this_canteen"
)

// ErrNotCanteen: a merchant whose category is not school meals recorded
// a meal (HTTP 403). It is an error, decided before the pupil is looked
// up, so that no other merchant learns whose household is supported.
var ErrNotCanteen = errors.New("socialwallet: the merchant is not a school canteen")

// ErrRequest is wrapped by the errors of a malformed request (an id, an
// amount): HTTP 422. Refusals are results, not errors.
var ErrRequest = errors.New("socialwallet: invalid request")

var requestID = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

// purchaseTries bounds how often a purchase is planned again when a
// concurrent one spent a voucher between planning and the ledger.
const purchaseTries = 4

// Purchase takes r.Amount from the vouchers of the citizen whose code r
// carries, on the code's ledger, to the merchant: a Linked chain of
// voucher → merchant transfers over the active vouchers, the earliest
// expiry first, the last one partly. The ledger, not this code, refuses a
// voucher of another category than the merchant's (ledger_mismatch) and
// any overdraft, so concurrent purchases never exceed a voucher.
//
// The code ends at this presentation whatever the outcome; a code that
// does not exist is counted against the citizen's live codes and the
// merchant (see CitizenAttempts).
//
// It is idempotent by the merchant's purchase id: a retry with the same
// amount and code returns the result already decided, or finishes one a
// crash interrupted with the same transfers; a retry with another amount
// or code is refused (exists_with_different_fields) and changes nothing.
// Refusals before the code is resolved (code_invalid, code_expired,
// code_used, too_many_attempts) are not stored, so the merchant may retry
// the id with the right code; later ones (exceeds_code_limit,
// insufficient_funds, the ledger's) are.
func (s *Service) Purchase(ctx context.Context, m Merchant, r PurchaseRequest) (PurchaseResult, error) {
	if !requestID.MatchString(r.ID) || r.Amount <= 0 {
		return PurchaseResult{}, fmt.Errorf("%w: purchase id %q, amount %d", ErrRequest, r.ID, r.Amount)
	}
	iin, code, err := parseCode(r.IIN, r.Code)
	if err != nil {
		return PurchaseResult{}, err
	}
	sum := codeHash(iin, code)
	hash := hex.EncodeToString(sum)
	if res, done, err := s.storedPurchase(ctx, m, r, hash); done || err != nil {
		return res, err
	}
	now := s.opts.Now()
	claim, err := s.st.PresentPaymentCode(ctx, store.CodePresentation{Hash: sum, IIN: iin, Merchant: m.ID,
		Holder: m.ID + "/" + r.ID, Now: now, Window: AttemptWindow, CitizenAttempts: CitizenAttempts,
		MerchantFailures: MerchantFailures})
	if reason := codeReason(err); reason != "" {
		slog.DebugContext(ctx, "wallet code refused", "merchant", m.ID, "reason", reason)
		return PurchaseResult{ID: r.ID, Status: store.PaymentRefused, Reason: reason, Amount: r.Amount}, nil
	}
	if err != nil {
		return PurchaseResult{}, err
	}
	p := store.WalletPayment{Merchant: m.ID, Kind: store.KindPurchase, ID: r.ID, IIN: iin, Ledger: claim.Ledger,
		Amount: r.Amount, Status: store.PaymentPending, Code: hash, At: now}
	if claim.MaxAmount > 0 && r.Amount > claim.MaxAmount {
		p.Status, p.Reason = store.PaymentRefused, ReasonExceedsCodeLimit
	}
	res, err := s.pay(ctx, m, p)
	if errors.Is(err, errPurchaseExists) { // a concurrent request with the same id won
		res, _, err = s.storedPurchase(ctx, m, r, hash)
	}
	return res, err
}

// errPurchaseExists is pay's answer when the purchase id is taken.
var errPurchaseExists = errors.New("socialwallet: purchase exists")

// pay plans p, a purchase whose code was accepted, stores it and sends
// its transfers; p already refused is only stored. errPurchaseExists when
// a row with its id exists.
func (s *Service) pay(ctx context.Context, m Merchant, p store.WalletPayment) (PurchaseResult, error) {
	if p.Status == store.PaymentPending {
		legs, vs, err := s.planPurchase(ctx, m, p.IIN, p.Ledger, p.Amount)
		if err != nil {
			return PurchaseResult{}, err
		}
		if legs == nil {
			p.Status, p.Reason = store.PaymentRefused, ReasonInsufficientFunds
		} else {
			p.Household, p.Region, p.Plan = vs[0].Household, vs[0].Region, encodePlan(legs)
		}
	}
	created, err := s.st.StartPayment(ctx, p)
	switch {
	case err != nil:
		return PurchaseResult{}, err
	case !created:
		return PurchaseResult{}, errPurchaseExists
	case p.Status != store.PaymentPending:
		return resultOf(p, nil), nil
	}
	return s.send(ctx, p)
}

// storedPurchase is stored for a purchase request: the stored purchase
// must have r's amount and code (hash, hex), else the request is refused
// with ReasonDifferentFields.
func (s *Service) storedPurchase(ctx context.Context, m Merchant, r PurchaseRequest, hash string) (PurchaseResult, bool, error) {
	p, err := s.st.WalletPayment(ctx, m.ID, store.KindPurchase, r.ID)
	if errors.Is(err, store.ErrNotFound) {
		return PurchaseResult{}, false, nil
	}
	if err != nil {
		return PurchaseResult{}, true, err
	}
	if p.Amount != r.Amount || p.Code != hash {
		slog.DebugContext(ctx, "wallet purchase id reused", "merchant", m.ID, "id", r.ID)
		return PurchaseResult{ID: r.ID, Status: store.PaymentRefused, Reason: ReasonDifferentFields, Amount: r.Amount}, true, nil
	}
	res, err := s.finish(ctx, p)
	return res, true, err
}

// codeReason maps ClaimPaymentCode's errors to a refusal; "" for others.
func codeReason(err error) string {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return ReasonCodeInvalid
	case errors.Is(err, store.ErrTooLate):
		return ReasonCodeExpired
	case errors.Is(err, store.ErrWrongState):
		return ReasonCodeUsed
	case errors.Is(err, store.ErrLimitReached):
		return ReasonTooManyAttempts
	}
	return ""
}

// planPurchase chooses the vouchers for amount: nil legs when the active
// vouchers of iin on l hold less.
func (s *Service) planPurchase(ctx context.Context, m Merchant, iin string, l ledger.Ledger, amount int64) ([]leg, []store.WalletVoucher, error) {
	vs, err := s.st.ActiveVouchers(ctx, iin, l, s.opts.Now())
	if err != nil {
		return nil, nil, err
	}
	vs = slices.DeleteFunc(vs, func(v store.WalletVoucher) bool { return v.Available() <= 0 })
	var legs []leg
	left := amount
	to := MerchantAccount(m.ID)
	for _, v := range vs {
		if left == 0 {
			break
		}
		n := min(left, v.Available())
		legs = append(legs, leg{From: v.Account, To: to, Source: v.Account, Amount: n})
		left -= n
	}
	if left > 0 {
		return nil, nil, nil
	}
	return legs, vs, nil
}

// stored returns the result of a payment already decided (done), or
// finishes a pending one a crash interrupted; done is false when there is
// none.
func (s *Service) stored(ctx context.Context, merchant, kind, id string) (PurchaseResult, bool, error) {
	p, err := s.st.WalletPayment(ctx, merchant, kind, id)
	if errors.Is(err, store.ErrNotFound) {
		return PurchaseResult{}, false, nil
	}
	if err != nil {
		return PurchaseResult{}, true, err
	}
	res, err := s.finish(ctx, p)
	return res, true, err
}

// finish returns the result of a stored payment, sending the transfers
// of a pending one a crash interrupted.
func (s *Service) finish(ctx context.Context, p store.WalletPayment) (PurchaseResult, error) {
	if p.Status == store.PaymentPending {
		return s.send(ctx, p)
	}
	legs, err := decodePlan(p.Plan)
	if err != nil {
		return PurchaseResult{}, err
	}
	return resultOf(p, legs), nil
}

// transfers are the ledger transfers of p's legs: one Linked chain.
func transfersOf(p store.WalletPayment, legs []leg) []ledger.Transfer {
	ts := make([]ledger.Transfer, len(legs))
	for n, l := range legs {
		t := ledger.Transfer{DebitAccount: l.From, CreditAccount: l.To, Amount: l.Amount, Ledger: p.Ledger}
		switch p.Kind {
		case store.KindPurchase:
			t.ID = ledger.IDOf("purchase:" + p.Merchant + ":" + p.ID + ":" + strconv.Itoa(n))
			t.Code, t.UserData = TransferPurchase, "purchase:"+p.Merchant+":"+p.ID
		case store.KindRefund:
			t.ID = ledger.IDOf("refund:" + p.Merchant + ":" + p.ID + ":" + strconv.Itoa(n))
			t.Code, t.UserData = TransferRefund, "refund:"+p.Merchant+":"+p.PurchaseID
		case store.KindMeal:
			t.ID = ledger.IDOf("meal:" + p.Merchant + ":" + p.ID) // p.ID is "<pupil>:<date>"
			t.Code, t.UserData = TransferMeal, "meal:"+p.ID
		}
		if n < len(legs)-1 {
			t.Flags = ledger.Linked
		}
		ts[n] = t
	}
	return ts
}

// send submits a pending payment's transfers and records the outcome; a
// purchase that lost a voucher to a concurrent one is planned again.
// An approved purchase resets the citizen's count of code attempts.
func (s *Service) send(ctx context.Context, p store.WalletPayment) (PurchaseResult, error) {
	legs, err := decodePlan(p.Plan)
	if err != nil {
		return PurchaseResult{}, err
	}
	reason := ""
	for try := 1; ; try++ {
		rs, err := s.st.CreateLedgerTransfers(ctx, transfersOf(p, legs))
		if err != nil {
			return PurchaseResult{}, err
		}
		reason = chainReason(rs)
		if reason != ledger.ResultExceedsCredits.String() || p.Kind != store.KindPurchase || try == purchaseTries {
			break
		}
		m := Merchant{ID: p.Merchant}
		next, _, err := s.planPurchase(ctx, m, p.IIN, p.Ledger, p.Amount)
		if err != nil {
			return PurchaseResult{}, err
		}
		if next == nil {
			reason = ReasonInsufficientFunds
			break
		}
		legs, p.Plan = next, encodePlan(next)
		if err := s.st.SetPaymentPlan(ctx, p.Merchant, p.Kind, p.ID, p.Plan); err != nil {
			return PurchaseResult{}, err
		}
	}
	p.Status, p.Reason = store.PaymentApproved, reason
	if reason != "" {
		p.Status = store.PaymentRefused
	}
	if err := s.st.FinishPayment(ctx, p, p.Status, p.Reason); err != nil {
		return PurchaseResult{}, err
	}
	slog.DebugContext(ctx, "wallet "+p.Kind, "merchant", p.Merchant, "id", p.ID, "status", p.Status, "reason", p.Reason,
		"amount", FormatTenge(p.Amount))
	return resultOf(p, legs), nil
}

// chainReason is "" when the chain was applied, else the result of the
// transfer that failed it.
func chainReason(rs []ledger.Result) string {
	for _, r := range rs {
		if !r.Applied() && r != ledger.ResultLinkedEventFailed {
			return r.String()
		}
	}
	for _, r := range rs {
		if !r.Applied() {
			return r.String()
		}
	}
	return ""
}

func resultOf(p store.WalletPayment, legs []leg) PurchaseResult {
	res := PurchaseResult{ID: p.ID, Status: p.Status, Reason: p.Reason, Amount: p.Amount, Ledger: p.Ledger}
	if p.Status == store.PaymentApproved {
		for _, t := range transfersOf(p, legs) {
			res.Transfers = append(res.Transfers, t.ID)
		}
	}
	return res
}

// Refund gives tiyn of the merchant's approved purchase back, as new
// transfers merchant → the vouchers it came from (the latest-expiring
// first), or to the voucher's programme once the voucher expired. The
// refunds of a purchase never exceed it; refundID is the idempotency key.
func (s *Service) Refund(ctx context.Context, m Merchant, purchaseID, refundID string, tiyn int64) (PurchaseResult, error) {
	if !requestID.MatchString(purchaseID) || !requestID.MatchString(refundID) || tiyn <= 0 {
		return PurchaseResult{}, fmt.Errorf("%w: refund %q of %q, amount %d", ErrRequest, refundID, purchaseID, tiyn)
	}
	if res, done, err := s.storedRefund(ctx, m, purchaseID, refundID, tiyn); done || err != nil {
		return res, err
	}
	refuse := func(reason string) (PurchaseResult, error) {
		return PurchaseResult{ID: refundID, Status: store.PaymentRefused, Reason: reason, Amount: tiyn}, nil
	}
	bought, err := s.st.WalletPayment(ctx, m.ID, store.KindPurchase, purchaseID)
	if errors.Is(err, store.ErrNotFound) || err == nil && bought.Status != store.PaymentApproved {
		return refuse(ReasonUnknownPurchase)
	}
	if err != nil {
		return PurchaseResult{}, err
	}
	from, err := decodePlan(bought.Plan)
	if err != nil {
		return PurchaseResult{}, err
	}
	ids := make([]ledger.ID, len(from))
	for i, l := range from {
		ids[i] = l.Source
	}
	vs, err := s.st.WalletVouchersByAccount(ctx, ids)
	if err != nil {
		return PurchaseResult{}, err
	}
	now := s.opts.Now()
	r := store.WalletPayment{Merchant: m.ID, Kind: store.KindRefund, ID: refundID, PurchaseID: purchaseID, Amount: tiyn, At: now}
	_, err = s.st.StartRefund(ctx, r, func(p store.WalletPayment, earlier []string) (string, error) {
		back := map[ledger.ID]int64{}
		for _, e := range earlier {
			legs, err := decodePlan(e)
			if err != nil {
				return "", err
			}
			for _, l := range legs {
				back[l.Source] += l.Amount
			}
		}
		var legs []leg
		left := tiyn
		for i := len(from) - 1; i >= 0 && left > 0; i-- {
			l := from[i]
			n := min(left, l.Amount-back[l.Source])
			if n <= 0 {
				continue
			}
			to := l.Source
			if v, ok := vs[l.Source]; ok && (v.State != store.VoucherActive || !v.ExpiresAt.After(now)) {
				to = ProgrammeAccount(v.Programme, v.Ledger)
			}
			legs = append(legs, leg{From: MerchantAccount(m.ID), To: to, Source: l.Source, Amount: n})
			left -= n
		}
		if left > 0 {
			return "", store.ErrLimitReached
		}
		return encodePlan(legs), nil
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return refuse(ReasonUnknownPurchase)
	case errors.Is(err, store.ErrLimitReached):
		return refuse(ReasonExceedsPurchase)
	case err != nil:
		return PurchaseResult{}, err
	}
	// Whether this call or a concurrent retry stored it, finish it.
	res, _, err := s.storedRefund(ctx, m, purchaseID, refundID, tiyn)
	return res, err
}

// storedRefund is stored for a refund request: the stored refund must be
// of the same purchase and amount, else the request is refused with
// ReasonDifferentFields, as a purchase id reused is.
func (s *Service) storedRefund(ctx context.Context, m Merchant, purchaseID, refundID string, tiyn int64) (PurchaseResult, bool, error) {
	p, err := s.st.WalletPayment(ctx, m.ID, store.KindRefund, refundID)
	if errors.Is(err, store.ErrNotFound) {
		return PurchaseResult{}, false, nil
	}
	if err != nil {
		return PurchaseResult{}, true, err
	}
	if p.PurchaseID != purchaseID || p.Amount != tiyn {
		slog.DebugContext(ctx, "wallet refund id reused", "merchant", m.ID, "id", refundID)
		return PurchaseResult{ID: refundID, Status: store.PaymentRefused, Reason: ReasonDifferentFields, Amount: tiyn}, true, nil
	}
	res, err := s.finish(ctx, p)
	return res, true, err
}

// RecordMeal pays the canteen m for a school meal served to the pupil on
// day (its date in Asia/Almaty): at most one per pupil per day, whichever
// canteen, for pupils of the support's ages in a household of the
// canteen's region with a confirmed offer of its programme, at the price
// in support.yaml, from the programme's school-meals account. A retry
// returns the same result.
//
// The checks run in an order that tells a caller no more than it may
// know. A merchant of another category gets ErrNotCanteen before the
// pupil is looked up at all, so a pharmacy cannot learn whose household
// is supported. A canteen is refused a day that is not a school day
// within the grace (meal_date_not_allowed), then a pupil of no household
// of its region (not_this_canteen, whatever the pupil's support), and
// only then learns whether the pupil is eligible.
func (s *Service) RecordMeal(ctx context.Context, m Merchant, pupilIIN string, day time.Time) (PurchaseResult, error) {
	id, err := kz.ParseIIN(pupilIIN)
	if err != nil {
		return PurchaseResult{}, fmt.Errorf("%w: pupil IIN: %v", ErrRequest, err)
	}
	meals := s.support.Meals
	if m.Category != meals.Ledger {
		return PurchaseResult{}, fmt.Errorf("%w: merchant %s accepts %s", ErrNotCanteen, m.ID, m.Category)
	}
	date := day.In(almaty).Format(time.DateOnly)
	key := pupilIIN + ":" + date
	if res, done, err := s.stored(ctx, m.ID, store.KindMeal, key); done || err != nil {
		return res, err
	}
	refuse := func(reason string) (PurchaseResult, error) {
		return PurchaseResult{ID: key, Status: store.PaymentRefused, Reason: reason, Amount: meals.PricePerMeal,
			Ledger: meals.Ledger}, nil
	}
	if !meals.DayAllowed(day, s.opts.Now()) {
		return refuse(ReasonMealDateNotAllowed)
	}
	if age := ageOn(id.BirthDate, day.In(almaty)); age < meals.MinAge || age > meals.MaxAge {
		return refuse(ReasonNotEligible) // from the IIN alone: no lookup
	}
	if m.Region == "" {
		return refuse(ReasonNotThisCanteen)
	}
	household, eligible, err := s.st.MealHousehold(ctx, pupilIIN, meals.Programme, m.Region)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return refuse(ReasonNotThisCanteen)
	case err != nil:
		return PurchaseResult{}, err
	case !eligible:
		return refuse(ReasonNotEligible)
	}
	if err := s.ensureAccounts(ctx, meals.Programme, meals.Ledger); err != nil {
		return PurchaseResult{}, err
	}
	ok, err := s.st.ClaimMeal(ctx, pupilIIN, date, m.ID)
	if err != nil {
		return PurchaseResult{}, err
	}
	if !ok {
		return refuse(ReasonMealAlreadyServed)
	}
	p := store.WalletPayment{Merchant: m.ID, Kind: store.KindMeal, ID: key, IIN: pupilIIN, Household: household,
		Region: m.Region, Ledger: meals.Ledger, Amount: meals.PricePerMeal, Status: store.PaymentPending, At: s.opts.Now(),
		Plan: encodePlan([]leg{{From: ProgrammeAccount(meals.Programme, meals.Ledger), To: MerchantAccount(m.ID),
			Source: ProgrammeAccount(meals.Programme, meals.Ledger), Amount: meals.PricePerMeal}})}
	if _, err := s.st.StartPayment(ctx, p); err != nil {
		return PurchaseResult{}, err
	}
	res, _, err := s.stored(ctx, m.ID, store.KindMeal, key)
	return res, err
}

// ageOn is the age in whole years on day of a person born on birth.
func ageOn(birth, day time.Time) int {
	y, m, d := day.Date()
	age := y - birth.Year()
	if m < birth.Month() || m == birth.Month() && d < birth.Day() {
		age--
	}
	return age
}
