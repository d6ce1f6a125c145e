package web

import (
	"net/http"
	"slices"
	"strings"
)

// apiPrefix is where the JSON API lives. Everything under it answers in JSON
// or problem+json, including unknown paths and wrong methods.
const apiPrefix = "/api/v1/"

// registerRoutes is the one place that lists what the server answers.
// openapi.json must describe every route under apiPrefix; a test holds them
// to each other.
func (s *Server) registerRoutes() {
	s.handle("GET /api/v1/health", s.health)
	s.handle("GET /api/v1/openapi.json", s.openAPI)
	s.handle("GET /api/v1/agencies", s.listAgencies)
	s.handle("GET /api/v1/sources", s.listSources)
	s.handle("GET /api/v1/sources/{source}", s.getSource)
	s.handle("GET /api/v1/sources/{source}/runs", s.listSourceRuns)
	s.handle("GET /api/v1/sources/{source}/quarantine", s.listSourceQuarantine)
	s.handle("GET /api/v1/sources/{source}/records/{id}", s.recordHistory)
	s.handle("POST /api/v1/sources/{source}/records", s.pushRecords)
	s.handle("GET /api/v1/runs", s.listRuns)
	s.handle("GET /api/v1/quarantine", s.listQuarantine)
	s.handle("GET /api/v1/entities/{entity}", s.getEntity)
	s.handle("GET /api/v1/search", s.apiSearch)
	s.handle("GET /api/v1/quality", s.getQuality)
	s.handle("GET /api/v1/findings", s.listFindings)
	s.handle("POST /api/v1/findings/{finding}", s.setFinding)
	s.handle("GET /api/v1/exchange/{service}/{key}", s.exchangeQuery)
	s.handle("POST /api/v1/exchange/{service}", s.exchangeBatch)
	s.handle("GET /api/v1/registry/members", s.listMembers)
	s.handle("PUT /api/v1/registry/members/{member}", s.putMember)
	s.handle("DELETE /api/v1/registry/members/{member}", s.deleteMember)
	s.handle("PUT /api/v1/registry/members/{member}/subsystems/{subsystem}", s.putSubsystem)
	s.handle("DELETE /api/v1/registry/members/{member}/subsystems/{subsystem}", s.deleteSubsystem)
	s.handle("GET /api/v1/registry/services", s.listServices)
	s.handle("PUT /api/v1/registry/services/{service}", s.putService)
	s.handle("DELETE /api/v1/registry/services/{service}", s.deleteService)
	s.handle("GET /api/v1/registry/purposes", s.listPurposes)
	s.handle("PUT /api/v1/registry/purposes/{purpose}", s.putPurpose)
	s.handle("GET /api/v1/registry/legal-bases", s.listLegalBases)
	s.handle("GET /api/v1/registry/legal-bases/{basis}", s.getLegalBasis)
	s.handle("PUT /api/v1/registry/legal-bases/{basis}", s.putLegalBasis)
	s.handle("DELETE /api/v1/registry/legal-bases/{basis}", s.deleteLegalBasis)
	s.handle("GET /api/v1/registry/rights", s.listRights)
	s.handle("PUT /api/v1/registry/rights/{member}/{subsystem}/{service}/{purpose}", s.grantRight)
	s.handle("DELETE /api/v1/registry/rights/{member}/{subsystem}/{service}/{purpose}", s.revokeRight)
	s.handle("POST /api/v1/registry/keys", s.createKey)
	s.handle("POST /api/v1/registry/keys/{key}/revoke", s.revokeKey)
	s.handle("POST /api/v1/registry/certificates/{serial}/revoke", s.revokeCert)
	s.handle("GET /api/v1/audit/records", s.auditHistory)
	s.handle("GET /api/v1/audit/records/{id}", s.auditReceipt)
	s.handle("GET /api/v1/audit/log/checkpoint", s.auditLog)
	s.handle("GET /api/v1/audit/log/tile/{level}/{index...}", s.auditLog)
	s.handle("GET /api/v1/audit/log/tile/entries/{index...}", s.auditLog)
	// Without this, the mux would answer a mistyped API path or method in
	// plain text, which API clients cannot parse.
	s.mux.HandleFunc(apiPrefix, s.apiFallback)

	s.handle("GET /{$}", s.indexPage)
	s.handle("GET /agencies/{agency}", s.agencyPage)
	s.handle("GET /sources/{source}", s.sourcePage)
	s.handle("GET /entities/{entity}", s.entityPage)
	s.handle("GET /virtual-cows", s.cowsPage)
	s.handle("GET /exchange", s.exchangePage)
	s.handle("GET /search", s.searchPage)
	s.handle("GET /worklist", s.worklistPage)
	s.handle("GET /worklist.csv", s.worklistCSV)
	s.handle("POST /findings/{finding}", s.findingForm)
	s.handle("GET /corrections/{correction}", s.correctionPage)
	s.handle("POST /corrections/{correction}", s.correctionForm)
	s.handle("GET /corrections/{correction}/attachment", s.correctionAttachment)

	s.handle("GET /wallet/sign-in", s.walletSignIn)
	s.handle("POST /wallet/sign-in", s.walletSendCode)
	s.handle("POST /wallet/sign-in/code", s.walletCheckCode)
	s.handle("GET /wallet/sms", s.walletSMS)
	s.handle("GET /wallet/oidc/login", s.walletOIDCStart)
	s.handle("GET /wallet/oidc/callback", s.walletOIDCCallback)
	s.handle("POST /wallet/sign-out", s.signedIn(s.walletSignOut))
	s.handle("GET /wallet", s.signedIn(s.walletHome))
	s.handle("GET /wallet/data.json", s.signedIn(s.walletDataJSON))
	s.handle("GET /wallet/data.csv", s.signedIn(s.walletDataCSV))
	s.handle("GET /wallet/access", s.signedIn(s.walletAccess))
	s.handle("GET /wallet/access/{index}", s.signedIn(s.walletReceipt))
	s.handle("GET /wallet/access/{index}/receipt.json", s.signedIn(s.walletReceiptJSON))
	s.handle("GET /wallet/consents", s.signedIn(s.walletConsents))
	s.handle("POST /wallet/consents", s.signedIn(s.walletGrantConsent))
	s.handle("POST /wallet/consents/{consent}", s.signedIn(s.walletChangeConsent))
	s.handle("GET /wallet/corrections", s.signedIn(s.walletCorrections))
	s.handle("GET /wallet/corrections/new", s.signedIn(s.walletCorrectionNew))
	s.handle("POST /wallet/corrections", s.signedIn(s.walletFileCorrection))
	s.handle("GET /wallet/corrections/{correction}", s.signedIn(s.walletCorrection))
	s.handle("GET /wallet/corrections/{correction}/attachment", s.signedIn(s.walletCorrectionAttachment))
	s.handle("GET /static/{file}", s.static.serve)
	s.mux.Handle("GET /metrics", s.metrics.handler())
	s.mux.HandleFunc("/", s.notFoundPage)
}

func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, h)
	s.routes = append(s.routes, pattern)
}

// apiFallback answers API requests that no route takes: 405 with an Allow
// header when the path exists under another method, else 404.
func (s *Server) apiFallback(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := s.mux.Handler(probe); p != "" && p != apiPrefix {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		writeProblem(w, r, http.StatusNotFound, "no such API endpoint; see /api/v1/openapi.json")
		return
	}
	if slices.Contains(allowed, http.MethodGet) {
		allowed = append(allowed, http.MethodHead)
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeProblem(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed here; use "+strings.Join(allowed, " or "))
}
