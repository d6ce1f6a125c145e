-- An account's history becomes a chain instead of two index entries per
-- transfer, which were half of the ledger writer's work: each transfer
-- names the transfer before it on its debit account (debit_prev) and on
-- its credit account (credit_prev), the zero id when it is the first, and
-- each account its latest transfer. The account row is rewritten by every
-- batch that moves its sums anyway, and the pointers are written in the
-- same transaction as the transfer, so the chains cannot disagree with
-- the transfers (ledger verify checks them).
ALTER TABLE ledger_accounts ADD COLUMN latest BLOB NOT NULL DEFAULT x'00000000000000000000000000000000';
ALTER TABLE ledger_transfers ADD COLUMN debit_prev BLOB NOT NULL DEFAULT x'00000000000000000000000000000000';
ALTER TABLE ledger_transfers ADD COLUMN credit_prev BLOB NOT NULL DEFAULT x'00000000000000000000000000000000';

-- Chain the transfers stored before, in batch order.
CREATE TEMP TABLE ledger_chain AS
SELECT id, side, account,
    LAG(id) OVER (PARTITION BY account ORDER BY batch, at_us, id) AS prev,
    ROW_NUMBER() OVER (PARTITION BY account ORDER BY batch DESC, at_us DESC, id DESC) AS nth
FROM (SELECT id, 'd' AS side, debit_account AS account, batch, at_us FROM ledger_transfers
      UNION ALL
      SELECT id, 'c', credit_account, batch, at_us FROM ledger_transfers);
CREATE INDEX temp.ledger_chain_id ON ledger_chain (id, side);
CREATE INDEX temp.ledger_chain_account ON ledger_chain (account, nth);
UPDATE ledger_transfers SET
    debit_prev = COALESCE((SELECT prev FROM ledger_chain c WHERE c.id = ledger_transfers.id AND c.side = 'd'), debit_prev),
    credit_prev = COALESCE((SELECT prev FROM ledger_chain c WHERE c.id = ledger_transfers.id AND c.side = 'c'), credit_prev);
UPDATE ledger_accounts SET
    latest = COALESCE((SELECT id FROM ledger_chain c WHERE c.account = ledger_accounts.id AND c.nth = 1), latest);
DROP TABLE ledger_chain;

DROP INDEX ledger_transfers_debit;
DROP INDEX ledger_transfers_credit;
