-- What an incremental quality run needs to redo only what changed
-- (docs/quality.md, "Incremental runs").
--
-- quality_state is the one row saying what the stored golden records,
-- findings and counts include: every ingest run up to ingest_run, every
-- resolve run up to resolve_run, every decision on a finding up to
-- decision (finding_decisions.id), but the ids of these pending when it
-- was saved (JSON: transactions that had taken an id but not committed),
-- the active overrides (JSON: correction id
-- -> [source id, record id]), and the checks, sources and as-of date they
-- were computed with (fingerprint). totals are the per-check counts of
-- record checks summed over every unit, and each source's live records by
-- observation time, in the format of quality_units.tally.
CREATE TABLE quality_state (
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    run_id      INTEGER NOT NULL,
    ingest_run  INTEGER NOT NULL,
    resolve_run INTEGER NOT NULL,
    decision    INTEGER NOT NULL,
    pending     TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    overrides   TEXT NOT NULL,
    totals      TEXT NOT NULL
);

-- quality_units holds, for each unit (an entity, or a record not resolved
-- into one), how many of its records each record check counted and failed,
-- and its live records by source and observation time: what the unit adds
-- to the totals, taken out again when the unit is redone.
CREATE TABLE quality_units (
    unit  TEXT NOT NULL PRIMARY KEY,
    tally TEXT NOT NULL
) WITHOUT ROWID;

-- quality_keys lists the values through which one unit's results depend on
-- another's (identifiers a uniqueness check compares, IINs a register,
-- a death or a family tie is looked up by), hashed: the units that share a
-- key with a changed unit are redone with it. A hash collision only redoes
-- more.
CREATE TABLE quality_keys (
    key  INTEGER NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (unit, key)
) WITHOUT ROWID;
CREATE INDEX quality_keys_key ON quality_keys (key);

-- An incremental run replaces the findings of the records it redoes; those
-- of records not resolved into an entity are found by record. It replaces
-- the golden records of some entities, and their search terms with them.
CREATE INDEX quality_findings_record ON quality_findings (source_id, record_id);
CREATE INDEX search_terms_entity ON search_terms (entity_id);
