-- correction_overrides keep an accepted correction winning. Accepting a
-- citizen's correction stores a corrected version of the agency's record,
-- but the agency's next extract may still carry the old value, and its
-- version must be stored as it came (history stays honest). The override
-- keeps the accepted value in the golden record above every source until a
-- version the agency itself sent holds it; then it retires (retired_at,
-- and the run and record version that agreed). A later accepted correction
-- of the same value supersedes it. Until then, it is an item on the
-- agency's work list, due at due_at.
--
-- An override is keyed by the record it corrects (source, record, attr),
-- not by entity: entities are remade by resolution, records are not. At
-- most one override of a value is active.
CREATE TABLE correction_overrides (
    correction_id   TEXT COLLATE "C" PRIMARY KEY REFERENCES corrections (id),
    source_id       BIGINT NOT NULL REFERENCES sources (id),
    record_id       TEXT COLLATE "C" NOT NULL,
    attr            TEXT NOT NULL,
    value           TEXT NOT NULL,
    version         BIGINT NOT NULL,
    run_id          BIGINT NOT NULL,
    accepted_at     TIMESTAMPTZ NOT NULL,
    due_at          TIMESTAMPTZ NOT NULL,
    status          TEXT NOT NULL,
    retired_at      TIMESTAMPTZ,
    retired_run     BIGINT,
    retired_version BIGINT
);
CREATE UNIQUE INDEX correction_overrides_one_active ON correction_overrides (source_id, record_id, attr)
    WHERE status = 'active';
CREATE INDEX correction_overrides_due ON correction_overrides (status, due_at);

-- Corrections accepted before this migration: the newest accepted one of
-- each value becomes active, due 15 days after its acceptance.
INSERT INTO correction_overrides (correction_id, source_id, record_id, attr, value, version, run_id, accepted_at,
    due_at, status)
SELECT c.id, c.source_id, c.record_id, c.attr, c.proposed_value, c.new_version, c.run_id, c.decided_at,
    c.decided_at + INTERVAL '15 days', 'active'
FROM corrections c
WHERE c.status = 'accepted' AND c.new_version IS NOT NULL AND c.run_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM corrections l WHERE l.source_id = c.source_id AND l.record_id = c.record_id AND l.attr = c.attr
        AND l.status = 'accepted' AND (l.decided_at > c.decided_at OR (l.decided_at = c.decided_at AND l.id > c.id)));
