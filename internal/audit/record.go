// Package audit is ortaq's tamper-evident access log. Every exchange
// decision, allowed or refused, becomes a Record stored in the database and
// committed, as a salted hash, to an append-only RFC 6962 Merkle log whose
// signed checkpoints (C2SP signed notes) and tiles (C2SP tlog-tiles) anyone
// can fetch and check. The log reveals no personal data: its entries are
// commitments, and only the holder of a record and its salt can open one.
package audit

import (
	"encoding/json"
	"time"
)

// Decisions a Record carries.
const (
	Allowed = "allowed"
	Refused = "refused"
)

// Kinds of Record. The log holds them all in one tree, so that a person's
// "who looked" and an auditor's verification cover officials as well as
// agencies' systems.
const (
	// KindExchange is an exchange decision: an agency's system asked for a
	// person's data through the exchange. Its records keep the version-1
	// commitment.
	KindExchange = ""
	// KindOfficialRead is an official reading a person in the console,
	// within their scope, under a stated case and purpose.
	KindOfficialRead = "official-read"
	// KindBreakGlass is an official reading a person outside their scope,
	// with a written reason, for an auditor's review.
	KindBreakGlass = "break-glass"
	// KindSystemRead is an agency system reading a person through the API
	// outside the exchange.
	KindSystemRead = "system-read"
	// KindLedger is one committed batch of the Social Wallet's ledger,
	// written by the transfer log (internal/ledgerlog): Service
	// "ledger.batch", RequestID the batch's seq, Reason its digest. It has
	// no Subject, so no person's "who looked" and no auditor's search by
	// subject ever lists it.
	KindLedger = "ledger"
	// KindMerchant is a merchant's system naming a person to the Social
	// Wallet: a payment code presented for a citizen (Service
	// "wallet.purchase") or a school meal billed for a pupil
	// ("wallet.meal"), approved or refused. Case holds the merchant's id in
	// the wallet, RequestID the purchase's id or the meal's day, Reason the
	// refusal's code. The person's "who looked" names the merchant.
	KindMerchant = "merchant"
)

// kinds are the kinds Append accepts.
var kinds = []string{KindExchange, KindOfficialRead, KindBreakGlass, KindSystemRead, KindLedger, KindMerchant}

// Record is one access decision: who asked (member, subsystem, the
// credential used and the official), what for (service, subject, fields,
// purpose, legal basis, request id) and what was decided. Kind says whether
// it is an exchange decision or an official's or a system's read; reads by
// officials carry the official's Role and the Case they stated.
type Record struct {
	// Index is the record's leaf index in the log; Append assigns it.
	Index uint64 `json:"index"`
	// Time is when the decision was made; Append sets it when zero.
	Time      time.Time `json:"time"`
	Member    string    `json:"member"`
	Subsystem string    `json:"subsystem"`
	// Auth names the credential: "cert:SERIAL", "key:ID", or "" when the
	// request carried none that was valid.
	Auth string `json:"auth"`
	// User is the official's user id, as the client system sent it.
	User    string `json:"user"`
	Service string `json:"service"`
	// Subject is the key the request named: an IIN, an animal's tag.
	Subject    string   `json:"subject"`
	Fields     []string `json:"fields"`
	Purpose    string   `json:"purpose"`
	LegalBasis string   `json:"legal_basis"`
	RequestID  string   `json:"request_id"`
	Decision   string   `json:"decision"`
	// Status is the HTTP status the client received.
	Status int    `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Kind says what the record is: "" (KindExchange) for an exchange
	// decision, KindOfficialRead for an official reading a person in the
	// console, KindBreakGlass for such a read outside the official's scope,
	// KindSystemRead for an agency system reading a person through the API
	// outside the exchange, KindLedger for a ledger batch, KindMerchant for
	// a merchant naming a person to the Social Wallet.
	Kind string `json:"kind,omitempty"`
	// Role is the official's role (access.Role as text) for official reads.
	Role string `json:"role,omitempty"`
	// Case is the case reference an official stated; for KindMerchant,
	// the merchant's id in the Social Wallet.
	Case string `json:"case,omitempty"`
	// Salt is random per record; Append draws it. Without it the
	// commitment cannot be opened, so the log alone reveals nothing.
	Salt []byte `json:"salt"`
}

// ByOfficial reports whether r is an official's read of a person (in scope
// or break-glass), which a person's "who looked" lists with the agency
// (Member), Role, Purpose and Case; the official's own id (User) is kept
// for auditors.
func (r *Record) ByOfficial() bool {
	return r.Kind == KindOfficialRead || r.Kind == KindBreakGlass
}

// MarshalJSON encodes r with Fields as an empty array when there are none
// (a refusal before any field was chosen, such as unknown_service), as the
// API's schema promises an array, never null. The value is normalised only
// here, on the way out: the stored record and its commitment do not change,
// since the commitment encodes no fields and an empty list alike (a count
// of zero), so receipts handed out with "fields": null still verify.
//
// A struct that embeds Record inherits this method and is encoded as the
// Record alone; give it a named field instead if it must be encoded whole.
func (r Record) MarshalJSON() ([]byte, error) {
	type plain Record // without the method, so that Marshal does not recurse
	p := plain(r)
	if p.Fields == nil {
		p.Fields = []string{}
	}
	return json.Marshal(p)
}
