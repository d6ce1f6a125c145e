-- The event outbox (docs/events.md): a transaction that stores records,
-- changes entities or rebuilds golden records writes its change events
-- here, so that an event exists exactly when its change committed. seq is
-- the order of the events and, never reused (AUTOINCREMENT, so that
-- pruning cannot hand out a published number again), their identity on
-- NATS (Nats-Msg-Id).
CREATE TABLE event_outbox (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    subject    TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- How far each relay has published: the highest seq its publisher
-- acknowledged. A relay that crashes after publishing and before moving
-- its cursor publishes again, and NATS drops the repeats by seq.
CREATE TABLE event_cursors (
    name       TEXT NOT NULL PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Pushes taken through the NATS push queue and their outcome: the run that
-- stored the push (written in that run's transaction, so a redelivered
-- push finds its run and is not stored twice) or the refusal, with the HTTP
-- status and the JSON answer the integrator gets.
CREATE TABLE pushes (
    push_id     TEXT NOT NULL PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources (id),
    run_id      INTEGER REFERENCES ingest_runs (id),
    status      INTEGER NOT NULL,
    result      TEXT NOT NULL,
    finished_at TIMESTAMP NOT NULL
);
