package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/ortaq/ortaq/internal/ledger"
)

// An account's history is a chain (0018_ledger_chains.sql): each
// transfer names the transfer before it on its debit account and on its
// credit account, and each account its latest transfer, all written in
// the transaction that stores the transfer. The account row is rewritten
// by that transaction anyway, so the history costs the writer two columns
// instead of two index entries per transfer.

// LedgerTransfersOf returns the transfers that debit or credit any of
// accounts, the newest first, at most limit. It walks each account's
// chain from its latest transfer (0018_ledger_chains.sql), at most limit
// steps, and merges the chains newest first.
func (s *Store) LedgerTransfersOf(ctx context.Context, accounts []ledger.ID, limit int) ([]ledger.Transfer, error) {
	cols := make([]string, len(ledgerTransferCols))
	for i, c := range ledgerTransferCols {
		cols[i] = "t." + c
	}
	q := s.dialect.rebind(`WITH RECURSIVE chain (id, n) AS (
			SELECT latest, 1 FROM ledger_accounts WHERE id = ?
			UNION ALL
			SELECT CASE WHEN t.debit_account = ? THEN t.debit_prev ELSE t.credit_prev END, chain.n + 1
			FROM chain JOIN ledger_transfers t ON t.id = chain.id
			WHERE chain.n < ?
		)
		SELECT ` + strings.Join(cols, ", ") + ` FROM chain JOIN ledger_transfers t ON t.id = chain.id ORDER BY chain.n`)
	chains := make([][]ledger.Transfer, 0, len(accounts))
	for _, a := range accounts {
		rows, err := s.db.QueryContext(ctx, q, a[:], a[:], limit)
		if err != nil {
			return nil, fmt.Errorf("transfers of accounts: %w", err)
		}
		var chain []ledger.Transfer
		for rows.Next() {
			var t ledger.Transfer
			if err := scanTransferInto(rows, &t); err != nil {
				rows.Close()
				return nil, fmt.Errorf("transfers of accounts: %w", err)
			}
			chain = append(chain, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("transfers of accounts: %w", err)
		}
		chains = append(chains, chain)
	}
	// Merge: take the newest head each time, so that each chain keeps its
	// own order; a transfer between two of the accounts is in two chains.
	var out []ledger.Transfer
	seen := map[ledger.ID]bool{}
	for len(out) < limit {
		best := -1
		for i, c := range chains {
			if len(c) > 0 && (best < 0 || c[0].Timestamp.After(chains[best][0].Timestamp)) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		t := chains[best][0]
		chains[best] = chains[best][1:]
		if !seen[t.ID] {
			seen[t.ID] = true
			out = append(out, t)
		}
	}
	return out, nil
}

// verifyChains checks the accounts' history chains: every link names an
// earlier transfer (or one of the same batch) of the same account, no two
// transfers of an account name the same one before them, each account's
// latest transfer is one of its own that no other names, and an account
// has one link fewer than transfers. A chain rewritten into a loop inside
// one batch is not caught; the money is checked apart from the chains.
func (s *Store) verifyChains(ctx context.Context) ([]ledger.Discrepancy, error) {
	zero := make([]byte, len(ledger.ID{}))
	const links = `SELECT id, ledger, debit_account AS account, debit_prev AS prev, batch FROM ledger_transfers
		UNION ALL SELECT id, ledger, credit_account, credit_prev, batch FROM ledger_transfers`
	var ds []ledger.Discrepancy
	add := func(lg int64, account, transfer []byte, field string, stored, computed int64) {
		d := ledger.Discrepancy{Kind: "history_chain", Ledger: ledger.Ledger(lg), Field: field, Stored: stored, Computed: computed}
		scanID(account, &d.Account)
		scanID(transfer, &d.Transfer)
		ds = append(ds, d)
	}
	_, err := queryAll(ctx, s, `SELECT l.id, l.ledger, l.account FROM (`+links+`) l
		LEFT JOIN ledger_transfers p ON p.id = l.prev
		WHERE l.prev <> ? AND (p.id IS NULL OR p.id = l.id OR p.batch > l.batch
			OR (p.debit_account <> l.account AND p.credit_account <> l.account))`,
		func(r interface{ Scan(...any) error }) (struct{}, error) {
			var id, account []byte
			var lg int64
			if err := r.Scan(&id, &lg, &account); err != nil {
				return struct{}{}, err
			}
			add(lg, account, id, "link to no earlier transfer of the account", 0, 0)
			return struct{}{}, nil
		}, zero)
	if err != nil {
		return nil, err
	}
	_, err = queryAll(ctx, s, `SELECT a.id, a.ledger, a.latest,
			COALESCE(c.n, 0), COALESCE(c.linked, 0), COALESCE(c.distinct_prev, 0),
			CASE WHEN a.latest = ? THEN 0 WHEN l.id IS NULL THEN 1
				WHEN l.debit_account <> a.id AND l.credit_account <> a.id THEN 1 ELSE 0 END,
			CASE WHEN h.prev IS NULL THEN 0 ELSE 1 END
		FROM ledger_accounts a
		LEFT JOIN (SELECT account, COUNT(*) AS n, SUM(CASE WHEN prev <> ? THEN 1 ELSE 0 END) AS linked,
				COUNT(DISTINCT CASE WHEN prev <> ? THEN prev END) AS distinct_prev
			FROM (`+links+`) x GROUP BY account) c ON c.account = a.id
		LEFT JOIN ledger_transfers l ON l.id = a.latest
		LEFT JOIN (SELECT DISTINCT account, prev FROM (`+links+`) y WHERE prev <> ?) h
			ON h.account = a.id AND h.prev = a.latest`,
		func(r interface{ Scan(...any) error }) (struct{}, error) {
			var id, latest []byte
			var lg, n, linked, distinct, foreign, named int64
			if err := r.Scan(&id, &lg, &latest, &n, &linked, &distinct, &foreign, &named); err != nil {
				return struct{}{}, err
			}
			var head int64
			if string(latest) != string(zero) {
				head = 1
			}
			switch {
			case foreign == 1:
				add(lg, id, latest, "latest transfer is not the account's", 0, 0)
			case named == 1:
				add(lg, id, latest, "latest transfer is named by a later one", 0, 0)
			case n != linked+head:
				add(lg, id, nil, "transfers, links and latest", linked+head, n)
			case distinct != linked:
				add(lg, id, nil, "transfers naming the same one before them", distinct, linked)
			}
			return struct{}{}, nil
		}, zero, zero, zero, zero)
	if err != nil {
		return nil, err
	}
	return ds, nil
}
