-- The audit log holds officials' and systems' reads of a person as well as
-- exchange decisions, in the same Merkle log. kind is '' for an exchange
-- decision, 'official-read', 'break-glass' or 'system-read' otherwise;
-- role is the official's role and case_ref the case they stated. Records
-- written before keep '' in all three, which is also what keeps their
-- commitments in the version-1 encoding.
ALTER TABLE audit_records ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_records ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_records ADD COLUMN case_ref TEXT NOT NULL DEFAULT '';
