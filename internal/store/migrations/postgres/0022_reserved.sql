-- Number 0022 is reserved for another part of issue 17, built on another
-- branch. This file holds nothing so that 0023 follows without a gap; that
-- branch's 0022 replaces it.
SELECT 1;
