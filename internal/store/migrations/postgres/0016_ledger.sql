-- The Social Wallet's double-entry ledger (internal/ledger): accounts on
-- earmarked ledgers and the immutable transfers between them. Ids are the
-- client's 16-byte ids. Amounts are int64 tiyn. Times are int64
-- microseconds since the Unix epoch (UTC), cheap to write in bulk and to
-- compare for expiry. No foreign keys: the ledger's writer checks every
-- reference inside its transaction, and per-row checks halve bulk writes
-- (see 0001).

-- ledger_accounts are never deleted. The four sums are running totals of
-- the account's transfers, updated in the transaction that stores them.
CREATE TABLE ledger_accounts (
    id              BYTEA PRIMARY KEY,
    ledger          BIGINT NOT NULL,
    code            BIGINT NOT NULL,
    flags           BIGINT NOT NULL,
    user_data       TEXT NOT NULL,
    debits_pending  BIGINT NOT NULL,
    debits_posted   BIGINT NOT NULL,
    credits_pending BIGINT NOT NULL,
    credits_posted  BIGINT NOT NULL,
    created_us      BIGINT NOT NULL
) WITH (fillfactor = 50);
-- Half-full pages leave each row room to be rewritten in place (a HOT
-- update): every batch rewrites its accounts' sums, and an update that
-- must move the row also inserts into the primary key.

-- ledger_transfers are immutable but for state, the fate of a pending
-- transfer ('pending', then 'posted', 'voided' or 'expired'; '' for the
-- others), recorded once. expires_us is set on pending transfers with a
-- timeout, 0 otherwise; pending_id is the zero id (16 zero bytes) unless
-- the transfer posts or voids one. batch is the ledger_batches.seq that
-- created the transfer, fate_batch the one that decided its fate (0 while
-- it is pending, and for transfers that are not pending ones).
CREATE TABLE ledger_transfers (
    id             BYTEA PRIMARY KEY,
    debit_account  BYTEA NOT NULL,
    credit_account BYTEA NOT NULL,
    amount         BIGINT NOT NULL,
    pending_id     BYTEA NOT NULL,
    ledger         BIGINT NOT NULL,
    code           BIGINT NOT NULL,
    flags          BIGINT NOT NULL,
    timeout_us     BIGINT NOT NULL,
    user_data      TEXT NOT NULL,
    at_us          BIGINT NOT NULL,
    expires_us     BIGINT NOT NULL,
    batch          BIGINT NOT NULL,
    fate_batch     BIGINT NOT NULL,
    state          TEXT COLLATE "C" NOT NULL
);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account, at_us);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account, at_us);
CREATE INDEX ledger_transfers_expiry ON ledger_transfers (expires_us) WHERE state = 'pending';

-- ledger_batches numbers the ledger's committed transactions from 1, in
-- commit order, without gaps (one writer at a time), each with the digest
-- (ledger.BatchDigest) of the transfers it created and the fates it
-- decided. The transfer log (internal/ledgerlog) appends one audit record
-- per batch, so that rows rewritten later no longer match the audit log.
CREATE TABLE ledger_batches (
    seq       BIGINT PRIMARY KEY,
    at_us     BIGINT NOT NULL,
    transfers BIGINT NOT NULL,
    fates     BIGINT NOT NULL,
    digest    BYTEA NOT NULL
);
-- The transfer log finds the last batch it logged from its latest record.
CREATE INDEX audit_records_ledger ON audit_records (idx) WHERE kind = 'ledger';
