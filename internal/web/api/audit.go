package api

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/web/view"
)

// auditLogPrefix is where the audit log's checkpoint and tiles are served
// in the C2SP tlog-tiles layout. They hold only commitments, so anyone may
// fetch them.
const auditLogPrefix = "/api/v1/audit/log"

// auditLog serves the tlog-tiles layout under auditLogPrefix.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	if s.opts.Audit == nil {
		view.WriteProblem(w, r, http.StatusServiceUnavailable, "this server has no audit log")
		return
	}
	pw := &problemWriter{ResponseWriter: w, r: r}
	http.StripPrefix(auditLogPrefix, s.opts.Audit.Handler()).ServeHTTP(pw, r)
}

// problemWriter turns the tile server's plain-text errors (a tile past the
// log's size is a 404) into the problem documents the API promises.
type problemWriter struct {
	http.ResponseWriter
	r       *http.Request
	problem bool
}

func (w *problemWriter) WriteHeader(status int) {
	if status < 400 {
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.problem = true
	detail := "no such checkpoint or tile"
	if status != http.StatusNotFound {
		detail = http.StatusText(status)
	}
	view.WriteProblem(w.ResponseWriter, w.r, status, detail)
}

func (w *problemWriter) Write(p []byte) (int, error) {
	if w.problem {
		return len(p), nil // the problem document is already written
	}
	return w.ResponseWriter.Write(p)
}

// auditor lets through credentials with the audit scope: audit records
// name citizens. It answers the refusal itself and reports false. An
// agency's audit credential reads its own agency's records; the national
// administrator's reads every agency's: otherwise any agency could mint
// itself a key to the whole nation's "who looked".
func (s *Server) auditor(w http.ResponseWriter, r *http.Request) (exchange.Client, bool) {
	c, err := s.authenticate(r)
	if err != nil {
		s.refuseUnauthenticated(w, r, err)
		return c, false
	}
	if !c.Can(exchange.ScopeAudit) {
		s.metrics.refused.WithLabelValues("forbidden").Inc()
		writeRefusal(w, r, missingScope(exchange.ScopeAudit), nil)
		return c, false
	}
	if s.opts.Audit == nil {
		view.WriteProblem(w, r, http.StatusServiceUnavailable, "this server has no audit log")
		return c, false
	}
	return c, true
}

// auditReceipt answers GET /api/v1/audit/records/{id}: the record with its
// salt, leaf index and inclusion proof against a signed checkpoint.
func (s *Server) auditReceipt(w http.ResponseWriter, r *http.Request) {
	c, ok := s.auditor(w, r)
	if !ok {
		return
	}
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil {
		view.WriteProblem(w, r, http.StatusBadRequest, "an audit record id is its leaf index, a whole number")
		return
	}
	rc, err := s.opts.Audit.Receipt(r.Context(), id)
	if err == nil && !s.seesAudit(c, rc.Record) {
		// Another agency's record is as good as missing.
		err = fmt.Errorf("audit record %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	view.WriteJSON(w, r, http.StatusOK, rc)
}

// auditHistory answers GET /api/v1/audit/records?subject=…: every access
// to one subject's data, newest first.
func (s *Server) auditHistory(w http.ResponseWriter, r *http.Request) {
	c, ok := s.auditor(w, r)
	if !ok {
		return
	}
	subject := r.URL.Query().Get("subject")
	if subject == "" {
		view.BadParam(w, r, "subject", "required: the IIN or key whose accesses to list")
		return
	}
	limit, err := view.LimitParam(r)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	recs, err := s.opts.Audit.History(r.Context(), subject, limit)
	if err != nil {
		view.WriteError(w, r, err)
		return
	}
	recs = slices.DeleteFunc(recs, func(rec audit.Record) bool { return !s.seesAudit(c, rec) })
	if recs == nil {
		recs = []audit.Record{}
	}
	view.WriteJSON(w, r, http.StatusOK, map[string]any{"subject": subject, "records": recs})
}

// seesAudit reports whether c's audit credential may read rec: its own
// agency's accesses, or every one for the national administrator.
func (s *Server) seesAudit(c exchange.Client, rec audit.Record) bool {
	return c.Member == s.opts.NationalAdmin || rec.Member == c.Member
}
