package ledgercrash

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// Tests of the harness itself: the plan is a function of its seed, the
// workload run without kills meets every expectation, and the checker
// notices a ledger that lost or changed a transfer.

func TestPlanIsDeterministic(t *testing.T) {
	a, b := newPlan(7, 3, 200), newPlan(7, 3, 200)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two plans from one seed differ")
	}
	if reflect.DeepEqual(a.Clients, newPlan(8, 3, 200).Clients) {
		t.Fatal("plans from two seeds are equal")
	}
	kinds := map[string]int{}
	ids := map[ledger.ID]bool{}
	for _, tr := range a.transfers() {
		if ids[tr.ID] {
			t.Fatalf("transfer id %s twice", tr.ID)
		}
		ids[tr.ID] = true
		if tr.Flags.Has(ledger.Pending) && tr.Fate == ledger.NotPending {
			t.Errorf("pending transfer %s has no planned fate", tr.ID)
		}
	}
	for c, steps := range a.Clients {
		if len(steps) < 200 {
			t.Errorf("client %d: %d steps, want at least 200", c, len(steps))
		}
		for _, s := range steps {
			kinds[s.Kind]++
		}
	}
	for _, k := range []string{"fund", "bulk", "purchase", "chain", "badchain", "pending", "resolve", "expiring",
		"race", "racepost", "refund", "mixed", "spend"} {
		if kinds[k] == 0 {
			t.Errorf("no step of kind %s in %v", k, kinds)
		}
	}
}

// lines collects the workload's markers.
type lines struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lines) bad() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var bad []string
	for _, s := range strings.Split(l.b.String(), "\n") {
		if strings.HasPrefix(s, "@bad") || strings.HasPrefix(s, "@err") {
			bad = append(bad, s)
		}
	}
	return bad
}

// runInProcess runs a small workload to the end without kills.
func runInProcess(t *testing.T, st *store.Store, p *plan, dir string, replayAll bool) {
	t.Helper()
	var out lines
	if err := workload(context.Background(), st, p, dir, replayAll, &out); err != nil {
		t.Fatal(err)
	}
	for _, b := range out.bad() {
		t.Error(b)
	}
	if !strings.Contains(out.b.String(), "@done\n") {
		t.Fatal("the workload did not say @done")
	}
}

func TestWorkloadWithoutKills(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		p := newPlan(11, 3, 60)
		dir := t.TempDir()
		runInProcess(t, st, p, dir, false)
		// All over again from the start: every step a retry.
		runInProcess(t, st, p, dir, true)
		c, problems, err := check(context.Background(), st, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, pr := range problems {
			t.Error(pr)
		}
		if c.Stored == 0 || c.Refused == 0 || c.Spends == 0 {
			t.Errorf("counts %+v: the plan exercised too little", c)
		}
	})
}

func TestCheckFindsTampering(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		p := newPlan(12, 2, 30)
		runInProcess(t, st, p, t.TempDir(), false)
		var purchase, funding *planned
		for _, tr := range p.transfers() {
			switch {
			case purchase == nil && tr.Expect == applied && tr.UserData == "purchase" && tr.Flags == 0:
				purchase = tr
			case funding == nil && tr.Expect == applied && tr.UserData == "funding":
				funding = tr
			}
		}
		if purchase == nil || funding == nil {
			t.Fatal("no purchase or funding in the plan")
		}
		// A purchase lost with its sums, as a torn batch would; a funding
		// changed in place.
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM ledger_transfers WHERE id = ?`, []any{purchase.ID[:]}},
			{`UPDATE ledger_accounts SET debits_posted = debits_posted - ? WHERE id = ?`, []any{purchase.Amount, purchase.DebitAccount[:]}},
			{`UPDATE ledger_accounts SET credits_posted = credits_posted - ? WHERE id = ?`, []any{purchase.Amount, purchase.CreditAccount[:]}},
			{`UPDATE ledger_transfers SET amount = amount + 1 WHERE id = ?`, []any{funding.ID[:]}},
		} {
			if n, err := storetest.Exec(t, st, q.sql, q.args...); err != nil || n != 1 {
				t.Fatalf("%s: %d rows, %v", q.sql, n, err)
			}
		}
		_, problems, err := check(ctx, st, p)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(problems, "\n")
		for _, want := range []string{
			"transfer " + purchase.ID.String() + " (purchase) planned to succeed is missing",
			"account " + purchase.DebitAccount.String(),
			"transfer " + funding.ID.String() + " (funding): amount",
			"verify: balance",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("check did not report %q; it reported:\n%s", want, all)
			}
		}
	})
}
