// Package console serves officials' pages: the national monitor, agencies,
// sources, entities, the work lists, virtual cows, the exchange's traffic,
// citizens' correction requests, and the social programmes (the
// ministry's totals, the officers' queue of offers and appeals, the
// rules, the reform simulator and well-being), in Kazakh, Russian and
// English.
//
// Handlers decode the request, call the store or a domain package, and
// render a page; every number a page shows comes straight from the store.
// The console shows any citizen's data: it belongs on a listener that only
// the state's network reaches.
package console

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/officials"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/socialwallet"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/wallet"
	"github.com/ortaq/ortaq/internal/web/view"
	"github.com/ortaq/ortaq/internal/welfare"
)

// templates holds the console's pages.
//
//go:embed templates/*.html
var templates embed.FS

// pageNames are the console's page templates; each is parsed together
// with templates/layout.html, which defines the frame and the shared parts.
var pageNames = []string{"index", "agency", "source", "entity", "cows", "exchange", "search", "worklist", "correction", "error",
	"signin", "case", "breakglass", "review", "audit", "benefits", "benefits_queue", "benefits_offer", "benefits_appeal",
	"benefits_simulate", "benefits_rules", "wellbeing", "spending", "spending_anomalies"}

// Page rows shown at most, newest first. The pages are an overview; the API
// pages through the rest.
const (
	pageQuarantineRows = 100
	pageRuns           = 100
	// trendRuns is how many quality runs a trend chart shows.
	trendRuns = 30
)

// DefaultReadsPerHour is how many people one official may read in an
// hour unless Options.ReadsPerHour says otherwise: a day's work list and
// its export fit, a copy of a register does not (larger exports are the
// operators', with ortaq worklist).
const DefaultReadsPerHour = 10000

// Options configure a Server.
type Options struct {
	// Version is the build's version, shown in the pages' footer.
	Version string
	// Exchange and Audit feed the exchange page; nil leaves it empty.
	Exchange *exchange.Exchange
	Audit    *audit.Log
	// Corrections are citizens' correction requests, which officers
	// decide here; nil hides them.
	Corrections *wallet.Corrections
	// Officials signs officials in and keeps their sessions, cases and
	// break-glass grants. Without it no one can sign in, and every page
	// but the sign-in page is refused.
	Officials *officials.Directory
	// OIDC signs officials in through an identity provider; nil offers
	// local accounts alone.
	OIDC *officials.OIDC
	// Welfare decides, offers and explains the social programmes, for
	// the benefits pages; nil leaves them empty.
	Welfare *welfare.Service
	// SocialWallet is the ledger of support, for the ministry's spending pages; nil
	// serves a page that says there is none.
	SocialWallet *socialwallet.Service
	// ReadsPerHour bounds how many people one official may read in an
	// hour (entity pages, search results, work-list rows, exports); 0
	// means DefaultReadsPerHour.
	ReadsPerHour int
}

// Server serves the console. It is safe for concurrent use.
type Server struct {
	st     *store.Store
	opts   Options
	router *view.Router
	pages  *view.Templates
	// explainer explains entity links with the stored match models.
	explainer *explainer
	// csrf refuses state-changing requests a browser marks as cross-site.
	csrf *http.CrossOriginProtection
	// regionCache keeps the overview's regions between the changes that
	// move them.
	regionCache regionCache
	// reads limits each official's bulk reading.
	reads *readLimiter
}

// New builds the console over st, with static serving the shared style
// sheet. It parses and test-renders every template now, so that a broken
// build fails at start-up rather than on the first visitor.
func New(st *store.Store, static *view.Static, opts Options) (*Server, error) {
	return newServer(st, static, opts, templates)
}

// newServer takes the template tree as a parameter so that tests can
// prove a broken template stops start-up.
func newServer(st *store.Store, static *view.Static, opts Options, files fs.FS) (*Server, error) {
	if st == nil {
		return nil, errors.New("console: nil store")
	}
	s := &Server{st: st, opts: opts, explainer: &explainer{rv: resolve.NewResolver(st)},
		csrf: http.NewCrossOriginProtection(), reads: newReadLimiter(cmp.Or(opts.ReadsPerHour, DefaultReadsPerHour))}
	var err error
	if s.pages, err = view.ParseTemplates(files, "templates/layout.html", pageNames, static, nil); err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	if err := s.pages.Check(samples); err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	s.routes()
	return s, nil
}

// samples are empty data for every page, for Templates.Check.
func samples(p view.Page) map[string]any {
	p.Who = &view.Who{Can: map[string]bool{}}
	return map[string]any{
		"correction": correctionData{Page: p},
		"index":      indexData{Page: p},
		"agency":     agencyData{Page: p},
		"source":     sourceData{Page: p},
		"entity":     entityData{Page: p},
		"cows":       cowsData{Page: p},
		"exchange":   exchangeData{Page: p},
		"search":     searchData{Page: p},
		"worklist":   worklistData{Page: p},
		"error":      errorData{Page: p},
		"signin":     signinData{Page: p},
		"case":       caseData{Page: p},
		"breakglass": breakGlassData{Page: p},
		"review":     reviewData{Page: p},
		"audit":      auditData{Page: p},

		"benefits":          benefitsData{Page: p},
		"benefits_queue":    queueData{Page: p},
		"benefits_offer":    offerData{Page: p, D: decisionView{Explain: view.BenefitSample}},
		"benefits_appeal":   appealData{Page: p, D: decisionView{Explain: view.BenefitSample}},
		"benefits_simulate": simulateData{Page: p},
		"benefits_rules":    rulesData{Page: p},
		"wellbeing":         wellbeingData{Page: p},

		"spending": spendingData{Page: p, Programmes: []flowRow{{}},
			Tables: []spentTable{{ID: "x", Heading: "spending.byledger", Rows: []spentRow{{}}}}},
		"spending_anomalies": anomaliesData{Page: p, Rows: []anomalyRow{{}}},
	}
}

// Handler returns the console's routes behind its middleware.
func (s *Server) Handler() http.Handler { return view.Chain(s.router.Mux) }

// Routes lists the console's routes with their audience and policy.
func (s *Server) Routes() []view.Route { return s.router.Routes() }

func (s *Server) newPage(w http.ResponseWriter, r *http.Request) view.Page {
	p := view.NewPage(w, r, s.opts.Version, s.st.Dialect())
	if v := visitOf(r.Context()); v != nil {
		p.Who = s.who(p.L, v, s.agencyName(r.Context(), p.L, v.official().Agency))
	}
	return p
}

// agencyName names agency code in l's language, or "" when unknown.
func (s *Server) agencyName(ctx context.Context, l view.Locale, code string) string {
	if code == "" {
		return ""
	}
	agencies, err := s.st.Agencies(ctx)
	if err != nil {
		return ""
	}
	for _, a := range agencies {
		if a.Code == code {
			return l.Name(a.Name, a.Names)
		}
	}
	return ""
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	s.pages.Render(w, r, status, name, data)
}

type errorData struct {
	view.Page
	Heading, Detail string
}

// notFoundPage answers every path no route takes.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r)
	s.render(w, r, http.StatusNotFound, "error",
		errorData{Page: p.Titled("error.notfound"), Heading: p.L.T("error.notfound"), Detail: p.L.T("error.nopage")})
}

// errorPage shows err as a page: a missing source is a 404 in the reader's
// language; anything else is logged and shown as a short apology, since its
// text may name database internals.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, p view.Page, err error) {
	switch {
	case view.IsNotFound(err):
		s.render(w, r, http.StatusNotFound, "error", errorData{Page: p.Titled("error.notfound"),
			Heading: p.L.T("error.notfound"), Detail: notFoundDetail(p.L, r)})
	case errors.Is(err, store.ErrSchemaOutdated):
		slog.ErrorContext(r.Context(), "schema outdated", "path", r.URL.Path, "err", err)
		s.render(w, r, http.StatusServiceUnavailable, "error", errorData{Page: p.Titled("error.internal"),
			Heading: p.L.T("error.internal"), Detail: p.L.T("error.unavailable")})
	default:
		slog.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
		s.render(w, r, http.StatusInternalServerError, "error", errorData{Page: p.Titled("error.internal"),
			Heading: p.L.T("error.internal"), Detail: p.L.T("error.internal.lead")})
	}
}

// notFoundDetail says what is missing, by the route's wildcard.
func notFoundDetail(l view.Locale, r *http.Request) string {
	switch {
	case r.PathValue("source") != "":
		return l.F("error.nosource", r.PathValue("source"))
	case r.PathValue("agency") != "":
		return l.F("error.noagency", r.PathValue("agency"))
	case r.PathValue("entity") != "":
		return l.F("error.noentity", r.PathValue("entity"))
	case r.PathValue("finding") != "":
		return l.F("error.nofinding", r.PathValue("finding"))
	}
	return l.T("error.nopage")
}

// warmEvery is how often a serving console looks for a new quality run,
// to read the overview's region table before a visitor has to wait for it.
const warmEvery = 30 * time.Second

// Warm keeps the overview's region table read until ctx ends: at
// start-up, after every quality run and when it ages out.
func (s *Server) Warm(ctx context.Context) {
	t := time.NewTicker(warmEvery)
	defer t.Stop()
	for {
		runs, err := s.st.QualityRuns(ctx, 1)
		if err == nil {
			var run int64
			if len(runs) > 0 {
				run = runs[0].ID
			}
			_, err = s.regions(ctx, run)
		}
		if err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "warm caches", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
