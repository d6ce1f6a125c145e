-- Number 0020 is reserved for the incremental golden records, findings and
-- scores of issue 17, built on another branch. This file holds nothing so
-- that 0021 follows without a gap; that branch's 0020 replaces it.
SELECT 1;
