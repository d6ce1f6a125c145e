package socialwallet

// PresentedIIN is the citizen a purchase request names: iin, or the IIN
// the code's QR text carries; ok is false when the request names no valid
// IIN (Purchase then refuses it as malformed). The API writes an audit
// record for every presentation that names a person, approved or refused,
// so that the citizen's "who looked" lists a merchant's wrong codes too.
func PresentedIIN(iin, code string) (string, bool) {
	id, _, err := parseCode(iin, code)
	return id, err == nil
}
