// Package officials is a placeholder with the agreed API, replaced whole
// by the officials branch at merge.
package officials

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
)

type Options struct {
	SessionIdle, SessionMax time.Duration
	MaxFailures             int
	Lockout, BreakGlassFor  time.Duration
	Now                     func() time.Time
}
type Official struct {
	ID                  int64
	Login, Name, Agency string
	Roles               []access.Role
	Disabled            bool
	Via                 string
}

func (o Official) Principal() access.Principal {
	return access.Principal{Agency: o.Agency, Roles: o.Roles}
}

type Directory struct{}

var (
	ErrBadCredentials = errors.New("bad")
	ErrLocked         = errors.New("locked")
	ErrNoSession      = errors.New("no session")
)

func New(st *store.Store, opts Options) *Directory { return &Directory{} }
func (d *Directory) SignIn(ctx context.Context, login, password, code string) (Official, error) {
	return Official{}, ErrBadCredentials
}
func (d *Directory) AllowAttempt(ip string) bool { return true }

type OIDCConfig struct {
	Issuer, ClientID, ClientSecret, RedirectURL            string
	Scopes                                                 []string
	LoginClaim, NameClaim, AgencyClaim, RolesClaim, Agency string
	RoleMap                                                map[string]access.Role
}

func (d *Directory) OIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) { return nil, nil }

type OIDC struct{}
type OIDCState struct{ State, Nonce, Verifier string }

func (p *OIDC) Start() (string, OIDCState, error) { return "", OIDCState{}, nil }
func (p *OIDC) Finish(ctx context.Context, st OIDCState, q url.Values) (Official, error) {
	return Official{}, nil
}

type Case struct {
	Ref, Reason string
	At          time.Time
}
type Session struct {
	Official             Official
	CSRF                 string
	Case                 Case
	CreatedAt, ExpiresAt time.Time
}

func (d *Directory) StartSession(ctx context.Context, o Official) (string, Session, error) {
	return "", Session{}, nil
}
func (d *Directory) Session(ctx context.Context, token string) (Session, error) {
	return Session{}, ErrNoSession
}
func (d *Directory) EndSession(ctx context.Context, s Session) error       { return nil }
func (d *Directory) SetCase(ctx context.Context, s *Session, c Case) error { return nil }

var ReasonCodes = []string{"data-correction", "citizen-request", "quality-review", "social-case", "legal-request"}
var ReasonLabels = map[string]map[string]string{}

type Grant struct {
	ID                      int64
	Official                Official
	Subject, Reason, Case   string
	At, Until               time.Time
	Reviewed                bool
	Reviewer, Verdict, Note string
	ReviewedAt              time.Time
}

func (d *Directory) BreakGlass(ctx context.Context, s Session, subject, reason string) (Grant, error) {
	return Grant{}, nil
}
func (d *Directory) ActiveGrant(ctx context.Context, officialID int64, subject string) (Grant, bool, error) {
	return Grant{}, false, nil
}
func (d *Directory) Grants(ctx context.Context, pendingOnly bool, limit int) ([]Grant, error) {
	return nil, nil
}
func (d *Directory) Review(ctx context.Context, id int64, reviewer Official, verdict, note string) error {
	return nil
}

type InputError struct{ Field, Reason string }

func (e *InputError) Error() string { return e.Field + ": " + e.Reason }

func (d *Directory) Add(ctx context.Context, o Official, password string) (string, error) {
	return "", nil
}
func (d *Directory) List(ctx context.Context) ([]Official, error) { return nil, nil }
