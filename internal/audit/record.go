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

// Record is one access decision: who asked (member, subsystem, the
// credential used and the official), what for (service, subject, fields,
// purpose, legal basis, request id) and what was decided.
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
	// Salt is random per record; Append draws it. Without it the
	// commitment cannot be opened, so the log alone reveals nothing.
	Salt []byte `json:"salt"`
	// Kind, Role and Case: placeholder until the audit branch merges.
	Kind string `json:"kind,omitempty"`
	Role string `json:"role,omitempty"`
	Case string `json:"case,omitempty"`
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

// Kinds of records (placeholder until the audit branch merges).
const (
	KindExchange     = ""
	KindOfficialRead = "official-read"
	KindBreakGlass   = "break-glass"
	KindSystemRead   = "system-read"
)
