-- Golden records in a compact layout (issue 17: a country's golden
-- records must fit on one server). doc holds each document compressed
-- (zstd, see internal/store/golden_doc.go); documents stored before stay
-- JSON text until their entity is rebuilt, and reads tell the two apart.
-- The table becomes a rowid table: a WITHOUT ROWID table keeps whole rows
-- in its B-tree, and a row over about a thousand bytes (most uncompressed
-- documents) spills into overflow pages that stay half empty, so the
-- table took twice its payload on disk.

CREATE TABLE golden_records_0025 (
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
    doc         BLOB NOT NULL,
    built_at    TIMESTAMP NOT NULL
);
INSERT INTO golden_records_0025 SELECT entity_id, kind, name, national_id, birth_date, death_date, region, household,
    owner_id, members, conflicts, doc, built_at FROM golden_records ORDER BY entity_id;
DROP TABLE golden_records;
ALTER TABLE golden_records_0025 RENAME TO golden_records;
CREATE INDEX golden_national_id ON golden_records (national_id);
CREATE INDEX golden_household ON golden_records (household);
CREATE INDEX golden_owner ON golden_records (owner_id);
