-- The exchange's registry (members and their subsystems, services, purposes,
-- legal bases, access rights, client certificates and API keys) and the
-- audit log of every exchange decision.
--
-- Titles are JSON objects of language to text ({"en": …, "ru": …, "kk": …});
-- lists are JSON arrays of strings.

CREATE TABLE exchange_members (
    code       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    title      TEXT NOT NULL DEFAULT '{}',
    -- rate_limit is requests per second across the member's subsystems;
    -- 0 means no limit.
    rate_limit BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE exchange_subsystems (
    member     TEXT NOT NULL REFERENCES exchange_members (code) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    title      TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member, code)
);

CREATE TABLE exchange_services (
    code       TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    member     TEXT NOT NULL REFERENCES exchange_members (code),
    title      TEXT NOT NULL DEFAULT '{}',
    kind       TEXT NOT NULL,
    key_attr   TEXT NOT NULL,
    source     TEXT NOT NULL DEFAULT '',
    fields     TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE exchange_purposes (
    code  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE legal_bases (
    code             TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    title            TEXT NOT NULL DEFAULT '{}',
    law              TEXT NOT NULL DEFAULT '',
    article          TEXT NOT NULL DEFAULT '',
    purposes         TEXT NOT NULL DEFAULT '[]',
    services         TEXT NOT NULL DEFAULT '[]',
    fields           TEXT NOT NULL DEFAULT '[]',
    -- consent_required is 0 or 1.
    consent_required BIGINT NOT NULL DEFAULT 0,
    retention_days   BIGINT NOT NULL DEFAULT 0,
    created_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE access_rights (
    member     TEXT NOT NULL,
    subsystem  TEXT NOT NULL,
    service    TEXT NOT NULL REFERENCES exchange_services (code) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    granted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member, subsystem, service, purpose),
    FOREIGN KEY (member, subsystem) REFERENCES exchange_subsystems (member, code) ON DELETE CASCADE
);

CREATE TABLE client_certificates (
    serial     TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    member     TEXT NOT NULL,
    subsystem  TEXT NOT NULL,
    subject    TEXT NOT NULL,
    not_after  TIMESTAMPTZ NOT NULL,
    issued_at  TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

-- hash is the SHA-256 of the key's secret; the secret itself is shown once.
CREATE TABLE api_keys (
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    hash       TEXT NOT NULL,
    member     TEXT NOT NULL,
    subsystem  TEXT NOT NULL DEFAULT '',
    scopes     TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

-- audit_records holds one row per exchange decision, keyed by its leaf
-- index in the Merkle log; audit_leaves is the log itself: the commitment
-- (a salted hash of the record) at each index. audit_nodes keeps the
-- completed subtrees at every eighth level (the tlog tiles above level 0),
-- and audit_checkpoints every signed checkpoint.
CREATE TABLE audit_records (
    idx BIGINT NOT NULL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    member      TEXT NOT NULL,
    subsystem   TEXT NOT NULL,
    auth        TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    service     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    fields      TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    decision    TEXT NOT NULL,
    status      BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    salt        BYTEA NOT NULL
);
CREATE INDEX audit_records_subject ON audit_records (subject, idx);

CREATE TABLE audit_leaves (
    idx BIGINT NOT NULL PRIMARY KEY,
    leaf BYTEA NOT NULL
);

CREATE TABLE audit_nodes (
    level BIGINT NOT NULL,
    idx   BIGINT NOT NULL,
    hash  BYTEA NOT NULL,
    PRIMARY KEY (level, idx)
);

CREATE TABLE audit_checkpoints (
    size BIGINT NOT NULL PRIMARY KEY,
    root BYTEA NOT NULL,
    note TEXT NOT NULL,
    at   TIMESTAMPTZ NOT NULL
);
