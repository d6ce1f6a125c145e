-- The event outbox (docs/events.md): a transaction that stores records,
-- changes entities or rebuilds golden records writes its change events
-- here, so that an event exists exactly when its change committed. seq is
-- the order of the events and, never reused, their identity on NATS
-- (Nats-Msg-Id). Writers take an advisory lock before inserting, so that
-- events commit in seq order and a relay reading past its cursor never
-- skips one that commits late.
CREATE TABLE event_outbox (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject    TEXT NOT NULL,
    payload    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- How far each relay has published: the highest seq its publisher
-- acknowledged. A relay that crashes after publishing and before moving
-- its cursor publishes again, and NATS drops the repeats by seq.
CREATE TABLE event_cursors (
    name       TEXT NOT NULL PRIMARY KEY,
    seq        BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

-- Pushes taken through the NATS push queue and their outcome: the run that
-- stored the push (written in that run's transaction, so a redelivered
-- push finds its run and is not stored twice) or the refusal, with the HTTP
-- status and the JSON answer the integrator gets.
CREATE TABLE pushes (
    push_id     TEXT NOT NULL PRIMARY KEY,
    source_id   BIGINT NOT NULL REFERENCES sources (id),
    run_id      BIGINT REFERENCES ingest_runs (id),
    status      INTEGER NOT NULL,
    result      TEXT NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL
);
