package store

import (
	"context"
	"fmt"

	"github.com/ortaq/ortaq/internal/ledger"
)

// VerifyLedger recomputes every account's four sums from the transfers and
// compares them with the stored ones, checks that debits equal credits on
// every ledger, that no account without DebitsMayExceedCredits is
// overdrawn, that no transfer crosses ledgers or names a missing account,
// that every pending transfer's state agrees with the posts and voids
// naming it, and that every post or void names a pending transfer. It returns every discrepancy found; none means the ledger
// keeps its contracts. It reads one snapshot on PostgreSQL only per query:
// run it on a quiet ledger, or expect the balances of accounts written
// meanwhile to be reported.
func (s *Store) VerifyLedger(ctx context.Context) ([]ledger.Discrepancy, error) {
	var ds []ledger.Discrepancy
	// Flags: Pending = 2, PostPending = 4, VoidPending = 8. A transfer
	// counts as posted unless it is pending or a void; a pending transfer
	// counts as pending while its state is 'pending'.
	sums := func(side string) string {
		return `SELECT ` + side + ` AS id,
			SUM(CASE WHEN (flags & 2) <> 0 AND state = 'pending' THEN amount ELSE 0 END) AS pend,
			SUM(CASE WHEN (flags & 10) = 0 THEN amount ELSE 0 END) AS post
			FROM ledger_transfers GROUP BY ` + side
	}
	rows, err := s.db.QueryContext(ctx, `SELECT a.id, a.ledger, a.flags, a.debits_pending, a.debits_posted,
		a.credits_pending, a.credits_posted,
		COALESCE(d.pend, 0), COALESCE(d.post, 0), COALESCE(c.pend, 0), COALESCE(c.post, 0)
		FROM ledger_accounts a
		LEFT JOIN (`+sums("debit_account")+`) d ON d.id = a.id
		LEFT JOIN (`+sums("credit_account")+`) c ON c.id = a.id`)
	if err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	type total struct{ dp, dq, cp, cq int64 }
	totals := map[ledger.Ledger]*total{}
	for rows.Next() {
		var idb []byte
		var id ledger.ID
		var lg, flags int64
		var stored, computed [4]int64
		if err := rows.Scan(&idb, &lg, &flags, &stored[0], &stored[1], &stored[2], &stored[3],
			&computed[0], &computed[1], &computed[2], &computed[3]); err != nil {
			rows.Close()
			return nil, fmt.Errorf("verify ledger: %w", err)
		}
		if err := scanID(idb, &id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("verify ledger: %w", err)
		}
		l := ledger.Ledger(lg)
		for i, f := range []string{"debits_pending", "debits_posted", "credits_pending", "credits_posted"} {
			if stored[i] != computed[i] {
				ds = append(ds, ledger.Discrepancy{Kind: "balance", Ledger: l, Account: id, Field: f,
					Stored: stored[i], Computed: computed[i]})
			}
		}
		if ledger.AccountFlags(flags)&ledger.DebitsMayExceedCredits == 0 {
			for _, v := range []struct {
				field      string
				dp, dq, cq int64
			}{{"stored", stored[0], stored[1], stored[3]}, {"computed", computed[0], computed[1], computed[3]}} {
				if v.dp+v.dq > v.cq {
					ds = append(ds, ledger.Discrepancy{Kind: "overdraft", Ledger: l, Account: id,
						Field: v.field + " debits over credits_posted", Stored: v.dp + v.dq, Computed: v.cq})
				}
			}
		}
		t := totals[l]
		if t == nil {
			t = &total{}
			totals[l] = t
		}
		t.dp += stored[0]
		t.dq += stored[1]
		t.cp += stored[2]
		t.cq += stored[3]
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	for _, l := range ledger.Ledgers() {
		if t := totals[l]; t != nil {
			if t.dp != t.cp {
				ds = append(ds, ledger.Discrepancy{Kind: "ledger_unbalanced", Ledger: l, Field: "pending debits and credits", Stored: t.dp, Computed: t.cp})
			}
			if t.dq != t.cq {
				ds = append(ds, ledger.Discrepancy{Kind: "ledger_unbalanced", Ledger: l, Field: "posted debits and credits", Stored: t.dq, Computed: t.cq})
			}
		}
	}

	// Transfers across ledgers or onto missing accounts.
	rows, err = s.db.QueryContext(ctx, `SELECT t.id, t.ledger, COALESCE(d.ledger, 0), COALESCE(c.ledger, 0)
		FROM ledger_transfers t
		LEFT JOIN ledger_accounts d ON d.id = t.debit_account
		LEFT JOIN ledger_accounts c ON c.id = t.credit_account
		WHERE d.ledger IS NULL OR c.ledger IS NULL OR d.ledger <> t.ledger OR c.ledger <> t.ledger`)
	if err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	for rows.Next() {
		var idb []byte
		var d ledger.Discrepancy
		var lg, dl, cl int64
		if err := rows.Scan(&idb, &lg, &dl, &cl); err != nil {
			rows.Close()
			return nil, fmt.Errorf("verify ledger: %w", err)
		}
		scanID(idb, &d.Transfer)
		d.Kind, d.Ledger, d.Field, d.Stored, d.Computed = "cross_ledger", ledger.Ledger(lg), "debit and credit ledgers", dl, cl
		ds = append(ds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}

	// Pending transfers' fates against their posts and voids: a pending
	// one has none, a posted one one post, a voided one one void, an
	// expired one none.
	rows, err = s.db.QueryContext(ctx, `SELECT p.id, p.ledger, p.state,
		COALESCE(SUM(CASE WHEN (r.flags & 4) <> 0 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN (r.flags & 8) <> 0 THEN 1 ELSE 0 END), 0)
		FROM ledger_transfers p LEFT JOIN ledger_transfers r ON r.pending_id = p.id
		WHERE (p.flags & 2) <> 0
		GROUP BY p.id, p.ledger, p.state`)
	if err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	for rows.Next() {
		var idb []byte
		var lg, posts, voids int64
		var state string
		if err := rows.Scan(&idb, &lg, &state, &posts, &voids); err != nil {
			rows.Close()
			return nil, fmt.Errorf("verify ledger: %w", err)
		}
		want := map[string][2]int64{"pending": {0, 0}, "posted": {1, 0}, "voided": {0, 1}, "expired": {0, 0}}[state]
		if w, ok := map[string][2]int64{"pending": {0, 0}, "posted": {1, 0}, "voided": {0, 1}, "expired": {0, 0}}[state]; !ok || w != [2]int64{posts, voids} {
			d := ledger.Discrepancy{Kind: "pending_fate", Ledger: ledger.Ledger(lg), Field: "state " + state + ": posts, voids",
				Stored: posts*10 + voids, Computed: want[0]*10 + want[1]}
			scanID(idb, &d.Transfer)
			ds = append(ds, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}

	// Posts and voids of nothing, or of a transfer that was not pending.
	rows, err = s.db.QueryContext(ctx, `SELECT r.id, r.ledger FROM ledger_transfers r
		LEFT JOIN ledger_transfers p ON p.id = r.pending_id
		WHERE (r.flags & 12) <> 0 AND (p.id IS NULL OR (p.flags & 2) = 0)`)
	if err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	for rows.Next() {
		var idb []byte
		var lg int64
		if err := rows.Scan(&idb, &lg); err != nil {
			rows.Close()
			return nil, fmt.Errorf("verify ledger: %w", err)
		}
		d := ledger.Discrepancy{Kind: "pending_fate", Ledger: ledger.Ledger(lg), Field: "post or void of no pending transfer"}
		scanID(idb, &d.Transfer)
		ds = append(ds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("verify ledger: %w", err)
	}
	return ds, nil
}
