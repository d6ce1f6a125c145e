-- A work list an officer can finish: finding texts as message keys with
-- arguments, rendered later in the reader's language (the English text
-- stays in reason, suggestion and description for older readers), who
-- decided a finding, and the log of every decision, one by one or in bulk.

ALTER TABLE quality_findings ADD COLUMN reason_key TEXT NOT NULL DEFAULT '';
ALTER TABLE quality_findings ADD COLUMN reason_args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE quality_findings ADD COLUMN suggestion_key TEXT NOT NULL DEFAULT '';
ALTER TABLE quality_findings ADD COLUMN suggestion_args TEXT NOT NULL DEFAULT '[]';
ALTER TABLE quality_findings ADD COLUMN decided_by TEXT NOT NULL DEFAULT '';
-- severity is the check's, so that the work list orders by impact without
-- a join to the results of a run.
ALTER TABLE quality_findings ADD COLUMN severity TEXT NOT NULL DEFAULT '';

ALTER TABLE quality_results ADD COLUMN description_key TEXT NOT NULL DEFAULT '';
ALTER TABLE quality_results ADD COLUMN description_args TEXT NOT NULL DEFAULT '[]';

-- finding_decisions keeps every decision a data officer made on a
-- finding, never updated: bulk is the id shared by the findings of one
-- bulk decision ('' for a single one).
CREATE TABLE finding_decisions (
    id         INTEGER PRIMARY KEY,
    finding_id TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    officer    TEXT NOT NULL DEFAULT '',
    bulk       TEXT NOT NULL DEFAULT '',
    decided_at TIMESTAMP NOT NULL
);
CREATE INDEX finding_decisions_finding ON finding_decisions (finding_id, id);
