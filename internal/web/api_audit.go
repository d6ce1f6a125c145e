package web

import (
	"net/http"
	"strconv"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
)

// auditLogPrefix is where the audit log's checkpoint and tiles are served
// in the C2SP tlog-tiles layout. They hold only commitments, so anyone may
// fetch them.
const auditLogPrefix = "/api/v1/audit/log"

// auditLog serves the tlog-tiles layout under auditLogPrefix.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	if s.opts.Audit == nil {
		writeProblem(w, r, http.StatusServiceUnavailable, "this server has no audit log")
		return
	}
	http.StripPrefix(auditLogPrefix, s.opts.Audit.Handler()).ServeHTTP(w, r)
}

// auditor lets through credentials with the audit scope: audit records
// name citizens. It answers the refusal itself and reports false.
func (s *Server) auditor(w http.ResponseWriter, r *http.Request) bool {
	if _, err := s.authorize(r, exchange.ScopeAudit); err != nil {
		writeRefusal(w, r, err, nil)
		return false
	}
	if s.opts.Audit == nil {
		writeProblem(w, r, http.StatusServiceUnavailable, "this server has no audit log")
		return false
	}
	return true
}

// auditReceipt answers GET /api/v1/audit/records/{id}: the record with its
// salt, leaf index and inclusion proof against a signed checkpoint.
func (s *Server) auditReceipt(w http.ResponseWriter, r *http.Request) {
	if !s.auditor(w, r) {
		return
	}
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		writeProblem(w, r, http.StatusBadRequest, "an audit record id is its leaf index, a whole number")
		return
	}
	rc, err := s.opts.Audit.Receipt(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, r, http.StatusOK, rc)
}

// auditHistory answers GET /api/v1/audit/records?subject=…: every access
// to one subject's data, newest first.
func (s *Server) auditHistory(w http.ResponseWriter, r *http.Request) {
	if !s.auditor(w, r) {
		return
	}
	subject := r.URL.Query().Get("subject")
	if subject == "" {
		badParam(w, r, "subject", "required: the IIN or key whose accesses to list")
		return
	}
	limit, err := limitParam(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	recs, err := s.opts.Audit.History(r.Context(), subject, limit)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if recs == nil {
		recs = []audit.Record{}
	}
	writeJSON(w, r, http.StatusOK, map[string]any{"subject": subject, "records": recs})
}
