package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Agency is a state body that owns information systems.
type Agency struct {
	ID    int64
	Code  string
	Name  string
	Names map[string]string // language (kk, ru, en) -> name
}

// SourceDef is an information system as registered: its agency and the
// contract entry (Definition, JSON) that says how to read its extracts, kept
// so that records pushed through the API are read exactly as files are.
type SourceDef struct {
	ID         int64
	Name       string
	AgencyCode string
	Title      string
	Entity     string
	Definition []byte
}

// PutAgency creates the agency or updates its names, and returns its id.
func (s *Store) PutAgency(ctx context.Context, a Agency) (int64, error) {
	names, err := json.Marshal(nonNil(a.Names))
	if err != nil {
		return 0, fmt.Errorf("put agency %s: %w", a.Code, err)
	}
	now := s.dialect.timeArg(time.Now())
	var id int64
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`
		INSERT INTO agencies (code, name, names, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, names = excluded.names
		RETURNING id`), a.Code, a.Name, string(names), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("put agency %s: %w", a.Code, err)
	}
	return id, nil
}

// PutSource registers the source under its agency (which must exist) or
// updates its definition, and returns its id. Its record versions are kept.
func (s *Store) PutSource(ctx context.Context, d SourceDef) (int64, error) {
	now := s.dialect.timeArg(time.Now())
	var id int64
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`
		INSERT INTO sources (name, agency_id, title, entity, definition, created_at, updated_at)
		SELECT ?, id, ?, ?, ?, ?, ? FROM agencies WHERE code = ?
		ON CONFLICT (name) DO UPDATE SET agency_id = excluded.agency_id, title = excluded.title,
			entity = excluded.entity, definition = excluded.definition, updated_at = excluded.updated_at
		RETURNING id`), d.Name, d.Title, d.Entity, string(d.Definition), now, now, d.AgencyCode).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("put source %s: agency %q: %w", d.Name, d.AgencyCode, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("put source %s: %w", d.Name, err)
	}
	return id, nil
}

// Source returns the registered source named name, or ErrNotFound.
func (s *Store) Source(ctx context.Context, name string) (SourceDef, error) {
	d := SourceDef{Name: name}
	var def string
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`
		SELECT s.id, a.code, s.title, s.entity, s.definition
		FROM sources s JOIN agencies a ON a.id = s.agency_id WHERE s.name = ?`), name).
		Scan(&d.ID, &d.AgencyCode, &d.Title, &d.Entity, &def)
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("source %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("source %q: %w", name, err)
	}
	d.Definition = []byte(def)
	return d, nil
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
