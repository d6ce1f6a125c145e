// Package officials is who the console's officials are: local accounts with
// an argon2id password and a TOTP second factor, or officials of an
// identity provider signing in by OpenID Connect; their sessions, each with
// the case the official states they work on; and break-glass access to a
// person outside their agency, time-boxed and reviewed by an auditor.
//
// What an official may do is internal/access's business: an [Official]
// gives its [access.Principal]. This package answers who is asking.
package officials

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/store"
)

// Ways an official signs in, as [Official.Via] names them.
const (
	ViaPassword = "password"
	ViaOIDC     = "oidc"
)

// Errors. The web layer maps each to the status given.
var (
	// ErrBadCredentials: the login, password or code is wrong, or the
	// account is disabled; one error for all, so that a caller learns
	// nothing about which (401, or the sign-in form again).
	ErrBadCredentials = errors.New("wrong login, password or code")
	// ErrLocked: too many consecutive failed sign-ins; the account is
	// locked for Options.Lockout (429 or the form with its message).
	ErrLocked = errors.New("account locked after failed sign-ins")
	// ErrNoSession: the session token is unknown, ended, idle too long,
	// past its maximum age, or its official is disabled (sign in again).
	ErrNoSession = errors.New("no session")
	// ErrNotFound: no official has that login (404).
	ErrNotFound = errors.New("no such official")
	// ErrExists: the login is taken (409).
	ErrExists = errors.New("login already taken")
	// ErrInvalid is wrapped by every refusal of a malformed input: a login,
	// name, agency, role, password, case, reason, subject or verdict (400).
	ErrInvalid = errors.New("invalid")
	// ErrNoCase: break-glass needs a stated case first (400, or the case
	// form).
	ErrNoCase = errors.New("no case stated")
	// ErrForbidden: the official's roles do not permit this (403).
	ErrForbidden = errors.New("not permitted")
	// ErrReviewed: the break-glass access was already reviewed (409).
	ErrReviewed = errors.New("already reviewed")
)

// Options tune a Directory; the zero value gives the defaults.
type Options struct {
	SessionIdle   time.Duration // a session unused this long ends; default 30m
	SessionMax    time.Duration // a session ends this long after sign-in; default 12h
	MaxFailures   int           // consecutive failed sign-ins before lockout; default 5
	Lockout       time.Duration // how long a lockout lasts; default 15m
	BreakGlassFor time.Duration // how long a break-glass grant lasts; default 1h
	// AttemptsPerMinute and AttemptBurst are the per-IP token bucket of
	// AllowAttempt; defaults 10 and 10.
	AttemptsPerMinute int
	AttemptBurst      int
	// HashMemoryKiB and HashPasses set argon2id's cost for new and reset
	// passwords; defaults 65536 (64 MiB) and 3, RFC 9106's second
	// recommendation. Stored hashes carry their own cost, so raising it
	// later leaves existing passwords valid.
	HashMemoryKiB, HashPasses int
	Now                       func() time.Time // the clock; time.Now by default (tests)
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.SessionIdle, 30*time.Minute)
	def(&o.SessionMax, 12*time.Hour)
	def(&o.Lockout, 15*time.Minute)
	def(&o.BreakGlassFor, time.Hour)
	if o.MaxFailures <= 0 {
		o.MaxFailures = 5
	}
	if o.AttemptsPerMinute <= 0 {
		o.AttemptsPerMinute = 10
	}
	if o.AttemptBurst <= 0 {
		o.AttemptBurst = 10
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Official is a person who works in the console.
type Official struct {
	ID       int64
	Login    string
	Name     string
	Agency   string // the agency's code, as sources name their owner; "" for national roles
	Roles    []access.Role
	Disabled bool
	Via      string // ViaPassword or ViaOIDC
	// LockedUntil is when a lockout ends; zero when not locked.
	LockedUntil time.Time
}

// Principal is what the policy decides on. A disabled official is a
// principal without roles, whom the policy refuses everything.
func (o Official) Principal() access.Principal {
	if o.Disabled {
		return access.Principal{Agency: o.Agency}
	}
	return access.Principal{Agency: o.Agency, Roles: slices.Clone(o.Roles)}
}

// Directory is the officials' register and their sessions. It is safe for
// concurrent use.
type Directory struct {
	st   *store.Store
	opts Options
	kdf  kdfParams
	// hashing bounds concurrent argon2id runs: each takes kdf.memory KiB,
	// and a flood of sign-ins must not exhaust memory.
	hashing chan struct{}
	dummy   func() string // a hash to verify against when there is none
	limiter limiter
}

// New returns the directory of the officials stored in st.
func New(st *store.Store, opts Options) *Directory {
	opts.defaults()
	kdf := defaultKDF
	if opts.HashMemoryKiB > 0 {
		kdf.memory = uint32(opts.HashMemoryKiB)
	}
	if opts.HashPasses > 0 {
		kdf.time = uint32(opts.HashPasses)
	}
	d := &Directory{st: st, opts: opts, kdf: kdf, hashing: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))}
	d.dummy = sync.OnceValue(func() string {
		h, err := d.kdf.hash("not a password: unknown login")
		if err != nil {
			return ""
		}
		return h
	})
	d.limiter = limiter{perMinute: opts.AttemptsPerMinute, burst: opts.AttemptBurst, buckets: map[string]*bucket{}}
	return d
}

func (d *Directory) now() time.Time { return d.opts.Now().UTC() }

func fromStore(o store.Official) Official {
	roles := make([]access.Role, len(o.Roles))
	for i, r := range o.Roles {
		roles[i] = access.Role(r)
	}
	return Official{ID: o.ID, Login: o.Login, Name: o.Name, Agency: o.Agency, Roles: roles, Disabled: o.Disabled,
		Via: o.Via, LockedUntil: o.LockedUntil}
}

func roleNames(roles []access.Role) []string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = string(r)
	}
	return out
}

var (
	loginRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{0,63}$`)
	agencyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
)

// CheckLogin accepts a login of 1 to 64 lower-case letters, digits, '.',
// '_', '@' and '-', starting with a letter or digit.
func CheckLogin(login string) error {
	if !loginRE.MatchString(login) {
		return fmt.Errorf("%w login %q: use 1 to 64 lower-case letters, digits, '.', '_', '@' or '-'", ErrInvalid, login)
	}
	return nil
}

// agencyRoles need an agency: their scope is the agency's data.
var agencyRoles = []access.Role{access.DataOfficer, access.SocialWorker, access.PolicyOfficer}

// check validates what Add and the OpenID Connect upsert store.
func (o Official) check() error {
	if err := CheckLogin(o.Login); err != nil {
		return err
	}
	if err := checkText("name", o.Name, 1, 128, false); err != nil {
		return err
	}
	if o.Agency != "" && !agencyRE.MatchString(o.Agency) {
		return fmt.Errorf("%w agency %q: use a lower-case agency code such as mlsp", ErrInvalid, o.Agency)
	}
	if len(o.Roles) == 0 {
		return fmt.Errorf("%w roles: an official needs at least one role", ErrInvalid)
	}
	for i, r := range o.Roles {
		if !r.Valid() {
			return fmt.Errorf("%w role %q: not one of %v", ErrInvalid, r, access.Roles)
		}
		if slices.Contains(o.Roles[:i], r) {
			return fmt.Errorf("%w role %q: given twice", ErrInvalid, r)
		}
		if o.Agency == "" && slices.Contains(agencyRoles, r) {
			return fmt.Errorf("%w role %q: needs an agency", ErrInvalid, r)
		}
	}
	return nil
}

// checkText accepts min to max runes of valid UTF-8 without control or
// format characters (which hide bidirectional overrides such as U+202E);
// with multiline, line feeds are allowed.
func checkText(what, s string, minRunes, maxRunes int, multiline bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w %s: not valid UTF-8", ErrInvalid, what)
	}
	n := utf8.RuneCountInString(s)
	if n < minRunes || n > maxRunes {
		return fmt.Errorf("%w %s: %d characters; want %d to %d", ErrInvalid, what, n, minRunes, maxRunes)
	}
	for _, r := range s {
		if multiline && r == '\n' {
			continue
		}
		if !unicode.IsPrint(r) {
			return fmt.Errorf("%w %s: character %U is not allowed", ErrInvalid, what, r)
		}
	}
	if strings.TrimSpace(s) != s {
		return fmt.Errorf("%w %s: leading or trailing space", ErrInvalid, what)
	}
	return nil
}

// Lookup returns the official with login, or ErrNotFound.
func (d *Directory) Lookup(ctx context.Context, login string) (Official, error) {
	o, err := d.st.OfficialByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		return Official{}, fmt.Errorf("%w: %s", ErrNotFound, login)
	}
	if err != nil {
		return Official{}, err
	}
	return fromStore(o), nil
}

// ByID returns the official with id, as audit records name them, or
// ErrNotFound.
func (d *Directory) ByID(ctx context.Context, id int64) (Official, error) {
	o, err := d.st.OfficialByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Official{}, fmt.Errorf("%w: id %d", ErrNotFound, id)
	}
	if err != nil {
		return Official{}, err
	}
	return fromStore(o), nil
}

// List returns every official, by login.
func (d *Directory) List(ctx context.Context) ([]Official, error) {
	all, err := d.st.Officials(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Official, len(all))
	for i, o := range all {
		out[i] = fromStore(o)
	}
	return out, nil
}
