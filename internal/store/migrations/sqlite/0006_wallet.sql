-- The citizen's wallet: sign-in codes and the SMS outbox that carries them
-- in demo mode, sessions, how far each citizen has read their access
-- history, and correction requests with their history.

-- wallet_codes holds one-time sign-in codes, only as hashes. A code is
-- bound to the browser that asked for it (binding is a hash of that
-- browser's pre-session cookie) and can be used once (used_at).
CREATE TABLE wallet_codes (
    id         TEXT PRIMARY KEY,
    iin        TEXT NOT NULL,
    phone      TEXT NOT NULL,
    code_hash  BLOB NOT NULL,
    binding    BLOB NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    TIMESTAMP
) WITHOUT ROWID;
CREATE INDEX wallet_codes_iin ON wallet_codes (iin, created_at);

-- sms_outbox is where demo mode delivers text messages instead of a
-- telephone operator's gateway.
CREATE TABLE sms_outbox (
    id         INTEGER PRIMARY KEY,
    phone      TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- wallet_sessions are signed-in browsers. Only a hash of the session token
-- is kept, so a copy of the database signs no one in.
CREATE TABLE wallet_sessions (
    id_hash    BLOB PRIMARY KEY,
    iin        TEXT NOT NULL,
    via        TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    seen_at    TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    ended_at   TIMESTAMP
) WITHOUT ROWID;
CREATE INDEX wallet_sessions_iin ON wallet_sessions (iin);

-- wallet_seen is the highest audit index each citizen has seen: accesses
-- above it are new to them.
CREATE TABLE wallet_seen (
    iin         TEXT PRIMARY KEY,
    audit_index INTEGER NOT NULL
) WITHOUT ROWID;

-- corrections are citizens' requests to fix a value an agency's record
-- holds. The request keeps the record version and value it was filed
-- against; an accepted one names the record version it made (new_version,
-- stored by ingest run run_id). correction_events is its history, appended
-- to and never changed.
CREATE TABLE corrections (
    id              TEXT PRIMARY KEY,
    subject         TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    source_id       INTEGER NOT NULL REFERENCES sources (id),
    record_id       TEXT NOT NULL,
    record_version  INTEGER NOT NULL,
    attr            TEXT NOT NULL,
    current_value   TEXT NOT NULL,
    proposed_value  TEXT NOT NULL,
    explanation     TEXT NOT NULL,
    attachment_name TEXT NOT NULL DEFAULT '',
    attachment_type TEXT NOT NULL DEFAULT '',
    attachment      BLOB,
    status          TEXT NOT NULL,
    filed_at        TIMESTAMP NOT NULL,
    due_at          TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP,
    decided_by      TEXT NOT NULL DEFAULT '',
    decision_note   TEXT NOT NULL DEFAULT '',
    new_version     INTEGER,
    run_id          INTEGER
);
CREATE INDEX corrections_subject ON corrections (subject, filed_at);
CREATE INDEX corrections_source ON corrections (source_id, status, due_at);

CREATE TABLE correction_events (
    correction_id TEXT NOT NULL,
    seq           INTEGER NOT NULL,
    at            TIMESTAMP NOT NULL,
    status        TEXT NOT NULL,
    actor         TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (correction_id, seq)
) WITHOUT ROWID;
