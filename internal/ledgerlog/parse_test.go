package ledgerlog

import (
	"testing"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// TestRecordRoundTrip: what Record writes, parse reads back.
func TestRecordRoundTrip(t *testing.T) {
	b := ledger.Batch{Seq: 42, At: 1_780_000_000_000_000, Transfers: 3, Fates: 1, Digest: [32]byte{1, 2, 3}}
	seq, d, err := parse(store.AuditRecord(Record(b)))
	if err != nil || seq != b.Seq || d != b.Digest {
		t.Errorf("parse(Record(b)) = %d, %x, %v", seq, d, err)
	}
}

// FuzzParse: any audit record parses without panicking, and one that
// parses names a batch.
func FuzzParse(f *testing.F) {
	f.Add(Service, "42", "0102030000000000000000000000000000000000000000000000000000000000")
	f.Add(Service, "0", "")
	f.Add("person-basic", "-1", "zz")
	f.Fuzz(func(t *testing.T, service, requestID, reason string) {
		seq, _, err := parse(store.AuditRecord{Service: service, RequestID: requestID, Reason: reason})
		if err == nil && seq == 0 {
			t.Errorf("batch 0 parsed from %q", requestID)
		}
	})
}
