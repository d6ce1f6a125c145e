package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/web/view"
)

// Headers an exchange client sends with every query; docs/exchange.md
// describes them.
const (
	HeaderClient     = "Ortaq-Client"
	HeaderPurpose    = "Ortaq-Purpose"
	HeaderLegalBasis = "Ortaq-Legal-Basis"
	HeaderUser       = "Ortaq-User"
	HeaderRequestID  = "Ortaq-Request-Id"
	// HeaderAuditIndex answers with the leaf index of the request's audit
	// record, so that the client can fetch its receipt.
	HeaderAuditIndex = "Ortaq-Audit-Index"
)

// errNoExchange answers requests to the exchange on a server started
// without one (tests of other parts, or a console-only deployment).
var errNoExchange = &exchange.Refusal{Status: http.StatusServiceUnavailable, Code: "exchange_disabled",
	Detail: "this server does not run the exchange"}

// authenticate identifies the calling system: by the client certificate
// that TLS verified against the platform CA, else by an API key in the
// Authorization header. The error is an *exchange.Refusal.
func (s *Server) authenticate(r *http.Request) (exchange.Client, error) {
	x := s.opts.Exchange
	if x == nil {
		return exchange.Client{}, errNoExchange
	}
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 && len(r.TLS.PeerCertificates) > 0 {
		return x.AuthenticateCert(r.TLS.PeerCertificates[0])
	}
	auth := r.Header.Get("Authorization")
	if token, ok := strings.CutPrefix(auth, "Bearer "); ok {
		return x.AuthenticateKey(strings.TrimSpace(token))
	}
	detail := "no credentials: present a client certificate issued by the platform CA, or an API key as \"Authorization: Bearer <key>\""
	if auth != "" {
		detail = "the Authorization header must be \"Bearer <key>\""
	}
	return exchange.Client{}, &exchange.Refusal{Status: http.StatusUnauthorized, Code: "unauthenticated", Detail: detail}
}

// writeRefusal answers with the problem document for err: a refusal keeps
// its status and code (with Retry-After on 429 and a Bearer challenge on
// 401); anything else goes through view.WriteError.
func writeRefusal(w http.ResponseWriter, r *http.Request, err error, extra map[string]any) {
	var rf *exchange.Refusal
	if !errors.As(err, &rf) {
		view.WriteError(w, r, err)
		return
	}
	h := w.Header()
	switch rf.Status {
	case http.StatusTooManyRequests:
		secs := int(rf.RetryAfter.Seconds() + 0.999)
		h.Set("Retry-After", strconv.Itoa(max(secs, 1)))
	case http.StatusUnauthorized:
		h.Set("WWW-Authenticate", `Bearer realm="ortaq"`)
	}
	p := map[string]any{"type": "about:blank", "title": http.StatusText(rf.Status), "status": rf.Status,
		"detail": rf.Detail, "code": rf.Code, "instance": r.URL.Path}
	for k, v := range extra {
		p[k] = v
	}
	view.WriteDoc(w, r, rf.Status, "application/problem+json", p)
}
