package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/consent"
	"github.com/ortaq/ortaq/internal/events"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/ledgerlog"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/stream"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web"
	"github.com/ortaq/ortaq/internal/web/api"
	"github.com/ortaq/ortaq/internal/web/console"
	"github.com/ortaq/ortaq/internal/welfare"
)

var serveCommand = command{
	name:    "serve",
	summary: "Serve the console, the JSON API (/api/v1) and the exchange over the store.",
	setup: func(fs *flag.FlagSet) func(context.Context, *flag.FlagSet, io.Writer) error {
		db := dbFlag(fs)
		addr := fs.String("addr", "localhost:8080", "address to listen on")
		migrate := fs.Bool("migrate", true, "apply pending migrations on start; with -migrate=false an outdated schema is refused")
		srv := serverFlags(fs)
		return func(ctx context.Context, fs *flag.FlagSet, _ io.Writer) error {
			if err := noArgs("serve", fs); err != nil {
				return err
			}
			var (
				st  *store.Store
				err error
			)
			if *migrate {
				st, err = openStore(ctx, *db)
			} else {
				st, err = store.Open(ctx, *db)
			}
			if err != nil {
				return err
			}
			defer st.Close()
			srv.auditKey = auditKeyFile(srv.auditKey, *db)
			return serve(ctx, st, *addr, *srv)
		}
	},
}

// serverConfig is what serve needs beyond the store and the address.
type serverConfig struct {
	// caDir, when set, serves HTTPS with a certificate from the platform
	// CA there and accepts the client certificates it issued.
	caDir string
	// hosts are the names the server certificate is for.
	hosts string
	// auditKey is the file with the audit log's signing key, created on
	// first use; auditOrigin names the log in its checkpoints.
	auditKey, auditOrigin string
	// prepare, when set, runs once the exchange is up, before serving.
	prepare func(context.Context, *exchange.Exchange) error
	// oidc signs citizens in to the wallet through the state identity
	// provider when its issuer is set; oidcSecretEnv names the variable
	// holding the client secret, which a command line would expose.
	oidc          wallet.OIDCConfig
	oidcSecretEnv string
	// smsOutbox delivers sign-in codes to the demo's outbox page instead
	// of a phone: only demo sets it.
	smsOutbox bool
	// walletAddr, when set, serves the citizens' wallet alone on a
	// listener of its own, to publish, while addr keeps the console and
	// the API for the state's network.
	walletAddr string
	// opsAddr, when set, serves the Prometheus metrics on a listener of
	// their own, for the operators' monitoring.
	opsAddr string
	// officialsOIDC signs officials in to the console through their
	// identity provider when its issuer is set; officialsSecretEnv names
	// the variable holding its client secret.
	officialsOIDC      officials.OIDCConfig
	officialsSecretEnv string
	// readsPerHour bounds the people one official may read in an hour.
	readsPerHour int
	// dbConns bounds the store's connection pool (0: the default), and
	// admission the exchange's queries in flight and waiting.
	dbConns   int
	admission api.Admission
	// nationalAdmin is the member code whose admin keys manage the whole
	// registry; pushReadTimeout bounds a push's body; maxDeletionShare is
	// the share of a source a full push may delete unconfirmed.
	nationalAdmin    string
	pushReadTimeout  time.Duration
	maxDeletionShare float64
	// nats carries change events and queues pushes through JetStream when
	// its URL is set; pushWait is how long a queued push's request waits
	// for its outcome.
	nats     *natsConfig
	pushWait time.Duration
	// resolveEvery, when set, makes the server resolve what is stored
	// itself, holding the blocking indexes in memory: after every ingest
	// run it hears of in process and at least this often.
	resolveEvery time.Duration
}

// serverFlags declares the flags serve and demo share.
func serverFlags(fs *flag.FlagSet) *serverConfig {
	c := &serverConfig{}
	fs.StringVar(&c.caDir, "tls-ca", "", "serve HTTPS with a certificate from the platform CA in this directory (see 'ortaq ca init') and accept its client certificates")
	fs.StringVar(&c.hosts, "tls-hosts", "localhost", "comma-separated host names for the HTTPS server certificate")
	fs.StringVar(&c.auditKey, "audit-key", "", "audit log signing key, created if missing, its verifier key beside it with .pub "+
		"(default: audit.key beside a SQLite database, else "+audit.DefaultKeyFile+")")
	fs.StringVar(&c.auditOrigin, "audit-origin", defaultAuditOrigin, "the audit log's name in its signed checkpoints")
	fs.StringVar(&c.walletAddr, "wallet-addr", "", "also serve the citizens' wallet alone on this address, the one to publish; "+
		"the console and the API on --addr show any citizen's data and belong on the state's internal network")
	fs.IntVar(&c.dbConns, "db-conns", 0, "connections to the database for reads (SQLite, which writes on one more) or in all (PostgreSQL); "+
		"0: 2 a core, at least 8, for SQLite, 4 a core, at least 16, for PostgreSQL")
	fs.IntVar(&c.admission.MaxInFlight, "exchange-in-flight", 0, "exchange queries worked on at once; beyond, they queue "+
		"(0: "+strconv.Itoa(api.DefaultMaxInFlight)+"; -1: no bound)")
	fs.IntVar(&c.admission.MaxQueued, "exchange-queue", 0, "exchange queries that may wait for a turn; beyond, they are refused with 503 and Retry-After "+
		"(0: "+strconv.Itoa(api.DefaultMaxQueued)+"; -1: none waits)")
	fs.DurationVar(&c.admission.QueueWait, "exchange-queue-wait", api.DefaultQueueWait, "longest an exchange query waits for a turn before it is refused with 503")
	fs.DurationVar(&c.admission.RefusalDelay, "exchange-refusal-delay", api.DefaultRefusalDelay, "how long a refused exchange query is held before its 503 is sent, "+
		"so that clients retrying without pause cannot spend the server on refusals (-1s: none)")
	fs.StringVar(&c.nationalAdmin, "national-admin", api.DefaultNationalAdmin,
		"member code of the national administrator, whose admin keys may change every registry entry; other admin keys change only their own member's")
	fs.DurationVar(&c.pushReadTimeout, "push-read-timeout", api.DefaultPushReadTimeout,
		"the longest a record push's body may take to arrive; it is read whole before anything is stored")
	fs.Float64Var(&c.maxDeletionShare, "max-deletion-share", ingest.DefaultMaxDeletionShare,
		"share of a source's live records a full push may mark deleted unless confirmed with ?allow_deletions=N")
	c.nats = natsFlags(fs)
	fs.DurationVar(&c.pushWait, "push-wait", api.DefaultPushWait, "with --nats: how long a push waits for its outcome before it is answered 202 with a status URL")
	fs.DurationVar(&c.resolveEvery, "resolve-every", 0, "resolve stored records in the server, holding the blocking indexes in memory: "+
		"after each ingest run it relays in process (without --nats) and at least this often (0: never; run ortaq resolve instead)")
	fs.StringVar(&c.opsAddr, "ops-addr", "", "serve Prometheus metrics at /metrics on this address, for the operators' monitoring only")
	fs.StringVar(&c.oidc.Issuer, "oidc-issuer", "", "OpenID Connect issuer URL of the state identity provider; turns on wallet sign-in through it")
	fs.StringVar(&c.oidc.ClientID, "oidc-client-id", "", "the wallet's client id at the identity provider")
	fs.StringVar(&c.oidcSecretEnv, "oidc-secret-env", "ORTAQ_OIDC_CLIENT_SECRET", "environment variable holding the client secret")
	fs.StringVar(&c.oidc.RedirectURL, "oidc-redirect", "", "the wallet's callback URL registered at the provider, ending in /wallet/oidc/callback")
	fs.StringVar(&c.oidc.IINClaim, "oidc-iin-claim", "iin", "the ID token claim holding the citizen's IIN")
	fs.Func("oidc-scopes", "comma-separated scopes to ask for besides openid, which is always asked for: "+
		"the scope under which the provider releases the IIN claim, e.g. profile", func(v string) error {
		c.oidc.Scopes = commaList(v)
		return nil
	})
	officialsFlags(fs, c)
	return c
}

// officialsFlags declares the flags of officials' sign-in to the console.
func officialsFlags(fs *flag.FlagSet, c *serverConfig) {
	o := &c.officialsOIDC
	fs.IntVar(&c.readsPerHour, "official-reads-per-hour", console.DefaultReadsPerHour, "the most people one official may read in an hour (pages, search results, work-list rows, exports)")
	fs.StringVar(&o.Issuer, "officials-oidc-issuer", "", "OpenID Connect issuer URL of the officials' identity provider; turns on console sign-in through it")
	fs.StringVar(&o.ClientID, "officials-oidc-client-id", "", "the console's client id at the officials' identity provider")
	fs.StringVar(&c.officialsSecretEnv, "officials-oidc-secret-env", "ORTAQ_OFFICIALS_OIDC_CLIENT_SECRET", "environment variable holding the console's client secret")
	fs.StringVar(&o.RedirectURL, "officials-oidc-redirect", "", "the console's callback URL registered at the provider, ending in /oidc/callback")
	fs.StringVar(&o.LoginClaim, "officials-oidc-login-claim", "preferred_username", "the ID token claim naming the official's login")
	fs.StringVar(&o.NameClaim, "officials-oidc-name-claim", "name", "the ID token claim holding the official's name")
	fs.StringVar(&o.AgencyClaim, "officials-oidc-agency-claim", "agency", "the ID token claim holding the official's agency code")
	fs.StringVar(&o.Agency, "officials-oidc-agency", "", "the agency of every official of this provider (an agency's own provider), instead of a claim")
	fs.StringVar(&o.RolesClaim, "officials-oidc-roles-claim", "roles", "the ID token claim holding the official's roles or groups")
	fs.Func("officials-oidc-scopes", "comma-separated scopes to ask for besides openid", func(v string) error {
		o.Scopes = commaList(v)
		return nil
	})
	fs.Func("officials-oidc-role-map", "comma-separated provider-role=ortaq-role pairs (ortaq roles: "+
		strings.Join(roleNames(), ", ")+"); values not mapped give no role", func(v string) error {
		o.RoleMap = map[string]access.Role{}
		for _, pair := range commaList(v) {
			from, to, ok := strings.Cut(pair, "=")
			if !ok || !access.Role(to).Valid() {
				return fmt.Errorf("%q is not provider-role=ortaq-role with an ortaq role of %s", pair, strings.Join(roleNames(), ", "))
			}
			o.RoleMap[from] = access.Role(to)
		}
		return nil
	})
}

// roleNames lists the officials' roles as the flags take them.
func roleNames() []string {
	out := make([]string, len(access.Roles))
	for i, r := range access.Roles {
		out[i] = string(r)
	}
	return out
}

// defaultAuditOrigin names the audit log in its checkpoints unless
// --audit-origin says otherwise.
const defaultAuditOrigin = "ortaq.local/audit"

// auditKeyFile is where the audit log's signing key lives: the --audit-key
// flag's value when given, else beside the SQLite database, so that every
// store keeps its own key, else audit.DefaultKeyFile.
func auditKeyFile(flagValue, dsn string) string {
	if flagValue != "" {
		return flagValue
	}
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return filepath.Join(filepath.Dir(strings.TrimPrefix(path, "//")), "audit.key")
	}
	return audit.DefaultKeyFile
}

// serve serves until ctx is cancelled; the server refuses an outdated
// schema. The audit log is flushed and its last checkpoint signed before
// serve returns.
func serve(ctx context.Context, st *store.Store, addr string, c serverConfig) (err error) {
	signer, verifier, err := audit.LoadOrCreateKey(c.auditKey, c.auditOrigin)
	if err != nil {
		return err
	}
	// The latest checkpoint is also kept beside the key, outside the
	// database, so that a log cut back in the database is refused.
	log, err := audit.Open(ctx, st, signer, audit.Options{Origin: c.auditOrigin,
		CheckpointFile: audit.CheckpointFile(c.auditKey), Verifier: verifier})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := log.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close audit log: %w", cerr))
		}
	}()
	// Every ledger batch goes to the audit log, from the batches the
	// ledger committed while no server ran on; closed before the log.
	keeper, err := ledgerlog.Start(ctx, st, log, ledgerlog.Options{})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := keeper.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("close ledger log: %w", cerr))
		}
	}()
	// Consents are signed with the audit log's key: both are the
	// platform's word to the citizen.
	consents := consent.New(st, signer)
	x, err := exchange.New(ctx, st, exchange.Options{Consent: consents.Allows})
	if err != nil {
		return err
	}
	defer x.Close()
	if c.prepare != nil {
		if err := c.prepare(ctx, x); err != nil {
			return err
		}
	}
	w := wallet.New(st, log, wallet.Options{})
	// Sign-in codes on their way to the SMS gateway finish before the
	// store closes.
	defer w.Wait()
	opts := web.Options{Version: version(), Exchange: x, Audit: log, AuditVerifier: verifier, Consents: consents,
		Wallet: w, Corrections: wallet.NewCorrections(st, wallet.CorrectionOptions{}),
		SMSOutbox: c.smsOutbox, Admission: c.admission, NationalAdmin: c.nationalAdmin, PushReadTimeout: c.pushReadTimeout,
		MaxDeletionShare: c.maxDeletionShare}
	st.SetMaxConns(c.dbConns)
	if c.oidc.Issuer != "" {
		c.oidc.ClientSecret = os.Getenv(c.oidcSecretEnv)
		if opts.OIDC, err = wallet.NewOIDC(ctx, c.oidc); err != nil {
			return err
		}
	}
	// The benefits service: the wallet's and console's benefits pages
	// call it. Golden records change only through `ortaq resolve` and
	// `ortaq quality` (and corrections, which re-decide through
	// appeals), so the server runs no Update of its own.
	benefitsSvc, err := welfare.New(ctx, st, welfare.Options{})
	if err != nil {
		return err
	}
	opts.Welfare = benefitsSvc
	// The social wallet pays from the decisions' confirmed offers; the
	// monthly MRP comes from the rules in force.
	opts.SocialWallet = socialwallet.New(st, socialwallet.Options{
		Catalog: func() *benefits.Catalog { return benefitsSvc.Engine().Catalog() }})
	opts.Officials, opts.ReadsPerHour = officials.New(st, officials.Options{}), c.readsPerHour
	if c.officialsOIDC.Issuer != "" {
		c.officialsOIDC.ClientSecret = os.Getenv(c.officialsSecretEnv)
		if opts.OfficialsOIDC, err = opts.Officials.OIDC(ctx, c.officialsOIDC); err != nil {
			return err
		}
	}
	pushes, err := c.nats.connect(ctx)
	if err != nil {
		return err
	}
	if pushes != nil {
		defer pushes.Close()
		opts.Pushes, opts.PushWait = pushes, c.pushWait
	}
	var tlsConfig *tls.Config
	if c.caDir != "" {
		if tlsConfig, err = serverTLS(c); err != nil {
			return err
		}
	}
	aud, err := web.NewAudiences(st, opts)
	if err != nil {
		return err
	}
	// Each listener serves only the audiences mounted on it; when one
	// stops, so do the others.
	type listener struct {
		addr  string
		tls   *tls.Config
		mount web.Mount
	}
	listeners := []listener{{addr, tlsConfig, web.Internal(aud)}}
	if c.walletAddr != "" {
		m, err := web.Public(aud)
		if err != nil {
			return err
		}
		listeners = append(listeners, listener{c.walletAddr, tlsConfig, m})
	}
	if c.opsAddr != "" {
		listeners = append(listeners, listener{c.opsAddr, nil, web.Operations(aud)})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go aud.Console.Warm(ctx)
	go tendBenefits(ctx, benefitsSvc, opts.SocialWallet)
	bus := new(events.Bus)
	if c.resolveEvery > 0 {
		// The store closes when serve returns: the resolver stops first.
		done := make(chan struct{})
		go func() {
			defer close(done)
			resolve.NewResolver(st).Follow(ctx, resolve.StoreOptions{}, storedRuns(bus), c.resolveEvery)
		}()
		defer func() {
			cancel()
			<-done
		}()
	}
	startEvents(ctx, st, pushes, bus)
	if pushes != nil {
		worker := &stream.PushWorker{Conn: pushes, Store: st, Refusal: api.PushRefusal}
		go worker.Run(ctx)
	}
	errs := make(chan error, len(listeners))
	for _, l := range listeners {
		go func() {
			defer cancel()
			errs <- web.Serve(ctx, st, l.addr, l.tls, l.mount)
		}()
	}
	for range listeners {
		err = errors.Join(err, <-errs)
	}
	return err
}

// storedRuns returns a channel that receives when bus carries an ingest
// run's records.stored event; events that come while one waits are one.
func storedRuns(bus *events.Bus) <-chan struct{} {
	wake := make(chan struct{}, 1)
	bus.Subscribe(events.RecordsStored, func(context.Context, events.Event) error {
		select {
		case wake <- struct{}{}:
		default:
		}
		return nil
	})
	return wake
}

// serverTLS loads the platform CA and makes the server's certificate.
func serverTLS(c serverConfig) (*tls.Config, error) {
	ca, err := exchange.LoadCA(filepath.Clean(c.caDir))
	if err != nil {
		return nil, err
	}
	return ca.ServerConfig(commaList(c.hosts))
}

// commaList splits a comma-separated flag value, dropping blanks.
func commaList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// benefitsTick is how often the server marks expired the benefit offers
// not answered in time, returns expired vouchers' balances to their
// programmes, and looks for rule changes made outside it.
const benefitsTick = time.Minute

// tendBenefits expires due benefit offers and vouchers and picks up rule
// changes, now and every benefitsTick until ctx ends.
func tendBenefits(ctx context.Context, svc *welfare.Service, sw *socialwallet.Service) {
	t := time.NewTicker(benefitsTick)
	defer t.Stop()
	for {
		if _, err := svc.ExpireOffers(ctx); err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "expire benefit offers", "err", err)
		}
		if _, _, err := sw.Expire(ctx, time.Now()); err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "expire vouchers", "err", err)
		}
		if err := svc.Refresh(ctx); err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "benefit rules", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
