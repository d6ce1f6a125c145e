package exchange

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ortaq/ortaq/internal/store"
)

// Options configures an Exchange.
type Options struct {
	// Consent reports whether the subject has an active consent for this
	// client, service and purpose covering some of fields, and which of
	// them it covers: the answer carries only those. nil refuses every
	// request whose basis requires consent ("consent_required").
	Consent func(ctx context.Context, subject string, c Client, service, purpose string, fields []string) ([]string, bool, error)
	// ReloadEvery is how often the in-memory registry is re-read from the
	// store, so that changes made by another process (the CLI) take effect
	// on a running server; 0 means 2s. Changes made through this Exchange
	// apply at once.
	ReloadEvery time.Duration
}

// Exchange decides and answers queries between members. Its registry lives
// in memory as an immutable snapshot, so that Decide and Authenticate* take
// no lock and touch no database; every change made through it is written
// to the store first and then applied by rebuilding the snapshot. It is
// safe for concurrent use.
type Exchange struct {
	st   *store.Store
	opts Options
	reg  atomic.Pointer[registry]

	// mu serialises changes and reloads, so that a snapshot read before a
	// change can never replace one read after it.
	mu sync.Mutex

	// epoch and now give the rate limiter a monotonic clock; tests replace
	// now.
	epoch time.Time
	now   func() time.Time

	stop      context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
}

// New loads the registry from st and starts re-reading it every
// opts.ReloadEvery; Close stops that.
func New(ctx context.Context, st *store.Store, opts Options) (*Exchange, error) {
	if opts.ReloadEvery <= 0 {
		opts.ReloadEvery = 2 * time.Second
	}
	x := &Exchange{st: st, opts: opts, epoch: time.Now(), now: time.Now}
	if err := x.reload(ctx); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	x.stop, x.done = cancel, make(chan struct{})
	go x.reloader(rctx)
	return x, nil
}

// Close stops the reloader and waits for it; the Exchange must not be used
// afterwards. It is safe to call more than once.
func (x *Exchange) Close() {
	x.closeOnce.Do(func() {
		x.stop()
		<-x.done
	})
}

func (x *Exchange) reloader(ctx context.Context) {
	defer close(x.done)
	t := time.NewTicker(x.opts.ReloadEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// A failed reload keeps the last good registry: a database
			// hiccup must not stop the exchange from answering.
			if err := x.reload(ctx); err != nil && ctx.Err() == nil {
				slog.WarnContext(ctx, "exchange registry reload failed", "err", err)
			}
		}
	}
}

// reload reads the registry from the store and publishes a new snapshot.
func (x *Exchange) reload(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.reloadLocked(ctx)
}

func (x *Exchange) reloadLocked(ctx context.Context) error {
	rows, err := x.st.ExchangeRegistry(ctx)
	if err != nil {
		return fmt.Errorf("exchange: %w", err)
	}
	x.reg.Store(build(rows, x.reg.Load()))
	return nil
}

// change runs write (which writes the store) under the change lock against
// the current snapshot, then publishes the new registry at once.
func (x *Exchange) change(ctx context.Context, write func(r *registry) error) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := write(x.reg.Load()); err != nil {
		var ref *Refusal
		if errors.As(err, &ref) {
			return err
		}
		if errors.Is(err, store.ErrNotFound) {
			return &Refusal{Status: 404, Code: CodeNotFound, Detail: err.Error()}
		}
		return fmt.Errorf("exchange: %w", err)
	}
	return x.reloadLocked(ctx)
}

// registry is one immutable snapshot of the registry, shaped for the
// lookups Decide and Authenticate* make on every request.
type registry struct {
	members  map[string]*memberEntry
	services map[string]*serviceEntry
	purposes map[string]Purpose
	bases    map[string]*basisEntry
	rights   map[Right]struct{}
	// allowed is basis ∩ service fields in the service's order, for each
	// basis and each service it covers.
	allowed map[[2]string][]string
	certs   map[string]*certEntry
	keys    map[string]*keyEntry

	memberList  []Member
	serviceList []Service
	purposeList []Purpose
	basisList   []LegalBasis
	rightList   []Right
}

type memberEntry struct {
	Member
	subsystems map[string]bool
	bucket     *bucket
}

type serviceEntry struct {
	Service
	fields map[string]bool
}

type basisEntry struct {
	LegalBasis
	purposes map[string]bool
	services map[string]bool // nil: every service
	fields   map[string]bool
}

type certEntry struct {
	client  Client
	revoked bool
}

type keyEntry struct {
	client  Client
	hash    [sha256.Size]byte
	revoked bool
}

// certScopes is what every certificate carries: the work of an agency's
// or a merchant's system, querying the exchange, loading its agency's
// sources and, for a subsystem registered as a merchant, authorising its
// purchases, never the audit log or the registry, which take an API key
// issued for them. A certificate names exactly one subsystem, so the
// merchant scope reaches no further than the merchant registered on it.
// Shared, never modified.
var certScopes = []string{ScopeExchange, ScopeSources, ScopeMerchant}

// build makes a snapshot from the store's rows. Rows naming missing rows
// (possible while another process is half-way through a change) are kept
// where harmless and dropped where they would authenticate a client of a
// member that no longer exists. Rate-limit buckets carry over from prev so
// that a reload does not hand every member a fresh burst.
func build(rows store.ExchangeRegistry, prev *registry) *registry {
	r := &registry{
		members:  make(map[string]*memberEntry, len(rows.Members)),
		services: make(map[string]*serviceEntry, len(rows.Services)),
		purposes: make(map[string]Purpose, len(rows.Purposes)),
		bases:    make(map[string]*basisEntry, len(rows.LegalBases)),
		rights:   make(map[Right]struct{}, len(rows.Rights)),
		allowed:  map[[2]string][]string{},
		certs:    make(map[string]*certEntry, len(rows.Certificates)),
		keys:     make(map[string]*keyEntry, len(rows.Keys)),
	}
	for _, m := range rows.Members {
		e := &memberEntry{Member: Member{Code: m.Code, Title: Title(m.Title), RateLimit: m.RateLimit}, subsystems: map[string]bool{}}
		if prev != nil && prev.members[m.Code] != nil {
			e.bucket = prev.members[m.Code].bucket
		} else {
			e.bucket = &bucket{}
		}
		e.bucket.setRate(m.RateLimit)
		r.members[m.Code] = e
	}
	for _, s := range rows.Subsystems {
		e := r.members[s.Member]
		if e == nil {
			continue
		}
		e.subsystems[s.Code] = true
		e.Subsystems = append(e.Subsystems, Subsystem{Member: s.Member, Code: s.Code, Title: Title(s.Title)})
	}
	for _, m := range rows.Members {
		r.memberList = append(r.memberList, r.members[m.Code].Member)
	}
	for _, s := range rows.Services {
		v := Service{Code: s.Code, Member: s.Member, Title: Title(s.Title), Kind: s.Kind, KeyAttr: s.KeyAttr, Source: s.Source,
			Fields: s.Fields}
		r.services[s.Code] = &serviceEntry{Service: v, fields: set(s.Fields)}
		r.serviceList = append(r.serviceList, v)
	}
	for _, p := range rows.Purposes {
		v := Purpose{Code: p.Code, Title: Title(p.Title)}
		r.purposes[p.Code] = v
		r.purposeList = append(r.purposeList, v)
	}
	for _, b := range rows.LegalBases {
		v := LegalBasis{Code: b.Code, Title: Title(b.Title), Law: b.Law, Article: b.Article, Purposes: b.Purposes,
			Services: b.Services, Fields: b.Fields, ConsentRequired: b.ConsentRequired, RetentionDays: b.RetentionDays}
		e := &basisEntry{LegalBasis: v, purposes: set(b.Purposes), fields: set(b.Fields)}
		if len(b.Services) > 0 {
			e.services = set(b.Services)
		}
		r.bases[b.Code] = e
		r.basisList = append(r.basisList, v)
		for _, s := range r.serviceList {
			if e.services != nil && !e.services[s.Code] {
				continue
			}
			var both []string
			for _, f := range s.Fields {
				if e.fields[f] {
					both = append(both, f)
				}
			}
			r.allowed[[2]string{b.Code, s.Code}] = both
		}
	}
	for _, a := range rows.Rights {
		v := Right{Member: a.Member, Subsystem: a.Subsystem, Service: a.Service, Purpose: a.Purpose}
		r.rights[v] = struct{}{}
		r.rightList = append(r.rightList, v)
	}
	for _, c := range rows.Certificates {
		if r.members[c.Member] == nil {
			continue
		}
		r.certs[c.Serial] = &certEntry{
			client:  Client{Member: c.Member, Subsystem: c.Subsystem, Auth: "cert:" + c.Serial, Scopes: certScopes},
			revoked: !c.RevokedAt.IsZero(),
		}
	}
	for _, k := range rows.Keys {
		if r.members[k.Member] == nil {
			continue
		}
		e := &keyEntry{client: Client{Member: k.Member, Subsystem: k.Subsystem, Auth: "key:" + k.ID, Scopes: k.Scopes},
			revoked: !k.RevokedAt.IsZero()}
		if b, err := hex.DecodeString(k.Hash); err != nil || len(b) != sha256.Size {
			// A damaged hash can match no secret; keep the key known so
			// that its use is refused as a wrong secret, not as unknown.
			slog.Warn("exchange: api key has a malformed hash", "key", k.ID)
		} else {
			copy(e.hash[:], b)
		}
		r.keys[k.ID] = e
	}
	return r
}

func set(l []string) map[string]bool {
	m := make(map[string]bool, len(l))
	for _, v := range l {
		m[v] = true
	}
	return m
}

// Members lists the members with their subsystems, by code.
func (x *Exchange) Members() []Member {
	l := slices.Clone(x.reg.Load().memberList)
	for i := range l {
		l[i].Subsystems = slices.Clone(l[i].Subsystems)
	}
	return l
}

// Services lists the services, by code.
func (x *Exchange) Services() []Service {
	l := slices.Clone(x.reg.Load().serviceList)
	for i := range l {
		l[i].Fields = slices.Clone(l[i].Fields)
	}
	return l
}

// Service returns the service with this code. Its Fields are shared with
// the registry and must not be modified.
func (x *Exchange) Service(code string) (Service, bool) {
	s := x.reg.Load().services[code]
	if s == nil {
		return Service{}, false
	}
	return s.Service, true
}

// Purposes lists the purposes, by code.
func (x *Exchange) Purposes() []Purpose { return slices.Clone(x.reg.Load().purposeList) }

// LegalBases lists the legal bases, by code.
func (x *Exchange) LegalBases() []LegalBasis {
	l := slices.Clone(x.reg.Load().basisList)
	for i := range l {
		l[i].Purposes, l[i].Services, l[i].Fields = slices.Clone(l[i].Purposes), slices.Clone(l[i].Services), slices.Clone(l[i].Fields)
	}
	return l
}

// LegalBasis returns the legal basis with this code. Its lists are shared
// with the registry and must not be modified.
func (x *Exchange) LegalBasis(code string) (LegalBasis, bool) {
	b := x.reg.Load().bases[code]
	if b == nil {
		return LegalBasis{}, false
	}
	return b.LegalBasis, true
}

// Rights lists the access rights by member, subsystem, service and purpose.
func (x *Exchange) Rights() []Right { return slices.Clone(x.reg.Load().rightList) }
