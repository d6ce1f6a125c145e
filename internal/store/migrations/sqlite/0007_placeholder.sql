-- Placeholder for migration 7, which another branch of issue 13 adds.
-- Drop this file when merging with that branch: the migrator wants the
-- numbers without gaps, and this branch's 0008 comes after it.
SELECT 1;
