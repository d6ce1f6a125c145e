package store

import (
	"context"
	"database/sql"

	"github.com/ortaq/ortaq/internal/ledger"
)

// DB gives the store's tests in package store_test the database itself,
// to read the schema. It is compiled into tests only.
func DB(s *Store) *sql.DB { return s.db }

// Pools gives the tests the statistics of the store's readers' and
// writers' connection pools (the same pool on PostgreSQL).
func Pools(s *Store) (read, write sql.DBStats) { return s.db.Stats(), s.w.Stats() }

// CreateLedgerAccountsAndTransfersAfter is CreateLedgerAccountsAndTransfers
// with between run once the caller has read the accounts ahead and before
// the committer gets the request: what another writer does then must not
// be lost.
func CreateLedgerAccountsAndTransfersAfter(ctx context.Context, s *Store, as []ledger.Account, ts []ledger.Transfer, between func()) (accounts, transfers []ledger.Result, err error) {
	r := &ledgerReq{as: as, ts: ts}
	c := s.committer()
	c.readAhead(ctx, r)
	between()
	if err := c.submit(ctx, r); err != nil {
		return nil, nil, err
	}
	return r.ars, r.rs, nil
}

// SetMemberIndexRows makes a Reset with n members or more rebuild the
// members' index by entity, until the test ends.
func SetMemberIndexRows(tb interface{ Cleanup(func()) }, n int) {
	old := memberIndexRows
	memberIndexRows = n
	tb.Cleanup(func() { memberIndexRows = old })
}

// MemberIndex is the statement that builds the members' index by entity.
const MemberIndex = memberIndex
