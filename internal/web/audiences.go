package web

import (
	"fmt"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/consent"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/stream"
	cwallet "github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/api"
	"github.com/ortaq/ortaq/internal/web/console"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/web/wallet"
	"github.com/ortaq/ortaq/internal/welfare"
)

// Options are what the audiences need beyond the store: the platform's
// services, built once by serve and shared.
type Options struct {
	// Version is the build's version, shown by /api/v1/health and the pages.
	Version string
	// MaxPushBytes caps the body of a record push; 0 means api.DefaultMaxPushBytes.
	MaxPushBytes int64
	// PushReadTimeout bounds the time a push's body may take to arrive;
	// 0 means api.DefaultPushReadTimeout.
	PushReadTimeout time.Duration
	// SpoolDir holds large pushes while they arrive; "" means the
	// system's temporary directory.
	SpoolDir string
	// MaxDeletionShare is the share of a source's live records a full
	// push may delete unconfirmed; 0 means ingest.DefaultMaxDeletionShare.
	MaxDeletionShare float64
	// NationalAdmin is the national administrator's member code; "" means
	// api.DefaultNationalAdmin.
	NationalAdmin string
	// Pushes, when set, queues agencies' pushes on NATS JetStream (see
	// api.Options.Pushes); PushWait is how long a queued push's request
	// waits for its outcome, 0 meaning api.DefaultPushWait.
	Pushes   *stream.Conn
	PushWait time.Duration
	// Exchange answers agency queries and keeps the registry; nil leaves
	// the exchange endpoints answering 503.
	Exchange *exchange.Exchange
	// Audit is the log every exchange decision is written to before it is
	// answered.
	Audit *audit.Log
	// AuditVerifier checks the log's checkpoints, for the receipts the
	// wallet shows.
	AuditVerifier note.Verifier
	// Wallet signs citizens in and reads their data; nil serves no wallet.
	Wallet *cwallet.Wallet
	// Consents are the citizens' consents.
	Consents *consent.Registry
	// Corrections are citizens' correction requests and the agencies'
	// decisions on them.
	Corrections *cwallet.Corrections
	// OIDC, when set, lets citizens sign in through the state identity
	// provider.
	OIDC *cwallet.OIDC
	// SMSOutbox turns on the demo's sign-in by a code in the SMS outbox.
	// Never set it in production.
	SMSOutbox bool
	// Officials signs officials in to the console; nil leaves every
	// console page refused.
	Officials *officials.Directory
	// OfficialsOIDC, when set, lets officials sign in through their
	// identity provider.
	OfficialsOIDC *officials.OIDC
	// ReadsPerHour bounds the people one official may read in an hour; 0
	// means the console's default.
	ReadsPerHour int
	// Admission bounds the exchange queries worked on at once.
	Admission api.Admission
	// Welfare decides benefits, makes offers and takes appeals, for the
	// wallet's and the console's benefits pages; nil serves no benefits
	// pages' content.
	Welfare *welfare.Service
	// SocialWallet is the ledger of support: merchants' purchases
	// through the API, the citizen's money page and the ministry's
	// spending; nil serves none of them.
	SocialWallet *socialwallet.Service
}

// NewAudiences builds every audience over st. Each parses and
// test-renders its templates now, so that a broken build fails at start-up.
func NewAudiences(st *store.Store, opts Options) (Audiences, error) {
	static, err := view.NewStatic()
	if err != nil {
		return Audiences{}, fmt.Errorf("web: %w", err)
	}
	a := Audiences{Static: static}
	var calculator func() *benefits.Engine
	if opts.Welfare != nil {
		calculator = opts.Welfare.Engine
	}
	if a.API, err = api.New(st, api.Options{Version: opts.Version, MaxPushBytes: opts.MaxPushBytes, Benefits: calculator,
		Exchange: opts.Exchange, Audit: opts.Audit, Admission: opts.Admission, PushReadTimeout: opts.PushReadTimeout,
		SpoolDir: opts.SpoolDir, MaxDeletionShare: opts.MaxDeletionShare, NationalAdmin: opts.NationalAdmin,
		SocialWallet: opts.SocialWallet, Pushes: opts.Pushes, PushWait: opts.PushWait}); err != nil {
		return Audiences{}, err
	}
	if a.Console, err = console.New(st, static, console.Options{Version: opts.Version, Exchange: opts.Exchange,
		Audit: opts.Audit, Corrections: opts.Corrections, Officials: opts.Officials, OIDC: opts.OfficialsOIDC,
		ReadsPerHour: opts.ReadsPerHour, Welfare: opts.Welfare, SocialWallet: opts.SocialWallet}); err != nil {
		return Audiences{}, err
	}
	if opts.Wallet != nil {
		if a.Wallet, err = wallet.New(st, static, wallet.Options{Version: opts.Version, Wallet: opts.Wallet,
			Exchange: opts.Exchange, AuditVerifier: opts.AuditVerifier, Consents: opts.Consents,
			Corrections: opts.Corrections, OIDC: opts.OIDC, SMSOutbox: opts.SMSOutbox, Welfare: opts.Welfare,
			SocialWallet: opts.SocialWallet}); err != nil {
			return Audiences{}, err
		}
	}
	return a, nil
}
