-- Blocking keys, one row per record instead of one per key and record:
-- a record's keys (the resolver's 64-bit hashes, 8 bytes each, big-endian)
-- packed in one bytea. Nothing looks a key up in the database any more: a
-- resolver reads every key of a kind once into an in-memory index (and a
-- server keeps it), so the table needs only its primary key. A full
-- resolve of 1M people wrote 25M key rows into two indexes; it now writes
-- one row per record. The kind of a record is its source's.
CREATE TABLE resolve_record_keys (
    source_id BIGINT NOT NULL,
    record_id TEXT COLLATE "C" NOT NULL,
    keys      BYTEA NOT NULL,
    PRIMARY KEY (source_id, record_id)
);

-- Existing keys are packed, those of a record's current kind only (a
-- source's kind never changes, but say so). int8send is big-endian.
INSERT INTO resolve_record_keys (source_id, record_id, keys)
SELECT k.source_id, k.record_id, string_agg(int8send(k.key), ''::bytea)
FROM resolve_keys k JOIN sources s ON s.id = k.source_id
WHERE k.kind = CASE s.entity WHEN '' THEN 'person' ELSE s.entity END
GROUP BY k.source_id, k.record_id;

DROP TABLE resolve_keys;
