package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ortaq/ortaq/internal/ledger"
)

// The ledger's store: accounts and transfers of internal/ledger, written in
// one transaction per batch. Contracts that MUST hold (see package ledger
// for the ledger's own):
//   - A batch (CreateLedgerAccounts, CreateLedgerTransfers, one round of
//     ExpireLedgerTransfers) is one transaction: its transfers, the running
//     sums of their accounts and the fates of the pending transfers they
//     resolve are committed together or not at all.
//   - Batches that touch an account are serialised: on SQLite by the one
//     writer (BEGIN IMMEDIATE), on PostgreSQL by locking the batch's
//     accounts in id order (FOR UPDATE) before reading the transfers the
//     batch names, so a batch decides on committed, current sums and two
//     batches cannot deadlock.
//   - A transfer id is stored once (primary key): when two batches race to
//     create the same id on disjoint accounts (PostgreSQL), the loser's
//     commit fails and CreateLedgerTransfers runs it again, so it reports
//     ResultExists or ResultExistsWithDifferentFields.

// ledgerTransferCols are the columns of ledger_transfers, in scan order.
var ledgerTransferCols = []string{"id", "debit_account", "credit_account", "amount", "pending_id", "ledger",
	"code", "flags", "timeout_us", "user_data", "at_us", "expires_us", "state"}

var ledgerAccountCols = []string{"id", "ledger", "code", "flags", "user_data", "debits_pending", "debits_posted",
	"credits_pending", "credits_posted", "created_us"}

// ledgerChunk bounds the ids of one lookup.
const ledgerChunk = 500

func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

func scanID(b []byte, id *ledger.ID) error {
	if len(b) != len(id) {
		return fmt.Errorf("ledger id of %d bytes", len(b))
	}
	copy(id[:], b)
	return nil
}

// idsIn returns "col IN (?, …)" on SQLite, "col IN (SELECT unnest(?))" on
// PostgreSQL, and its arguments. Not "col = ANY(?)": in a generic plan
// (pgx prepares its statements) PostgreSQL compares each row with every
// element of an array parameter, and on a small table chooses a sequential
// scan, which made a batch's look-ups 50 ms each; the semi-join with unnest
// probes the primary key.
func (d dialect) idsIn(col string, ids []ledger.ID) (string, []any) {
	if d == postgresDialect {
		bs := make([][]byte, len(ids))
		for i := range ids {
			bs[i] = ids[i][:]
		}
		return col + ` IN (SELECT unnest(?::bytea[]))`, []any{bs}
	}
	args := make([]any, len(ids))
	for i := range ids {
		args[i] = ids[i][:]
	}
	return col + ` IN (` + placeholders(len(ids)) + `)`, args
}

// querier is a transaction or the pool.
type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

func scanLedgerTransfer(r scanner) (*ledger.Transfer, error) {
	var t ledger.Transfer
	var id, dr, cr, pid []byte
	var lg, code, flags int64
	var timeout, at, expires int64
	var state string
	if err := r.Scan(&id, &dr, &cr, &t.Amount, &pid, &lg, &code, &flags, &timeout, &t.UserData, &at, &expires, &state); err != nil {
		return nil, err
	}
	if err := errors.Join(scanID(id, &t.ID), scanID(dr, &t.DebitAccount), scanID(cr, &t.CreditAccount), scanID(pid, &t.PendingID)); err != nil {
		return nil, err
	}
	st, err := ledger.ParseState(state)
	if err != nil {
		return nil, err
	}
	t.Ledger, t.Code, t.Flags, t.State = ledger.Ledger(lg), uint16(code), ledger.TransferFlags(flags), st
	t.Timeout, t.Timestamp = time.Duration(timeout)*time.Microsecond, fromMicros(at)
	return &t, nil
}

func scanLedgerAccount(r scanner) (*ledger.Account, error) {
	var a ledger.Account
	var id []byte
	var lg, code, flags, created int64
	if err := r.Scan(&id, &lg, &code, &flags, &a.UserData, &a.DebitsPending, &a.DebitsPosted,
		&a.CreditsPending, &a.CreditsPosted, &created); err != nil {
		return nil, err
	}
	if err := scanID(id, &a.ID); err != nil {
		return nil, err
	}
	a.Ledger, a.Code, a.Flags, a.Created = ledger.Ledger(lg), uint16(code), ledger.AccountFlags(flags), fromMicros(created)
	return &a, nil
}

// ledgerRows runs q (whose "%s" is the id condition) for ids, a chunk at a
// time, calling fn on each row.
func (s *Store) ledgerRows(ctx context.Context, q querier, query, col string, ids []ledger.ID, fn func(scanner) error) error {
	step := ledgerChunk
	if s.dialect == postgresDialect {
		step = max(1, len(ids)) // one array parameter, no limit
	}
	for lo := 0; lo < len(ids); lo += step {
		chunk := ids[lo:min(len(ids), lo+step)]
		cond, args := s.dialect.idsIn(col, chunk)
		rows, err := q.QueryContext(ctx, s.dialect.rebind(fmt.Sprintf(query, cond)), args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := fn(rows); err != nil {
				rows.Close()
				return err
			}
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// CreateLedgerAccounts creates accounts in one transaction and returns one
// Result each: ResultOK, ResultExists (same fields), or why it was refused.
// Sums and Created are the ledger's: the sums must be zero.
func (s *Store) CreateLedgerAccounts(ctx context.Context, as []ledger.Account) ([]ledger.Result, error) {
	for try := 0; ; try++ {
		rs, err := s.createLedgerAccounts(ctx, as)
		if err != nil && try < 3 && isUniqueViolation(err) {
			continue // lost a race for an id: the retry finds it
		}
		return rs, err
	}
}

func (s *Store) createLedgerAccounts(ctx context.Context, as []ledger.Account) ([]ledger.Result, error) {
	rs := make([]ledger.Result, len(as))
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := s.inTx(ctx, func(t *tx) error {
		ids := make([]ledger.ID, len(as))
		for i := range as {
			ids[i] = as[i].ID
		}
		known, err := s.ledgerAccounts(ctx, t, ids, false)
		if err != nil {
			return err
		}
		var add []*ledger.Account
		for i := range as {
			a := as[i]
			if rs[i] = ledger.CheckAccount(&a); rs[i] != ledger.ResultOK {
				continue
			}
			if old, ok := known[a.ID]; ok {
				rs[i] = ledger.ResultExistsWithDifferentFields
				if ledger.SameAccount(old, &a) {
					rs[i] = ledger.ResultExists
				}
				continue
			}
			a.Created = now
			known[a.ID] = &a
			add = append(add, &a)
		}
		at := newApplyTx(t)
		return at.insertRows(ctx, "ledger_accounts", ledgerAccountCols, len(add), func(args []any, i int) []any {
			a := add[i]
			return append(args, a.ID[:], int64(a.Ledger), int64(a.Code), int64(a.Flags), a.UserData,
				int64(0), int64(0), int64(0), int64(0), micros(a.Created))
		})
	})
	if err != nil {
		return nil, fmt.Errorf("create ledger accounts: %w", err)
	}
	return rs, nil
}

// ledgerAccounts reads the accounts with ids; lock takes their rows for
// the transaction on PostgreSQL, in id order.
func (s *Store) ledgerAccounts(ctx context.Context, q querier, ids []ledger.ID, lock bool) (map[ledger.ID]*ledger.Account, error) {
	m := make(map[ledger.ID]*ledger.Account, len(ids))
	query := `SELECT ` + strings.Join(ledgerAccountCols, ", ") + ` FROM ledger_accounts WHERE %s`
	if lock && s.dialect == postgresDialect {
		// One statement for all the batch's accounts, so that they are
		// locked in one order whatever the chunking.
		query += ` ORDER BY id FOR UPDATE`
		cond, args := s.dialect.idsIn("id", ids)
		rows, err := q.QueryContext(ctx, s.dialect.rebind(fmt.Sprintf(query, cond)), args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanLedgerAccount(rows)
			if err != nil {
				return nil, err
			}
			m[a.ID] = a
		}
		return m, rows.Err()
	}
	err := s.ledgerRows(ctx, q, query, "id", ids, func(r scanner) error {
		a, err := scanLedgerAccount(r)
		if err == nil {
			m[a.ID] = a
		}
		return err
	})
	return m, err
}

func (s *Store) ledgerTransfers(ctx context.Context, q querier, ids []ledger.ID, into map[ledger.ID]*ledger.Transfer) error {
	query := `SELECT ` + strings.Join(ledgerTransferCols, ", ") + ` FROM ledger_transfers WHERE %s`
	return s.ledgerRows(ctx, q, query, "id", ids, func(r scanner) error {
		t, err := scanLedgerTransfer(r)
		if err == nil {
			into[t.ID] = t
		}
		return err
	})
}

// LedgerAccounts returns the accounts with ids that exist, in the order of
// ids.
func (s *Store) LedgerAccounts(ctx context.Context, ids []ledger.ID) ([]ledger.Account, error) {
	m, err := s.ledgerAccounts(ctx, s.db, ids, false)
	if err != nil {
		return nil, fmt.Errorf("ledger accounts: %w", err)
	}
	var as []ledger.Account
	for _, id := range ids {
		if a, ok := m[id]; ok {
			as = append(as, *a)
		}
	}
	return as, nil
}

// LedgerTransfers returns the transfers with ids that exist, in the order
// of ids.
func (s *Store) LedgerTransfers(ctx context.Context, ids []ledger.ID) ([]ledger.Transfer, error) {
	m := map[ledger.ID]*ledger.Transfer{}
	if err := s.ledgerTransfers(ctx, s.db, ids, m); err != nil {
		return nil, fmt.Errorf("ledger transfers: %w", err)
	}
	var ts []ledger.Transfer
	for _, id := range ids {
		if t, ok := m[id]; ok {
			ts = append(ts, *t)
		}
	}
	return ts, nil
}

// CreateLedgerTransfers applies a batch of transfers in order, in one
// transaction, and returns one Result each (see ledger.Book.Apply). An error
// means nothing of the batch was applied; the client retries it with the
// same ids.
func (s *Store) CreateLedgerTransfers(ctx context.Context, ts []ledger.Transfer) ([]ledger.Result, error) {
	for try := 0; ; try++ {
		rs, err := s.createLedgerTransfers(ctx, ts)
		// Two batches racing to create one id on disjoint accounts: the
		// loser's retry finds the winner's transfer.
		if err != nil && try < 3 && isUniqueViolation(err) {
			continue
		}
		return rs, err
	}
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

func (s *Store) createLedgerTransfers(ctx context.Context, ts []ledger.Transfer) ([]ledger.Result, error) {
	var rs []ledger.Result
	err := s.inTx(ctx, func(t *tx) error {
		b := ledger.NewBook(time.Now().UTC().Truncate(time.Microsecond))
		ids := make([]ledger.ID, 0, len(ts)+len(ts)/4)
		for i := range ts {
			if !ts[i].ID.IsZero() {
				ids = append(ids, ts[i].ID)
			}
			if !ts[i].PendingID.IsZero() {
				ids = append(ids, ts[i].PendingID)
			}
		}
		// Before locking, read only the pending transfers the batch posts
		// or voids, for their accounts; PostgreSQL reads all the batch's
		// transfers again under the locks.
		pendingOnly := s.dialect == postgresDialect
		toRead := ids
		if pendingOnly {
			toRead = nil
			for i := range ts {
				if !ts[i].PendingID.IsZero() {
					toRead = append(toRead, ts[i].PendingID)
				}
			}
		}
		if err := s.ledgerTransfers(ctx, t, toRead, b.Transfers); err != nil {
			return fmt.Errorf("read transfers: %w", err)
		}
		seen := map[ledger.ID]bool{}
		var accts []ledger.ID
		add := func(id ledger.ID) {
			if !id.IsZero() && !seen[id] {
				seen[id] = true
				accts = append(accts, id)
			}
		}
		for i := range ts {
			add(ts[i].DebitAccount)
			add(ts[i].CreditAccount)
			if p := b.Transfers[ts[i].PendingID]; p != nil {
				add(p.DebitAccount)
				add(p.CreditAccount)
			}
		}
		var err error
		if b.Accounts, err = s.ledgerAccounts(ctx, t, accts, true); err != nil {
			return fmt.Errorf("lock accounts: %w", err)
		}
		if s.dialect == postgresDialect {
			// What was read before the locks may have changed since.
			clear(b.Transfers)
			if err := s.ledgerTransfers(ctx, t, ids, b.Transfers); err != nil {
				return fmt.Errorf("read transfers: %w", err)
			}
		}
		rs = b.Apply(ts)
		return s.writeBook(ctx, t, b)
	})
	if err != nil {
		return nil, fmt.Errorf("create ledger transfers: %w", err)
	}
	return rs, nil
}

// writeBook writes what b recorded: created transfers, dirty accounts'
// sums, resolved pending transfers' states.
func (s *Store) writeBook(ctx context.Context, t *tx, b *ledger.Book) error {
	created := make(map[ledger.ID]bool, len(b.Created))
	at := newApplyTx(t)
	// COPY on PostgreSQL from a few rows on: a batch is rarely the
	// thousands bulk writers wait for.
	insert := at.insertRows
	if s.dialect == postgresDialect && len(b.Created) >= 64 {
		insert = func(ctx context.Context, table string, cols []string, n int, row func(args []any, i int) []any) error {
			i := 0
			buf := make([]any, 0, len(cols))
			return t.copyFrom(ctx, table, cols, pgx.CopyFromFunc(func() ([]any, error) {
				if i == n {
					return nil, nil
				}
				i++
				return row(buf[:0], i-1), nil
			}))
		}
	}
	err := insert(ctx, "ledger_transfers", ledgerTransferCols, len(b.Created), func(args []any, i int) []any {
		tr := b.Created[i]
		created[tr.ID] = true
		return append(args, tr.ID[:], tr.DebitAccount[:], tr.CreditAccount[:], tr.Amount, tr.PendingID[:],
			int64(tr.Ledger), int64(tr.Code), int64(tr.Flags), tr.Timeout.Microseconds(), tr.UserData,
			micros(tr.Timestamp), micros(tr.ExpiresAt()), tr.State.String())
	})
	if err != nil {
		return fmt.Errorf("insert transfers: %w", err)
	}
	var resolved []*ledger.Transfer
	for _, id := range b.Resolved {
		if !created[id] {
			resolved = append(resolved, b.Transfers[id])
		}
	}
	dirty := make([]*ledger.Account, 0, len(b.Dirty))
	for id := range b.Dirty {
		dirty = append(dirty, b.Accounts[id])
	}
	if s.dialect == postgresDialect {
		return s.writeBookPostgres(ctx, t, dirty, resolved)
	}
	if len(dirty) > 0 {
		st, err := t.conn.PrepareContext(ctx, `UPDATE ledger_accounts SET debits_pending = ?, debits_posted = ?,
			credits_pending = ?, credits_posted = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, a := range dirty {
			if _, err := st.ExecContext(ctx, a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, a.ID[:]); err != nil {
				return fmt.Errorf("update account %s: %w", a.ID, err)
			}
		}
	}
	for _, p := range resolved {
		if _, err := t.ExecContext(ctx, `UPDATE ledger_transfers SET state = ? WHERE id = ?`, p.State.String(), p.ID[:]); err != nil {
			return fmt.Errorf("resolve transfer %s: %w", p.ID, err)
		}
	}
	return nil
}

func (s *Store) writeBookPostgres(ctx context.Context, t *tx, dirty []*ledger.Account, resolved []*ledger.Transfer) error {
	if len(dirty) > 0 {
		ids := make([][]byte, len(dirty))
		dp, dq, cp, cq := make([]int64, len(dirty)), make([]int64, len(dirty)), make([]int64, len(dirty)), make([]int64, len(dirty))
		for i, a := range dirty {
			ids[i], dp[i], dq[i], cp[i], cq[i] = a.ID[:], a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted
		}
		if _, err := t.ExecContext(ctx, `UPDATE ledger_accounts a SET debits_pending = v.dp, debits_posted = v.dq,
			credits_pending = v.cp, credits_posted = v.cq
			FROM unnest($1::bytea[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS v (id, dp, dq, cp, cq)
			WHERE a.id = v.id`, ids, dp, dq, cp, cq); err != nil {
			return fmt.Errorf("update accounts: %w", err)
		}
	}
	if len(resolved) > 0 {
		ids, states := make([][]byte, len(resolved)), make([]string, len(resolved))
		for i, p := range resolved {
			ids[i], states[i] = p.ID[:], p.State.String()
		}
		if _, err := t.ExecContext(ctx, `UPDATE ledger_transfers t SET state = v.state
			FROM unnest($1::bytea[], $2::text[]) AS v (id, state) WHERE t.id = v.id`, ids, states); err != nil {
			return fmt.Errorf("resolve transfers: %w", err)
		}
	}
	return nil
}

// expireRound bounds the pending transfers one round of
// ExpireLedgerTransfers expires.
const expireRound = 1000

// ExpireLedgerTransfers expires the pending transfers whose time ran out at
// or before now, releasing what they reserve, a round of at most expireRound
// per transaction, and returns how many it expired. Running it again, or
// concurrently, expires none twice.
func (s *Store) ExpireLedgerTransfers(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		n, more, err := s.expireRound(ctx, now)
		total += n
		if err != nil {
			return total, fmt.Errorf("expire ledger transfers: %w", err)
		}
		if !more {
			return total, nil
		}
	}
}

func (s *Store) expireRound(ctx context.Context, now time.Time) (n int, more bool, err error) {
	err = s.inTx(ctx, func(t *tx) error {
		rows, err := t.QueryContext(ctx, s.dialect.rebind(`SELECT id FROM ledger_transfers
			WHERE state = 'pending' AND expires_us > 0 AND expires_us <= ? LIMIT ?`), micros(now), expireRound)
		if err != nil {
			return err
		}
		var ids []ledger.ID
		for rows.Next() {
			var b []byte
			var id ledger.ID
			if err := rows.Scan(&b); err != nil {
				rows.Close()
				return err
			}
			if err := scanID(b, &id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		more = len(ids) == expireRound
		if len(ids) == 0 {
			return nil
		}
		b := ledger.NewBook(now)
		if err := s.ledgerTransfers(ctx, t, ids, b.Transfers); err != nil {
			return err
		}
		seen := map[ledger.ID]bool{}
		var accts []ledger.ID
		for _, p := range b.Transfers {
			for _, id := range []ledger.ID{p.DebitAccount, p.CreditAccount} {
				if !seen[id] {
					seen[id] = true
					accts = append(accts, id)
				}
			}
		}
		if b.Accounts, err = s.ledgerAccounts(ctx, t, accts, true); err != nil {
			return err
		}
		if s.dialect == postgresDialect {
			clear(b.Transfers)
			if err := s.ledgerTransfers(ctx, t, ids, b.Transfers); err != nil {
				return err
			}
		}
		for _, id := range ids {
			if p := b.Transfers[id]; p != nil && !p.ExpiresAt().After(now) && b.Expire(p) {
				n++
			}
		}
		return s.writeBook(ctx, t, b)
	})
	return n, more, err
}
