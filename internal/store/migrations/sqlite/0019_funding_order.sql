-- Funding walks the confirmed offers in the order of their recipients'
-- IINs (store.FundingPage), the order of the recipients' cash accounts in
-- the ledger, so that a page of offers rewrites a few pages of accounts
-- instead of one page per recipient. Leading with the status keeps the
-- planner on this index rather than benefit_offers_status for the
-- confirmed offers, whatever the statistics.
CREATE INDEX benefit_offers_status_recipient ON benefit_offers (status, recipient_iin, id);
