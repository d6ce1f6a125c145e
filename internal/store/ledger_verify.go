package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/ortaq/ortaq/internal/ledger"
)

// VerifyLedger recomputes every account's four sums from the transfers and
// compares them with the stored ones, checks that debits equal credits on
// every ledger, that no account without DebitsMayExceedCredits is
// overdrawn, that no transfer crosses ledgers or names a missing account,
// that every pending transfer's state agrees with the posts and voids
// naming it, and that every post or void names a pending transfer; that
// every credit to an account other than a funding one is traceable (its
// UserData, or its pending transfer's, says why), that stored expiry
// times follow from the transfers, and that every batch's transfers and
// fates still make the digest stored with it, and that the accounts'
// history chains hold every transfer (verifyChains). It returns every
// discrepancy found; none means the ledger keeps its contracts. Each query
// reads its own snapshot: run it on a quiet ledger, or expect the
// balances of accounts written meanwhile to be reported. The digests'
// agreement with the audit log is internal/ledgerlog's to check.
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
	for _, check := range []func(context.Context) ([]ledger.Discrepancy, error){s.verifyTraced, s.verifyBatches, s.verifyChains} {
		more, err := check(ctx)
		if err != nil {
			return nil, fmt.Errorf("verify ledger: %w", err)
		}
		ds = append(ds, more...)
	}
	return ds, nil
}

// verifyTraced finds untraceable credits, expiry times that do not follow
// from the transfer, and fates that disagree with the batch said to have
// decided them.
func (s *Store) verifyTraced(ctx context.Context) ([]ledger.Discrepancy, error) {
	var ds []ledger.Discrepancy
	// Flags: Pending = 2, PostPending = 4, VoidPending = 8; account flag
	// DebitsMayExceedCredits = 1. A void credits nothing; a post is
	// traced by itself or by the transfer it posts.
	checks := []struct{ kind, field, query string }{
		{"untraceable", "credit with no user data", `SELECT t.id, t.ledger FROM ledger_transfers t
			JOIN ledger_accounts c ON c.id = t.credit_account
			LEFT JOIN ledger_transfers p ON p.id = t.pending_id AND (t.flags & 4) <> 0
			WHERE (c.flags & 1) = 0 AND (t.flags & 8) = 0 AND t.user_data = '' AND COALESCE(p.user_data, '') = ''`},
		{"expiry", "expires_us is not at_us + timeout_us", `SELECT id, ledger FROM ledger_transfers
			WHERE expires_us <> CASE WHEN (flags & 2) <> 0 AND timeout_us > 0 THEN at_us + timeout_us ELSE 0 END`},
		{"pending_fate", "fate and fate_batch disagree", `SELECT id, ledger FROM ledger_transfers
			WHERE CASE WHEN (flags & 2) = 0 THEN state <> '' OR fate_batch <> 0
				WHEN state = 'pending' THEN fate_batch <> 0
				ELSE fate_batch = 0 END`},
	}
	for _, c := range checks {
		rows, err := s.db.QueryContext(ctx, c.query)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var idb []byte
			var lg int64
			if err := rows.Scan(&idb, &lg); err != nil {
				rows.Close()
				return nil, err
			}
			d := ledger.Discrepancy{Kind: c.kind, Ledger: ledger.Ledger(lg), Field: c.field}
			scanID(idb, &d.Transfer)
			ds = append(ds, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return ds, nil
}

// rowStream reads a query's rows one at a time, with one row of look-ahead.
type rowStream[T any] struct {
	rows *sql.Rows
	scan func(scanner) (T, uint64, error)
	next T
	seq  uint64 // of next; 0 at the end
	err  error
}

func newRowStream[T any](ctx context.Context, db *sql.DB, query string, scan func(scanner) (T, uint64, error)) (*rowStream[T], error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	r := &rowStream[T]{rows: rows, scan: scan}
	r.advance()
	return r, r.err
}

func (r *rowStream[T]) advance() {
	r.seq = 0
	if r.err != nil || !r.rows.Next() {
		if r.err == nil {
			r.err = r.rows.Err()
		}
		return
	}
	r.next, r.seq, r.err = r.scan(r.rows)
	if r.err == nil && r.seq == 0 {
		r.err = errors.New("row of batch 0")
	}
}

// take returns the rows of batch seq, passing over (and returning the
// batches of) rows of earlier batches.
func (r *rowStream[T]) take(seq uint64) (rows []T, orphans []uint64) {
	for r.seq != 0 && r.seq < seq {
		if len(orphans) == 0 || orphans[len(orphans)-1] != r.seq {
			orphans = append(orphans, r.seq)
		}
		r.advance()
	}
	for r.seq != 0 && r.seq == seq {
		rows = append(rows, r.next)
		r.advance()
	}
	return rows, orphans
}

// verifyBatches recomputes every batch's digest from the transfers it
// created and the fates it decided, reading the batches, the transfers by
// batch and the fates by batch in three ordered streams.
func (s *Store) verifyBatches(ctx context.Context) ([]ledger.Discrepancy, error) {
	batches, err := newRowStream(ctx, s.db, `SELECT seq, at_us, transfers, fates, digest FROM ledger_batches ORDER BY seq`,
		func(r scanner) (ledger.Batch, uint64, error) {
			b, err := scanLedgerBatch(r)
			return b, b.Seq, err
		})
	if err != nil {
		return nil, err
	}
	defer batches.rows.Close()
	transfers, err := newRowStream(ctx, s.db, `SELECT `+strings.Join(ledgerTransferCols, ", ")+`, batch
		FROM ledger_transfers ORDER BY batch, id`, func(r scanner) (ledger.Transfer, uint64, error) {
		t, err := scanLedgerTransferBatch(r)
		if err != nil {
			return ledger.Transfer{}, 0, err
		}
		return t.Transfer, t.batch, nil
	})
	if err != nil {
		return nil, err
	}
	defer transfers.rows.Close()
	fates, err := newRowStream(ctx, s.db, `SELECT id, state, fate_batch FROM ledger_transfers
		WHERE fate_batch <> 0 ORDER BY fate_batch, id`, func(r scanner) (ledger.Fate, uint64, error) {
		var f ledger.Fate
		var idb []byte
		var state string
		var b int64
		if err := r.Scan(&idb, &state, &b); err != nil {
			return f, 0, err
		}
		if err := scanID(idb, &f.ID); err != nil {
			return f, 0, err
		}
		var err error
		f.State, err = ledger.ParseState(state)
		return f, uint64(b), err
	})
	if err != nil {
		return nil, err
	}
	defer fates.rows.Close()

	var ds []ledger.Discrepancy
	missing := func(seqs ...uint64) {
		for _, q := range seqs {
			ds = append(ds, ledger.Discrepancy{Kind: "batch_missing", Batch: q, Field: "transfers or fates of a batch that is not stored"})
		}
	}
	var prev uint64
	for batches.seq != 0 {
		b := batches.next
		batches.advance()
		if b.Seq != prev+1 {
			ds = append(ds, ledger.Discrepancy{Kind: "batch_missing", Batch: prev + 1, Field: "batches missing before the next stored",
				Stored: int64(b.Seq), Computed: int64(prev + 1)})
		}
		prev = b.Seq
		ts, orphans := transfers.take(b.Seq)
		missing(orphans...)
		fs, orphans := fates.take(b.Seq)
		missing(orphans...)
		if ledger.BatchDigest(b.Seq, ts, fs) != b.Digest {
			ds = append(ds, ledger.Discrepancy{Kind: "batch_digest", Batch: b.Seq, Field: "transfers and fates no longer make the stored digest"})
		}
	}
	_, orphans := transfers.take(^uint64(0))
	missing(orphans...)
	_, orphans = fates.take(^uint64(0))
	missing(orphans...)
	if err := errors.Join(batches.err, transfers.err, fates.err); err != nil {
		return nil, err
	}
	return ds, nil
}
