package console

import (
	"net/http"

	"github.com/ortaq/ortaq/internal/access"
	"github.com/ortaq/ortaq/internal/web/view"
)

// signingIn is the policy of the pages that sign an official in.
const signingIn = "anyone: signing in, limited per address and per login"

// routes is the one place that lists what the console answers. Every
// route but signing in takes an action of the access policy; need checks
// it before the handler runs.
func (s *Server) routes() {
	rt := view.NewRouter(view.Officials)
	act := func(pattern string, a access.Action, h http.HandlerFunc) {
		rt.HandleAction(pattern, a, policyText(a), s.need(a, h))
	}
	rt.HandleFunc("GET /sign-in", signingIn, s.signinPage)
	rt.HandleFunc("POST /sign-in", signingIn, s.signinForm)
	rt.HandleFunc("GET /oidc/login", signingIn, s.oidcStart)
	rt.HandleFunc("GET /oidc/callback", signingIn, s.oidcCallback)
	// Signing out and stating a case are open to every signed-in
	// official: they read nothing and change only the official's own
	// session.
	rt.HandleAction("POST /sign-out", access.OwnSession, policyText(access.OwnSession), s.need(access.OwnSession, s.signoutForm))
	rt.HandleAction("GET /case", access.ReadPerson, "signed-in official with person.read, own session", s.guard(access.ReadPerson, false, s.casePage))
	rt.HandleAction("POST /case", access.ReadPerson, "signed-in official with person.read, own session", s.guard(access.ReadPerson, false, s.caseForm))
	act("GET /{$}", access.ViewAggregates, s.indexPage)
	act("GET /agencies/{agency}", access.ViewAggregates, s.agencyPage)
	act("GET /sources/{source}", access.ViewAggregates, s.sourcePage)
	act("GET /entities/{entity}", access.ReadPerson, s.entityPage)
	act("POST /break-glass", access.ReadPerson, s.breakGlassForm)
	act("GET /virtual-cows", access.ReadPerson, s.cowsPage)
	act("GET /exchange", access.ViewAggregates, s.exchangePage)
	act("GET /search", access.ReadPerson, s.searchPage)
	act("GET /worklist", access.ReadPerson, s.worklistPage)
	act("GET /worklist.csv", access.ReadPerson, s.worklistCSV)
	act("POST /findings", access.DecideFinding, s.bulkForm)
	act("POST /findings/{finding}", access.DecideFinding, s.findingForm)
	act("GET /corrections/{correction}", access.DecideCorrection, s.correctionPage)
	act("POST /corrections/{correction}", access.DecideCorrection, s.correctionForm)
	act("GET /corrections/{correction}/attachment", access.DecideCorrection, s.correctionAttachment)
	act("GET /benefits", access.ViewAggregates, s.benefitsPage)
	act("GET /benefits/queue", access.DecideBenefit, s.queuePage)
	act("GET /benefits/offers/{offer}", access.DecideBenefit, s.offerPage)
	act("POST /benefits/offers/{offer}", access.DecideBenefit, s.offerForm)
	act("GET /benefits/appeals/{appeal}", access.DecideBenefit, s.appealPage)
	act("POST /benefits/appeals/{appeal}", access.DecideBenefit, s.appealForm)
	act("GET /benefits/appeals/{appeal}/document", access.DecideBenefit, s.appealDocument)
	act("GET /benefits/simulate", access.SimulateReform, s.simulatePage)
	act("POST /benefits/simulate", access.SimulateReform, s.simulateForm)
	act("GET /benefits/rules", access.ViewAggregates, s.rulesPage)
	act("POST /benefits/rules", access.ChangeRules, s.rulesForm)
	act("GET /wellbeing", access.ViewAggregates, s.wellbeingPage)
	act("GET /spending", access.WalletSpending, s.spendingPage)
	act("GET /spending/anomalies", access.WalletSpending, s.anomaliesPage)
	act("GET /audit", access.ReadAudit, s.auditPage)
	act("GET /reviews", access.ReviewBreakGlass, s.reviewPage)
	act("POST /reviews/{grant}", access.ReviewBreakGlass, s.reviewForm)
	rt.HandleFunc("/", "anyone: a page saying there is no such page", s.notFoundPage)
	s.router = rt
}

// NotFound answers a path no audience takes with the console's page.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) { s.notFoundPage(w, r) }
