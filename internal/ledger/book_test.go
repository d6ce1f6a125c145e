package ledger

import (
	"fmt"
	"testing"
	"time"
)

func testBook() (*Book, ID, ID, ID) {
	b := NewBook(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	fund, cit, shop := IDOf("fund"), IDOf("citizen"), IDOf("shop")
	b.Accounts[fund] = &Account{ID: fund, Ledger: Food, Flags: DebitsMayExceedCredits}
	b.Accounts[cit] = &Account{ID: cit, Ledger: Food}
	b.Accounts[shop] = &Account{ID: shop, Ledger: Food}
	return b, fund, cit, shop
}

// A failed chain undoes pending transfers it created and the fates it
// decided, not only the sums.
func TestChainUndoesPendingFates(t *testing.T) {
	b, fund, cit, shop := testBook()
	rs := b.Apply([]Transfer{
		{ID: IDOf("pay"), DebitAccount: fund, CreditAccount: cit, Amount: 100, Ledger: Food},
		{ID: IDOf("hold"), DebitAccount: cit, CreditAccount: shop, Amount: 60, Ledger: Food, Flags: Pending},
	})
	if fmt.Sprint(rs) != "[ok ok]" {
		t.Fatal(rs)
	}
	before := *b.Accounts[cit]
	created, resolved := len(b.Created), len(b.Resolved)
	rs = b.Apply([]Transfer{
		{ID: IDOf("post"), PendingID: IDOf("hold"), Amount: 60, Flags: PostPending | Linked},
		{ID: IDOf("hold2"), DebitAccount: cit, CreditAccount: shop, Amount: 30, Ledger: Food, Flags: Pending | Linked},
		{ID: IDOf("post2"), PendingID: IDOf("hold2"), Amount: 30, Flags: PostPending | Linked},
		{ID: IDOf("over"), DebitAccount: cit, CreditAccount: shop, Amount: 11, Ledger: Food},
	})
	if fmt.Sprint(rs) != "[linked_event_failed linked_event_failed linked_event_failed exceeds_credits]" {
		t.Fatal(rs)
	}
	if *b.Accounts[cit] != before {
		t.Errorf("citizen %+v, want %+v", *b.Accounts[cit], before)
	}
	if b.Transfers[IDOf("hold")].State != StatePending {
		t.Errorf("hold is %v after the chain failed", b.Transfers[IDOf("hold")].State)
	}
	if b.Transfers[IDOf("hold2")] != nil || b.Transfers[IDOf("post")] != nil || len(b.Created) != created || len(b.Resolved) != resolved {
		t.Errorf("the failed chain left transfers: %d created, %d resolved", len(b.Created), len(b.Resolved))
	}
	// Without the overdraft the same chain holds.
	rs = b.Apply([]Transfer{
		{ID: IDOf("post"), PendingID: IDOf("hold"), Amount: 60, Flags: PostPending | Linked},
		{ID: IDOf("hold2"), DebitAccount: cit, CreditAccount: shop, Amount: 30, Ledger: Food, Flags: Pending | Linked},
		{ID: IDOf("post2"), PendingID: IDOf("hold2"), Amount: 30, Flags: PostPending},
	})
	if fmt.Sprint(rs) != "[ok ok ok]" {
		t.Fatal(rs)
	}
	if c := b.Accounts[cit]; c.DebitsPosted != 90 || c.DebitsPending != 0 || c.Available() != 10 {
		t.Errorf("citizen %+v", *c)
	}
}

func TestIDs(t *testing.T) {
	a, b := NewID(), NewID()
	if a == b || a.IsZero() {
		t.Errorf("NewID gave %s and %s", a, b)
	}
	p, err := ParseID(a.String())
	if err != nil || p != a {
		t.Errorf("ParseID(%s) = %s, %v", a, p, err)
	}
	if IDOf("x") != IDOf("x") || IDOf("x") == IDOf("y") {
		t.Error("IDOf is not a function of its key")
	}
	for _, l := range Ledgers() {
		if p, err := ParseLedger(l.String()); err != nil || p != l {
			t.Errorf("ParseLedger(%s) = %v, %v", l, p, err)
		}
	}
}
