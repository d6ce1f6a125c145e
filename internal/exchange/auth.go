package exchange

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/hex"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// API keys are "ortaq_<id>_<secret>": id is 16 lower-case hex digits
// (8 random bytes) and names the key in logs, the audit trail and
// "exchange key revoke"; secret is 64 lower-case hex digits (32 random
// bytes). The store keeps only the secret's SHA-256.
const (
	keyPrefix    = "ortaq_"
	keyIDLen     = 16
	keySecretLen = 64
)

// AuthenticateCert identifies the client behind a certificate that TLS has
// already verified against the platform CA, by its serial: an unknown
// serial, an expired certificate or one whose subject disagrees with what
// was registered is refused with 401 unauthenticated, a revoked one with
// 401 revoked.
func (x *Exchange) AuthenticateCert(cert *x509.Certificate) (Client, error) {
	if cert == nil || cert.SerialNumber == nil {
		return Client{}, refuse(401, CodeUnauthenticated, "no client certificate")
	}
	serial := cert.SerialNumber.Text(16)
	e := x.reg.Load().certs[serial]
	switch {
	case e == nil:
		return Client{}, refuse(401, CodeUnauthenticated, "client certificate %s is not registered", serial)
	case e.revoked:
		return Client{}, refuse(401, CodeRevoked, "client certificate %s is revoked", serial)
	case time.Now().After(cert.NotAfter):
		return Client{}, refuse(401, CodeUnauthenticated, "client certificate %s expired on %s", serial,
			cert.NotAfter.UTC().Format(time.DateOnly))
	case !slices.Equal(cert.Subject.Organization, []string{e.client.Member}) || cert.Subject.CommonName != e.client.Subsystem:
		return Client{}, refuse(401, CodeUnauthenticated, "client certificate %s names %v/%s, not the registered %s/%s",
			serial, cert.Subject.Organization, cert.Subject.CommonName, e.client.Member, e.client.Subsystem)
	}
	return e.client, nil
}

// AuthenticateKey identifies the client behind an API key token
// ("ortaq_<id>_<secret>"), comparing SHA-256 hashes in constant time: a
// malformed, unknown or wrong key is refused with 401 unauthenticated, a
// revoked one with 401 revoked.
func (x *Exchange) AuthenticateKey(token string) (Client, error) {
	id, secret, ok := parseToken(token)
	if !ok {
		return Client{}, refuse(401, CodeUnauthenticated, "malformed API key; expected ortaq_<id>_<secret>")
	}
	e := x.reg.Load().keys[id]
	if e == nil {
		return Client{}, refuse(401, CodeUnauthenticated, "unknown API key %s", id)
	}
	sum := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(sum[:], e.hash[:]) != 1 {
		return Client{}, refuse(401, CodeUnauthenticated, "wrong secret for API key %s", id)
	}
	if e.revoked {
		return Client{}, refuse(401, CodeRevoked, "API key %s is revoked", id)
	}
	return e.client, nil
}

func parseToken(token string) (id, secret string, ok bool) {
	rest, ok := strings.CutPrefix(token, keyPrefix)
	if !ok || len(rest) != keyIDLen+1+keySecretLen || rest[keyIDLen] != '_' {
		return "", "", false
	}
	id, secret = rest[:keyIDLen], rest[keyIDLen+1:]
	if !isHex(id) || !isHex(secret) {
		return "", "", false
	}
	return id, secret, true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// CreateKey makes an API key for a member's subsystem, or for the whole
// member when subsystem is "" (the client then names the subsystem it
// speaks for in Ortaq-Client). Scopes default to ScopeExchange. The token
// is returned once and only its hash is stored.
func (x *Exchange) CreateKey(ctx context.Context, member, subsystem string, scopes []string) (token string, id string, err error) {
	if len(scopes) == 0 {
		scopes = []string{ScopeExchange}
	}
	scopes = slices.Clone(scopes)
	slices.Sort(scopes)
	scopes = slices.Compact(scopes)
	for _, s := range scopes {
		if !slices.Contains(Scopes, s) {
			return "", "", refuse(400, CodeBadRequest, "unknown scope %q; scopes are %s", clip(s), strings.Join(Scopes, ", "))
		}
	}
	var raw [8 + 32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", "", err
	}
	id, secret := hex.EncodeToString(raw[:8]), hex.EncodeToString(raw[8:])
	sum := sha256.Sum256([]byte(secret))
	err = x.change(ctx, func(r *registry) error {
		if err := r.needSubsystem(member, subsystem, subsystem == ""); err != nil {
			return err
		}
		return x.st.PutAPIKey(ctx, store.APIKey{ID: id, Hash: hex.EncodeToString(sum[:]), Member: member, Subsystem: subsystem,
			Scopes: scopes, CreatedAt: time.Now()})
	})
	if err != nil {
		return "", "", err
	}
	return keyPrefix + id + "_" + secret, id, nil
}

// RevokeKey revokes an API key at once; an unknown id is refused with 404.
func (x *Exchange) RevokeKey(ctx context.Context, id string) error {
	return x.change(ctx, func(*registry) error { return x.st.RevokeAPIKey(ctx, id, time.Now()) })
}

// KeyMember is the member an API key (by id) was issued to, revoked or
// not; false for an unknown id.
func (x *Exchange) KeyMember(id string) (string, bool) {
	e := x.reg.Load().keys[id]
	if e == nil {
		return "", false
	}
	return e.client.Member, true
}

// CertMember is the member a registered client certificate (by serial, as
// NormalizeSerial reads it) was issued to; false for an unknown serial.
func (x *Exchange) CertMember(serial string) (string, bool) {
	s, ok := NormalizeSerial(serial)
	if !ok {
		return "", false
	}
	e := x.reg.Load().certs[s]
	if e == nil {
		return "", false
	}
	return e.client.Member, true
}

// RevokeCert revokes a client certificate by serial (hex, colons and case
// ignored) at once; an unknown serial is refused with 404.
func (x *Exchange) RevokeCert(ctx context.Context, serial string) error {
	s, ok := NormalizeSerial(serial)
	if !ok {
		return refuse(400, CodeBadRequest, "serial %q is not a hexadecimal number", clip(serial))
	}
	return x.change(ctx, func(*registry) error { return x.st.RevokeClientCertificate(ctx, s, time.Now()) })
}

// RegisterCert records a client certificate the platform CA issued, so
// that AuthenticateCert knows it: its subject's O is the member and CN the
// subsystem, which must exist.
func (x *Exchange) RegisterCert(ctx context.Context, cert *x509.Certificate) error {
	if cert == nil || cert.SerialNumber == nil {
		return refuse(400, CodeBadRequest, "no certificate")
	}
	if len(cert.Subject.Organization) != 1 || cert.Subject.CommonName == "" {
		return refuse(400, CodeBadRequest, "certificate subject %q must have one O (the member) and a CN (the subsystem)",
			cert.Subject.String())
	}
	member, subsystem := cert.Subject.Organization[0], cert.Subject.CommonName
	return x.change(ctx, func(r *registry) error {
		if err := r.needSubsystem(member, subsystem, false); err != nil {
			return err
		}
		return x.st.PutClientCertificate(ctx, store.ClientCertificate{Serial: cert.SerialNumber.Text(16), Member: member,
			Subsystem: subsystem, Subject: cert.Subject.String(), NotAfter: cert.NotAfter, IssuedAt: cert.NotBefore})
	})
}

// NormalizeSerial turns a certificate serial as people write it (hex,
// upper or lower case, with or without colons or a 0x prefix) into the
// form the registry keys it by: lower-case hex without leading zeros.
func NormalizeSerial(s string) (string, bool) {
	s = strings.TrimPrefix(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), ":", "")), "0x")
	if s == "" || len(s) > 64 || !isHex(s) {
		return "", false
	}
	n, ok := new(big.Int).SetString(s, 16)
	if !ok {
		return "", false
	}
	return n.Text(16), true
}

// needSubsystem checks that the member exists and, unless memberWide,
// that it has the subsystem.
func (r *registry) needSubsystem(member, subsystem string, memberWide bool) error {
	m := r.members[member]
	if m == nil {
		return refuse(404, CodeNotFound, "no member %q", clip(member))
	}
	if !memberWide && !m.subsystems[subsystem] {
		return refuse(404, CodeNotFound, "member %s has no subsystem %q", member, clip(subsystem))
	}
	return nil
}
