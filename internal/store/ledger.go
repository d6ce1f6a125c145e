package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/ortaq/ortaq/internal/ledger"
)

// The ledger's store: accounts and transfers of internal/ledger, written in
// one transaction per batch. Contracts that MUST hold (see package ledger
// for the ledger's own):
//   - A batch (CreateLedgerAccounts, CreateLedgerTransfers, one round of
//     ExpireLedgerTransfers) is one transaction: its transfers, the running
//     sums of their accounts and the fates of the pending transfers they
//     resolve are committed together or not at all.
//   - Ledger batches are serialised: one committer per Store applies
//     them (ledger_commit.go), and its transactions serialise with any
//     other store's (BEGIN IMMEDIATE on SQLite, an advisory lock on
//     PostgreSQL), so a batch decides on committed, current sums.
//   - A transfer id is stored once (primary key).
//   - Every committed batch has its seq and digest in ledger_batches, and
//     its transfers carry that seq (batch; fate_batch for the one that
//     decided a pending transfer's fate).

// ledgerTransferCols are the columns of ledger_transfers, in scan order.
var ledgerTransferCols = []string{"id", "debit_account", "credit_account", "amount", "pending_id", "ledger",
	"code", "flags", "timeout_us", "user_data", "at_us", "expires_us", "state"}

// ledgerTransferInsertCols are those a new transfer writes: the above,
// the batches that created it and decided its fate, and the transfers
// before it on its two accounts (see 0018_ledger_chains.sql).
var ledgerTransferInsertCols = append(ledgerTransferCols[:len(ledgerTransferCols):len(ledgerTransferCols)],
	"batch", "fate_batch", "debit_prev", "credit_prev")

var ledgerAccountCols = []string{"id", "ledger", "code", "flags", "user_data", "debits_pending", "debits_posted",
	"credits_pending", "credits_posted", "created_us", "latest"}

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
	if err := scanTransferInto(r, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// scanTransferInto scans ledgerTransferCols into t, then any extra
// columns into extra.
func scanTransferInto(r scanner, t *ledger.Transfer, extra ...any) error {
	var id, dr, cr, pid []byte
	var lg, code, flags int64
	var timeout, at, expires int64
	var state string
	dest := append([]any{&id, &dr, &cr, &t.Amount, &pid, &lg, &code, &flags, &timeout, &t.UserData, &at, &expires, &state}, extra...)
	if err := r.Scan(dest...); err != nil {
		return err
	}
	if err := errors.Join(scanID(id, &t.ID), scanID(dr, &t.DebitAccount), scanID(cr, &t.CreditAccount), scanID(pid, &t.PendingID)); err != nil {
		return err
	}
	st, err := ledger.ParseState(state)
	if err != nil {
		return err
	}
	t.Ledger, t.Code, t.Flags, t.State = ledger.Ledger(lg), uint16(code), ledger.TransferFlags(flags), st
	t.Timeout, t.Timestamp = time.Duration(timeout)*time.Microsecond, fromMicros(at)
	return nil
}

// batchTransfer is a transfer read with the batch that created it.
type batchTransfer struct {
	ledger.Transfer
	batch uint64
}

// scanLedgerTransferBatch scans ledgerTransferCols and then batch.
func scanLedgerTransferBatch(r scanner) (batchTransfer, error) {
	var t batchTransfer
	var batch int64
	err := scanTransferInto(r, &t.Transfer, &batch)
	t.batch = uint64(batch)
	return t, err
}

func scanLedgerAccount(r scanner) (*ledger.Account, error) {
	var a ledger.Account
	var id, latest []byte
	var lg, code, flags, created int64
	if err := r.Scan(&id, &lg, &code, &flags, &a.UserData, &a.DebitsPending, &a.DebitsPosted,
		&a.CreditsPending, &a.CreditsPosted, &created, &latest); err != nil {
		return nil, err
	}
	if err := errors.Join(scanID(id, &a.ID), scanID(latest, &a.Latest)); err != nil {
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

// CreateLedgerAccounts creates accounts and returns one Result each:
// ResultOK, ResultExists (same fields), or why it was refused. Sums,
// Created and Latest are the ledger's: the sums must be zero. The
// accounts are written by the ledger's committer, in the transaction of
// the batches of transfers that name them next.
func (s *Store) CreateLedgerAccounts(ctx context.Context, as []ledger.Account) ([]ledger.Result, error) {
	rs, _, err := s.CreateLedgerAccountsAndTransfers(ctx, as, nil)
	return rs, err
}

// CreateLedgerAccountsAndTransfers creates accounts as CreateLedgerAccounts
// does and then applies transfers as CreateLedgerTransfers does, in one
// transaction: a transfer may name an account created by the same call. An
// error means neither was applied.
func (s *Store) CreateLedgerAccountsAndTransfers(ctx context.Context, as []ledger.Account, ts []ledger.Transfer) (accounts, transfers []ledger.Result, err error) {
	if len(as) == 0 && len(ts) == 0 {
		return []ledger.Result{}, []ledger.Result{}, nil
	}
	r := &ledgerReq{as: as, ts: ts}
	c := s.committer()
	c.readAhead(ctx, r)
	if err := c.submit(ctx, r); err != nil {
		return nil, nil, fmt.Errorf("create ledger accounts and transfers: %w", err)
	}
	return r.ars, r.rs, nil
}

// ledgerAccounts reads the accounts with ids.
func (s *Store) ledgerAccounts(ctx context.Context, q querier, ids []ledger.ID) (map[ledger.ID]*ledger.Account, error) {
	m := make(map[ledger.ID]*ledger.Account, len(ids))
	query := `SELECT ` + strings.Join(ledgerAccountCols, ", ") + ` FROM ledger_accounts WHERE %s`
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
	m, err := s.ledgerAccounts(ctx, s.db, ids)
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

// CreateLedgerTransfers applies a batch of transfers in order and returns
// one Result each (see ledger.Book.Apply). The batch is applied as if in
// a transaction of its own; concurrent batches share one (see
// ledger_commit.go). An error means nothing of the batch was applied; the
// client retries it with the same ids.
func (s *Store) CreateLedgerTransfers(ctx context.Context, ts []ledger.Transfer) ([]ledger.Result, error) {
	_, rs, err := s.CreateLedgerAccountsAndTransfers(ctx, nil, ts)
	return rs, err
}

// isUniqueViolation reports whether err is PostgreSQL's unique_violation
// or SQLite's primary-key or unique constraint failing.
func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "23505"
	}
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY || se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE)
}

// writeGroup writes what a group decided as batch seq: created transfers,
// dirty accounts' sums, resolved pending transfers' fates, and the batch
// with its digest.
func (s *Store) writeGroup(ctx context.Context, t *tx, g *group, seq uint64) error {
	// Chain each new transfer to its accounts' latest, in the order the
	// group applied them.
	prevs := make(map[ledger.ID][2]ledger.ID, len(g.created))
	for _, tr := range g.created {
		d, c := g.accounts[tr.DebitAccount], g.accounts[tr.CreditAccount]
		if d == nil || c == nil {
			return fmt.Errorf("transfer %s: an account is not loaded", tr.ID)
		}
		prevs[tr.ID] = [2]ledger.ID{d.Latest, c.Latest}
		d.Latest, c.Latest = tr.ID, tr.ID
		g.dirty[d.ID], g.dirty[c.ID] = true, true
	}
	// In id order, the transfers append to the primary key's B-tree (ids
	// are time-ordered) and the accounts are rewritten page after page,
	// not in the random order of a map.
	slices.SortFunc(g.created, func(a, b *ledger.Transfer) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	created := make(map[ledger.ID]bool, len(g.created))
	for _, tr := range g.created {
		created[tr.ID] = true
	}
	fated := make(map[ledger.ID]bool, len(g.resolved))
	fates := make([]ledger.Fate, 0, len(g.resolved))
	var resolved []*ledger.Transfer
	for _, id := range g.resolved {
		p := g.transfers[id]
		fated[id] = true
		fates = append(fates, ledger.Fate{ID: id, State: p.State})
		if !created[id] {
			resolved = append(resolved, p)
		}
	}
	at := newApplyTx(t)
	insert := at.insertRows
	if s.dialect == postgresDialect {
		// COPY from a few rows on: a group is rarely the thousands bulk
		// writers wait for.
		insert = func(ctx context.Context, table string, cols []string, n int, row func(args []any, i int) []any) error {
			if n < 64 {
				return at.insertRows(ctx, table, cols, n, row)
			}
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
	// Accounts created by the group, with the sums its transfers left.
	opened := make(map[ledger.ID]bool, len(g.opened))
	for _, a := range g.opened {
		opened[a.ID] = true
	}
	err := insert(ctx, "ledger_accounts", ledgerAccountCols, len(g.opened), func(args []any, i int) []any {
		a := g.opened[i]
		return append(args, a.ID[:], int64(a.Ledger), int64(a.Code), int64(a.Flags), a.UserData,
			a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, micros(a.Created), a.Latest[:])
	})
	if err != nil {
		return fmt.Errorf("insert accounts: %w", err)
	}
	if len(g.created) == 0 && len(g.resolved) == 0 {
		return nil // accounts only: not a batch
	}
	b := int64(seq)
	err = insert(ctx, "ledger_transfers", ledgerTransferInsertCols, len(g.created), func(args []any, i int) []any {
		tr := g.created[i]
		var fb int64
		if fated[tr.ID] {
			fb = b
		}
		p := prevs[tr.ID]
		return append(args, tr.ID[:], tr.DebitAccount[:], tr.CreditAccount[:], tr.Amount, tr.PendingID[:],
			int64(tr.Ledger), int64(tr.Code), int64(tr.Flags), tr.Timeout.Microseconds(), tr.UserData,
			micros(tr.Timestamp), micros(tr.ExpiresAt()), tr.State.String(), b, fb, p[0][:], p[1][:])
	})
	if err != nil {
		return fmt.Errorf("insert transfers: %w", err)
	}
	dirty := make([]*ledger.Account, 0, len(g.dirty))
	for id := range g.dirty {
		if !opened[id] {
			dirty = append(dirty, g.accounts[id])
		}
	}
	slices.SortFunc(dirty, func(a, b *ledger.Account) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	ts := make([]ledger.Transfer, len(g.created))
	for i, tr := range g.created {
		ts[i] = *tr
	}
	digest := ledger.BatchDigest(seq, ts, fates)
	if _, err := t.exec(ctx, `INSERT INTO ledger_batches (seq, at_us, transfers, fates, digest) VALUES (?, ?, ?, ?, ?)`,
		b, micros(g.now), len(g.created), len(fates), digest[:]); err != nil {
		return fmt.Errorf("insert batch: %w", err)
	}
	if s.dialect == postgresDialect {
		return s.writeGroupPostgres(ctx, t, dirty, resolved, b)
	}
	if len(dirty) > 0 {
		// A prepared UPDATE per account: one UPDATE … FROM (VALUES …)
		// per few hundred was no faster.
		st, err := t.conn.PrepareContext(ctx, `UPDATE ledger_accounts SET debits_pending = ?, debits_posted = ?,
			credits_pending = ?, credits_posted = ?, latest = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, a := range dirty {
			if _, err := st.ExecContext(ctx, a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, a.Latest[:], a.ID[:]); err != nil {
				return fmt.Errorf("update account %s: %w", a.ID, err)
			}
		}
	}
	for _, p := range resolved {
		if _, err := t.ExecContext(ctx, `UPDATE ledger_transfers SET state = ?, fate_batch = ? WHERE id = ?`, p.State.String(), b, p.ID[:]); err != nil {
			return fmt.Errorf("resolve transfer %s: %w", p.ID, err)
		}
	}
	return nil
}

func (s *Store) writeGroupPostgres(ctx context.Context, t *tx, dirty []*ledger.Account, resolved []*ledger.Transfer, batch int64) error {
	if len(dirty) > 0 {
		ids, latest := make([][]byte, len(dirty)), make([][]byte, len(dirty))
		dp, dq, cp, cq := make([]int64, len(dirty)), make([]int64, len(dirty)), make([]int64, len(dirty)), make([]int64, len(dirty))
		for i, a := range dirty {
			ids[i], dp[i], dq[i], cp[i], cq[i], latest[i] = a.ID[:], a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted, a.Latest[:]
		}
		if _, err := t.ExecContext(ctx, `UPDATE ledger_accounts a SET debits_pending = v.dp, debits_posted = v.dq,
			credits_pending = v.cp, credits_posted = v.cq, latest = v.latest
			FROM unnest($1::bytea[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bytea[]) AS v (id, dp, dq, cp, cq, latest)
			WHERE a.id = v.id`, ids, dp, dq, cp, cq, latest); err != nil {
			return fmt.Errorf("update accounts: %w", err)
		}
	}
	if len(resolved) > 0 {
		ids, states := make([][]byte, len(resolved)), make([]string, len(resolved))
		for i, p := range resolved {
			ids[i], states[i] = p.ID[:], p.State.String()
		}
		if _, err := t.ExecContext(ctx, `UPDATE ledger_transfers t SET state = v.state, fate_batch = $3
			FROM unnest($1::bytea[], $2::text[]) AS v (id, state) WHERE t.id = v.id`, ids, states, batch); err != nil {
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
// per transaction (each a ledger batch), and returns how many it expired.
// Running it again, or concurrently, expires none twice.
func (s *Store) ExpireLedgerTransfers(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for {
		r := &ledgerReq{expire: true, now: now}
		err := s.committer().submit(ctx, r)
		total += r.n
		if err != nil {
			return total, fmt.Errorf("expire ledger transfers: %w", err)
		}
		if !r.more {
			return total, nil
		}
	}
}
