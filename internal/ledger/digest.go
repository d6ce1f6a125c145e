package ledger

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"time"
)

// A Batch is what one committed transaction of the ledger wrote: the
// transfers it created and the pending transfers whose fate it decided
// (posted, voided or expired). Batches are numbered from 1 in commit order,
// without gaps; the store keeps each batch's Digest with it, and the
// transfer log (internal/ledgerlog) commits the digest to the audit log, so
// that a transfer or a fate rewritten later no longer matches.
type Batch struct {
	Seq uint64
	// At is when the batch was committed, in microseconds.
	At        int64
	Transfers int
	Fates     int
	Digest    [32]byte
}

// Fate is the decided state of pending transfer ID.
type Fate struct {
	ID    ID
	State PendingState
}

// digestTag opens every batch digest; a change to the encoding gets a new
// tag.
const digestTag = "ortaq-ledger-batch-v1"

// BatchDigest is the digest of batch seq: SHA-256 over digestTag, seq (8
// bytes big-endian), the number of transfers (4 bytes), each transfer's
// AppendCanonical encoding in ID order, the number of fates (4 bytes) and
// each fate (ID, then its state as one byte) in ID order. It depends on
// what was written, not on the order of ts and fates; it sorts them in
// place.
func BatchDigest(seq uint64, ts []Transfer, fates []Fate) [32]byte {
	slices.SortFunc(ts, func(a, b Transfer) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	slices.SortFunc(fates, func(a, b Fate) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	h := sha256.New()
	b := make([]byte, 0, 256)
	b = append(b, digestTag...)
	b = binary.BigEndian.AppendUint64(b, seq)
	b = binary.BigEndian.AppendUint32(b, uint32(len(ts)))
	for i := range ts {
		b = ts[i].AppendCanonical(b)
		if len(b) > 4096 {
			h.Write(b)
			b = b[:0]
		}
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(fates)))
	for _, f := range fates {
		b = append(b, f.ID[:]...)
		b = append(b, byte(f.State))
	}
	h.Write(b)
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// AppendCanonical appends the encoding of t's immutable fields that
// BatchDigest hashes: ID, DebitAccount, CreditAccount (16 bytes each),
// Amount (8), PendingID (16), Ledger, Code, Flags (2 each), Timeout in
// microseconds and Timestamp in Unix microseconds (8 each, zero for a zero
// time), and UserData (4-byte length, then its bytes). State is left out:
// it changes when the fate is decided, which the deciding batch's digest
// covers; so is ExpiresAt, which follows from Timestamp and Timeout.
func (t *Transfer) AppendCanonical(b []byte) []byte {
	b = append(b, t.ID[:]...)
	b = append(b, t.DebitAccount[:]...)
	b = append(b, t.CreditAccount[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(t.Amount))
	b = append(b, t.PendingID[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(t.Ledger))
	b = binary.BigEndian.AppendUint16(b, t.Code)
	b = binary.BigEndian.AppendUint16(b, uint16(t.Flags))
	b = binary.BigEndian.AppendUint64(b, uint64(t.Timeout.Microseconds()))
	b = binary.BigEndian.AppendUint64(b, uint64(unixMicros(t.Timestamp)))
	b = binary.BigEndian.AppendUint32(b, uint32(len(t.UserData)))
	return append(b, t.UserData...)
}

func unixMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}
