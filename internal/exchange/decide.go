package exchange

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/ident"
	"github.com/ortaq/ortaq/internal/kz"
)

// Scopes an API key may carry.
const (
	// ScopeExchange lets a client query services.
	ScopeExchange = "exchange"
	// ScopeAudit lets a client read the audit log.
	ScopeAudit = "audit"
	// ScopeAdmin lets a client manage the registry entries of its own
	// member, or every entry when the member is the national
	// administrator (see the API's Options.NationalAdmin).
	ScopeAdmin = "admin"
	// ScopeSources lets a client push records to, and read the runs,
	// quarantine and records of, the sources its member's agency owns
	// (the agency code equal to the member code), and read the people its
	// agency holds records of.
	ScopeSources = "sources"
	// ScopeMerchant lets a merchant's system authorise purchases, refunds
	// and served meals against citizens' social wallets, for the merchant
	// registered on the credential's member and subsystem (see
	// socialwallet.Service.MerchantFor); a credential of a client that is
	// no registered merchant may do nothing with it.
	ScopeMerchant = "merchant"
)

// Scopes lists every scope a credential may carry.
var Scopes = []string{ScopeExchange, ScopeAudit, ScopeAdmin, ScopeSources, ScopeMerchant}

// Refusal codes, stable for clients to branch on; each comes with one HTTP
// status (see Refusal and docs/exchange.md).
const (
	CodeBadRequest        = "bad_request"         // 400
	CodeUnauthenticated   = "unauthenticated"     // 401
	CodeRevoked           = "revoked"             // 401
	CodeClientMismatch    = "client_mismatch"     // 403
	CodeRateLimited       = "rate_limited"        // 429
	CodeUnknownService    = "unknown_service"     // 404
	CodeNoRight           = "no_right"            // 403
	CodeUnknownLegalBasis = "unknown_legal_basis" // 403
	CodePurposeNotAllowed = "purpose_not_allowed" // 403
	CodeServiceNotCovered = "service_not_covered" // 403
	CodeUnknownField      = "unknown_field"       // 400
	CodeFieldNotAllowed   = "field_not_allowed"   // 403
	CodeConsentRequired   = "consent_required"    // 403
	CodeBadKey            = "bad_key"             // 400
	CodeNotFound          = "not_found"           // 404
	CodeNotOwner          = "not_owner"           // 403
)

// MaxBatch is the most keys one request may ask for.
const MaxBatch = 100

// Client is an authenticated caller.
type Client struct {
	Member    string
	Subsystem string // "" for a member-wide API key
	// Auth names the credential: "cert:SERIAL" or "key:ID".
	Auth string
	// Scopes are what the client may do; certificates carry ScopeExchange,
	// ScopeSources and ScopeMerchant, a system's own work. Shared with the
	// registry: must not be modified.
	Scopes []string
}

// Can reports whether the client holds scope.
func (c Client) Can(scope string) bool { return slices.Contains(c.Scopes, scope) }

// Refusal is a decision not to answer. Every error Decide, Authenticate*,
// Fetch and the registry methods return for a reason the caller can fix is
// a *Refusal; any other error is an internal failure (HTTP 500).
type Refusal struct {
	// Status is the HTTP status: 400, 401, 403, 404 or 429.
	Status int
	// Code is a stable snake_case reason (the Code* constants).
	Code string
	// Detail says in English exactly what is wrong, naming the header,
	// field, purpose or basis.
	Detail string
	// RetryAfter is set for 429: when a token will be available.
	RetryAfter time.Duration
}

// Error returns the code and the detail.
func (r *Refusal) Error() string { return r.Code + ": " + r.Detail }

func refuse(status int, code, format string, args ...any) *Refusal {
	return &Refusal{Status: status, Code: code, Detail: fmt.Sprintf(format, args...)}
}

// Request is one query as the HTTP layer decoded it from the path, query
// and headers.
type Request struct {
	Client Client
	// ClientID is the Ortaq-Client header, "MEMBER/SUBSYSTEM"; it must name
	// the authenticated client, or a subsystem of its member for a
	// member-wide key.
	ClientID string
	Service  string
	// Keys holds one key for GET /exchange/{service}/{key}, several for
	// the batch form.
	Keys                                 []string
	Purpose, LegalBasis, User, RequestID string
	// Fields are the fields asked for; empty means every field the basis
	// and the service allow.
	Fields []string
}

// Grant is an allowed query: what may be returned.
type Grant struct {
	// Client is the caller, with Subsystem set to the one it spoke for.
	Client  Client
	Service Service
	Basis   LegalBasis
	// Fields are the fields to return. Shared with the registry when the
	// request named none: must not be modified.
	Fields []string
}

// Decide decides whether req may be answered and with which fields. It
// checks, in this order, and refuses at the first failure: the headers
// (400 bad_request), the keys' form for the service's kind (400 bad_key),
// the batch size (400 bad_request), that the client id names the caller
// (403 client_mismatch), the member's rate limit (429 rate_limited), the
// service (404 unknown_service), the access right (403 no_right), the
// legal basis (403 unknown_legal_basis), that it allows the purpose (403
// purpose_not_allowed) and covers the service (403 service_not_covered),
// the requested fields (400 unknown_field, 403 field_not_allowed), and the
// subject's consent for every key when the basis requires it (403
// consent_required). The error is a *Refusal, or a failure of
// Options.Consent. Decide reads only the in-memory registry (and Consent).
func (x *Exchange) Decide(ctx context.Context, req Request) (Grant, error) {
	r := x.reg.Load()
	if ref := checkHeaders(&req); ref != nil {
		return Grant{}, ref
	}
	svc := r.services[req.Service]
	if svc != nil {
		if ref := checkKeys(&svc.Service, req.Keys); ref != nil {
			return Grant{}, ref
		}
	}
	if len(req.Keys) > MaxBatch {
		return Grant{}, refuse(400, CodeBadRequest, "%d keys in one request; at most %d are allowed", len(req.Keys), MaxBatch)
	}
	member, subsystem, _ := strings.Cut(req.ClientID, "/")
	client := req.Client
	m := r.members[client.Member]
	switch {
	case member != client.Member:
		return Grant{}, refuse(403, CodeClientMismatch, "Ortaq-Client names member %q but the credential belongs to %q",
			clip(member), client.Member)
	case client.Subsystem != "" && subsystem != client.Subsystem:
		return Grant{}, refuse(403, CodeClientMismatch, "Ortaq-Client names subsystem %q but the credential belongs to %s/%s",
			clip(subsystem), client.Member, client.Subsystem)
	case m == nil || !m.subsystems[subsystem]:
		return Grant{}, refuse(403, CodeClientMismatch, "member %q has no subsystem %q", client.Member, clip(subsystem))
	case !client.Can(ScopeExchange):
		return Grant{}, refuse(403, CodeClientMismatch, "credential %s lacks the %q scope", client.Auth, ScopeExchange)
	}
	client.Subsystem = subsystem
	if ok, wait := m.bucket.take(int64(x.now().Sub(x.epoch))); !ok {
		ref := refuse(429, CodeRateLimited, "member %s is over its limit of %d requests a second", m.Code, m.RateLimit)
		ref.RetryAfter = wait
		return Grant{}, ref
	}
	if svc == nil {
		return Grant{}, refuse(404, CodeUnknownService, "no service %q", clip(req.Service))
	}
	if _, ok := r.rights[Right{Member: client.Member, Subsystem: subsystem, Service: svc.Code, Purpose: req.Purpose}]; !ok {
		return Grant{}, refuse(403, CodeNoRight, "%s/%s has no right to use %s for purpose %q",
			client.Member, subsystem, svc.Code, req.Purpose)
	}
	basis := r.bases[req.LegalBasis]
	switch {
	case basis == nil:
		return Grant{}, refuse(403, CodeUnknownLegalBasis, "no legal basis %q", req.LegalBasis)
	case !basis.purposes[req.Purpose]:
		return Grant{}, refuse(403, CodePurposeNotAllowed, "legal basis %s (%s %s) does not allow purpose %q; it allows %s",
			basis.Code, basis.Law, basis.Article, req.Purpose, strings.Join(basis.Purposes, ", "))
	case basis.services != nil && !basis.services[svc.Code]:
		return Grant{}, refuse(403, CodeServiceNotCovered, "legal basis %s does not cover service %s; it covers %s",
			basis.Code, svc.Code, strings.Join(basis.Services, ", "))
	}
	allowed := r.allowed[[2]string{basis.Code, svc.Code}]
	fields, ref := checkFields(svc, basis, allowed, req.Fields)
	if ref != nil {
		return Grant{}, ref
	}
	if basis.ConsentRequired {
		for _, k := range req.Keys {
			if x.opts.Consent == nil {
				return Grant{}, refuse(403, CodeConsentRequired, "legal basis %s requires the subject's consent, "+
					"and this exchange cannot check consents", basis.Code)
			}
			covered, ok, err := x.opts.Consent(ctx, k, client, svc.Code, req.Purpose, fields)
			if err != nil {
				return Grant{}, fmt.Errorf("exchange: consent of %s for %s: %w", k, svc.Code, err)
			}
			if !ok {
				return Grant{}, refuse(403, CodeConsentRequired, "legal basis %s requires the subject's consent, "+
					"and %s has no active consent for %s/%s to use %s for %q covering any of %s", basis.Code, k,
					client.Member, subsystem, svc.Code, req.Purpose, strings.Join(fields, ", "))
			}
			// A batch answers every key with the fields all their
			// consents cover.
			fields = slices.DeleteFunc(slices.Clone(fields), func(f string) bool { return !slices.Contains(covered, f) })
			if len(fields) == 0 {
				return Grant{}, refuse(403, CodeConsentRequired, "legal basis %s requires the subject's consent, "+
					"and the keys' consents have no field of %s in common", basis.Code, svc.Code)
			}
		}
	}
	return Grant{Client: client, Service: svc.Service, Basis: basis.LegalBasis, Fields: fields}, nil
}

// checkHeaders checks that every header is present and well-formed.
func checkHeaders(req *Request) *Refusal {
	member, subsystem, ok := strings.Cut(req.ClientID, "/")
	switch {
	case req.ClientID == "":
		return refuse(400, CodeBadRequest, "missing Ortaq-Client header (MEMBER/SUBSYSTEM)")
	case !ok || !ValidCode(member) || !ValidCode(subsystem):
		return refuse(400, CodeBadRequest, "Ortaq-Client header %q is not MEMBER/SUBSYSTEM", clip(req.ClientID))
	case req.Purpose == "":
		return refuse(400, CodeBadRequest, "missing Ortaq-Purpose header")
	case !ValidCode(req.Purpose):
		return refuse(400, CodeBadRequest, "Ortaq-Purpose header %q is not a purpose code", clip(req.Purpose))
	case req.LegalBasis == "":
		return refuse(400, CodeBadRequest, "missing Ortaq-Legal-Basis header")
	case !ValidCode(req.LegalBasis):
		return refuse(400, CodeBadRequest, "Ortaq-Legal-Basis header %q is not a legal-basis code", clip(req.LegalBasis))
	case req.User == "":
		return refuse(400, CodeBadRequest, "missing Ortaq-User header (who in the client system asks)")
	case ident.Check(req.User) != nil:
		// Shown to the citizen and the auditor: a bidi control would
		// reorder what they read around it.
		return refuse(400, CodeBadRequest, "Ortaq-User header %v", ident.Check(req.User))
	case !validUser(req.User):
		return refuse(400, CodeBadRequest, "Ortaq-User header must be 1 to 128 printable characters")
	case req.RequestID == "":
		return refuse(400, CodeBadRequest, "missing Ortaq-Request-Id header")
	case !validRequestID(req.RequestID):
		return refuse(400, CodeBadRequest, "Ortaq-Request-Id header %q must be 1 to 128 of A-Z a-z 0-9 . _ : -", clip(req.RequestID))
	case req.Service == "":
		return refuse(400, CodeBadRequest, "no service named")
	case len(req.Keys) == 0:
		return refuse(400, CodeBadRequest, "no key given")
	}
	return nil
}

// checkKeys checks that every key has the form of the service's key.
func checkKeys(svc *Service, keys []string) *Refusal {
	for _, k := range keys {
		switch svc.KeyAttr {
		case KeyNationalID:
			if _, err := kz.ParseIIN(k); err != nil {
				return refuse(400, CodeBadKey, "key %q is not a valid IIN (%v)", clip(k), err)
			}
		case KeyTag:
			if !validTag(k) {
				return refuse(400, CodeBadKey, "key %q is not an animal tag (4 to 32 letters and digits)", clip(k))
			}
		default:
			if k == "" || len(k) > 128 {
				return refuse(400, CodeBadKey, "key %q must be 1 to 128 bytes", clip(k))
			}
			if err := ident.Check(k); err != nil {
				return refuse(400, CodeBadKey, "key %q %v", clip(k), err)
			}
		}
	}
	return nil
}

// checkFields returns the fields to grant: the requested ones (once each,
// in the order asked) when every one exists in the service and is allowed,
// else allowed itself when none was asked for.
func checkFields(svc *serviceEntry, basis *basisEntry, allowed, asked []string) ([]string, *Refusal) {
	if len(asked) == 0 {
		if len(allowed) == 0 {
			return nil, refuse(403, CodeFieldNotAllowed, "legal basis %s allows no field of service %s", basis.Code, svc.Code)
		}
		return allowed, nil
	}
	var unknown, denied []string
	for _, f := range asked {
		switch {
		case !svc.fields[f]:
			unknown = append(unknown, clip(f))
		case !slices.Contains(allowed, f):
			denied = append(denied, f)
		}
	}
	if len(unknown) > 0 {
		return nil, refuse(400, CodeUnknownField, "service %s has no field %s; its fields are %s",
			svc.Code, strings.Join(unknown, ", "), strings.Join(svc.Fields, ", "))
	}
	if len(denied) > 0 {
		return nil, refuse(403, CodeFieldNotAllowed, "legal basis %s does not allow %s of service %s; it allows %s",
			basis.Code, strings.Join(denied, ", "), svc.Code, strings.Join(allowed, ", "))
	}
	out := make([]string, 0, len(asked))
	for _, f := range asked {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out, nil
}

// clip shortens what a client sent before it is quoted back in a detail.
func clip(s string) string {
	const n = 64
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// ValidCode reports whether s is a registry code: 1 to 64 of a-z, 0-9,
// '.', '_' and '-', starting with a letter or digit.
func ValidCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case (c == '.' || c == '_' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return true
}

func validUser(s string) bool {
	if len(s) > 128 {
		return false
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == '\uFFFD' {
			return false
		}
	}
	return true
}

func validRequestID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}

func validTag(s string) bool {
	if len(s) < 4 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
