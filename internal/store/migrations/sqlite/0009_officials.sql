-- Officials: who signs in to the console, their sessions with the case
-- they work on, and break-glass access to people outside their agency.

-- officials are the console's users: local accounts (via 'password') and
-- officials of an identity provider (via 'oidc'), upserted at each
-- sign-in so that audits can name them. roles is a comma-separated list
-- of access roles. totp_secret is the base32 TOTP secret as given, since
-- it must be usable to check codes: the database is the platform's own
-- secret store, like the audit key. totp_last_step is the last TOTP time
-- step accepted, so that a code cannot be replayed.
CREATE TABLE officials (
    id             INTEGER PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    agency         TEXT NOT NULL,
    roles          TEXT NOT NULL,
    via            TEXT NOT NULL,
    password_hash  TEXT NOT NULL DEFAULT '',
    totp_secret    TEXT NOT NULL DEFAULT '',
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    disabled       INTEGER NOT NULL DEFAULT 0,
    failures       INTEGER NOT NULL DEFAULT 0,
    locked_until   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

-- official_sessions are signed-in browsers, stored under a hash of the
-- session token. The case (case_ref, case_reason, case_at) is what the
-- official stated they work on; reads of people's data are logged under it.
CREATE TABLE official_sessions (
    id_hash     BLOB PRIMARY KEY,
    official_id INTEGER NOT NULL REFERENCES officials (id),
    csrf        TEXT NOT NULL,
    case_ref    TEXT NOT NULL DEFAULT '',
    case_reason TEXT NOT NULL DEFAULT '',
    case_at     TIMESTAMP,
    created_at  TIMESTAMP NOT NULL,
    seen_at     TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP
) WITHOUT ROWID;
CREATE INDEX official_sessions_official ON official_sessions (official_id);

-- break_glass records an official's time-boxed access to a person outside
-- their agency, with the written reason; an auditor reviews each one
-- (reviewer_id, verdict, note, reviewed_at).
CREATE TABLE break_glass (
    id          INTEGER PRIMARY KEY,
    official_id INTEGER NOT NULL REFERENCES officials (id),
    subject     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    case_ref    TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    until       TIMESTAMP NOT NULL,
    reviewer_id INTEGER REFERENCES officials (id),
    verdict     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    reviewed_at TIMESTAMP
);
CREATE INDEX break_glass_official ON break_glass (official_id, subject, until);
CREATE INDEX break_glass_pending ON break_glass (reviewed_at, id);
