package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/web/view"
)

// apiPrefix is where the JSON API lives. Everything under it answers in JSON
// or problem+json, including unknown paths and wrong methods.
const apiPrefix = "/api/v1/"

// Policies of the API's routes. A policy other than anyone needs a valid
// system credential: a client certificate the platform CA issued, or an
// API key. Requests without one are refused before any handler or the
// audit log sees them (see Server.system).
const (
	anyone = "anyone"
	// anySystem reads what is not personal: agencies, sources, scores.
	anySystem = "system credential"
	// calculator computes from what the caller sends, reading and
	// writing nothing: any agency's system may use it.
	calculator = "system credential; a calculator that reads no personal data from the store"
	// ownSystem reads or writes a source's records: the member whose code
	// is the source's agency code, with scope sources.
	ownSystem = "system credential with scope sources of the member that owns the source"
	// ownSources lists across sources, keeping the caller's own.
	ownSources = "system credential with scope sources; only its member's sources"
	// ownFindings lists findings, keeping the caller's own sources'.
	ownFindings = "system credential; only its member's sources' findings"
	// holder reads people: only those the caller's agency holds a record
	// of, each person answered written to the audit log.
	holder = "system credential with scope sources of a member holding a record of the person; audited per person"
	// noSystem refuses every system: findings are decided by signed-in
	// officials of the owning agency in the console.
	noSystem  = "no system: officials decide findings in the console"
	exchanger = "exchange credential with scope exchange, purpose and legal basis"
	registrar = "exchange credential with scope admin: its own member's entries, or any as the national administrator"
	national  = "exchange credential with scope admin of the national administrator"
	auditor   = "exchange credential with scope audit"
	// merchantSystem speaks for a registered merchant: the wallet's
	// ledger refuses what the merchant may not take.
	merchantSystem = "system credential with scope merchant of a registered merchant's member and subsystem"
)

// routes is the one place that lists what the API answers. openapi.json
// must describe every route under apiPrefix; a test holds them to each
// other.
func (s *Server) routes() {
	rt := view.NewRouter(view.Systems)
	s.router = rt
	rt.HandleFunc("GET /api/v1/health", anyone, s.health)
	rt.HandleFunc("GET /api/v1/openapi.json", anyone, s.openAPI)
	rt.HandleFunc("GET /api/v1/agencies", anySystem, s.system("", s.listAgencies))
	rt.HandleFunc("GET /api/v1/sources", anySystem, s.system("", s.listSources))
	rt.HandleFunc("GET /api/v1/sources/{source}", anySystem, s.system("", s.getSource))
	rt.HandleFunc("GET /api/v1/sources/{source}/runs", ownSystem, s.system(exchange.ScopeSources, s.listSourceRuns))
	rt.HandleFunc("GET /api/v1/sources/{source}/quarantine", ownSystem, s.system(exchange.ScopeSources, s.listSourceQuarantine))
	rt.HandleFunc("GET /api/v1/sources/{source}/records/{id}", ownSystem, s.system(exchange.ScopeSources, s.recordHistory))
	rt.HandleFunc("POST /api/v1/sources/{source}/records", ownSystem, s.system(exchange.ScopeSources, s.pushRecords))
	rt.HandleFunc("GET /api/v1/sources/{source}/pushes/{id}", ownSystem, s.system(exchange.ScopeSources, s.pushStatus))
	rt.HandleFunc("GET /api/v1/runs", ownSources, s.system(exchange.ScopeSources, s.listRuns))
	rt.HandleFunc("GET /api/v1/quarantine", ownSources, s.system(exchange.ScopeSources, s.listQuarantine))
	rt.HandleFunc("GET /api/v1/entities/{entity}", holder, s.system(exchange.ScopeSources, s.getEntity))
	rt.HandleFunc("GET /api/v1/search", holder, s.system(exchange.ScopeSources, s.apiSearch))
	rt.HandleFunc("GET /api/v1/quality", anySystem, s.system("", s.getQuality))
	rt.HandleFunc("POST /api/v1/benefits/calculate", calculator, s.system("", s.calculateBenefits))
	rt.HandleFunc("POST /api/v1/wallet/purchases", merchantSystem, s.merchant(s.purchase))
	rt.HandleFunc("POST /api/v1/wallet/purchases/{id}/refunds", merchantSystem, s.merchant(s.refund))
	rt.HandleFunc("POST /api/v1/wallet/meals", merchantSystem, s.merchant(s.meal))
	rt.HandleFunc("GET /api/v1/findings", ownFindings, s.system("", s.listFindings))
	rt.HandleFunc("POST /api/v1/findings", noSystem, s.system("", s.refuseDecision))
	rt.HandleFunc("POST /api/v1/findings/{finding}", noSystem, s.system("", s.refuseDecision))
	rt.HandleFunc("GET /api/v1/exchange/{service}/{key}", exchanger, s.exchangeQuery)
	rt.HandleFunc("POST /api/v1/exchange/{service}", exchanger, s.exchangeBatch)
	rt.HandleFunc("GET /api/v1/registry/members", anyone, s.listMembers)
	rt.HandleFunc("PUT /api/v1/registry/members/{member}", registrar, s.putMember)
	rt.HandleFunc("DELETE /api/v1/registry/members/{member}", registrar, s.deleteMember)
	rt.HandleFunc("PUT /api/v1/registry/members/{member}/subsystems/{subsystem}", registrar, s.putSubsystem)
	rt.HandleFunc("DELETE /api/v1/registry/members/{member}/subsystems/{subsystem}", registrar, s.deleteSubsystem)
	rt.HandleFunc("GET /api/v1/registry/services", anyone, s.listServices)
	rt.HandleFunc("PUT /api/v1/registry/services/{service}", registrar, s.putService)
	rt.HandleFunc("DELETE /api/v1/registry/services/{service}", registrar, s.deleteService)
	rt.HandleFunc("GET /api/v1/registry/purposes", anyone, s.listPurposes)
	rt.HandleFunc("PUT /api/v1/registry/purposes/{purpose}", national, s.putPurpose)
	rt.HandleFunc("GET /api/v1/registry/legal-bases", anyone, s.listLegalBases)
	rt.HandleFunc("GET /api/v1/registry/legal-bases/{basis}", anyone, s.getLegalBasis)
	rt.HandleFunc("PUT /api/v1/registry/legal-bases/{basis}", national, s.putLegalBasis)
	rt.HandleFunc("DELETE /api/v1/registry/legal-bases/{basis}", national, s.deleteLegalBasis)
	rt.HandleFunc("GET /api/v1/registry/rights", anyone, s.listRights)
	rt.HandleFunc("PUT /api/v1/registry/rights/{member}/{subsystem}/{service}/{purpose}", registrar+" (the service's provider)", s.grantRight)
	rt.HandleFunc("DELETE /api/v1/registry/rights/{member}/{subsystem}/{service}/{purpose}", registrar+" (the service's provider or the right's holder)", s.revokeRight)
	rt.HandleFunc("POST /api/v1/registry/keys", registrar, s.createKey)
	rt.HandleFunc("POST /api/v1/registry/keys/{key}/revoke", registrar, s.revokeKey)
	rt.HandleFunc("POST /api/v1/registry/certificates/{serial}/revoke", registrar, s.revokeCert)
	rt.HandleFunc("GET /api/v1/audit/records", auditor, s.auditHistory)
	rt.HandleFunc("GET /api/v1/audit/records/{id}", auditor, s.auditReceipt)
	rt.HandleFunc("GET /api/v1/audit/log/checkpoint", anyone, s.auditLog)
	rt.HandleFunc("GET /api/v1/audit/log/tile/{level}/{index...}", anyone, s.auditLog)
	rt.HandleFunc("GET /api/v1/audit/log/tile/entries/{index...}", anyone, s.auditLog)
	// Without this, the mux would answer a mistyped API path or method in
	// plain text, which API clients cannot parse.
	rt.HandleFunc(apiPrefix, "anyone: a problem naming the methods allowed", s.apiFallback)
}

// apiFallback answers API requests that no route takes: 405 with an Allow
// header when the path exists under another method, else 404.
func (s *Server) apiFallback(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := s.router.Mux.Handler(probe); p != "" && p != apiPrefix {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		view.WriteProblem(w, r, http.StatusNotFound, "no such API endpoint; see /api/v1/openapi.json")
		return
	}
	if slices.Contains(allowed, http.MethodGet) {
		allowed = append(allowed, http.MethodHead)
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	view.WriteProblem(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed here; use "+strings.Join(allowed, " or "))
}
