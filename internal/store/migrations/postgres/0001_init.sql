-- Agencies, their information systems, ingest runs, append-only record
-- versions and the quarantine.

CREATE TABLE agencies (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    names      JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sources (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    agency_id  BIGINT NOT NULL REFERENCES agencies (id),
    title      TEXT NOT NULL DEFAULT '',
    entity     TEXT NOT NULL,
    definition JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE ingest_runs (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id    BIGINT NOT NULL REFERENCES sources (id),
    file         TEXT NOT NULL,
    mode         TEXT NOT NULL,
    started_at   TIMESTAMPTZ NOT NULL,
    finished_at  TIMESTAMPTZ,
    rows         BIGINT NOT NULL DEFAULT 0,
    stored       BIGINT NOT NULL DEFAULT 0,
    unchanged    BIGINT NOT NULL DEFAULT 0,
    quarantined  BIGINT NOT NULL DEFAULT 0,
    deleted      BIGINT NOT NULL DEFAULT 0,
    flagged      BIGINT NOT NULL DEFAULT 0,
    live_records BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ingest_runs_source ON ingest_runs (source_id, id);

CREATE TABLE record_versions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id   BIGINT NOT NULL REFERENCES sources (id),
    record_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    run_id      BIGINT NOT NULL REFERENCES ingest_runs (id),
    deleted     BOOLEAN NOT NULL DEFAULT FALSE,
    attrs       JSONB NOT NULL,
    invalid     JSONB,
    raw         TEXT NOT NULL,
    hash        BYTEA NOT NULL,
    line        INTEGER NOT NULL DEFAULT 0,
    observed_at TIMESTAMPTZ NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (source_id, record_id, version)
);
CREATE INDEX record_versions_run ON record_versions (run_id);

CREATE TABLE quarantine (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id    BIGINT NOT NULL REFERENCES ingest_runs (id),
    source_id BIGINT NOT NULL REFERENCES sources (id),
    file      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    code      TEXT NOT NULL,
    field     TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL,
    raw       TEXT NOT NULL
);
CREATE INDEX quarantine_source ON quarantine (source_id, run_id);
