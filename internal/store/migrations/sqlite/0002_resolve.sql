-- Entity resolution: the entities the resolver found, which records belong
-- to each, the blocking keys of every resolved record, the history of every
-- decision, and the resolver's state per entity kind. Entity ids are stable
-- and never reused: a merged entity keeps its row and points to the entity
-- that absorbed it. Like record_versions, the bulk tables (entity_members,
-- resolve_keys, entity_lineage) carry no foreign keys: the store writes them
-- in one transaction per resolve run and checks there that the entities it
-- links records to exist. Tables keyed by text are WITHOUT ROWID,
-- so that a row lives in its primary-key b-tree only.

CREATE TABLE entities (
    entity_id   TEXT NOT NULL PRIMARY KEY,
    kind        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    merged_into TEXT,
    retired_at  TIMESTAMP
) WITHOUT ROWID;

CREATE TABLE entity_members (
    source_id INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version   INTEGER NOT NULL,
    linked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (source_id, record_id)
) WITHOUT ROWID;
CREATE INDEX entity_members_entity ON entity_members (entity_id);

-- entity_id is the entity the event happened to; other_id is the surviving
-- entity of a merge and the new entity of a split. source_id and record_id
-- name the record of an attach or a detach.
CREATE TABLE entity_lineage (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    run_id      INTEGER NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('create', 'attach', 'merge', 'split', 'detach', 'retire')),
    entity_id   TEXT NOT NULL,
    other_id    TEXT,
    source_id   INTEGER,
    record_id   TEXT,
    probability REAL,
    reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX entity_lineage_entity ON entity_lineage (entity_id);
CREATE INDEX entity_lineage_other ON entity_lineage (other_id);

-- Blocking keys: signed 64-bit hashes made by the resolver. A record's keys
-- are replaced as a whole when it changes.
CREATE TABLE resolve_keys (
    kind      TEXT NOT NULL,
    key       INTEGER NOT NULL,
    source_id INTEGER NOT NULL,
    record_id TEXT NOT NULL
);
CREATE INDEX resolve_keys_key ON resolve_keys (kind, key);
CREATE INDEX resolve_keys_record ON resolve_keys (source_id, record_id);

-- watermark is the highest ingest run id whose records have been resolved.
CREATE TABLE resolve_state (
    kind       TEXT NOT NULL PRIMARY KEY,
    model      TEXT,
    watermark  INTEGER NOT NULL DEFAULT 0,
    trained_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE resolve_runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    mode        TEXT NOT NULL CHECK (mode IN ('full', 'incremental')),
    records     INTEGER NOT NULL DEFAULT 0,
    created     INTEGER NOT NULL DEFAULT 0,
    attached    INTEGER NOT NULL DEFAULT 0,
    merged      INTEGER NOT NULL DEFAULT 0,
    split       INTEGER NOT NULL DEFAULT 0,
    detached    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX resolve_runs_kind ON resolve_runs (kind, id);

-- Incremental resolution reads the versions stored since its watermark by
-- run id. Run ids only grow, so this index is appended to at its right end
-- and costs an ingest run little; without it every resolution would scan
-- every version of the kind.
CREATE INDEX record_versions_run ON record_versions (run_id);
