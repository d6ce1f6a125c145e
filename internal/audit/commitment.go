package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"time"

	"github.com/transparency-dev/merkle/rfc6962"
)

// commitmentTag opens every version-1 commitment, commitmentTagV2 every
// version-2 one. A change to the encoding gets a new tag, so that old and
// new commitments can never be confused.
const (
	commitmentTag   = "ortaq-audit-v1"
	commitmentTagV2 = "ortaq-audit-v2"
)

// timeFormat is how a commitment encodes Record.Time: UTC, always nine
// fractional digits, so that the text depends on the instant alone.
const timeFormat = "2006-01-02T15:04:05.000000000Z"

// Commitment returns the log entry for r: SHA-256 over the version tag,
// the salt and every field except Index (which the log position already
// says), each as a 4-byte big-endian length followed by its bytes; the
// field list is its 4-byte count followed by each name so encoded, Time is
// UTC RFC 3339 with nine fractional digits, Status its decimal text.
// A record with Kind, Role and Case all empty (an exchange decision) is
// encoded as version 1 ("ortaq-audit-v1"), byte for byte as before those
// fields existed, so that every receipt already handed out still verifies;
// any other record as version 2 ("ortaq-audit-v2"): the same fields, then
// Kind, Role and Case. docs/audit.md spells the encoding out for
// independent clients.
func (r *Record) Commitment() []byte {
	sum := sha256.Sum256(r.appendEncoding(make([]byte, 0, 512)))
	return sum[:]
}

// appendEncoding appends the bytes Commitment hashes to b.
func (r *Record) appendEncoding(b []byte) []byte {
	v2 := r.Kind != "" || r.Role != "" || r.Case != ""
	if v2 {
		b = append(b, commitmentTagV2...)
	} else {
		b = append(b, commitmentTag...)
	}
	b = appendBytes(b, r.Salt)
	var tb [40]byte
	b = appendBytes(b, r.Time.UTC().AppendFormat(tb[:0], timeFormat))
	for _, s := range []string{r.Member, r.Subsystem, r.Auth, r.User, r.Service, r.Subject} {
		b = appendString(b, s)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(r.Fields)))
	for _, f := range r.Fields {
		b = appendString(b, f)
	}
	for _, s := range []string{r.Purpose, r.LegalBasis, r.RequestID, r.Decision} {
		b = appendString(b, s)
	}
	var num [20]byte
	b = appendBytes(b, strconv.AppendInt(num[:0], int64(r.Status), 10))
	b = appendString(b, r.Reason)
	if v2 {
		b = appendString(b, r.Kind)
		b = appendString(b, r.Role)
		b = appendString(b, r.Case)
	}
	return b
}

func appendBytes(b, v []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
	return append(b, v...)
}

func appendString(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// LeafHash is the RFC 6962 leaf hash of r's commitment: what the Merkle
// tree holds at r's index.
func (r *Record) LeafHash() []byte {
	return rfc6962.DefaultHasher.HashLeaf(r.Commitment())
}

// timePrecision is what both databases keep of a timestamp; Append rounds
// Time to it so that a stored record still opens its commitment.
const timePrecision = time.Microsecond
