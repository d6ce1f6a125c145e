package store_test

import (
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// undoMigrations holds, per migration from 22 on, the statements that
// take a store back to the schema before it (data left empty), in types
// both databases accept. A migration that changes the schema adds its
// undo here, or rollBack refuses stores that have it.
var undoMigrations = map[int][]string{
	25: {
		`DROP TABLE golden_records`,
		`CREATE TABLE golden_records (
			entity_id TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL DEFAULT '',
			national_id TEXT NOT NULL DEFAULT '', birth_date TEXT NOT NULL DEFAULT '', death_date TEXT NOT NULL DEFAULT '',
			region TEXT NOT NULL DEFAULT '', household TEXT NOT NULL DEFAULT '', owner_id TEXT NOT NULL DEFAULT '',
			members BIGINT NOT NULL, conflicts BIGINT NOT NULL, doc TEXT NOT NULL, built_at TIMESTAMPTZ NOT NULL)`,
		`CREATE INDEX golden_national_id ON golden_records (national_id)`,
		`CREATE INDEX golden_household ON golden_records (household)`,
		`CREATE INDEX golden_owner ON golden_records (owner_id)`,
	},
	24: {
		`DROP INDEX quality_units_due`,
		`ALTER TABLE quality_units DROP COLUMN due`,
		`ALTER TABLE quality_state DROP COLUMN as_of`,
	},
	23: {
		`DROP TABLE resolve_record_keys`,
		`CREATE TABLE resolve_keys (kind TEXT NOT NULL, key BIGINT NOT NULL, source_id BIGINT NOT NULL, record_id TEXT NOT NULL)`,
	},
	22: {
		`DROP TABLE attr_names`,
		`DROP TABLE raw_blocks`,
		`DROP TABLE record_versions`,
		`ALTER TABLE ingest_runs DROP COLUMN observed_at`,
		`CREATE TABLE record_versions (
			source_id BIGINT NOT NULL, record_id TEXT NOT NULL, version INTEGER NOT NULL, run_id BIGINT NOT NULL,
			deleted BOOLEAN NOT NULL DEFAULT FALSE, attrs TEXT NOT NULL, invalid TEXT, raw TEXT NOT NULL,
			hash BYTEA NOT NULL, line INTEGER NOT NULL DEFAULT 0, observed_at TIMESTAMPTZ NOT NULL,
			loaded_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (source_id, record_id, version))`,
		`CREATE INDEX record_versions_run ON record_versions (run_id)`,
	},
}

// rollBack takes st's schema back to version to (21 or later), undoing the
// migrations after it newest first, so that a test can store data as an
// older ortaq did and then migrate it.
func rollBack(t *testing.T, st *store.Store, to int) {
	t.Helper()
	latest := 0
	for v := range undoMigrations {
		latest = max(latest, v)
	}
	if n, err := storetest.Exec(t, st, `UPDATE schema_version SET version = version WHERE version > ?`, latest); err != nil || n > 0 {
		t.Fatalf("the store has migrations after %d that rollBack cannot undo (%v): add them to undoMigrations", latest, err)
	}
	for v := latest; v > to; v-- {
		for _, q := range undoMigrations[v] {
			if _, err := storetest.Exec(t, st, q); err != nil {
				t.Fatalf("undo migration %d: %s: %v", v, q, err)
			}
		}
	}
	if _, err := storetest.Exec(t, st, `DELETE FROM schema_version WHERE version > ?`, to); err != nil {
		t.Fatal(err)
	}
}
