package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ConsentVersion is one stored version of a consent artefact; the consent
// package gives it meaning. Services and Fields are JSON lists as stored.
type ConsentVersion struct {
	ConsentID     string
	Version       int
	Subject       string
	Member        string
	Subsystem     string
	Purpose       string
	Services      []string
	Fields        []string
	ValidFrom     time.Time
	ValidUntil    time.Time
	Frequency     string
	RetentionDays int
	Status        string
	ChangedAt     time.Time
	ChangedBy     string
	Reason        string
	Body          string
	Note          string
}

// ErrVersionTaken reports that another change appended the same version
// of a consent first; the caller reads the consent again and retries.
var ErrVersionTaken = errors.New("version already taken")

var consentColumnList = []string{"consent_id", "version", "subject", "member", "subsystem", "purpose", "services",
	"fields", "valid_from", "valid_until", "frequency", "retention_days", "status", "changed_at", "changed_by",
	"reason", "body", "note"}

var consentColumns = strings.Join(consentColumnList, ", ")

// AppendConsentVersion stores a new version of a consent. Versions are
// never updated: a version number already stored is refused with
// ErrVersionTaken, so that two changes made at once cannot both win.
func (s *Store) AppendConsentVersion(ctx context.Context, v ConsentVersion) error {
	if latest, err := s.ConsentLatest(ctx, v.ConsentID); err == nil && latest.Version >= v.Version {
		return fmt.Errorf("consent %s version %d: %w", v.ConsentID, v.Version, ErrVersionTaken)
	}
	services, err := encodeFields(v.Services)
	if err != nil {
		return fmt.Errorf("consent %s: %w", v.ConsentID, err)
	}
	fields, err := encodeFields(v.Fields)
	if err != nil {
		return fmt.Errorf("consent %s: %w", v.ConsentID, err)
	}
	d := s.dialect
	_, err = s.w.ExecContext(ctx, d.rebind(`INSERT INTO consent_versions (`+consentColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		v.ConsentID, v.Version, v.Subject, v.Member, v.Subsystem, v.Purpose, services, fields, d.timeArg(v.ValidFrom),
		d.timeArg(v.ValidUntil), v.Frequency, v.RetentionDays, v.Status, d.timeArg(v.ChangedAt), v.ChangedBy, v.Reason,
		v.Body, v.Note)
	if err != nil {
		// The primary key refuses a version stored meanwhile; say so in
		// the contract's terms rather than the driver's.
		if latest, lerr := s.ConsentLatest(ctx, v.ConsentID); lerr == nil && latest.Version >= v.Version {
			return fmt.Errorf("consent %s version %d: %w", v.ConsentID, v.Version, ErrVersionTaken)
		}
		return fmt.Errorf("consent %s: %w", v.ConsentID, err)
	}
	return nil
}

// ConsentLatest returns a consent's latest version, or ErrNotFound.
func (s *Store) ConsentLatest(ctx context.Context, consentID string) (ConsentVersion, error) {
	vs, err := s.consentVersions(ctx, `SELECT `+consentColumns+` FROM consent_versions
		WHERE consent_id = ? ORDER BY version DESC LIMIT 1`, consentID)
	if err != nil {
		return ConsentVersion{}, err
	}
	if len(vs) == 0 {
		return ConsentVersion{}, fmt.Errorf("consent %s: %w", consentID, ErrNotFound)
	}
	return vs[0], nil
}

// ConsentHistory returns every version of a consent, oldest first.
func (s *Store) ConsentHistory(ctx context.Context, consentID string) ([]ConsentVersion, error) {
	return s.consentVersions(ctx, `SELECT `+consentColumns+` FROM consent_versions
		WHERE consent_id = ? ORDER BY version`, consentID)
}

// ConsentsOf returns the latest version of every consent subject gave,
// newest consent first; with member and purpose set, only those given to
// that member for that purpose (what the exchange asks on every query).
func (s *Store) ConsentsOf(ctx context.Context, subject, member, purpose string) ([]ConsentVersion, error) {
	q := `SELECT ` + consentColumns + ` FROM consent_versions v
		WHERE subject = ? AND version = (SELECT MAX(version) FROM consent_versions w WHERE w.consent_id = v.consent_id)`
	args := []any{subject}
	if member != "" || purpose != "" {
		q += ` AND member = ? AND purpose = ?`
		args = append(args, member, purpose)
	}
	return s.consentVersions(ctx, q+` ORDER BY valid_from DESC, consent_id`, args...)
}

func (s *Store) consentVersions(ctx context.Context, q string, args ...any) ([]ConsentVersion, error) {
	rows, err := s.queryPrepared(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("consents: %w", err)
	}
	defer rows.Close()
	var out []ConsentVersion
	for rows.Next() {
		var (
			v                ConsentVersion
			services, fields string
		)
		err := rows.Scan(&v.ConsentID, &v.Version, &v.Subject, &v.Member, &v.Subsystem, &v.Purpose, &services, &fields,
			timeValue{&v.ValidFrom}, timeValue{&v.ValidUntil}, &v.Frequency, &v.RetentionDays, &v.Status,
			timeValue{&v.ChangedAt}, &v.ChangedBy, &v.Reason, &v.Body, &v.Note)
		if err != nil {
			return nil, fmt.Errorf("consents: %w", err)
		}
		if v.Services, err = decodeFields(services); err != nil {
			return nil, fmt.Errorf("consent %s: %w", v.ConsentID, err)
		}
		if v.Fields, err = decodeFields(fields); err != nil {
			return nil, fmt.Errorf("consent %s: %w", v.ConsentID, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
