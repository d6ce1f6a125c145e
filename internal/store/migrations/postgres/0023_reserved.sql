-- Number 0023 is reserved for another part of issue 17, built on another
-- branch. This file holds nothing so that 0024 follows without a gap; that
-- branch's 0023 replaces it.
SELECT 1;
