// Package api serves agencies' information systems: the JSON API under
// /api/v1 (described by the OpenAPI document it serves at
// /api/v1/openapi.json), with record pushes, the exchange, its registry and
// the audit log's records and tiles.
//
// Handlers decode the request, authorise it, call the store or a domain
// package, and encode the answer. Every error reaches the client as an RFC
// 9457 problem document, including unknown paths and wrong methods.
package api

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/stream"
	"github.com/ortaq/ortaq/internal/web/view"
)

// Options configure a Server.
type Options struct {
	// Version is the build's version, shown by /api/v1/health.
	Version string
	// MaxPushBytes caps the body of a record push; 0 means DefaultMaxPushBytes.
	MaxPushBytes int64
	// Exchange answers agency queries and keeps the registry; nil leaves
	// the exchange endpoints answering 503.
	Exchange *exchange.Exchange
	// Audit is the log every exchange decision, and every merchant's
	// request naming a person, is written to before it is answered. The
	// exchange and the merchants' routes need it: without it none is
	// answered.
	Audit *audit.Log
	// Admission bounds the exchange queries worked on at once.
	Admission Admission
	// NationalAdmin is the member code of the national administrator,
	// whose admin keys may change every registry entry; other admin keys
	// change only their own member's. "" means DefaultNationalAdmin.
	NationalAdmin string
	// PushReadTimeout bounds the time a push's body may take to arrive;
	// 0 means DefaultPushReadTimeout.
	PushReadTimeout time.Duration
	// PushMinRate is the slowest a push's body may arrive, in bytes a
	// second, once PushGrace has passed; 0 means DefaultPushMinRate.
	PushMinRate int64
	// PushGrace is how long a push may be slower than PushMinRate; 0 means
	// DefaultPushGrace.
	PushGrace time.Duration
	// SpoolDir holds pushes larger than the memory spool while they
	// arrive; "" means os.TempDir().
	SpoolDir string
	// MaxDeletionShare is the share of a source's live records a full push
	// may delete without ?allow_deletions; 0 means
	// ingest.DefaultMaxDeletionShare (10 %).
	MaxDeletionShare float64
	// UnauthenticatedRate and UnauthenticatedBurst limit requests without
	// a valid credential per client address; 0 means
	// DefaultUnauthenticatedRate and DefaultUnauthenticatedBurst.
	UnauthenticatedRate, UnauthenticatedBurst int
	// Benefits gives the engine that decides POST
	// /api/v1/benefits/calculate: the programmes as the ministry has
	// them now, rule changes included, so it is asked on every request;
	// nil means the programmes built into the binary.
	Benefits func() *benefits.Engine
	// SocialWallet authorises merchants' purchases, refunds and school
	// meals; nil leaves those endpoints answering 503.
	SocialWallet *socialwallet.Service
	// Pushes, when set (serve --nats), queues accepted pushes on NATS
	// JetStream for the push workers instead of storing them in the
	// request: see pushRecords. nil stores them in the request.
	Pushes *stream.Conn
	// PushWait is how long a queued push's request waits for its outcome
	// before it is answered 202 Accepted with a status URL; 0 means
	// DefaultPushWait.
	PushWait time.Duration
}

// DefaultMaxPushBytes is the largest record push accepted unless
// Options.MaxPushBytes says otherwise. A push is one atomic run held in one
// transaction, so larger extracts belong in files loaded by "ortaq ingest".
const DefaultMaxPushBytes = 256 << 20

// Server serves the API. It is safe for concurrent use.
type Server struct {
	st      *store.Store
	opts    Options
	router  *view.Router
	openapi []byte
	metrics *metrics
	// anonymous limits requests without a valid credential per address.
	anonymous *ipLimiter
	// csrf refuses state-changing requests a browser marks as cross-site.
	csrf *http.CrossOriginProtection
	// admit bounds the exchange's queries in flight; nil when turned off.
	admit *admitter
	// benefits is the calculator's engine.
	benefits func() *benefits.Engine
}

// New builds the API over st.
func New(st *store.Store, opts Options) (*Server, error) {
	if st == nil {
		return nil, errors.New("api: nil store")
	}
	if opts.MaxPushBytes <= 0 {
		opts.MaxPushBytes = DefaultMaxPushBytes
	}
	if opts.NationalAdmin == "" {
		opts.NationalAdmin = DefaultNationalAdmin
	}
	if opts.PushReadTimeout <= 0 {
		opts.PushReadTimeout = DefaultPushReadTimeout
	}
	if opts.PushMinRate <= 0 {
		opts.PushMinRate = DefaultPushMinRate
	}
	if opts.PushWait <= 0 {
		opts.PushWait = DefaultPushWait
	}
	if opts.PushGrace <= 0 {
		opts.PushGrace = DefaultPushGrace
	}
	if opts.UnauthenticatedRate <= 0 {
		opts.UnauthenticatedRate = DefaultUnauthenticatedRate
	}
	if opts.UnauthenticatedBurst <= 0 {
		opts.UnauthenticatedBurst = DefaultUnauthenticatedBurst
	}
	if opts.Benefits == nil {
		cat, err := benefits.DefaultCatalog()
		if err != nil {
			return nil, fmt.Errorf("api: benefits: %w", err)
		}
		e, err := benefits.NewEngine(cat)
		if err != nil {
			return nil, fmt.Errorf("api: benefits: %w", err)
		}
		opts.Benefits = func() *benefits.Engine { return e }
	}
	s := &Server{st: st, opts: opts, openapi: openapiDoc, csrf: http.NewCrossOriginProtection(),
		anonymous: newIPLimiter(opts.UnauthenticatedRate, opts.UnauthenticatedBurst), benefits: opts.Benefits}
	s.metrics = newMetrics(opts.Audit)
	s.admit = newAdmitter(opts.Admission, s.metrics.reg)
	s.routes()
	return s, nil
}

// Handler returns the API's routes behind its middleware.
func (s *Server) Handler() http.Handler { return view.Chain(s.admitExchange(s.router.Mux)) }

// Routes lists the API's routes with their audience and policy.
func (s *Server) Routes() []view.Route { return s.router.Routes() }

// Metrics serves the server's Prometheus series: for the operations
// listener, never the published one.
func (s *Server) Metrics() http.Handler { return s.metrics.handler() }
