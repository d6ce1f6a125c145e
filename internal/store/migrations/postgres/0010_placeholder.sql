-- Placeholder on the h/api branch: the lead replaces it with the
-- migration of this number from another branch when merging.
SELECT 1;
