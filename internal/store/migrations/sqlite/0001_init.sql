-- Agencies, their information systems, ingest runs, append-only record
-- versions and the quarantine. Timestamps are UTC text in RFC 3339 form
-- (sortable); JSON columns are text.

CREATE TABLE agencies (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    names      TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sources (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    agency_id  INTEGER NOT NULL REFERENCES agencies (id),
    title      TEXT NOT NULL DEFAULT '',
    entity     TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE ingest_runs (
    id           INTEGER PRIMARY KEY,
    source_id    INTEGER NOT NULL REFERENCES sources (id),
    file         TEXT NOT NULL,
    mode         TEXT NOT NULL,
    started_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP,
    rows         INTEGER NOT NULL DEFAULT 0,
    stored       INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    quarantined  INTEGER NOT NULL DEFAULT 0,
    deleted      INTEGER NOT NULL DEFAULT 0,
    flagged      INTEGER NOT NULL DEFAULT 0,
    live_records INTEGER NOT NULL DEFAULT 0
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
    source_id   INTEGER NOT NULL,
    record_id   TEXT NOT NULL,
    version     INTEGER NOT NULL,
    run_id      INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    attrs       TEXT NOT NULL,
    invalid     TEXT,
    raw         TEXT NOT NULL,
    hash        BLOB NOT NULL,
    line        INTEGER NOT NULL DEFAULT 0,
    observed_at TIMESTAMP NOT NULL,
    loaded_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (source_id, record_id, version)
);

CREATE TABLE quarantine (
    id        INTEGER PRIMARY KEY,
    run_id    INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    file      TEXT NOT NULL,
    line      INTEGER NOT NULL,
    code      TEXT NOT NULL,
    field     TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL,
    raw       TEXT NOT NULL
);
CREATE INDEX quarantine_source ON quarantine (source_id, run_id);
