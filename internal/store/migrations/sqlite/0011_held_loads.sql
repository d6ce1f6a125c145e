-- held_loads records the full loads refused for deleting more than the
-- allowed share of a source's live records: nothing of such a load is
-- stored, but the refusal is kept, listed with the source's runs and put
-- on the owning agency's work list. after_run is the source's last stored
-- run when the load was held (0 for none): the hold is pending until a
-- later run of the source is stored.
CREATE TABLE held_loads (
    id        INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources (id),
    file      TEXT NOT NULL,
    held_at   TIMESTAMP NOT NULL,
    after_run INTEGER NOT NULL,
    rows      INTEGER NOT NULL,
    deletions INTEGER NOT NULL,
    live      INTEGER NOT NULL,
    max_share REAL NOT NULL
);
CREATE INDEX held_loads_source ON held_loads (source_id, id);
