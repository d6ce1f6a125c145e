-- Consents: every version of every consent artefact a citizen has given a
-- data consumer. A change (pause, resume, revoke, a one-off use) appends a
-- version; none is updated or deleted, so a consent's whole history stays.
-- body is the version's canonical JSON and note its signed note (C2SP
-- signed-note format), so that a citizen can keep and check each version.
CREATE TABLE consent_versions (
    consent_id     TEXT COLLATE "C" NOT NULL,
    version        BIGINT NOT NULL,
    subject        TEXT COLLATE "C" NOT NULL,
    member         TEXT NOT NULL,
    subsystem      TEXT NOT NULL DEFAULT '',
    purpose        TEXT NOT NULL,
    services       TEXT NOT NULL DEFAULT '[]',
    fields         TEXT NOT NULL DEFAULT '[]',
    valid_from     TIMESTAMPTZ NOT NULL,
    valid_until    TIMESTAMPTZ NOT NULL,
    -- frequency is one_off or periodic.
    frequency      TEXT NOT NULL,
    retention_days BIGINT NOT NULL DEFAULT 0,
    status         TEXT NOT NULL,
    changed_at     TIMESTAMPTZ NOT NULL,
    changed_by     TEXT NOT NULL DEFAULT '',
    reason         TEXT NOT NULL DEFAULT '',
    body           TEXT NOT NULL,
    note           TEXT NOT NULL,
    PRIMARY KEY (consent_id, version)
);
CREATE INDEX consent_versions_subject ON consent_versions (subject, consent_id);
