package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/ortaq/ortaq/internal/ledger"
)

// LedgerBatches returns up to limit committed ledger batches with seq
// greater than after, in seq order: what the transfer log tails.
func (s *Store) LedgerBatches(ctx context.Context, after uint64, limit int) ([]ledger.Batch, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT seq, at_us, transfers, fates, digest
		FROM ledger_batches WHERE seq > ? ORDER BY seq LIMIT ?`), int64(after), limit)
	if err != nil {
		return nil, fmt.Errorf("ledger batches: %w", err)
	}
	defer rows.Close()
	var out []ledger.Batch
	for rows.Next() {
		b, err := scanLedgerBatch(rows)
		if err != nil {
			return nil, fmt.Errorf("ledger batches: %w", err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger batches: %w", err)
	}
	return out, nil
}

func scanLedgerBatch(r scanner) (ledger.Batch, error) {
	var b ledger.Batch
	var seq int64
	var digest []byte
	if err := r.Scan(&seq, &b.At, &b.Transfers, &b.Fates, &digest); err != nil {
		return b, err
	}
	if len(digest) != len(b.Digest) {
		return b, fmt.Errorf("batch %d: digest of %d bytes", seq, len(digest))
	}
	b.Seq = uint64(seq)
	copy(b.Digest[:], digest)
	return b, nil
}

// LatestLedgerAuditRecord returns the latest audit record of kind
// 'ledger' (audit.KindLedger), and false when there is none.
func (s *Store) LatestLedgerAuditRecord(ctx context.Context) (AuditRecord, bool, error) {
	// The literal kind lets both databases use the partial index.
	r, err := scanAuditRecord(s.db.QueryRowContext(ctx, `SELECT `+auditRecordColumns+`
		FROM audit_records WHERE kind = 'ledger' ORDER BY idx DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return AuditRecord{}, false, nil
	}
	if err != nil {
		return AuditRecord{}, false, fmt.Errorf("latest ledger audit record: %w", err)
	}
	return r, true, nil
}

// LedgerAuditRecords calls fn with every audit record of kind 'ledger', in
// log order.
func (s *Store) LedgerAuditRecords(ctx context.Context, fn func(AuditRecord) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT `+auditRecordColumns+`
		FROM audit_records WHERE kind = 'ledger' ORDER BY idx`)
	if err != nil {
		return fmt.Errorf("ledger audit records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanAuditRecord(rows)
		if err != nil {
			return fmt.Errorf("ledger audit records: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ledger audit records: %w", err)
	}
	return nil
}

// LedgerTotals counts what the ledger holds.
type LedgerTotals struct {
	Accounts, Transfers, Batches int64
	// Ledgers has a line for each ledger with accounts, in ledger order.
	Ledgers []LedgerTotal
}

// LedgerTotal is one ledger's accounts and the sums of their stored
// debits (credits are equal on a balanced ledger, which VerifyLedger
// checks).
type LedgerTotal struct {
	Ledger                      ledger.Ledger
	Accounts                    int64
	DebitsPosted, DebitsPending int64
}

// LedgerTotals counts the ledger's accounts, transfers and batches, and
// sums each ledger's stored debits.
func (s *Store) LedgerTotals(ctx context.Context) (LedgerTotals, error) {
	var t LedgerTotals
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM ledger_transfers), (SELECT COUNT(*) FROM ledger_batches)`).
		Scan(&t.Transfers, &t.Batches)
	if err != nil {
		return t, fmt.Errorf("ledger totals: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT ledger, COUNT(*), COALESCE(SUM(debits_posted), 0), COALESCE(SUM(debits_pending), 0)
		FROM ledger_accounts GROUP BY ledger ORDER BY ledger`)
	if err != nil {
		return t, fmt.Errorf("ledger totals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l LedgerTotal
		var lg int64
		if err := rows.Scan(&lg, &l.Accounts, &l.DebitsPosted, &l.DebitsPending); err != nil {
			return t, fmt.Errorf("ledger totals: %w", err)
		}
		l.Ledger = ledger.Ledger(lg)
		t.Accounts += l.Accounts
		t.Ledgers = append(t.Ledgers, l)
	}
	if err := rows.Err(); err != nil {
		return t, fmt.Errorf("ledger totals: %w", err)
	}
	return t, nil
}
