-- An account's history becomes a chain instead of two index entries per
-- transfer, which were half of the ledger writer's work: each transfer
-- names the transfer before it on its debit account (debit_prev) and on
-- its credit account (credit_prev), the zero id when it is the first, and
-- each account its latest transfer. The account row is rewritten by every
-- batch that moves its sums anyway, and the pointers are written in the
-- same transaction as the transfer, so the chains cannot disagree with
-- the transfers (ledger verify checks them).
ALTER TABLE ledger_accounts ADD COLUMN latest BYTEA NOT NULL DEFAULT '\x00000000000000000000000000000000';
ALTER TABLE ledger_transfers ADD COLUMN debit_prev BYTEA NOT NULL DEFAULT '\x00000000000000000000000000000000';
ALTER TABLE ledger_transfers ADD COLUMN credit_prev BYTEA NOT NULL DEFAULT '\x00000000000000000000000000000000';

-- Chain the transfers stored before, in batch order.
CREATE TEMP TABLE ledger_chain ON COMMIT DROP AS
SELECT id, side, account,
    LAG(id) OVER (PARTITION BY account ORDER BY batch, at_us, id) AS prev,
    ROW_NUMBER() OVER (PARTITION BY account ORDER BY batch DESC, at_us DESC, id DESC) AS nth
FROM (SELECT id, 'd' AS side, debit_account AS account, batch, at_us FROM ledger_transfers
      UNION ALL
      SELECT id, 'c', credit_account, batch, at_us FROM ledger_transfers) s;
UPDATE ledger_transfers t SET debit_prev = c.prev FROM ledger_chain c
    WHERE c.id = t.id AND c.side = 'd' AND c.prev IS NOT NULL;
UPDATE ledger_transfers t SET credit_prev = c.prev FROM ledger_chain c
    WHERE c.id = t.id AND c.side = 'c' AND c.prev IS NOT NULL;
UPDATE ledger_accounts a SET latest = c.id FROM ledger_chain c
    WHERE c.account = a.id AND c.nth = 1;

DROP INDEX ledger_transfers_debit;
DROP INDEX ledger_transfers_credit;
