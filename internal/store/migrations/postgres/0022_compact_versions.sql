-- Record versions in a compact layout (issue 17: a country's ~86 million
-- versions must fit on one server). A version no longer carries:
--   * its raw row: an ingest run keeps its raw rows in raw_blocks, a few
--     hundred to a block, compressed (zstd); raw_ref names the block and
--     the row in it (block << 16 | row), NULL for the empty object {};
--   * its attribute names: attrs is a format byte and, per attribute, the
--     position of its name in the source's attr_names and its value
--     (see internal/store/versions_attrs.go); an object that form cannot
--     reproduce byte for byte stays JSON text;
--   * its load time, which is its run's started_at, nor its observation
--     time when that is the run's (ingest_runs.observed_at): observed_at
--     is NULL then.
-- The store's Go code moves the versions of the old table into the new one
-- in this migration's transaction and drops the old table.

ALTER TABLE record_versions RENAME TO record_versions_0021;
ALTER TABLE record_versions_0021 RENAME CONSTRAINT record_versions_pkey TO record_versions_0021_pkey;

ALTER TABLE ingest_runs ADD COLUMN observed_at TIMESTAMPTZ;
UPDATE ingest_runs SET observed_at = (SELECT MIN(o.observed_at) FROM record_versions_0021 o WHERE o.run_id = ingest_runs.id);

DROP INDEX record_versions_run;

CREATE TABLE record_versions (
    source_id   BIGINT NOT NULL,
    record_id   TEXT COLLATE "C" NOT NULL,
    version     INTEGER NOT NULL,
    run_id      BIGINT NOT NULL,
    deleted     BOOLEAN NOT NULL DEFAULT FALSE,
    attrs       BYTEA NOT NULL,
    invalid     TEXT,
    raw_ref     BIGINT,
    hash        BYTEA NOT NULL,
    line        INTEGER NOT NULL DEFAULT 0,
    observed_at TIMESTAMPTZ,
    PRIMARY KEY (source_id, record_id, version)
);
CREATE INDEX record_versions_run ON record_versions (run_id);

-- A run's raw rows, compressed blocks numbered from 0 in the order the run
-- stored them. They are compressed already: TOAST stores them as they are.
CREATE TABLE raw_blocks (
    run_id BIGINT NOT NULL,
    block  INTEGER NOT NULL,
    data   BYTEA NOT NULL,
    PRIMARY KEY (run_id, block)
);
ALTER TABLE raw_blocks ALTER COLUMN data SET STORAGE EXTERNAL;

-- Each source's attribute names by position. Names are only appended, in
-- the transaction of the run that first stores them.
CREATE TABLE attr_names (
    source_id BIGINT NOT NULL,
    pos       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (source_id, pos)
);
