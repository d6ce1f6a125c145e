package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFiles embed.FS

// migration is one numbered SQL file of a dialect.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationSteps are the data conversions SQL cannot express, by the
// number of the migration whose SQL they follow, in its transaction.
var migrationSteps = map[int]func(context.Context, *tx) error{
	22: compactVersions,
}

// migrations lists the dialect's migrations in order. File names are
// NNNN_description.sql; the numbers must run 1, 2, 3… without gaps.
func (d dialect) migrations() ([]migration, error) {
	dir := path.Join("migrations", d.name)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s/%s: name must be NNNN_description.sql", dir, e.Name())
		}
		b, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion reports the schema version of the database and the latest
// one this binary knows. A database never migrated has version 0.
func (s *Store) SchemaVersion(ctx context.Context) (current, latest int, err error) {
	ms, err := s.dialect.migrations()
	if err != nil {
		return 0, 0, err
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&current); err != nil {
		return 0, 0, fmt.Errorf("schema version: %w", err)
	}
	return current, len(ms), nil
}

// Migrate applies the migrations the database lacks, each in its own
// transaction together with its schema_version row, so a failed migration
// leaves the schema at the previous version. It returns how many it applied.
// A database newer than this binary is an error: an old binary must not
// write into a schema it does not understand.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	current, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if current > latest {
		return 0, fmt.Errorf("migrate %s: database schema %d is newer than this binary's %d", s.where, current, latest)
	}
	ms, err := s.dialect.migrations()
	if err != nil {
		return 0, err
	}
	applied := 0
	for _, m := range ms[current:] {
		err := s.inTx(ctx, func(tx *tx) error {
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			if step := migrationSteps[m.version]; step != nil {
				if err := step(ctx, tx); err != nil {
					return err
				}
			}
			_, err := tx.exec(ctx, `INSERT INTO schema_version (version, applied_at) VALUES (?, ?)`,
				m.version, time.Now().UTC().Format(time.RFC3339))
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migrate %s: %w", m.name, err)
		}
		slog.InfoContext(ctx, "migrated", "db", s.where, "migration", m.name)
		applied++
	}
	return applied, nil
}

// CheckSchema returns an error wrapping ErrSchemaOutdated when the database
// lacks migrations this binary has. The server calls it before serving.
func (s *Store) CheckSchema(ctx context.Context) error {
	current, latest, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch {
	case current < latest:
		return fmt.Errorf("%s is at schema %d, this binary needs %d: %w", s.where, current, latest, ErrSchemaOutdated)
	case current > latest:
		return fmt.Errorf("%s is at schema %d, newer than this binary's %d: upgrade ortaq", s.where, current, latest)
	}
	return nil
}
