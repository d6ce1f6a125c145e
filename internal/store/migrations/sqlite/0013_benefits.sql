-- Benefits: rule changes made by a ministry without a release, decision
-- runs and the decisions they stored, the events they raised, proactive
-- offers and appeals. The engine's structures (situations, programme
-- definitions, versions) are kept as the opaque text or bytes it gives.
-- Dates of law (effective_from, decision_date) are 'YYYY-MM-DD' text.

-- benefit_rule_versions are dated versions of a programme definition or
-- values of a parameter. At most one active version of a name takes
-- effect on a date; a withdrawn version stays, for the record.
CREATE TABLE benefit_rule_versions (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    body           TEXT NOT NULL,
    law_ref        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    author_id      INTEGER NOT NULL,
    author_name    TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL,
    status         TEXT NOT NULL
);
CREATE UNIQUE INDEX benefit_rule_versions_one_active ON benefit_rule_versions (kind, name, effective_from)
    WHERE status = 'active';

-- benefit_rule_changes lists every change to the rules (a version added
-- or withdrawn), who made it, when and why, for the audit page.
CREATE TABLE benefit_rule_changes (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES benefit_rule_versions (id),
    action      TEXT NOT NULL,
    author_id   INTEGER NOT NULL,
    author_name TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);

-- benefit_runs are decision runs: the whole country, the households whose
-- data changed, an appeal's re-decision, or a simulation.
CREATE TABLE benefit_runs (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL,
    decision_date   TEXT NOT NULL,
    catalog_version TEXT NOT NULL,
    started_at      TIMESTAMP NOT NULL,
    finished_at     TIMESTAMP,
    households      INTEGER NOT NULL DEFAULT 0,
    changed         INTEGER NOT NULL DEFAULT 0
);

-- benefit_decisions hold one row per household per run that changed it:
-- the inputs (the situation, as the engine encoded it), their hash, the
-- rule versions used and the outcome of each programme. A household's
-- current decision is its latest row. Ids are given by the writer, which
-- holds the decision lock. Like the other bulk tables, benefit_decisions
-- and benefit_events carry no foreign keys, whose per-row checks halve
-- bulk writes (see 0001): the writer gives them their run and decision.
CREATE TABLE benefit_decisions (
    id            INTEGER PRIMARY KEY,
    run_id        INTEGER NOT NULL,
    household     TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    inputs        BLOB NOT NULL,
    inputs_hash   BLOB NOT NULL,
    versions      TEXT NOT NULL,
    results       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX benefit_decisions_household ON benefit_decisions (household, id);

-- benefit_household_members are the members of each household as of its
-- current decision, so that the wallet finds a citizen's decisions.
CREATE TABLE benefit_household_members (
    household TEXT NOT NULL,
    person    TEXT NOT NULL,
    iin       TEXT NOT NULL,
    PRIMARY KEY (household, person)
) WITHOUT ROWID;
CREATE INDEX benefit_household_members_iin ON benefit_household_members (iin, household);

-- benefit_current holds the eligible programmes of each household's
-- current decision: events compare against it and the ministry's totals
-- sum it. A programme a household is not eligible for has no row.
CREATE TABLE benefit_current (
    household TEXT NOT NULL,
    programme TEXT NOT NULL,
    amount    INTEGER NOT NULL,
    period    TEXT NOT NULL,
    PRIMARY KEY (household, programme)
) WITHOUT ROWID;
CREATE INDEX benefit_current_totals ON benefit_current (programme, period, amount);

-- benefit_events are the changes decisions made, in commit order.
CREATE TABLE benefit_events (
    id          INTEGER PRIMARY KEY,
    household   TEXT NOT NULL,
    programme   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    old_amount  INTEGER NOT NULL,
    new_amount  INTEGER NOT NULL,
    decision_id INTEGER NOT NULL,
    created_at  TIMESTAMP NOT NULL
);

-- benefit_offers are proactive offers to a household's recipient. At most
-- one offer of a programme to a household is open (offered or accepted),
-- and a decision makes at most one offer of each programme.
CREATE TABLE benefit_offers (
    id            INTEGER PRIMARY KEY,
    household     TEXT NOT NULL,
    programme     TEXT NOT NULL,
    decision_id   INTEGER NOT NULL REFERENCES benefit_decisions (id),
    agency        TEXT NOT NULL,
    recipient_iin TEXT NOT NULL,
    amount        INTEGER NOT NULL,
    period        TEXT NOT NULL,
    language      TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    responded_at  TIMESTAMP,
    confirmed_by  INTEGER,
    confirmed_at  TIMESTAMP,
    note          TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX benefit_offers_decision ON benefit_offers (decision_id, programme);
CREATE UNIQUE INDEX benefit_offers_one_open ON benefit_offers (household, programme)
    WHERE status IN ('offered', 'accepted');
CREATE INDEX benefit_offers_recipient ON benefit_offers (recipient_iin, id);
CREATE INDEX benefit_offers_status ON benefit_offers (status, expires_at);
CREATE INDEX benefit_offers_queue ON benefit_offers (status, agency, responded_at, id);
CREATE INDEX benefit_offers_programme ON benefit_offers (programme, status);

-- benefit_appeals are citizens' appeals against a decision on one
-- programme, with an optional document, answered by an officer.
CREATE TABLE benefit_appeals (
    id              INTEGER PRIMARY KEY,
    decision_id     INTEGER NOT NULL REFERENCES benefit_decisions (id),
    household       TEXT NOT NULL,
    programme       TEXT NOT NULL,
    appellant_iin   TEXT NOT NULL,
    reason          TEXT NOT NULL,
    document        BLOB,
    document_name   TEXT NOT NULL DEFAULT '',
    document_type   TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    filed_at        TIMESTAMP NOT NULL,
    deadline        TIMESTAMP NOT NULL,
    answer          TEXT NOT NULL DEFAULT '',
    answer_rule     TEXT NOT NULL DEFAULT '',
    outcome         TEXT NOT NULL DEFAULT '',
    answered_by     INTEGER,
    answered_at     TIMESTAMP,
    new_decision_id INTEGER REFERENCES benefit_decisions (id)
);
CREATE UNIQUE INDEX benefit_appeals_one_open ON benefit_appeals (decision_id, programme, appellant_iin)
    WHERE status = 'open';
CREATE INDEX benefit_appeals_appellant ON benefit_appeals (appellant_iin, id);
CREATE INDEX benefit_appeals_queue ON benefit_appeals (status, deadline, id);
CREATE INDEX benefit_appeals_programme ON benefit_appeals (programme, status, outcome);
