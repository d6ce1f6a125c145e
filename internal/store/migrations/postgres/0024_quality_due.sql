-- An incremental quality run at a later as-of date redoes only the units
-- whose results the date can change (docs/quality.md, "Incremental
-- runs"). quality_state.as_of is the as-of date (YYYY-MM-DD) the stored
-- results were judged at, '' when unknown; quality_units.due is the first
-- as-of date at which a unit's results may differ (a birthday past an age
-- limit, the day after a death, a date reached), NULL when no date
-- changes them.
ALTER TABLE quality_state ADD COLUMN as_of TEXT NOT NULL DEFAULT '';
ALTER TABLE quality_units ADD COLUMN due TEXT;
CREATE INDEX quality_units_due ON quality_units (due);
