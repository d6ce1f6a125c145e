-- Golden records, the name index that finds them, and data quality: each
-- quality run with its check results, scores and alerts, and the findings
-- data officers work through. golden_records and search_terms are rebuilt
-- whole by each golden build; quality_findings is replaced whole by each
-- quality run, carrying every finding's status over, so a finding's id (a
-- hash of source, check and record) is stable across runs.

CREATE TABLE golden_records (
    entity_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    national_id TEXT COLLATE "C" NOT NULL DEFAULT '',
    birth_date  TEXT NOT NULL DEFAULT '',
    death_date  TEXT NOT NULL DEFAULT '',
    region      TEXT NOT NULL DEFAULT '',
    household   TEXT COLLATE "C" NOT NULL DEFAULT '',
    owner_id    TEXT COLLATE "C" NOT NULL DEFAULT '',
    members     BIGINT NOT NULL,
    conflicts   BIGINT NOT NULL,
    doc         TEXT NOT NULL,
    built_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX golden_national_id ON golden_records (national_id);
CREATE INDEX golden_household ON golden_records (household);
CREATE INDEX golden_owner ON golden_records (owner_id);

-- term is one folded word of a name (names.Fold), so that every script and
-- spelling of a name finds the same entities.
CREATE TABLE search_terms (
    term      TEXT COLLATE "C" NOT NULL,
    entity_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (term, entity_id)
);

CREATE TABLE quality_runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    as_of       TIMESTAMPTZ NOT NULL,
    checks      BIGINT NOT NULL,
    findings    BIGINT NOT NULL,
    score       DOUBLE PRECISION NOT NULL
);

CREATE TABLE quality_results (
    run_id      BIGINT NOT NULL,
    source_id   BIGINT NOT NULL,
    check_name  TEXT COLLATE "C" NOT NULL,
    kind        TEXT NOT NULL,
    dimension   TEXT NOT NULL,
    severity    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    failed      BIGINT NOT NULL,
    total       BIGINT NOT NULL,
    PRIMARY KEY (run_id, source_id, check_name)
);

-- scope is 'source' (key: source name), 'agency' (key: agency code) or
-- 'nation' (key: '').
CREATE TABLE quality_scores (
    run_id  BIGINT NOT NULL,
    scope   TEXT NOT NULL,
    key     TEXT COLLATE "C" NOT NULL,
    score   DOUBLE PRECISION NOT NULL,
    records BIGINT NOT NULL,
    PRIMARY KEY (run_id, scope, key)
);

CREATE TABLE quality_alerts (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     BIGINT NOT NULL,
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    check_name TEXT COLLATE "C" NOT NULL DEFAULT '',
    value      DOUBLE PRECISION NOT NULL,
    baseline   DOUBLE PRECISION NOT NULL,
    message    TEXT NOT NULL
);
CREATE INDEX quality_alerts_run ON quality_alerts (run_id);

CREATE TABLE quality_findings (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    source_id   BIGINT NOT NULL,
    check_name  TEXT COLLATE "C" NOT NULL,
    kind        TEXT NOT NULL,
    record_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
    line        BIGINT NOT NULL DEFAULT 0,
    entity_id   TEXT COLLATE "C" NOT NULL DEFAULT '',
    value       TEXT NOT NULL DEFAULT '',
    reason      TEXT NOT NULL,
    suggestion  TEXT NOT NULL DEFAULT '',
    related     TEXT NOT NULL DEFAULT '[]',
    status      TEXT NOT NULL CHECK (status IN ('open', 'fixed', 'not_defect', 'resolved')),
    first_run   BIGINT NOT NULL,
    last_run    BIGINT NOT NULL,
    status_at   TIMESTAMPTZ NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX quality_findings_source ON quality_findings (source_id, status, check_name);
CREATE INDEX quality_findings_entity ON quality_findings (entity_id);

-- The checks in force: the quality.yaml text last given to "ortaq quality".
CREATE TABLE quality_config (
    id         BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    path       TEXT NOT NULL,
    definition TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
