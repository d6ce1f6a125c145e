package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// column is what the two schemas must agree on about a column: its name,
// a type class both databases store alike, and whether it admits NULL.
type column struct {
	Type    string
	NotNull bool
}

// schema is a database's tables (name -> column -> column) and indexes
// (name -> table), after all migrations.
type schema struct {
	Tables  map[string]map[string]column
	Indexes map[string]string
}

// TestSchemasAgree migrates a SQLite and a PostgreSQL store and compares
// what the migrations built: the same tables, the same columns with
// compatible types and nullability, and the same named indexes. A migration
// added to one dialect only fails here.
func TestSchemasAgree(t *testing.T) {
	lite := readSQLiteSchema(t, store.DB(storetest.SQLite(t)))
	pg := readPostgresSchema(t, store.DB(storetest.Postgres(t)))
	if len(lite.Tables) < 10 || len(lite.Indexes) == 0 {
		t.Fatalf("read %d tables and %d indexes from SQLite; the schema query is broken", len(lite.Tables), len(lite.Indexes))
	}
	t.Logf("%d tables, %d indexes", len(lite.Tables), len(lite.Indexes))
	if diff := cmp.Diff(lite, pg); diff != "" {
		t.Errorf("SQLite and PostgreSQL schemas differ (-sqlite +postgres):\n%s", diff)
	}
}

// sqliteTypes and postgresTypes map declared types to a class.
var (
	sqliteTypes = map[string]string{
		"INTEGER": "integer", "TEXT": "text", "BLOB": "bytes", "REAL": "real", "TIMESTAMP": "time",
	}
	postgresTypes = map[string]string{
		"bigint": "integer", "integer": "integer", "smallint": "integer", "boolean": "integer",
		"text": "text", "jsonb": "text", "character varying": "text",
		"bytea": "bytes", "double precision": "real", "real": "real",
		"timestamp with time zone": "time",
	}
)

func typeClass(t *testing.T, table, col, typ string, classes map[string]string) string {
	t.Helper()
	c, ok := classes[typ]
	if !ok {
		t.Errorf("%s.%s: unknown type %q; add it to the type classes", table, col, typ)
		return typ
	}
	return c
}

func readSQLiteSchema(t *testing.T, db *sql.DB) schema {
	t.Helper()
	ctx := context.Background()
	s := schema{Tables: map[string]map[string]column{}, Indexes: map[string]string{}}
	for _, tbl := range queryStrings(t, db, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`) {
		rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT name, type, "notnull", pk FROM pragma_table_info('%s')`, tbl))
		if err != nil {
			t.Fatal(err)
		}
		cols := map[string]column{}
		for rows.Next() {
			var (
				name, typ   string
				notNull, pk int
			)
			if err := rows.Scan(&name, &typ, &notNull, &pk); err != nil {
				t.Fatal(err)
			}
			// A primary key column holds no NULL, though SQLite's pragma
			// reports INTEGER PRIMARY KEY as nullable.
			cols[name] = column{Type: typeClass(t, tbl, name, strings.ToUpper(typ), sqliteTypes), NotNull: notNull == 1 || pk > 0}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		s.Tables[tbl] = cols
	}
	// Indexes the schema names; SQLite's own for PRIMARY KEY and UNIQUE
	// constraints (sqlite_autoindex_…) have PostgreSQL's counterparts in
	// the constraints, excluded there too.
	rows, err := db.QueryContext(ctx, `SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`)
	if err != nil {
		t.Fatal(err)
	}
	scanIndexes(t, rows, s.Indexes)
	return s
}

func readPostgresSchema(t *testing.T, db *sql.DB) schema {
	t.Helper()
	ctx := context.Background()
	s := schema{Tables: map[string]map[string]column{}, Indexes: map[string]string{}}
	rows, err := db.QueryContext(ctx, `SELECT c.table_name, c.column_name, c.data_type, c.is_nullable
		FROM information_schema.columns c JOIN information_schema.tables t
			ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tbl, name, typ, nullable string
		if err := rows.Scan(&tbl, &name, &typ, &nullable); err != nil {
			t.Fatal(err)
		}
		if s.Tables[tbl] == nil {
			s.Tables[tbl] = map[string]column{}
		}
		s.Tables[tbl][name] = column{Type: typeClass(t, tbl, name, typ, postgresTypes), NotNull: nullable == "NO"}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	rows, err = db.QueryContext(ctx, `SELECT i.indexname, i.tablename FROM pg_indexes i
		WHERE i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint k
			JOIN pg_namespace n ON n.oid = k.connamespace
			WHERE n.nspname = current_schema() AND k.conname = i.indexname AND k.contype IN ('p', 'u'))`)
	if err != nil {
		t.Fatal(err)
	}
	scanIndexes(t, rows, s.Indexes)
	return s
}

func scanIndexes(t *testing.T, rows *sql.Rows, into map[string]string) {
	t.Helper()
	defer rows.Close()
	for rows.Next() {
		var name, tbl string
		if err := rows.Scan(&name, &tbl); err != nil {
			t.Fatal(err)
		}
		into[name] = tbl
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func queryStrings(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}
