package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The exchange registry as the store keeps it. These are rows, not the
// exchange package's domain types: store sits below exchange, which
// validates them and turns them into its own types.

// ExchangeMember is one row of exchange_members.
type ExchangeMember struct {
	Code      string
	Title     map[string]string
	RateLimit int
	CreatedAt time.Time
}

// ExchangeSubsystem is one row of exchange_subsystems.
type ExchangeSubsystem struct {
	Member, Code string
	Title        map[string]string
	CreatedAt    time.Time
}

// ExchangeService is one row of exchange_services.
type ExchangeService struct {
	Code, Member  string
	Title         map[string]string
	Kind, KeyAttr string
	Source        string
	Fields        []string
	CreatedAt     time.Time
}

// ExchangePurpose is one row of exchange_purposes.
type ExchangePurpose struct {
	Code  string
	Title map[string]string
}

// LegalBasisRow is one row of legal_bases.
type LegalBasisRow struct {
	Code                       string
	Title                      map[string]string
	Law, Article               string
	Purposes, Services, Fields []string
	ConsentRequired            bool
	RetentionDays              int
	CreatedAt                  time.Time
}

// AccessRight is one row of access_rights.
type AccessRight struct {
	Member, Subsystem, Service, Purpose string
	GrantedAt                           time.Time
}

// ClientCertificate is one row of client_certificates; RevokedAt is zero
// while the certificate is in force.
type ClientCertificate struct {
	Serial, Member, Subsystem, Subject string
	NotAfter, IssuedAt, RevokedAt      time.Time
}

// APIKey is one row of api_keys; Hash is the hex SHA-256 of the secret and
// RevokedAt is zero while the key is in force.
type APIKey struct {
	ID, Hash, Member, Subsystem string
	Scopes                      []string
	CreatedAt, RevokedAt        time.Time
}

// ExchangeRegistry is the whole exchange registry, each list in key order.
type ExchangeRegistry struct {
	Members      []ExchangeMember
	Subsystems   []ExchangeSubsystem
	Services     []ExchangeService
	Purposes     []ExchangePurpose
	LegalBases   []LegalBasisRow
	Rights       []AccessRight
	Certificates []ClientCertificate
	Keys         []APIKey
}

// ExchangeRegistry reads the whole registry. It reads table by table
// without a transaction, because an SQLite transaction here takes the
// write lock and would make a periodic reload wait for an ingest run; a
// caller that reloads regularly sees a change half-applied at worst until
// its next reload, and must tolerate rows that name missing ones.
func (s *Store) ExchangeRegistry(ctx context.Context) (ExchangeRegistry, error) {
	var (
		r   ExchangeRegistry
		err error
	)
	load := func(what, q string, scan func(sc interface{ Scan(...any) error }) error) {
		if err != nil {
			return
		}
		var rows *sql.Rows
		if rows, err = s.db.QueryContext(ctx, q); err != nil {
			err = fmt.Errorf("exchange registry: %s: %w", what, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			if err = scan(rows); err != nil {
				err = fmt.Errorf("exchange registry: %s: %w", what, err)
				return
			}
		}
		if err = rows.Err(); err != nil {
			err = fmt.Errorf("exchange registry: %s: %w", what, err)
		}
	}
	load("members", `SELECT code, title, rate_limit, created_at FROM exchange_members ORDER BY code`,
		func(sc interface{ Scan(...any) error }) error {
			var (
				m     ExchangeMember
				title []byte
			)
			if err := sc.Scan(&m.Code, jsonValue{&title}, &m.RateLimit, timeValue{&m.CreatedAt}); err != nil {
				return err
			}
			var err error
			m.Title, err = decodeTitle(title)
			r.Members = append(r.Members, m)
			return err
		})
	load("subsystems", `SELECT member, code, title, created_at FROM exchange_subsystems ORDER BY member, code`,
		func(sc interface{ Scan(...any) error }) error {
			var (
				m     ExchangeSubsystem
				title []byte
			)
			if err := sc.Scan(&m.Member, &m.Code, jsonValue{&title}, timeValue{&m.CreatedAt}); err != nil {
				return err
			}
			var err error
			m.Title, err = decodeTitle(title)
			r.Subsystems = append(r.Subsystems, m)
			return err
		})
	load("services", `SELECT code, member, title, kind, key_attr, source, fields, created_at FROM exchange_services ORDER BY code`,
		func(sc interface{ Scan(...any) error }) error {
			var (
				v             ExchangeService
				title, fields []byte
			)
			if err := sc.Scan(&v.Code, &v.Member, jsonValue{&title}, &v.Kind, &v.KeyAttr, &v.Source, jsonValue{&fields},
				timeValue{&v.CreatedAt}); err != nil {
				return err
			}
			var err error
			if v.Title, err = decodeTitle(title); err != nil {
				return err
			}
			v.Fields, err = decodeList(fields)
			r.Services = append(r.Services, v)
			return err
		})
	load("purposes", `SELECT code, title FROM exchange_purposes ORDER BY code`,
		func(sc interface{ Scan(...any) error }) error {
			var (
				p     ExchangePurpose
				title []byte
			)
			if err := sc.Scan(&p.Code, jsonValue{&title}); err != nil {
				return err
			}
			var err error
			p.Title, err = decodeTitle(title)
			r.Purposes = append(r.Purposes, p)
			return err
		})
	load("legal bases", `SELECT code, title, law, article, purposes, services, fields, consent_required, retention_days, created_at
		FROM legal_bases ORDER BY code`,
		func(sc interface{ Scan(...any) error }) error {
			var (
				b                                 LegalBasisRow
				title, purposes, services, fields []byte
				consent                           int
			)
			if err := sc.Scan(&b.Code, jsonValue{&title}, &b.Law, &b.Article, jsonValue{&purposes}, jsonValue{&services},
				jsonValue{&fields}, &consent, &b.RetentionDays, timeValue{&b.CreatedAt}); err != nil {
				return err
			}
			b.ConsentRequired = consent != 0
			var err error
			if b.Title, err = decodeTitle(title); err != nil {
				return err
			}
			if b.Purposes, err = decodeList(purposes); err != nil {
				return err
			}
			if b.Services, err = decodeList(services); err != nil {
				return err
			}
			b.Fields, err = decodeList(fields)
			r.LegalBases = append(r.LegalBases, b)
			return err
		})
	load("access rights", `SELECT member, subsystem, service, purpose, granted_at FROM access_rights
		ORDER BY member, subsystem, service, purpose`,
		func(sc interface{ Scan(...any) error }) error {
			var a AccessRight
			if err := sc.Scan(&a.Member, &a.Subsystem, &a.Service, &a.Purpose, timeValue{&a.GrantedAt}); err != nil {
				return err
			}
			r.Rights = append(r.Rights, a)
			return nil
		})
	load("client certificates", `SELECT serial, member, subsystem, subject, not_after, issued_at, revoked_at
		FROM client_certificates ORDER BY serial`,
		func(sc interface{ Scan(...any) error }) error {
			var c ClientCertificate
			if err := sc.Scan(&c.Serial, &c.Member, &c.Subsystem, &c.Subject, timeValue{&c.NotAfter}, timeValue{&c.IssuedAt},
				timeValue{&c.RevokedAt}); err != nil {
				return err
			}
			r.Certificates = append(r.Certificates, c)
			return nil
		})
	load("api keys", `SELECT id, hash, member, subsystem, scopes, created_at, revoked_at FROM api_keys ORDER BY id`,
		func(sc interface{ Scan(...any) error }) error {
			var (
				k      APIKey
				scopes []byte
			)
			if err := sc.Scan(&k.ID, &k.Hash, &k.Member, &k.Subsystem, jsonValue{&scopes}, timeValue{&k.CreatedAt},
				timeValue{&k.RevokedAt}); err != nil {
				return err
			}
			var err error
			k.Scopes, err = decodeList(scopes)
			r.Keys = append(r.Keys, k)
			return err
		})
	return r, err
}

func decodeTitle(b []byte) (map[string]string, error) {
	m := map[string]string{}
	if len(b) == 0 {
		return m, nil
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("title: %w", err)
	}
	return m, nil
}

func decodeList(b []byte) ([]string, error) {
	var l []string
	if len(b) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("list: %w", err)
	}
	return l, nil
}

// encodeJSON marshals a title or list for a TEXT column; neither can fail
// to marshal, but the error is kept rather than assumed away.
func encodeJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// PutExchangeMember creates the member or updates its title and rate
// limit; its subsystems are kept.
func (s *Store) PutExchangeMember(ctx context.Context, m ExchangeMember) error {
	title, err := encodeJSON(nonNil(m.Title))
	if err != nil {
		return fmt.Errorf("put exchange member %s: %w", m.Code, err)
	}
	_, err = s.w.ExecContext(ctx, s.dialect.rebind(`
		INSERT INTO exchange_members (code, title, rate_limit, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET title = excluded.title, rate_limit = excluded.rate_limit`),
		m.Code, title, m.RateLimit, s.dialect.timeArg(time.Now()))
	if err != nil {
		return fmt.Errorf("put exchange member %s: %w", m.Code, err)
	}
	return nil
}

// DeleteExchangeMember deletes a member with its subsystems and their
// access rights, and revokes its keys and certificates, or returns
// ErrNotFound. It fails while the member still exposes services.
// Revoking rather than leaving the credentials orphaned means that a
// member created again under the same code does not inherit them.
func (s *Store) DeleteExchangeMember(ctx context.Context, code string) error {
	return s.deleteWithCredentials(ctx, "delete exchange member "+code, `DELETE FROM exchange_members WHERE code = ?`,
		`member = ?`, code)
}

// deleteWithCredentials runs a delete that must remove a row and revokes,
// in the same transaction, the keys and certificates that where selects.
func (s *Store) deleteWithCredentials(ctx context.Context, what, del, where string, args ...any) error {
	err := s.inTx(ctx, func(tx *tx) error {
		res, err := tx.exec(ctx, del, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		now := s.dialect.timeArg(time.Now())
		for _, table := range []string{"api_keys", "client_certificates"} {
			if _, err := tx.exec(ctx, `UPDATE `+table+` SET revoked_at = ? WHERE revoked_at IS NULL AND `+where,
				append([]any{now}, args...)...); err != nil {
				return fmt.Errorf("revoke credentials: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// PutExchangeSubsystem creates the subsystem (its member must exist) or
// updates its title.
func (s *Store) PutExchangeSubsystem(ctx context.Context, m ExchangeSubsystem) error {
	title, err := encodeJSON(nonNil(m.Title))
	if err != nil {
		return fmt.Errorf("put exchange subsystem %s/%s: %w", m.Member, m.Code, err)
	}
	_, err = s.w.ExecContext(ctx, s.dialect.rebind(`
		INSERT INTO exchange_subsystems (member, code, title, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (member, code) DO UPDATE SET title = excluded.title`),
		m.Member, m.Code, title, s.dialect.timeArg(time.Now()))
	if err != nil {
		return fmt.Errorf("put exchange subsystem %s/%s: %w", m.Member, m.Code, err)
	}
	return nil
}

// DeleteExchangeSubsystem deletes a subsystem and its access rights and
// revokes its keys and certificates (member-wide keys are kept), or
// returns ErrNotFound.
func (s *Store) DeleteExchangeSubsystem(ctx context.Context, member, code string) error {
	return s.deleteWithCredentials(ctx, "delete exchange subsystem "+member+"/"+code,
		`DELETE FROM exchange_subsystems WHERE member = ? AND code = ?`, `member = ? AND subsystem = ?`, member, code)
}

// PutExchangeService creates the service (its member must exist) or
// replaces its definition; its access rights are kept.
func (s *Store) PutExchangeService(ctx context.Context, v ExchangeService) error {
	title, err := encodeJSON(nonNil(v.Title))
	if err != nil {
		return fmt.Errorf("put exchange service %s: %w", v.Code, err)
	}
	fields, err := encodeJSON(nonNilSlice(v.Fields))
	if err != nil {
		return fmt.Errorf("put exchange service %s: %w", v.Code, err)
	}
	_, err = s.w.ExecContext(ctx, s.dialect.rebind(`
		INSERT INTO exchange_services (code, member, title, kind, key_attr, source, fields, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET member = excluded.member, title = excluded.title, kind = excluded.kind,
			key_attr = excluded.key_attr, source = excluded.source, fields = excluded.fields`),
		v.Code, v.Member, title, v.Kind, v.KeyAttr, v.Source, fields, s.dialect.timeArg(time.Now()))
	if err != nil {
		return fmt.Errorf("put exchange service %s: %w", v.Code, err)
	}
	return nil
}

// DeleteExchangeService deletes a service and the access rights to it, or
// returns ErrNotFound.
func (s *Store) DeleteExchangeService(ctx context.Context, code string) error {
	return s.deleteOne(ctx, "delete exchange service "+code, `DELETE FROM exchange_services WHERE code = ?`, code)
}

// PutExchangePurpose creates the purpose or updates its title.
func (s *Store) PutExchangePurpose(ctx context.Context, p ExchangePurpose) error {
	title, err := encodeJSON(nonNil(p.Title))
	if err != nil {
		return fmt.Errorf("put exchange purpose %s: %w", p.Code, err)
	}
	_, err = s.w.ExecContext(ctx, s.dialect.rebind(`
		INSERT INTO exchange_purposes (code, title) VALUES (?, ?)
		ON CONFLICT (code) DO UPDATE SET title = excluded.title`), p.Code, title)
	if err != nil {
		return fmt.Errorf("put exchange purpose %s: %w", p.Code, err)
	}
	return nil
}

// PutLegalBasis creates the legal basis or replaces it.
func (s *Store) PutLegalBasis(ctx context.Context, b LegalBasisRow) error {
	var cols [4]string
	for i, v := range []any{nonNil(b.Title), nonNilSlice(b.Purposes), nonNilSlice(b.Services), nonNilSlice(b.Fields)} {
		var err error
		if cols[i], err = encodeJSON(v); err != nil {
			return fmt.Errorf("put legal basis %s: %w", b.Code, err)
		}
	}
	consent := 0
	if b.ConsentRequired {
		consent = 1
	}
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`
		INSERT INTO legal_bases (code, title, law, article, purposes, services, fields, consent_required, retention_days, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET title = excluded.title, law = excluded.law, article = excluded.article,
			purposes = excluded.purposes, services = excluded.services, fields = excluded.fields,
			consent_required = excluded.consent_required, retention_days = excluded.retention_days`),
		b.Code, cols[0], b.Law, b.Article, cols[1], cols[2], cols[3], consent, b.RetentionDays, s.dialect.timeArg(time.Now()))
	if err != nil {
		return fmt.Errorf("put legal basis %s: %w", b.Code, err)
	}
	return nil
}

// DeleteLegalBasis deletes a legal basis, or returns ErrNotFound.
func (s *Store) DeleteLegalBasis(ctx context.Context, code string) error {
	return s.deleteOne(ctx, "delete legal basis "+code, `DELETE FROM legal_bases WHERE code = ?`, code)
}

// PutAccessRight records the right; granting it again changes nothing.
// The subsystem and the service must exist.
func (s *Store) PutAccessRight(ctx context.Context, a AccessRight) error {
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`
		INSERT INTO access_rights (member, subsystem, service, purpose, granted_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (member, subsystem, service, purpose) DO NOTHING`),
		a.Member, a.Subsystem, a.Service, a.Purpose, s.dialect.timeArg(time.Now()))
	if err != nil {
		return fmt.Errorf("grant %s/%s %s %s: %w", a.Member, a.Subsystem, a.Service, a.Purpose, err)
	}
	return nil
}

// DeleteAccessRight removes the right, or returns ErrNotFound.
func (s *Store) DeleteAccessRight(ctx context.Context, a AccessRight) error {
	return s.deleteOne(ctx, fmt.Sprintf("revoke %s/%s %s %s", a.Member, a.Subsystem, a.Service, a.Purpose),
		`DELETE FROM access_rights WHERE member = ? AND subsystem = ? AND service = ? AND purpose = ?`,
		a.Member, a.Subsystem, a.Service, a.Purpose)
}

// PutClientCertificate records an issued client certificate; a serial is
// recorded once.
func (s *Store) PutClientCertificate(ctx context.Context, c ClientCertificate) error {
	_, err := s.w.ExecContext(ctx, s.dialect.rebind(`
		INSERT INTO client_certificates (serial, member, subsystem, subject, not_after, issued_at) VALUES (?, ?, ?, ?, ?, ?)`),
		c.Serial, c.Member, c.Subsystem, c.Subject, s.dialect.timeArg(c.NotAfter), s.dialect.timeArg(c.IssuedAt))
	if err != nil {
		return fmt.Errorf("record client certificate %s: %w", c.Serial, err)
	}
	return nil
}

// RevokeClientCertificate marks the certificate revoked at at, or returns
// ErrNotFound. Revoking it again keeps the first time.
func (s *Store) RevokeClientCertificate(ctx context.Context, serial string, at time.Time) error {
	return s.deleteOne(ctx, "revoke client certificate "+serial,
		`UPDATE client_certificates SET revoked_at = COALESCE(revoked_at, ?) WHERE serial = ?`, s.dialect.timeArg(at), serial)
}

// PutAPIKey records a new API key.
func (s *Store) PutAPIKey(ctx context.Context, k APIKey) error {
	scopes, err := encodeJSON(nonNilSlice(k.Scopes))
	if err != nil {
		return fmt.Errorf("record api key %s: %w", k.ID, err)
	}
	_, err = s.w.ExecContext(ctx, s.dialect.rebind(`
		INSERT INTO api_keys (id, hash, member, subsystem, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)`),
		k.ID, k.Hash, k.Member, k.Subsystem, scopes, s.dialect.timeArg(k.CreatedAt))
	if err != nil {
		return fmt.Errorf("record api key %s: %w", k.ID, err)
	}
	return nil
}

// RevokeAPIKey marks the key revoked at at, or returns ErrNotFound.
// Revoking it again keeps the first time.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	return s.deleteOne(ctx, "revoke api key "+id,
		`UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, s.dialect.timeArg(at), id)
}

// deleteOne runs a statement that must change a row, else ErrNotFound.
func (s *Store) deleteOne(ctx context.Context, what, q string, args ...any) error {
	res, err := s.w.ExecContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// GoldenByTerm returns the golden records of kind that search term (one
// folded word, as golden.SearchTerms makes it: an animal's tag in lower
// case) finds, at most limit, through the search index.
func (s *Store) GoldenByTerm(ctx context.Context, kind, term string, limit int) ([]GoldenRow, error) {
	return s.goldenRows(ctx, `SELECT `+qualify("g", goldenColumnList)+`
		FROM search_terms t JOIN golden_records g ON g.entity_id = t.entity_id
		WHERE t.term = ? AND g.kind = ? ORDER BY g.entity_id LIMIT ?`, term, kind, limit)
}

func qualify(table string, cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = table + "." + c
	}
	return strings.Join(q, ", ")
}

// EntitySourceRecords returns the latest live version of every record of
// source resolved into entityID, by record id: what one source knows of
// one subject. It reads through the entity index, never the whole source.
//
// Only a source that agency keeps answers: a service reads its own
// member's source, never another agency's, whatever its definition names.
func (s *Store) EntitySourceRecords(ctx context.Context, entityID, source, agency string) ([]LiveRecord, error) {
	rows, err := s.queryPrepared(ctx, `SELECT `+liveColumns+`
		FROM entity_members m
		JOIN sources s ON s.id = m.source_id
		JOIN agencies a ON a.id = s.agency_id
		JOIN record_versions v ON v.source_id = m.source_id AND v.record_id = m.record_id`+liveRun+`
		WHERE m.entity_id = ? AND s.name = ? AND a.code = ? AND NOT v.deleted AND `+latestOnly+`
		ORDER BY v.record_id`, entityID, source, agency)
	if err != nil {
		return nil, fmt.Errorf("records of %s in %s: %w", entityID, source, err)
	}
	defer rows.Close()
	var out []LiveRecord
	for rows.Next() {
		r, err := s.scanLive(ctx, rows, nil)
		if err != nil {
			return nil, fmt.Errorf("records of %s in %s: %w", entityID, source, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records of %s in %s: %w", entityID, source, err)
	}
	return out, nil
}

// SourceEntity returns the entity kind a registered source holds and the
// code of the agency that keeps it, or ErrNotFound when no source of that
// name is registered.
func (s *Store) SourceEntity(ctx context.Context, name string) (kind, agency string, err error) {
	err = s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT s.entity, a.code FROM sources s
		JOIN agencies a ON a.id = s.agency_id WHERE s.name = ?`), name).Scan(&kind, &agency)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", fmt.Errorf("source %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return "", "", fmt.Errorf("source %q: %w", name, err)
	}
	return kind, agency, nil
}
