package socialwallet

// Audit services of the merchants' requests that name a person: the API
// writes each, approved or refused, as an audit.KindMerchant record with
// the person's IIN as subject and the merchant's id as case, and
// Anomalies counts a canteen's refused meals from them.
const (
	// AuditServicePurchase is a payment code presented for a citizen;
	// the record's request id is the merchant's purchase id.
	AuditServicePurchase = "wallet.purchase"
	// AuditServiceMeal is a school meal billed for a pupil; the record's
	// request id is the meal's day (YYYY-MM-DD).
	AuditServiceMeal = "wallet.meal"
)

// PresentedIIN is the citizen a purchase request names: iin, or the IIN
// the code's QR text carries; ok is false when the request names no valid
// IIN (Purchase then refuses it as malformed). The API writes an audit
// record for every presentation that names a person, approved or refused,
// so that the citizen's "who looked" lists a merchant's wrong codes too.
func PresentedIIN(iin, code string) (string, bool) {
	id, _, err := parseCode(iin, code)
	return id, err == nil
}
