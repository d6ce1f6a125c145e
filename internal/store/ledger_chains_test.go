package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// chainWorkload stores, in three batches, a payout and two purchases, a
// hold, and the hold's post with a refund: the citizen's history newest
// first is r1, post, h1, p2, p1, v0.
func chainWorkload(t *testing.T, st *store.Store) []ledger.ID {
	t.Helper()
	ledgerAccounts(t, st)
	buy := func(key string, amount int64) ledger.Transfer {
		return ledger.Transfer{ID: ledger.IDOf(key), DebitAccount: acCitizen, CreditAccount: acGrocery, Amount: amount,
			Ledger: ledger.Food, UserData: "purchase:" + key}
	}
	hold := buy("h1", 50)
	hold.Flags = ledger.Pending
	mustTransfer(t, st, fund("v0", 1000), buy("p1", 100), buy("p2", 200))
	mustTransfer(t, st, hold)
	mustTransfer(t, st,
		ledger.Transfer{ID: ledger.IDOf("post"), PendingID: ledger.IDOf("h1"), Amount: 50, Flags: ledger.PostPending, UserData: "purchase:h1"},
		ledger.Transfer{ID: ledger.IDOf("r1"), DebitAccount: acGrocery, CreditAccount: acCitizen, Amount: 30, Ledger: ledger.Food, UserData: "refund:r1"})
	var ids []ledger.ID
	for _, k := range []string{"r1", "post", "h1", "p2", "p1", "v0"} {
		ids = append(ids, ledger.IDOf(k))
	}
	return ids
}

func transferIDs(ts []ledger.Transfer) []ledger.ID {
	ids := make([]ledger.ID, len(ts))
	for i, t := range ts {
		ids[i] = t.ID
	}
	return ids
}

// TestLedgerHistoryChains reads accounts' histories from their chains:
// newest first, cut at the limit, merged over several accounts with each
// transfer once.
func TestLedgerHistoryChains(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		want := chainWorkload(t, st)
		mustVerify(t, st)
		got, err := st.LedgerTransfersOf(ctx, []ledger.ID{acCitizen}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(transferIDs(got), want) {
			t.Errorf("citizen's history %v; want %v", transferIDs(got), want)
		}
		if len(got) != len(want) || got[1].DebitAccount != acCitizen || got[2].State != ledger.StatePosted {
			t.Errorf("the post's fields: %+v, hold %+v", got[1], got[2])
		}
		got, err = st.LedgerTransfersOf(ctx, []ledger.ID{acCitizen}, 2)
		if err != nil || !slices.Equal(transferIDs(got), want[:2]) {
			t.Errorf("two newest: %v, %v; want %v", transferIDs(got), err, want[:2])
		}
		// The grocer shares every transfer but the payout: each once.
		got, err = st.LedgerTransfersOf(ctx, []ledger.ID{acGrocery, acCitizen, acPharmacy}, 100)
		if err != nil {
			t.Fatal(err)
		}
		ids := transferIDs(got)
		if len(ids) != len(want) {
			t.Errorf("merged history %v; want each of %v once", ids, want)
		}
		for _, id := range want {
			if !slices.Contains(ids, id) {
				t.Errorf("merged history misses %s", id)
			}
		}
		for i := 1; i < len(got); i++ {
			if got[i].Timestamp.After(got[i-1].Timestamp) {
				t.Errorf("merged history not newest first at %d", i)
			}
		}
		if got, err := st.LedgerTransfersOf(ctx, []ledger.ID{ledger.IDOf("nobody")}, 10); err != nil || len(got) != 0 {
			t.Errorf("unknown account: %v, %v", got, err)
		}
	})
}

// TestLedgerVerifyCatchesBrokenChains: rewritten links or latest
// transfers, which would hide transfers from a history, are reported.
func TestLedgerVerifyCatchesBrokenChains(t *testing.T) {
	p1, p2, h1, post := ledger.IDOf("p1"), ledger.IDOf("p2"), ledger.IDOf("h1"), ledger.IDOf("post")
	stray := ledger.IDOf("stray")
	for _, c := range []struct {
		name, sql string
		args      []any
		want      string
	}{
		{"link skips a transfer", `UPDATE ledger_transfers SET debit_prev = ? WHERE id = ?`, []any{p1[:], h1[:]},
			"history_chain on food account " + acCitizen.String() + ": transfers naming the same one before them stored 4, computed 5"},
		{"latest set back", `UPDATE ledger_accounts SET latest = ? WHERE id = ?`, []any{post[:], acCitizen[:]},
			"history_chain on food account " + acCitizen.String() + " transfer " + post.String() + ": latest transfer is named by a later one"},
		{"link to nothing", `UPDATE ledger_transfers SET debit_prev = ? WHERE id = ?`, []any{stray[:], p2[:]},
			"history_chain on food account " + acCitizen.String() + " transfer " + p2.String() + ": link to no earlier transfer of the account"},
		{"first transfer cut off", `UPDATE ledger_transfers SET debit_prev = ? WHERE id = ?`, []any{make([]byte, 16), p2[:]},
			"history_chain on food account " + acCitizen.String() + ": transfers, links and latest stored 5, computed 6"},
	} {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				chainWorkload(t, st)
				if _, err := storetest.Exec(t, st, c.sql, c.args...); err != nil {
					t.Fatal(err)
				}
				got := discrepancies(t, st)
				if !slices.Contains(got, c.want) {
					t.Errorf("discrepancies:\n%s\nwant among them\n%s", strings.Join(got, "\n"), c.want)
				}
			})
		})
	}
}

// TestLedgerChainsMigration: migration 0018 chains the transfers a store
// held before it, as the writer would have.
func TestLedgerChainsMigration(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		want := chainWorkload(t, st)
		rollBack(t, st, 21)
		// Back to schema 17: no chains, the two history indexes.
		for _, q := range []string{
			`ALTER TABLE ledger_accounts DROP COLUMN latest`,
			`ALTER TABLE ledger_transfers DROP COLUMN debit_prev`,
			`ALTER TABLE ledger_transfers DROP COLUMN credit_prev`,
			`CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account, at_us)`,
			`CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account, at_us)`,
			// and what the migrations after 0018 made.
			`DROP INDEX benefit_offers_status_recipient`,
			`DROP TABLE pushes`,
			`DROP TABLE event_cursors`,
			`DROP TABLE event_outbox`,
			`DROP TABLE quality_state`,
			`DROP TABLE quality_units`,
			`DROP TABLE quality_keys`,
			`DROP INDEX quality_findings_record`,
			`DROP INDEX search_terms_entity`,
			`DELETE FROM schema_version WHERE version >= 18`,
		} {
			if _, err := storetest.Exec(t, st, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if n, err := st.Migrate(ctx); err != nil || n < 1 {
			t.Fatalf("migrate: %d, %v", n, err)
		}
		mustVerify(t, st)
		got, err := st.LedgerTransfersOf(ctx, []ledger.ID{acCitizen}, 10)
		if err != nil {
			t.Fatal(err)
		}
		// Batches in order; within one the migration can only order by id.
		ids := transferIDs(got)
		if len(ids) != len(want) || fmt.Sprint(sortedIDs(ids[:2])) != fmt.Sprint(sortedIDs(want[:2])) || ids[2] != want[2] ||
			fmt.Sprint(sortedIDs(ids[3:])) != fmt.Sprint(sortedIDs(want[3:])) {
			t.Errorf("history after migration %v; want %v", transferIDs(got), want)
		}
	})
}

func sortedIDs(ids []ledger.ID) []string {
	var s []string
	for _, id := range ids {
		s = append(s, id.String())
	}
	slices.Sort(s)
	return s
}
