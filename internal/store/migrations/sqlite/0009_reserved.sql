-- Placeholder: number 9 belongs to another change of issue 14 (officials).
-- Migration numbers must run without gaps, so this file stands in for it on
-- a branch that lacks it; drop it when the real 0009 is merged.
SELECT 1;
