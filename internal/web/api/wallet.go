package api

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/web/view"
)

// maxWalletBody bounds a merchant's request: a few short fields.
const maxWalletBody = 4 << 10

// errNoSocialWallet answers the merchants' routes on a server started
// without the social wallet.
var errNoSocialWallet = &exchange.Refusal{Status: http.StatusServiceUnavailable, Code: "wallet_disabled",
	Detail: "this server does not run the social wallet"}

// merchantHandler is a merchant route's handler, called once the caller
// is known to speak for a registered merchant.
type merchantHandler func(w http.ResponseWriter, r *http.Request, m socialwallet.Merchant)

// merchant wraps h as a merchant's route: a credential with scope
// merchant (s.system) whose member and subsystem are a registered
// merchant's. Anything else is refused before the ledger sees the
// request. A member-wide key names the subsystem it speaks for in
// Ortaq-Client, as the exchange's clients do.
func (s *Server) merchant(h merchantHandler) http.HandlerFunc {
	return s.system(exchange.ScopeMerchant, func(w http.ResponseWriter, r *http.Request, c exchange.Client) {
		sw := s.opts.SocialWallet
		if sw == nil {
			writeRefusal(w, r, errNoSocialWallet, nil)
			return
		}
		sub := c.Subsystem
		if sub == "" {
			if member, named, ok := strings.Cut(r.Header.Get(HeaderClient), "/"); ok && member == c.Member {
				sub = named
			}
		}
		m, err := sw.MerchantFor(r.Context(), c.Member, sub)
		if errors.Is(err, socialwallet.ErrNotMerchant) {
			s.metrics.refused.WithLabelValues("forbidden").Inc()
			who := c.Member
			if sub != "" {
				who += "/" + sub
			}
			writeRefusal(w, r, &exchange.Refusal{Status: http.StatusForbidden, Code: "not_merchant",
				Detail: who + " is not a registered merchant: register it with ortaq wallet merchant add"}, nil)
			return
		}
		if err != nil {
			view.WriteError(w, r, err)
			return
		}
		h(w, withMerchantClient(r, c), m)
	})
}

// purchaseBody is POST /api/v1/wallet/purchases.
type purchaseBody struct {
	// ID is the merchant's own id of the purchase: a retry with the same
	// id is the same purchase.
	ID string `json:"id"`
	// IIN is the citizen's: a code is bound to its citizen. It may be
	// left out when Code is the QR's text, which carries it.
	IIN string `json:"iin"`
	// Code is the citizen's one-time payment code: 6 digits, or the QR's
	// text "ortaq-pay:<iin>:<code>".
	Code string `json:"code"`
	// Amount is tenge as a decimal string.
	Amount string `json:"amount"`
}

// refundBody is POST /api/v1/wallet/purchases/{id}/refunds.
type refundBody struct {
	ID     string `json:"id"`
	Amount string `json:"amount"`
}

// mealBody is POST /api/v1/wallet/meals.
type mealBody struct {
	Pupil string `json:"pupil"`
	Date  string `json:"date"`
}

// resultJSON is a purchase's, refund's or meal's result as the API
// answers it.
type resultJSON struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Amount is in tenge with two decimals.
	Amount    string   `json:"amount"`
	Ledger    string   `json:"ledger,omitempty"`
	Transfers []string `json:"transfers"`
}

func toResultJSON(res socialwallet.PurchaseResult) resultJSON {
	out := resultJSON{ID: res.ID, Status: res.Status, Reason: res.Reason, Amount: socialwallet.FormatTenge(res.Amount),
		Transfers: make([]string, 0, len(res.Transfers))}
	if res.Ledger.Valid() {
		out.Ledger = res.Ledger.String()
	}
	for _, id := range res.Transfers {
		out.Transfers = append(out.Transfers, id.String())
	}
	return out
}

// refusalDetail says in a sentence why a purchase was refused.
var refusalDetail = map[string]string{
	"code_invalid":                 "the payment code is not one the wallet issued",
	"code_expired":                 "the payment code has expired; the citizen makes a new one in the wallet",
	"code_used":                    "the payment code was presented before or replaced by a newer one; the citizen makes a new one in the wallet",
	"exceeds_code_limit":           "the amount is more than the citizen allowed this code; the code has ended",
	"exists_with_different_fields": "this purchase or refund id was used with another amount, code or purchase: a retry must send the same; a new one needs a new id",
	"insufficient_funds":           "the citizen's vouchers on this ledger hold less than the amount",
	"exceeds_credits":              "the citizen's vouchers on this ledger hold less than the amount",
	"ledger_mismatch":              "the payment code is for another category than the merchant's: the ledger keeps earmarked money in its category",
	"too_many_attempts":            "this merchant presented too many codes that do not exist; wait before trying again",
	"unknown_purchase":             "no approved purchase of this merchant has that id",
	"exceeds_purchase":             "the refund is more than what is left of the purchase to refund",
	"not_eligible":                 "the pupil's household has no school-meal support",
	"meal_already_served":          "the pupil already had a paid meal that day",
	"meal_date_not_allowed":        "a meal is billed for a school day, today or at most a few days back, never a future day",
	"not_this_canteen":             "the pupil's household is not in the canteen's region",
}

// writeWalletError answers an error of the social wallet: a malformed
// request is 400 with its reason, anything else as view.WriteError does.
func writeWalletError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, socialwallet.ErrRequest) {
		view.WriteProblem(w, r, http.StatusBadRequest, err.Error())
		return
	}
	view.WriteError(w, r, err)
}

// writeResult answers a result: 200 when approved, else 422 with a
// problem whose code is the refusal's reason (a code's or the ledger's)
// and whose result member is the refused result, so that a till shows
// why and the merchant's books keep it; 409 when the purchase or refund
// id exists with other fields, which conflicts with the stored one.
func writeResult(w http.ResponseWriter, r *http.Request, res socialwallet.PurchaseResult) {
	body := toResultJSON(res)
	status := resultStatus(res)
	if status == http.StatusOK {
		view.WriteJSON(w, r, http.StatusOK, body)
		return
	}
	detail := refusalDetail[res.Reason]
	if detail == "" {
		detail = "refused by the ledger: " + res.Reason
	}
	view.WriteDoc(w, r, status, "application/problem+json", map[string]any{
		"type": "about:blank", "title": http.StatusText(status),
		"status": status, "detail": detail, "code": res.Reason,
		"instance": r.URL.Path, "result": body})
}

// decodeBody reads a small JSON object into v, refusing unknown fields
// (a misspelt field must not pass as absent) and trailing data. It
// answers the refusal itself.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxWalletBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(&struct{}{}) != io.EOF {
		err = errors.New("more than one JSON value")
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			view.WriteProblem(w, r, http.StatusRequestEntityTooLarge, "the body is larger than 4 KiB")
			return false
		}
		view.WriteProblem(w, r, http.StatusBadRequest, "the body is not the JSON object this route takes: "+err.Error())
		return false
	}
	return true
}

// badField answers 400 naming a field of the body.
func badField(w http.ResponseWriter, r *http.Request, name, reason string) {
	view.WriteProblem(w, r, http.StatusBadRequest, "field "+name+": "+reason, view.InvalidParam{Name: name, Reason: reason})
}

// merchantRef is a merchant's purchase or refund id, as the social wallet
// takes one.
var merchantRef = regexp.MustCompile(`^[A-Za-z0-9_.:-]{1,64}$`)

// validRef reports whether s can be a merchant's purchase or refund id.
func validRef(s string) bool { return merchantRef.MatchString(s) }

const refRule = "1 to 64 letters, digits and _ . : -, the merchant's own id"

// purchase authorises a purchase with the citizen's payment code. The
// handler never checks the category: a code for one ledger used at a
// merchant of another is refused by the ledger itself.
func (s *Server) purchase(w http.ResponseWriter, r *http.Request, m socialwallet.Merchant) {
	var b purchaseBody
	if !decodeBody(w, r, &b) {
		return
	}
	if !validRef(b.ID) {
		badField(w, r, "id", refRule)
		return
	}
	if b.Code == "" {
		badField(w, r, "code", "the citizen's payment code is required")
		return
	}
	tiyn, err := parseAmount(b.Amount)
	if err != nil {
		badField(w, r, "amount", err.Error())
		return
	}
	res, err := s.opts.SocialWallet.Purchase(r.Context(), m, socialwallet.PurchaseRequest{ID: b.ID, IIN: b.IIN, Code: b.Code,
		Amount: tiyn})
	if err != nil {
		writeWalletError(w, r, err)
		return
	}
	// Every presentation naming a citizen is theirs to see, a wrong code
	// most of all.
	if iin, ok := socialwallet.PresentedIIN(b.IIN, b.Code); ok {
		if err := s.auditResult(r, m, socialwallet.AuditServicePurchase, iin, b.ID, res); err != nil {
			writeUnaudited(w, r, err)
			return
		}
	}
	writeResult(w, r, res)
}

// refund returns part or all of a purchase to the vouchers it was paid
// from, as new transfers.
func (s *Server) refund(w http.ResponseWriter, r *http.Request, m socialwallet.Merchant) {
	purchase := r.PathValue("id")
	if !validRef(purchase) {
		badField(w, r, "id", refRule)
		return
	}
	var b refundBody
	if !decodeBody(w, r, &b) {
		return
	}
	if !validRef(b.ID) {
		badField(w, r, "id", refRule)
		return
	}
	tiyn, err := parseAmount(b.Amount)
	if err != nil {
		badField(w, r, "amount", err.Error())
		return
	}
	res, err := s.opts.SocialWallet.Refund(r.Context(), m, purchase, b.ID, tiyn)
	if err != nil {
		writeWalletError(w, r, err)
		return
	}
	writeResult(w, r, res)
}

// meal records a school meal served to a pupil: the canteen is paid on
// fact, once per pupil and day. A merchant of another category is
// refused with 403 not_a_canteen.
func (s *Server) meal(w http.ResponseWriter, r *http.Request, m socialwallet.Merchant) {
	var b mealBody
	if !decodeBody(w, r, &b) {
		return
	}
	if !kz.ValidIIN(b.Pupil) {
		badField(w, r, "pupil", "not a valid IIN")
		return
	}
	day, err := time.Parse(time.DateOnly, b.Date)
	if err != nil {
		badField(w, r, "date", "a day as YYYY-MM-DD")
		return
	}
	res, err := s.opts.SocialWallet.RecordMeal(r.Context(), m, b.Pupil, day)
	if errors.Is(err, socialwallet.ErrNotCanteen) {
		// Decided before the pupil is looked up: the same answer for
		// every pupil, so no merchant but a canteen learns who is supported.
		s.metrics.refused.WithLabelValues("forbidden").Inc()
		if err := s.auditMerchant(r, m, socialwallet.AuditServiceMeal, b.Pupil, b.Date, http.StatusForbidden, "not_a_canteen"); err != nil {
			writeUnaudited(w, r, err)
			return
		}
		writeRefusal(w, r, &exchange.Refusal{Status: http.StatusForbidden, Code: "not_a_canteen",
			Detail: "only a merchant registered for school meals records meals"}, nil)
		return
	}
	if err != nil {
		writeWalletError(w, r, err)
		return
	}
	// The pupil's "who looked" lists every canteen
	// that asked about them, eligible or not: a refusal reveals support.
	if err := s.auditResult(r, m, socialwallet.AuditServiceMeal, b.Pupil, b.Date, res); err != nil {
		writeUnaudited(w, r, err)
		return
	}
	writeResult(w, r, res)
}
