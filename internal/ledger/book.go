package ledger

import (
	"math"
	"time"
)

// Book is the part of the ledger one batch reads and writes, loaded by the
// store inside the batch's transaction: the accounts the batch names, and
// the stored transfers whose IDs it names (its own IDs and its PendingIDs).
// Apply decides each transfer against it and records what the store must
// write back: Created transfers, Dirty accounts and Resolved pending
// transfers.
//
// Contract: the store must hold the accounts (locked, or the one writer)
// from loading until commit, and must write back everything Apply recorded
// or nothing.
type Book struct {
	Now       time.Time
	Accounts  map[ID]*Account
	Transfers map[ID]*Transfer

	Created  []*Transfer
	Dirty    map[ID]bool
	Resolved []ID // pending transfers whose State changed

	undo []func()
}

// NewBook returns an empty book for a batch applied at now.
func NewBook(now time.Time) *Book {
	return &Book{Now: now, Accounts: map[ID]*Account{}, Transfers: map[ID]*Transfer{}, Dirty: map[ID]bool{}}
}

// Apply decides the transfers of one batch in order and returns one Result
// each. A failed transfer changes nothing; a chain of Linked transfers
// changes nothing unless all of it succeeds, and its other members then get
// ResultLinkedEventFailed. A chain still open at the end of the batch fails
// with ResultLinkedEventChainOpen.
func (b *Book) Apply(ts []Transfer) []Result {
	rs := make([]Result, len(ts))
	for i := 0; i < len(ts); {
		// The chain from i ends at j, the first transfer not Linked.
		j := i
		for j < len(ts) && ts[j].Flags.Has(Linked) {
			j++
		}
		if j == len(ts) {
			for k := i; k < len(ts); k++ {
				rs[k] = ResultLinkedEventChainOpen
			}
			break
		}
		m := b.mark()
		for k := i; k <= j; k++ {
			rs[k] = b.apply(ts[k])
			if rs[k].Applied() {
				continue
			}
			b.rollback(m)
			for l := i; l <= j; l++ {
				if l != k {
					rs[l] = ResultLinkedEventFailed
				}
			}
			break
		}
		b.undo = b.undo[:0]
		i = j + 1
	}
	return rs
}

type mark struct{ created, resolved, undo int }

func (b *Book) mark() mark {
	return mark{created: len(b.Created), resolved: len(b.Resolved), undo: len(b.undo)}
}

func (b *Book) rollback(m mark) {
	for i := len(b.undo) - 1; i >= m.undo; i-- {
		b.undo[i]()
	}
	b.undo = b.undo[:m.undo]
	for _, t := range b.Created[m.created:] {
		delete(b.Transfers, t.ID)
	}
	b.Created = b.Created[:m.created]
	b.Resolved = b.Resolved[:m.resolved]
}

// save records how to restore a and p before they change.
func (b *Book) save(accts ...*Account) {
	for _, a := range accts {
		old, p := *a, a
		b.undo = append(b.undo, func() { *p = old })
	}
}

func (b *Book) apply(t Transfer) Result {
	t.Timeout = t.Timeout.Truncate(time.Microsecond)
	if t.Flags&^transferFlagsKnown != 0 {
		return ResultUnknownFlags
	}
	n := 0
	for _, f := range []TransferFlags{Pending, PostPending, VoidPending} {
		if t.Flags.Has(f) {
			n++
		}
	}
	if n > 1 {
		return ResultFlagsAreMutuallyExclusive
	}
	if t.ID.IsZero() {
		return ResultIDMustNotBeZero
	}
	if old, ok := b.Transfers[t.ID]; ok {
		if sameTransfer(old, &t) {
			return ResultExists
		}
		return ResultExistsWithDifferentFields
	}
	if t.Flags.Has(PostPending) || t.Flags.Has(VoidPending) {
		return b.resolve(t)
	}
	switch {
	case !t.PendingID.IsZero():
		return ResultPendingIDMustBeZero
	case t.Timeout != 0 && (!t.Flags.Has(Pending) || t.Timeout < 0):
		return ResultTimeoutReservedForPendingTransfer
	case t.DebitAccount.IsZero():
		return ResultDebitAccountIDMustNotBeZero
	case t.CreditAccount.IsZero():
		return ResultCreditAccountIDMustNotBeZero
	case t.DebitAccount == t.CreditAccount:
		return ResultAccountsMustDiffer
	case t.Amount <= 0:
		return ResultAmountMustBePositive
	case !t.Ledger.Valid():
		return ResultLedgerInvalid
	}
	dr, cr := b.Accounts[t.DebitAccount], b.Accounts[t.CreditAccount]
	switch {
	case dr == nil:
		return ResultDebitAccountNotFound
	case cr == nil:
		return ResultCreditAccountNotFound
	case dr.Ledger != t.Ledger || cr.Ledger != t.Ledger:
		return ResultLedgerMismatch
	}
	if t.Flags.Has(Pending) {
		if overflows(dr.DebitsPending, t.Amount, dr.DebitsPosted) || overflows(cr.CreditsPending, t.Amount, cr.CreditsPosted) {
			return ResultOverflows
		}
	} else if overflows(dr.DebitsPosted, t.Amount, dr.DebitsPending) || overflows(cr.CreditsPosted, t.Amount, cr.CreditsPending) {
		return ResultOverflows
	}
	if dr.Flags&DebitsMayExceedCredits == 0 && dr.DebitsPending+dr.DebitsPosted+t.Amount > dr.CreditsPosted {
		return ResultExceedsCredits
	}
	b.save(dr, cr)
	t.Timestamp = b.Now
	if t.Flags.Has(Pending) {
		dr.DebitsPending += t.Amount
		cr.CreditsPending += t.Amount
		t.State = StatePending
	} else {
		dr.DebitsPosted += t.Amount
		cr.CreditsPosted += t.Amount
		t.State = NotPending
	}
	b.create(t, dr, cr)
	return ResultOK
}

// resolve posts or voids a pending transfer.
func (b *Book) resolve(t Transfer) Result {
	switch {
	case t.PendingID.IsZero():
		return ResultPendingIDMustNotBeZero
	case t.PendingID == t.ID:
		return ResultPendingIDMustBeDifferent
	case t.Timeout != 0:
		return ResultTimeoutReservedForPendingTransfer
	}
	p := b.Transfers[t.PendingID]
	if p == nil {
		return ResultPendingTransferNotFound
	}
	if !p.Flags.Has(Pending) {
		return ResultPendingTransferNotPending
	}
	if !zeroOr(t.DebitAccount, p.DebitAccount) || !zeroOr(t.CreditAccount, p.CreditAccount) ||
		!zeroOr(t.Ledger, p.Ledger) || !zeroOr(t.Code, p.Code) {
		return ResultPendingTransferHasDifferentFields
	}
	switch p.State {
	case StatePosted:
		return ResultPendingTransferAlreadyPosted
	case StateVoided:
		return ResultPendingTransferAlreadyVoided
	case StateExpired:
		return ResultPendingTransferExpired
	}
	if e := p.ExpiresAt(); !e.IsZero() && !b.Now.Before(e) {
		return ResultPendingTransferExpired
	}
	post := t.Flags.Has(PostPending)
	if post {
		if t.Amount <= 0 {
			return ResultAmountMustBePositive
		}
		if t.Amount > p.Amount {
			return ResultExceedsPendingTransferAmount
		}
	} else if t.Amount != 0 && t.Amount != p.Amount {
		return ResultPendingTransferHasDifferentFields
	}
	dr, cr := b.Accounts[p.DebitAccount], b.Accounts[p.CreditAccount]
	if dr == nil {
		return ResultDebitAccountNotFound
	}
	if cr == nil {
		return ResultCreditAccountNotFound
	}
	b.save(dr, cr)
	old := p.State
	b.undo = append(b.undo, func() { p.State = old })
	dr.DebitsPending -= p.Amount
	cr.CreditsPending -= p.Amount
	t.DebitAccount, t.CreditAccount, t.Ledger = p.DebitAccount, p.CreditAccount, p.Ledger
	if t.Code == 0 {
		t.Code = p.Code
	}
	t.Timestamp = b.Now
	if post {
		dr.DebitsPosted += t.Amount
		cr.CreditsPosted += t.Amount
		p.State = StatePosted
	} else {
		t.Amount = p.Amount
		p.State = StateVoided
	}
	b.Resolved = append(b.Resolved, p.ID)
	b.create(t, dr, cr)
	return ResultOK
}

// Expire releases what pending transfer p reserves and marks it expired. The
// store calls it for pending transfers whose ExpiresAt has passed, with
// their accounts in the book. It reports whether p was still pending.
func (b *Book) Expire(p *Transfer) bool {
	if p.State != StatePending {
		return false
	}
	dr, cr := b.Accounts[p.DebitAccount], b.Accounts[p.CreditAccount]
	if dr == nil || cr == nil {
		return false
	}
	dr.DebitsPending -= p.Amount
	cr.CreditsPending -= p.Amount
	p.State = StateExpired
	b.Dirty[dr.ID], b.Dirty[cr.ID] = true, true
	b.Resolved = append(b.Resolved, p.ID)
	return true
}

func (b *Book) create(t Transfer, dr, cr *Account) {
	p := &t
	b.Created = append(b.Created, p)
	b.Transfers[t.ID] = p
	b.Dirty[dr.ID], b.Dirty[cr.ID] = true, true
}

// sameTransfer reports whether retry t carries the fields of stored old.
func sameTransfer(old, t *Transfer) bool {
	if t.Flags.Has(PostPending) || t.Flags.Has(VoidPending) {
		amount := t.Amount == old.Amount || (t.Flags.Has(VoidPending) && t.Amount == 0)
		return amount && old.Flags == t.Flags && old.PendingID == t.PendingID &&
			zeroOr(t.DebitAccount, old.DebitAccount) && zeroOr(t.CreditAccount, old.CreditAccount) &&
			zeroOr(t.Ledger, old.Ledger) && zeroOr(t.Code, old.Code) && old.UserData == t.UserData && t.Timeout == 0
	}
	return old.DebitAccount == t.DebitAccount && old.CreditAccount == t.CreditAccount &&
		old.Amount == t.Amount && old.PendingID == t.PendingID && old.Ledger == t.Ledger &&
		old.Code == t.Code && old.Flags == t.Flags && old.Timeout == t.Timeout && old.UserData == t.UserData
}

func zeroOr[T comparable](v, want T) bool {
	var zero T
	return v == zero || v == want
}

// overflows reports whether sum+amount, or sum+amount+other, exceeds int64.
func overflows(sum, amount, other int64) bool {
	if sum > math.MaxInt64-amount {
		return true
	}
	return other > math.MaxInt64-(sum+amount)
}

// SameAccount reports whether retry a carries the client's fields of stored
// old.
func SameAccount(old, a *Account) bool {
	return old.Ledger == a.Ledger && old.Code == a.Code && old.Flags == a.Flags && old.UserData == a.UserData
}

// CheckAccount returns the Result of creating a, before looking for an
// account with its ID.
func CheckAccount(a *Account) Result {
	switch {
	case a.ID.IsZero():
		return ResultIDMustNotBeZero
	case a.Flags&^accountFlagsKnown != 0:
		return ResultUnknownFlags
	case !a.Ledger.Valid():
		return ResultLedgerInvalid
	case a.DebitsPending != 0 || a.DebitsPosted != 0 || a.CreditsPending != 0 || a.CreditsPosted != 0:
		return ResultBalancesMustBeZero
	}
	return ResultOK
}
