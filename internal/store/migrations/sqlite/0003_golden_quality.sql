-- Golden records, the name index that finds them, and data quality: each
-- quality run with its check results, scores and alerts, and the findings
-- data officers work through. golden_records and search_terms are rebuilt
-- whole by each golden build; quality_findings is replaced whole by each
-- quality run, carrying every finding's status over, so a finding's id (a
-- hash of source, check and record) is stable across runs.

CREATE TABLE golden_records (
    entity_id   TEXT NOT NULL PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    national_id TEXT NOT NULL DEFAULT '',
    birth_date  TEXT NOT NULL DEFAULT '',
    death_date  TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    household   TEXT NOT NULL DEFAULT '',
    owner_id    TEXT NOT NULL DEFAULT '',
    members     INTEGER NOT NULL,
    conflicts   INTEGER NOT NULL,
    doc         TEXT NOT NULL,
    built_at    TIMESTAMP NOT NULL
) WITHOUT ROWID;
CREATE INDEX golden_national_id ON golden_records (national_id);
CREATE INDEX golden_household ON golden_records (household);
CREATE INDEX golden_owner ON golden_records (owner_id);

-- term is one folded word of a name (names.Fold), so that every script and
-- spelling of a name finds the same entities.
CREATE TABLE search_terms (
    term      TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    PRIMARY KEY (term, entity_id)
) WITHOUT ROWID;

CREATE TABLE quality_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    as_of       TIMESTAMP NOT NULL,
    checks      INTEGER NOT NULL,
    findings    INTEGER NOT NULL,
    score       REAL NOT NULL
);

CREATE TABLE quality_results (
    run_id      INTEGER NOT NULL,
    source_id   INTEGER NOT NULL,
    check_name  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    dimension   TEXT NOT NULL,
    severity    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    failed      INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    PRIMARY KEY (run_id, source_id, check_name)
);

-- scope is 'source' (key: source name), 'agency' (key: agency code) or
-- 'nation' (key: '').
CREATE TABLE quality_scores (
    run_id  INTEGER NOT NULL,
    scope   TEXT NOT NULL,
    key     TEXT NOT NULL,
    score   REAL NOT NULL,
    records INTEGER NOT NULL,
    PRIMARY KEY (run_id, scope, key)
);

CREATE TABLE quality_alerts (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL,
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    check_name TEXT NOT NULL DEFAULT '',
    value      REAL NOT NULL,
    baseline   REAL NOT NULL,
    message    TEXT NOT NULL
);
CREATE INDEX quality_alerts_run ON quality_alerts (run_id);

CREATE TABLE quality_findings (
    id          TEXT NOT NULL PRIMARY KEY,
    source_id   INTEGER NOT NULL,
    check_name  TEXT NOT NULL,
    kind        TEXT NOT NULL,
    record_id   TEXT NOT NULL DEFAULT '',
    line        INTEGER NOT NULL DEFAULT 0,
    entity_id   TEXT NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL,
    suggestion  TEXT NOT NULL DEFAULT '',
    related     TEXT NOT NULL DEFAULT '[]',
    status      TEXT NOT NULL CHECK (status IN ('open', 'fixed', 'not_defect', 'resolved')),
    first_run   INTEGER NOT NULL,
    last_run    INTEGER NOT NULL,
    status_at   TIMESTAMP NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX quality_findings_source ON quality_findings (source_id, status, check_name);
CREATE INDEX quality_findings_entity ON quality_findings (entity_id);

-- The checks in force: the quality.yaml text last given to "ortaq quality".
CREATE TABLE quality_config (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    path       TEXT NOT NULL,
    definition TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
