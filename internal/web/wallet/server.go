// Package wallet serves citizens' pages under /wallet: signing in, their
// data and where it came from, who looked at it, their consents, their
// correction requests, the benefits decided for their household with
// the offers and appeals that go with them, and the social wallet's
// money (balances, vouchers, history and payment codes), in Kazakh,
// Russian and English, for a phone.
//
// It is the one audience whose listener may face the internet: every page
// but sign-in needs a session, every form a same-origin request carrying
// the session's CSRF token, and a page shows only the signed-in citizen's
// own data.
package wallet

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/consent"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/welfare"
)

// templates holds the wallet's pages.
//
//go:embed templates/*.html
var templates embed.FS

// pageNames are the wallet's page templates; each is parsed together with
// templates/layout.html: the wallet shows one person their own data and
// none of the console.
var pageNames = []string{"signin", "sms", "data", "access", "receipt", "consents", "corrections", "correct",
	"correction", "benefits", "explain", "appeal", "money", "pay", "error"}

// Options configure a Server.
type Options struct {
	// Version is the build's version, shown in the pages' footer.
	Version string
	// Wallet signs citizens in and reads their data; it is required.
	Wallet *wallet.Wallet
	// Exchange names the registry's members, services and purposes in
	// the accesses a citizen reads; nil shows their codes.
	Exchange *exchange.Exchange
	// AuditVerifier checks the log's checkpoints, for the receipts the
	// wallet shows.
	AuditVerifier note.Verifier
	// Consents are the citizens' consents, which the wallet lets them
	// grant, pause and revoke.
	Consents *consent.Registry
	// Corrections takes citizens' correction requests to the agencies'
	// work lists.
	Corrections *wallet.Corrections
	// Welfare decides benefits and takes citizens' answers to offers and
	// their appeals; nil serves a benefits page that says there are none.
	Welfare *welfare.Service
	// SocialWallet is the ledger of support, for the citizen's money page and payment codes; nil
	// serves a page that says there is none.
	SocialWallet *socialwallet.Service
	// OIDC, when set, lets citizens sign in through the state identity
	// provider.
	OIDC *wallet.OIDC
	// SMSOutbox turns on signing in with a code sent by text message,
	// delivered to the demo's outbox shown at /wallet/sms. Never set it in
	// production: there, citizens sign in through OIDC.
	SMSOutbox bool
}

// Server serves the wallet. It is safe for concurrent use.
type Server struct {
	st     *store.Store
	opts   Options
	router *view.Router
	pages  *view.Templates
	// csrf refuses state-changing requests a browser marks as cross-site.
	csrf *http.CrossOriginProtection
}

// New builds the wallet over st, with static serving the shared style
// sheet. It parses and test-renders every template now.
func New(st *store.Store, static *view.Static, opts Options) (*Server, error) {
	return newServer(st, static, opts, templates)
}

func newServer(st *store.Store, static *view.Static, opts Options, files fs.FS) (*Server, error) {
	if st == nil || opts.Wallet == nil {
		return nil, errors.New("wallet: nil store or wallet")
	}
	s := &Server{st: st, opts: opts, csrf: http.NewCrossOriginProtection()}
	var err error
	if s.pages, err = view.ParseTemplates(files, "templates/layout.html", pageNames, static, nil); err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	if err := s.pages.Check(samples); err != nil {
		return nil, fmt.Errorf("wallet: %w", err)
	}
	s.routes()
	return s, nil
}

// samples are empty data for every page, for Templates.Check.
func samples(p view.Page) map[string]any {
	wp := walletPage{Page: p, SignedIn: true}
	return map[string]any{
		"signin":      walletSignInData{walletPage: walletPage{Page: p}},
		"sms":         walletSMSData{walletPage: walletPage{Page: p}},
		"data":        walletData{walletPage: wp},
		"access":      walletAccessData{walletPage: wp},
		"receipt":     walletReceiptData{walletPage: wp},
		"consents":    walletConsentData{walletPage: wp},
		"corrections": walletCorrectionsData{walletPage: wp},
		"correct":     correctionForm{walletPage: wp},
		"correction":  walletCorrectionData{walletPage: wp},
		"benefits":    walletBenefitsData{walletPage: wp},
		"explain":     explainData{walletPage: wp, Explain: view.BenefitSample},
		"appeal":      appealForm{walletPage: wp},
		"money":       walletMoneyData{walletPage: wp, Balances: []balanceItem{{}}, Vouchers: []voucherItem{{}}, History: []historyItem{{}}},
		"pay":         walletPayData{walletPage: wp, Code: "000000"},
		"error":       walletErrorData{walletPage: wp},
	}
}

// Handler returns the wallet's routes behind its middleware.
func (s *Server) Handler() http.Handler { return view.Chain(s.router.Mux) }

// Routes lists the wallet's routes with their audience and policy.
func (s *Server) Routes() []view.Route { return s.router.Routes() }

func (s *Server) newPage(w http.ResponseWriter, r *http.Request) view.Page {
	return view.NewPage(w, r, s.opts.Version, s.st.Dialect())
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.pages.Render(w, r, status, name, data)
}

// notFoundPage answers a wallet path that does not exist.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	s.walletRefused(w, r, http.StatusNotFound, view.Msg("error.nopage"))
}

// errorPage shows err in the wallet's frame: a missing thing is a 404;
// anything else is logged and shown as a short apology, since its text
// may name database internals.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, wp walletPage, err error) {
	heading, detail, status := "error.internal", "error.internal.lead", http.StatusInternalServerError
	switch {
	case view.IsNotFound(err):
		heading, detail, status = "error.notfound", "error.nopage", http.StatusNotFound
	case errors.Is(err, store.ErrSchemaOutdated):
		slog.ErrorContext(r.Context(), "schema outdated", "path", r.URL.Path, "err", err)
		detail, status = "error.unavailable", http.StatusServiceUnavailable
	default:
		slog.ErrorContext(r.Context(), "wallet page failed", "path", r.URL.Path, "err", err)
	}
	wp.Title = wp.L.T(heading)
	s.render(w, r, status, "error", walletErrorData{walletPage: wp, Heading: wp.L.T(heading), Detail: wp.L.T(detail)})
}
