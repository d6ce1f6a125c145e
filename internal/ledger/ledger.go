// Package ledger is the Social Wallet's double-entry ledger, after
// TigerBeetle: accounts, immutable transfers between them, and the rules a
// batch of transfers obeys. It holds the domain types and the pure engine
// (Book.Apply) that decides each transfer's result; internal/store keeps
// accounts and transfers in SQL and runs the engine inside one transaction.
//
// Contracts that MUST hold, whatever the client sends and in whatever order:
//
//   - Money is int64 tiyn (1 tenge = 100 tiyn), never a float. Benefit
//     amounts in whole tenge are multiplied by 100 when funding.
//   - Every account belongs to exactly one Ledger, an earmarked category
//     (food, school meals, medicine, rehabilitation, utilities, cash). A
//     transfer names its ledger and both its accounts must be on it: money
//     never crosses categories, so earmarking is an invariant of the
//     ledger, not a check in a handler.
//   - Accounts are never deleted; their fields other than the four running
//     sums never change.
//   - Transfers are immutable. Only the fate of a pending transfer (pending,
//     posted, voided, expired) is recorded once, when it is decided.
//   - Each transfer has a client-chosen ID. A retry with the same ID and the
//     same fields returns ResultExists and changes nothing; with other
//     fields it returns ResultExistsWithDifferentFields. A retry is always
//     harmless.
//   - An account without DebitsMayExceedCredits never has debits_pending +
//     debits_posted greater than credits_posted: no overdraft, whatever
//     the concurrency. Only funding accounts carry that flag.
//   - Each transfer adds its amount to one debit sum and one credit sum, so
//     on every ledger the sum of debits equals the sum of credits, posted
//     and pending alike.
//   - The four sums of an account always equal those recomputed from its
//     transfers (Verify): they are updated in the transaction that stores
//     the transfer.
//   - A batch is applied in order in one transaction; each transfer gets its
//     own Result. Transfers flagged Linked form a chain with the transfers
//     after them up to the first that is not Linked: the chain succeeds or
//     fails as a whole.
//   - A pending transfer reserves its amount (debits_pending,
//     credits_pending) until it is posted (the amount posted may be
//     smaller, never larger), voided, or expires at Timestamp+Timeout; each
//     of these happens at most once.
package ledger

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// ID identifies an account or a transfer: 128 bits chosen by the client.
// The zero ID is invalid.
type ID [16]byte

// NewID returns a new ID that sorts after the IDs this process made
// before: 48 bits of Unix milliseconds, then 80 random bits (a ULID).
// Ordered IDs append to the ends of the stores' primary-key B-trees instead
// of touching a random page per transfer, which matters for throughput;
// IDOf's hashed IDs are for retries after a crash, not for bulk.
func NewID() ID {
	var id ID
	ms := uint64(time.Now().UnixMilli())
	for i := 0; i < 6; i++ {
		id[i] = byte(ms >> (40 - 8*i))
	}
	rand.Read(id[6:])
	return id
}

// IDOf derives an ID from a natural key (for example
// "payout:decision:123:2026-03"), so that a client that retries after a
// crash finds the same ID without having remembered it.
func IDOf(key string) ID {
	sum := sha256.Sum256([]byte(key))
	var id ID
	copy(id[:], sum[:16])
	return id
}

// OrderedIDOf derives an ID from a natural key as IDOf does, but puts
// order, big-endian, in its first eight bytes: ids of nearby order sort
// together. A client that writes many accounts or transfers in order (a
// month's payouts, decision after decision) then appends to the store's
// B-trees instead of scattering over them: with a million households
// each scattered write touched a page of its own. The other eight bytes
// are the key's SHA-256, so ids of one order differ by key.
func OrderedIDOf(order uint64, key string) ID {
	sum := sha256.Sum256([]byte(key))
	var id ID
	binary.BigEndian.PutUint64(id[:8], order)
	copy(id[8:], sum[:8])
	return id
}

// ParseID reads the 32 hexadecimal digits String writes.
func ParseID(s string) (ID, error) {
	var id ID
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(id) {
		return ID{}, fmt.Errorf("ledger id %q: want 32 hexadecimal digits", s)
	}
	copy(id[:], b)
	return id, nil
}

func (id ID) String() string { return hex.EncodeToString(id[:]) }

// IsZero reports whether id is the zero ID.
func (id ID) IsZero() bool { return id == ID{} }

// Ledger is an earmarked category. Money never moves between ledgers.
type Ledger uint16

// The ledgers. Their numbers are stored: never renumber them.
const (
	Food           Ledger = 1
	SchoolMeals    Ledger = 2
	Medicine       Ledger = 3
	Rehabilitation Ledger = 4
	Utilities      Ledger = 5
	Cash           Ledger = 6
)

var ledgerNames = map[Ledger]string{
	Food: "food", SchoolMeals: "school_meals", Medicine: "medicine",
	Rehabilitation: "rehabilitation", Utilities: "utilities", Cash: "cash",
}

// Ledgers lists the ledgers in order.
func Ledgers() []Ledger {
	return []Ledger{Food, SchoolMeals, Medicine, Rehabilitation, Utilities, Cash}
}

// Valid reports whether l is one of the ledgers.
func (l Ledger) Valid() bool { _, ok := ledgerNames[l]; return ok }

func (l Ledger) String() string {
	if n, ok := ledgerNames[l]; ok {
		return n
	}
	return fmt.Sprintf("ledger(%d)", uint16(l))
}

// ParseLedger reads a ledger's name.
func ParseLedger(s string) (Ledger, error) {
	for l, n := range ledgerNames {
		if n == s {
			return l, nil
		}
	}
	return 0, fmt.Errorf("unknown ledger %q", s)
}

// AccountFlags qualify an account.
type AccountFlags uint16

const (
	// DebitsMayExceedCredits lets the account's balance go negative. Only
	// funding accounts (budget lines) carry it: money enters a ledger by
	// debiting them.
	DebitsMayExceedCredits AccountFlags = 1 << iota

	accountFlagsKnown = DebitsMayExceedCredits
)

// Account is a ledger account. ID, Ledger, Code, Flags and UserData are the
// client's and never change; the four sums are the ledger's.
type Account struct {
	ID     ID
	Ledger Ledger
	// Code is the kind of account, chosen by the client (funding, programme,
	// citizen, merchant…); the ledger does not interpret it.
	Code  uint16
	Flags AccountFlags
	// UserData links the account to its owner (an IIN, a merchant, a
	// programme); the ledger does not interpret it.
	UserData string

	DebitsPending, DebitsPosted   int64
	CreditsPending, CreditsPosted int64
	// Created is set by the ledger.
	Created time.Time
	// Latest is the last transfer that debits or credits the account, set
	// by the store: each stored transfer names the one before it on each
	// of its two accounts, so an account's history is a chain from here.
	Latest ID
}

// Balance is what the account holds: credits posted minus debits posted.
func (a Account) Balance() int64 { return a.CreditsPosted - a.DebitsPosted }

// Available is what the account may still spend: its balance less what
// pending debits reserve.
func (a Account) Available() int64 { return a.CreditsPosted - a.DebitsPosted - a.DebitsPending }

// TransferFlags qualify a transfer. Pending, PostPending and VoidPending
// exclude each other.
type TransferFlags uint16

const (
	// Linked chains the transfer to the next one in the batch: they succeed
	// or fail together.
	Linked TransferFlags = 1 << iota
	// Pending reserves the amount instead of moving it.
	Pending
	// PostPending moves (part of) the amount PendingID reserved.
	PostPending
	// VoidPending releases what PendingID reserved.
	VoidPending

	transferFlagsKnown = Linked | Pending | PostPending | VoidPending
)

// Has reports whether all of g are set in f.
func (f TransferFlags) Has(g TransferFlags) bool { return f&g == g }

// PendingState is the fate of a pending transfer.
type PendingState uint8

const (
	// NotPending: the transfer is not a pending one.
	NotPending PendingState = iota
	StatePending
	StatePosted
	StateVoided
	StateExpired
)

var stateNames = [...]string{"", "pending", "posted", "voided", "expired"}

func (s PendingState) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// ParseState reads what String writes.
func ParseState(s string) (PendingState, error) {
	for i, n := range stateNames {
		if n == s {
			return PendingState(i), nil
		}
	}
	return 0, fmt.Errorf("unknown pending state %q", s)
}

// Transfer moves Amount from DebitAccount to CreditAccount on Ledger.
//
// For PostPending and VoidPending, PendingID names the pending transfer;
// DebitAccount, CreditAccount, Ledger and Code may be left zero (they are
// taken from it) or must equal its own. A post's Amount must be positive and
// at most the pending amount; a void's Amount must be zero or the pending
// amount, and is stored as the pending amount.
type Transfer struct {
	ID            ID
	DebitAccount  ID
	CreditAccount ID
	Amount        int64 // tiyn
	PendingID     ID
	Ledger        Ledger
	// Code is the kind of transfer (payout, purchase, refund, expiry…),
	// chosen by the client.
	Code  uint16
	Flags TransferFlags
	// Timeout, for a pending transfer, is how long it may stay pending
	// (zero: until posted or voided). It is kept in whole microseconds:
	// Apply truncates it, so a retry with the same value matches.
	Timeout time.Duration
	// UserData traces the transfer to its cause (a decision, a purchase).
	UserData string

	// Set by the ledger.
	Timestamp time.Time
	State     PendingState
}

// ExpiresAt is when a pending transfer with a timeout expires; zero
// otherwise.
func (t Transfer) ExpiresAt() time.Time {
	if !t.Flags.Has(Pending) || t.Timeout == 0 {
		return time.Time{}
	}
	return t.Timestamp.Add(t.Timeout)
}

// Result is what became of one account or transfer of a batch.
type Result uint8

// Results, in the order the engine checks them.
const (
	ResultOK Result = iota
	ResultLinkedEventFailed
	ResultLinkedEventChainOpen
	ResultIDMustNotBeZero
	ResultFlagsAreMutuallyExclusive
	ResultUnknownFlags
	ResultExists
	ResultExistsWithDifferentFields
	ResultLedgerInvalid
	ResultPendingIDMustBeZero
	ResultPendingIDMustNotBeZero
	ResultPendingIDMustBeDifferent
	ResultTimeoutReservedForPendingTransfer
	ResultDebitAccountIDMustNotBeZero
	ResultCreditAccountIDMustNotBeZero
	ResultAccountsMustDiffer
	ResultAmountMustBePositive
	ResultDebitAccountNotFound
	ResultCreditAccountNotFound
	ResultLedgerMismatch
	ResultPendingTransferNotFound
	ResultPendingTransferNotPending
	ResultPendingTransferHasDifferentFields
	ResultPendingTransferAlreadyPosted
	ResultPendingTransferAlreadyVoided
	ResultPendingTransferExpired
	ResultExceedsPendingTransferAmount
	ResultOverflows
	ResultExceedsCredits
	ResultBalancesMustBeZero
)

var resultNames = [...]string{
	"ok", "linked_event_failed", "linked_event_chain_open", "id_must_not_be_zero",
	"flags_are_mutually_exclusive", "unknown_flags", "exists", "exists_with_different_fields",
	"ledger_invalid", "pending_id_must_be_zero", "pending_id_must_not_be_zero",
	"pending_id_must_be_different", "timeout_reserved_for_pending_transfer",
	"debit_account_id_must_not_be_zero", "credit_account_id_must_not_be_zero",
	"accounts_must_differ", "amount_must_be_positive", "debit_account_not_found",
	"credit_account_not_found", "ledger_mismatch", "pending_transfer_not_found",
	"pending_transfer_not_pending", "pending_transfer_has_different_fields",
	"pending_transfer_already_posted", "pending_transfer_already_voided",
	"pending_transfer_expired", "exceeds_pending_transfer_amount", "overflows",
	"exceeds_credits", "balances_must_be_zero",
}

func (r Result) String() string {
	if int(r) < len(resultNames) {
		return resultNames[r]
	}
	return fmt.Sprintf("result(%d)", uint8(r))
}

// Applied reports whether the transfer or account is in the ledger after the
// batch: created now (ResultOK) or before (ResultExists).
func (r Result) Applied() bool { return r == ResultOK || r == ResultExists }

// Discrepancy is one way the stored ledger breaks its contracts, found by
// Verify.
type Discrepancy struct {
	// Kind: "balance" (a stored sum differs from the transfers'),
	// "ledger_unbalanced" (debits ≠ credits on a ledger), "overdraft"
	// (debits exceed credits without DebitsMayExceedCredits),
	// "cross_ledger" (a transfer between or onto other ledgers),
	// "pending_fate" (a pending transfer's state disagrees with its post
	// or void, or a post or void names no pending transfer, or its fate
	// and the batch that decided it disagree), "untraceable" (a credit to
	// an account other than a funding one with no UserData, nor its
	// pending transfer's), "expiry" (a stored expiry time that is not
	// Timestamp+Timeout), "batch_digest" (a batch's transfers and fates
	// no longer make its stored digest), "batch_missing" (transfers of a
	// batch that is not stored, or a gap in the batches' numbers),
	// "history_chain" (an account's chain of transfers, which its history
	// is read from, is broken, branches, or misses transfers), and
	// from the transfer log (internal/ledgerlog) "log_mismatch",
	// "log_missing", "log_duplicate".
	Kind     string
	Ledger   Ledger // zero unless about one ledger
	Account  ID     // zero unless about one account
	Transfer ID     // zero unless about one transfer
	Batch    uint64 // zero unless about one batch
	// Field names the sum that differs ("debits_posted"…); Stored and
	// Computed are its two values.
	Field            string
	Stored, Computed int64
}

func (d Discrepancy) String() string {
	s := d.Kind
	if d.Ledger != 0 {
		s += " on " + d.Ledger.String()
	}
	if d.Batch != 0 {
		s += fmt.Sprintf(" batch %d", d.Batch)
	}
	if !d.Account.IsZero() {
		s += " account " + d.Account.String()
	}
	if !d.Transfer.IsZero() {
		s += " transfer " + d.Transfer.String()
	}
	switch {
	case d.Field != "" && d.Stored == 0 && d.Computed == 0:
		s += ": " + d.Field
	case d.Field != "":
		s += fmt.Sprintf(": %s stored %d, computed %d", d.Field, d.Stored, d.Computed)
	}
	return s
}
