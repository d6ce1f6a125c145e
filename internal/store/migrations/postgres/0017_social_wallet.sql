-- The Social Wallet's domain (internal/socialwallet) beside the ledger of
-- 0016: merchants, vouchers, payment codes, purchases, refunds and meals.
-- The money itself is only in the ledger; these tables name who, where
-- and why, for the citizen's wallet and the ministry's reports. Times are
-- int64 microseconds since the Unix epoch (UTC), as in 0016; amounts are
-- int64 tiyn.

-- social_merchants are business wallets registered on one category.
-- member/subsystem is the exchange client whose credential speaks for it.
CREATE TABLE social_merchants (
    id         TEXT COLLATE "C" PRIMARY KEY,
    bin        TEXT COLLATE "C" NOT NULL,
    name       TEXT NOT NULL,
    region     TEXT COLLATE "C" NOT NULL,
    category   BIGINT NOT NULL,
    owner_iin  TEXT COLLATE "C" NOT NULL,
    member     TEXT COLLATE "C" NOT NULL,
    subsystem  TEXT COLLATE "C" NOT NULL,
    created_us BIGINT NOT NULL
);
CREATE UNIQUE INDEX social_merchants_client ON social_merchants (member, subsystem) WHERE member <> '';

-- social_vouchers are the earmarked vouchers funding created, one ledger
-- account each (one per decision and month): whose, where, how much, until
-- when. state is 'active' until Expire moves what is left back to the
-- programme ('expired', returned = that amount).
CREATE TABLE social_vouchers (
    account     BYTEA PRIMARY KEY,
    decision_id BIGINT NOT NULL,
    month       TEXT COLLATE "C" NOT NULL,
    programme   TEXT COLLATE "C" NOT NULL,
    ledger      BIGINT NOT NULL,
    iin         TEXT COLLATE "C" NOT NULL,
    household   TEXT COLLATE "C" NOT NULL,
    region      TEXT COLLATE "C" NOT NULL,
    amount      BIGINT NOT NULL,
    expires_us  BIGINT NOT NULL,
    state       TEXT COLLATE "C" NOT NULL,
    returned    BIGINT NOT NULL
);
CREATE INDEX social_vouchers_iin ON social_vouchers (iin, ledger, expires_us);
CREATE INDEX social_vouchers_expiry ON social_vouchers (expires_us) WHERE state = 'active';
-- Expire looks again at the vouchers expired in the last days, for money a
-- refund credited after it swept them.
CREATE INDEX social_vouchers_expired ON social_vouchers (expires_us) WHERE state = 'expired';
CREATE INDEX social_vouchers_month ON social_vouchers (month, programme);

-- social_pay_codes are one-time payment codes, stored hashed over the
-- citizen's IIN and the code, so that each citizen has a code space of his
-- own. A code ends at its first presentation, whatever the outcome:
-- used_us is set then, and holder names the purchase ("merchant/purchase
-- id") that presented it ('revoked' when a newer code or too many attempts
-- ended it). max_amount is the most the citizen allowed (0: no limit).
-- bad counts presentations naming the IIN whose code was none of the
-- citizen's while this one was live; at the limit it is revoked. bad_last
-- is the latest of them ("merchant/purchase id:hash hex"), so that racing
-- retries of one purchase count once.
CREATE TABLE social_pay_codes (
    hash       BYTEA PRIMARY KEY,
    iin        TEXT COLLATE "C" NOT NULL,
    ledger     BIGINT NOT NULL,
    created_us BIGINT NOT NULL,
    expires_us BIGINT NOT NULL,
    max_amount BIGINT NOT NULL,
    holder     TEXT COLLATE "C" NOT NULL,
    used_us    BIGINT NOT NULL,
    bad        BIGINT NOT NULL,
    bad_last   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX social_pay_codes_iin ON social_pay_codes (iin, ledger) WHERE used_us = 0;
-- Expire deletes the codes that expired a day ago, oldest first.
CREATE INDEX social_pay_codes_expiry ON social_pay_codes (expires_us);

-- social_code_attempts count a merchant's presentations of codes that
-- do not exist (who 'merchant:<id>'), to stop spraying guesses over many
-- citizens, in a window that starts at since_us. One UPSERT ... RETURNING
-- counts and reads, so racing presentations never pass the limit
-- together; last_key is the latest presentation counted, so that racing
-- retries of one purchase count once.
CREATE TABLE social_code_attempts (
    who      TEXT COLLATE "C" PRIMARY KEY,
    attempts BIGINT NOT NULL,
    since_us BIGINT NOT NULL,
    last_key TEXT COLLATE "C" NOT NULL
);

-- social_payments are purchases (kind 'purchase'), refunds ('refund',
-- purchase_id naming the purchase) and meals ('meal') as merchants sent
-- them, with what the ledger decided. plan lists the transfers
-- ("<voucher or programme account hex>:<tiyn>" comma-separated) so that a
-- retry after a crash sends the same ones. code is the hex hash of a
-- purchase's code (IIN and code), so that a retry of the id with another
-- code is told apart; '' for refunds and meals. status: 'pending' until the
-- ledger answered, then 'approved' or 'refused' (reason).
CREATE TABLE social_payments (
    merchant    TEXT COLLATE "C" NOT NULL,
    kind        TEXT COLLATE "C" NOT NULL,
    id          TEXT COLLATE "C" NOT NULL,
    purchase_id TEXT COLLATE "C" NOT NULL,
    iin         TEXT COLLATE "C" NOT NULL,
    household   TEXT COLLATE "C" NOT NULL,
    region      TEXT COLLATE "C" NOT NULL,
    ledger      BIGINT NOT NULL,
    amount      BIGINT NOT NULL,
    refunded    BIGINT NOT NULL,
    status      TEXT COLLATE "C" NOT NULL,
    reason      TEXT COLLATE "C" NOT NULL,
    plan        TEXT COLLATE "C" NOT NULL,
    code        TEXT COLLATE "C" NOT NULL,
    at_us       BIGINT NOT NULL,
    PRIMARY KEY (merchant, kind, id)
);
CREATE INDEX social_payments_at ON social_payments (at_us);
CREATE INDEX social_payments_iin ON social_payments (iin, at_us);
CREATE INDEX social_payments_household ON social_payments (household, merchant);

-- social_meals: one school meal per pupil per day, whichever canteen.
CREATE TABLE social_meals (
    pupil_iin TEXT COLLATE "C" NOT NULL,
    day       TEXT COLLATE "C" NOT NULL,
    merchant  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (pupil_iin, day)
);

-- Funding streams the confirmed offers; this finds a household's latest
-- confirmed offer of a programme without a scan.
CREATE INDEX social_offers_confirmed ON benefit_offers (household, programme, id) WHERE status = 'confirmed';

-- Merchants' refused requests (audit kind 'merchant', written by the
-- wallet's API) for the canteens' refusals anomaly: only those records are
-- indexed, so the exchange's hot audit path gains no index entry.
CREATE INDEX social_audit_refusals ON audit_records (service, at) WHERE kind = 'merchant' AND decision = 'refused';
