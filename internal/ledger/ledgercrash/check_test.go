package ledgercrash

import (
	"context"
	"fmt"

	"github.com/ortaq/ortaq/internal/ledger"
	"github.com/ortaq/ortaq/internal/store"
)

// The checker: what the stored ledger must be after the workload, from the
// plan and plain bookkeeping. It does not use ledger.Book: a bug there
// must not hide itself. Where the outcome depends on timing (which spends
// of a shared voucher won, whether a race's post beat its expiry) it reads
// what happened and checks that it is one of the allowed outcomes, then
// books it.

// sums are an account's four running sums.
type sums struct{ DebitsPending, DebitsPosted, CreditsPending, CreditsPosted int64 }

// checked is what the checker counted.
type checked struct {
	Planned  int // transfers in the plan
	Stored   int // of which stored
	Refused  int // planned to be refused, and found absent
	Spends   int // spends of shared vouchers that succeeded
	RacesWon int // races posted before they expired
}

// check compares the stored ledger with the plan and returns what it
// counted and every problem found.
func check(ctx context.Context, st *store.Store, p *plan) (checked, []string, error) {
	var c checked
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	all := p.transfers()
	byID := make(map[ledger.ID]*planned, len(all))
	ids := make([]ledger.ID, 0, len(all))
	for _, t := range all {
		if byID[t.ID] != nil {
			return c, nil, fmt.Errorf("plan: transfer id %s twice", t.ID)
		}
		byID[t.ID] = t
		ids = append(ids, t.ID)
	}
	c.Planned = len(all)
	stored, err := st.LedgerTransfers(ctx, ids)
	if err != nil {
		return c, nil, err
	}
	got := make(map[ledger.ID]ledger.Transfer, len(stored))
	for _, t := range stored {
		got[t.ID] = t
	}
	c.Stored = len(got)

	model := map[ledger.ID]*sums{}
	for _, a := range p.Accounts {
		model[a.ID] = &sums{}
	}
	spent := map[ledger.ID]int64{}
	spends := map[ledger.ID]int{}
	// posted names the pending transfers whose post is stored.
	posted := map[ledger.ID]bool{}
	for _, t := range all {
		s, ok := got[t.ID]
		if !ok || !(t.Flags.Has(ledger.PostPending) || t.Flags.Has(ledger.VoidPending)) {
			continue
		}
		posted[t.PendingID] = posted[t.PendingID] || t.Flags.Has(ledger.PostPending)
		// A post or void is decided after its pending transfer, and
		// before it expires.
		if p, ok := got[t.PendingID]; ok {
			if s.Timestamp.Before(p.Timestamp) {
				bad("post or void %s at %v, before its pending transfer at %v", t.ID, s.Timestamp, p.Timestamp)
			}
			if e := p.ExpiresAt(); !e.IsZero() && !s.Timestamp.Before(e) {
				bad("post or void %s at %v, after its pending transfer expired at %v", t.ID, s.Timestamp, e)
			}
		}
	}
	for _, t := range all {
		s, ok := got[t.ID]
		switch t.Expect {
		case applied:
			if !ok {
				// Booked all the same, as planned: the model says what
				// must be, so the sums it touched are reported too.
				bad("transfer %s (%s) planned to succeed is missing", t.ID, t.UserData)
				s, s.State = storedForm(t, byID), t.Fate
			}
		case refused:
			if ok {
				bad("transfer %s (%s) planned to be refused (%v) is stored", t.ID, t.UserData, t.Fail)
			} else {
				c.Refused++
			}
			continue
		case spend:
			if !ok {
				continue
			}
			spent[t.DebitAccount] += t.Amount
			spends[t.DebitAccount]++
			c.Spends++
		case racePost:
			pending := got[t.PendingID]
			if ok != (pending.State == ledger.StatePosted) {
				bad("race post %s stored %v, its pending transfer %s", t.ID, ok, pending.State)
			}
			if !ok {
				continue
			}
			c.RacesWon++
		}
		want := storedForm(t, byID)
		if d := differ(want, s); d != "" {
			bad("transfer %s (%s): %s", t.ID, t.UserData, d)
		}
		// Book it.
		dr, cr := model[want.DebitAccount], model[want.CreditAccount]
		if dr == nil || cr == nil {
			bad("transfer %s names an account outside the plan", t.ID)
			continue
		}
		switch {
		case t.Flags.Has(ledger.Pending):
			if !fateAllowed(t, s.State) {
				bad("pending transfer %s (%s) ended %s, planned %s", t.ID, t.UserData, s.State, t.Fate)
			}
			if s.State == ledger.StatePosted && !posted[t.ID] {
				bad("pending transfer %s is posted but no planned post is stored", t.ID)
			}
			if s.State == ledger.StatePending {
				dr.DebitsPending += t.Amount
				cr.CreditsPending += t.Amount
			}
		case t.Flags.Has(ledger.VoidPending):
		default: // a plain transfer or a post
			dr.DebitsPosted += want.Amount
			cr.CreditsPosted += want.Amount
		}
	}

	// Balances.
	ids = ids[:0]
	for _, a := range p.Accounts {
		ids = append(ids, a.ID)
	}
	accounts, err := st.LedgerAccounts(ctx, ids)
	if err != nil {
		return c, nil, err
	}
	if len(accounts) != len(p.Accounts) {
		bad("%d accounts stored, %d planned", len(accounts), len(p.Accounts))
	}
	for _, a := range accounts {
		m := model[a.ID]
		if got := (sums{a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted}); got != *m {
			bad("account %s (%s): sums %+v, model %+v", a.ID, a.UserData, got, *m)
		}
		if !p.Funding[a.ID] && a.DebitsPending+a.DebitsPosted > a.CreditsPosted {
			bad("account %s (%s) overdrawn: debits %d, credits %d", a.ID, a.UserData, a.DebitsPending+a.DebitsPosted, a.CreditsPosted)
		}
	}

	// Shared vouchers: never more than they held; an equal one exactly
	// spent, since it was asked for more units than it held.
	for _, v := range p.Vouchers {
		if spent[v.ID] > v.Funded {
			bad("voucher %s gave %d of the %d it held", v.ID, spent[v.ID], v.Funded)
		}
		if v.Unit > 0 && (spends[v.ID] != equalUnits || spent[v.ID] != v.Funded) {
			bad("equal voucher %s: %d spends of %d, %d tiyn; want %d spends, all %d", v.ID, spends[v.ID], v.Unit,
				spent[v.ID], equalUnits, v.Funded)
		}
	}

	ds, err := st.VerifyLedger(ctx)
	if err != nil {
		return c, nil, err
	}
	for _, d := range ds {
		bad("verify: %v", d)
	}
	return c, problems, nil
}

// storedForm is planned transfer t as the ledger stores it: a post or void
// takes its accounts, ledger and (if not given) code from the pending
// transfer, and a void its amount.
func storedForm(t *planned, byID map[ledger.ID]*planned) ledger.Transfer {
	w := t.Transfer
	if !t.Flags.Has(ledger.PostPending) && !t.Flags.Has(ledger.VoidPending) {
		return w
	}
	p := byID[t.PendingID]
	if p == nil {
		return w
	}
	w.DebitAccount, w.CreditAccount, w.Ledger = p.DebitAccount, p.CreditAccount, p.Ledger
	if w.Code == 0 {
		w.Code = p.Code
	}
	if t.Flags.Has(ledger.VoidPending) {
		w.Amount = p.Amount
	}
	return w
}

// differ names the client's fields in which stored s differs from w.
func differ(w, s ledger.Transfer) string {
	var d string
	f := func(name string, a, b any) {
		if a != b {
			d += fmt.Sprintf("%s %v, planned %v; ", name, b, a)
		}
	}
	f("debit account", w.DebitAccount, s.DebitAccount)
	f("credit account", w.CreditAccount, s.CreditAccount)
	f("amount", w.Amount, s.Amount)
	f("pending id", w.PendingID, s.PendingID)
	f("ledger", w.Ledger, s.Ledger)
	f("code", w.Code, s.Code)
	f("flags", w.Flags, s.Flags)
	f("timeout", w.Timeout, s.Timeout)
	f("user data", w.UserData, s.UserData)
	return d
}

// fateAllowed reports whether a pending transfer planned as t may end in
// state s: as planned, or, for a race, expired.
func fateAllowed(t *planned, s ledger.PendingState) bool {
	return s == t.Fate || (t.Race && s == ledger.StateExpired)
}
