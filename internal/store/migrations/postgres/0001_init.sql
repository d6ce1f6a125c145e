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

-- record_versions and quarantine are the bulk tables: an ingest run appends
-- every row to them. They carry no foreign keys, whose per-row checks halve
-- bulk-load speed; the store writes a run's rows in the same transaction as
-- the run itself, which is what the keys would have guaranteed. A version is
-- identified by its natural key, so no second index is maintained. Record ids
-- compare bytewise, as the agencies' systems do. attrs, invalid and raw are
-- JSON objects kept as text (cast to jsonb in ad-hoc queries): parsing jsonb
-- on every insert costs more than it gives the platform, which reads them
-- into memory.
CREATE TABLE record_versions (
    source_id   BIGINT NOT NULL,
    record_id   TEXT COLLATE "C" NOT NULL,
    version     INTEGER NOT NULL,
    run_id      BIGINT NOT NULL,
    deleted     BOOLEAN NOT NULL DEFAULT FALSE,
    attrs       TEXT NOT NULL,
    invalid     TEXT,
    raw         TEXT NOT NULL,
    hash        BYTEA NOT NULL,
    line        INTEGER NOT NULL DEFAULT 0,
    observed_at TIMESTAMPTZ NOT NULL,
    loaded_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source_id, record_id, version)
);

CREATE TABLE quarantine (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id    BIGINT NOT NULL,
    source_id BIGINT NOT NULL,
    file      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    code      TEXT NOT NULL,
    field     TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL,
    raw       TEXT NOT NULL
);
CREATE INDEX quarantine_source ON quarantine (source_id, run_id);
