package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/web/view"
)

// maxBatchBody caps the body of a batch query: a hundred keys fit in a few
// kilobytes.
const maxBatchBody = 64 << 10

// ExchangeAnswer is what a client receives for one key.
type ExchangeAnswer struct {
	Service    string         `json:"service"`
	Key        string         `json:"key"`
	Purpose    string         `json:"purpose"`
	LegalBasis string         `json:"legal_basis"`
	Fields     []string       `json:"fields"`
	Data       map[string]any `json:"data"`
	// RetainUntil is the last day the client may keep the data, from the
	// legal basis's retention period.
	RetainUntil string `json:"retain_until,omitempty"`
	AuditIndex  uint64 `json:"audit_index"`
}

// BatchItem is one key's outcome in a batch answer: the data, or the
// problem that refused it.
type BatchItem struct {
	Key        string         `json:"key"`
	Status     int            `json:"status"`
	Data       map[string]any `json:"data,omitempty"`
	Code       string         `json:"code,omitempty"`
	Detail     string         `json:"detail,omitempty"`
	AuditIndex uint64         `json:"audit_index"`
}

// BatchAnswer is the answer to a batch exchange query: one result per key, in order.
type BatchAnswer struct {
	Service     string      `json:"service"`
	Purpose     string      `json:"purpose"`
	LegalBasis  string      `json:"legal_basis"`
	Fields      []string    `json:"fields"`
	RetainUntil string      `json:"retain_until,omitempty"`
	Results     []BatchItem `json:"results"`
}

// exchangeQuery answers GET /api/v1/exchange/{service}/{key}: one key,
// decided, fetched, audited and only then answered.
func (s *Server) exchangeQuery(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c, err := s.authenticate(r)
	if err != nil {
		s.refuseUnauthenticated(w, r, err)
		return
	}
	req, grant, err := s.decide(r, c, []string{r.PathValue("key")})
	var data map[string]any
	if err == nil {
		data, err = s.opts.Exchange.Fetch(r.Context(), grant, req.Keys[0])
	}
	recs, aerr := s.audit(r.Context(), req, grant, []error{err})
	s.observe(req, err, start)
	if aerr != nil {
		writeUnaudited(w, r, aerr)
		return
	}
	idx := recs[0].Index
	w.Header().Set(HeaderAuditIndex, strconv.FormatUint(idx, 10))
	if err != nil {
		writeRefusal(w, r, err, map[string]any{"audit_index": idx})
		return
	}
	view.WriteJSON(w, r, http.StatusOK, ExchangeAnswer{Service: grant.Service.Code, Key: req.Keys[0], Purpose: req.Purpose,
		LegalBasis: grant.Basis.Code, Fields: grant.Fields, Data: data, RetainUntil: retainUntil(grant, start), AuditIndex: idx})
}

// exchangeBatch answers POST /api/v1/exchange/{service} with {"keys": […]}:
// one decision for the request, one fetch and one audit record per key.
func (s *Server) exchangeBatch(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	c, err := s.authenticate(r)
	if err != nil {
		s.refuseUnauthenticated(w, r, err)
		return
	}
	keys, berr := batchKeys(w, r)
	req, grant, err := s.decide(r, c, keys)
	if berr != nil {
		err = berr
	}
	errs := make([]error, max(len(keys), 1))
	data := make([]map[string]any, len(keys))
	for i, key := range keys {
		errs[i] = err
		if err == nil {
			data[i], errs[i] = s.opts.Exchange.Fetch(r.Context(), grant, key)
		}
	}
	if len(keys) == 0 {
		errs[0] = err
	}
	recs, aerr := s.audit(r.Context(), req, grant, errs)
	s.observe(req, err, start)
	if aerr != nil {
		writeUnaudited(w, r, aerr)
		return
	}
	if err != nil {
		idx := make([]uint64, len(recs))
		for i, rec := range recs {
			idx[i] = rec.Index
		}
		writeRefusal(w, r, err, map[string]any{"audit_indexes": idx})
		return
	}
	out := BatchAnswer{Service: grant.Service.Code, Purpose: req.Purpose, LegalBasis: grant.Basis.Code,
		Fields: grant.Fields, RetainUntil: retainUntil(grant, start), Results: make([]BatchItem, len(keys))}
	for i, key := range keys {
		item := BatchItem{Key: key, Status: http.StatusOK, Data: data[i], AuditIndex: recs[i].Index}
		var rf *exchange.Refusal
		switch {
		case errs[i] == nil:
		case errors.As(errs[i], &rf):
			item.Status, item.Code, item.Detail = rf.Status, rf.Code, rf.Detail
		default:
			slog.ErrorContext(r.Context(), "exchange fetch failed", "service", grant.Service.Code, "err", errs[i])
			item.Status, item.Code, item.Detail = http.StatusInternalServerError, "internal", "internal error"
		}
		out.Results[i] = item
	}
	view.WriteJSON(w, r, http.StatusOK, out)
}

// batchKeys reads the keys of a batch body; a body that cannot be read is
// a refusal, audited like any other.
func batchKeys(w http.ResponseWriter, r *http.Request) ([]string, error) {
	bad := func(detail string) error {
		return &exchange.Refusal{Status: http.StatusBadRequest, Code: "bad_request", Detail: detail}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return nil, bad("the body must be application/json: {\"keys\": [\"…\"]}")
	}
	var body struct {
		Keys []string `json:"keys"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBatchBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		return nil, bad("body: " + err.Error())
	}
	if len(body.Keys) == 0 {
		return nil, bad("body: \"keys\" must list at least one key")
	}
	// Refused whole, with one audit record rather than one per key, so
	// that an oversized batch cannot flood the log.
	if len(body.Keys) > exchange.MaxBatch {
		return nil, bad(fmt.Sprintf("body: %d keys; a batch holds at most %d", len(body.Keys), exchange.MaxBatch))
	}
	return body.Keys, nil
}

// decide asks the exchange whether the authenticated caller c's request
// may be answered. The request is returned even when refused, for the
// audit record: c is accountable for what it asked.
func (s *Server) decide(r *http.Request, c exchange.Client, keys []string) (exchange.Request, exchange.Grant, error) {
	h := r.Header
	req := exchange.Request{ClientID: h.Get(HeaderClient), Service: r.PathValue("service"), Keys: keys,
		Purpose: h.Get(HeaderPurpose), LegalBasis: h.Get(HeaderLegalBasis), User: h.Get(HeaderUser),
		RequestID: h.Get(HeaderRequestID)}
	if f := r.URL.Query().Get("fields"); f != "" {
		for _, name := range strings.Split(f, ",") {
			if name = strings.TrimSpace(name); name != "" {
				req.Fields = append(req.Fields, name)
			}
		}
	}
	req.Client = c
	if !c.Can(exchange.ScopeExchange) {
		return req, exchange.Grant{}, missingScope(exchange.ScopeExchange)
	}
	g, err := s.opts.Exchange.Decide(r.Context(), req)
	return req, g, err
}

// audit writes one record per key (one for a request with no keys) and
// returns once they are durable. errs holds each key's outcome.
func (s *Server) audit(ctx context.Context, req exchange.Request, g exchange.Grant, errs []error) ([]audit.Record, error) {
	if s.opts.Audit == nil {
		return nil, errors.New("this server has no audit log")
	}
	fields := g.Fields
	if fields == nil {
		fields = make([]string, len(req.Fields))
		for i, f := range req.Fields {
			fields[i] = auditText(f)
		}
	}
	recs := make([]audit.Record, len(errs))
	for i, err := range errs {
		rec := audit.Record{Member: req.Client.Member, Subsystem: req.Client.Subsystem, Auth: req.Client.Auth,
			User: auditText(req.User), Service: auditText(req.Service), Fields: fields, Purpose: auditText(req.Purpose),
			LegalBasis: auditText(req.LegalBasis), RequestID: auditText(req.RequestID), Decision: audit.Allowed,
			Status: http.StatusOK}
		if i < len(req.Keys) {
			rec.Subject = auditText(req.Keys[i])
		}
		if err != nil {
			rec.Decision, rec.Status, rec.Reason = audit.Refused, http.StatusInternalServerError, "internal error"
			var rf *exchange.Refusal
			if errors.As(err, &rf) {
				rec.Status, rec.Reason = rf.Status, rf.Code+": "+rf.Detail
			}
		}
		recs[i] = rec
	}
	return s.opts.Audit.Append(ctx, recs...)
}

// maxAuditText caps what a refused request's own words put into the log.
const maxAuditText = 256

// auditText makes what a client sent storable as it is refused: a header
// with invalid UTF-8, a NUL byte or a kilobyte of text must still leave its
// audit record (the log refuses such text, and would then answer 503
// instead of recording the refusal).
func auditText(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
	if len(s) > maxAuditText {
		s = strings.ToValidUTF8(s[:maxAuditText], "") + "…"
	}
	return s
}

// writeUnaudited refuses to answer a request whose audit record could not
// be written: no data leaves without its record.
func writeUnaudited(w http.ResponseWriter, r *http.Request, err error) {
	slog.ErrorContext(r.Context(), "audit append failed; request not answered", "path", r.URL.Path, "err", err)
	view.WriteProblem(w, r, http.StatusServiceUnavailable, "the access could not be written to the audit log, so it was not answered; try again")
}

// retainUntil is the last day the client may keep what it received.
func retainUntil(g exchange.Grant, now time.Time) string {
	if g.Basis.RetentionDays <= 0 {
		return ""
	}
	return now.UTC().AddDate(0, 0, g.Basis.RetentionDays).Format(time.DateOnly)
}
