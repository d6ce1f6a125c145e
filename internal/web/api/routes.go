package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ortaq/ortaq/internal/web/view"
)

// apiPrefix is where the JSON API lives. Everything under it answers in JSON
// or problem+json, including unknown paths and wrong methods.
const apiPrefix = "/api/v1/"

// Policies of the API's routes.
const (
	anyone = "anyone"
	// internalOnly is the policy of the reads and pushes that take no
	// credential yet: whoever reaches the listener they are mounted on,
	// which must be the state's internal network alone.
	internalOnly = "internal listener, no credential yet"
	exchanger    = "exchange credential with scope exchange, purpose and legal basis"
	registrar    = "exchange credential with scope admin"
	auditor      = "exchange credential with scope audit"
)

// routes is the one place that lists what the API answers. openapi.json
// must describe every route under apiPrefix; a test holds them to each
// other.
func (s *Server) routes() {
	rt := view.NewRouter(view.Systems)
	s.router = rt
	rt.HandleFunc("GET /api/v1/health", anyone, s.health)
	rt.HandleFunc("GET /api/v1/openapi.json", anyone, s.openAPI)
	rt.HandleFunc("GET /api/v1/agencies", internalOnly, s.listAgencies)
	rt.HandleFunc("GET /api/v1/sources", internalOnly, s.listSources)
	rt.HandleFunc("GET /api/v1/sources/{source}", internalOnly, s.getSource)
	rt.HandleFunc("GET /api/v1/sources/{source}/runs", internalOnly, s.listSourceRuns)
	rt.HandleFunc("GET /api/v1/sources/{source}/quarantine", internalOnly, s.listSourceQuarantine)
	rt.HandleFunc("GET /api/v1/sources/{source}/records/{id}", internalOnly, s.recordHistory)
	rt.HandleFunc("POST /api/v1/sources/{source}/records", internalOnly, s.pushRecords)
	rt.HandleFunc("GET /api/v1/runs", internalOnly, s.listRuns)
	rt.HandleFunc("GET /api/v1/quarantine", internalOnly, s.listQuarantine)
	rt.HandleFunc("GET /api/v1/entities/{entity}", internalOnly, s.getEntity)
	rt.HandleFunc("GET /api/v1/search", internalOnly, s.apiSearch)
	rt.HandleFunc("GET /api/v1/quality", internalOnly, s.getQuality)
	rt.HandleFunc("GET /api/v1/findings", internalOnly, s.listFindings)
	rt.HandleFunc("POST /api/v1/findings", internalOnly, s.decideFindings)
	rt.HandleFunc("POST /api/v1/findings/{finding}", internalOnly, s.setFinding)
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
	rt.HandleFunc("PUT /api/v1/registry/purposes/{purpose}", registrar, s.putPurpose)
	rt.HandleFunc("GET /api/v1/registry/legal-bases", anyone, s.listLegalBases)
	rt.HandleFunc("GET /api/v1/registry/legal-bases/{basis}", anyone, s.getLegalBasis)
	rt.HandleFunc("PUT /api/v1/registry/legal-bases/{basis}", registrar, s.putLegalBasis)
	rt.HandleFunc("DELETE /api/v1/registry/legal-bases/{basis}", registrar, s.deleteLegalBasis)
	rt.HandleFunc("GET /api/v1/registry/rights", anyone, s.listRights)
	rt.HandleFunc("PUT /api/v1/registry/rights/{member}/{subsystem}/{service}/{purpose}", registrar, s.grantRight)
	rt.HandleFunc("DELETE /api/v1/registry/rights/{member}/{subsystem}/{service}/{purpose}", registrar, s.revokeRight)
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
