package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/ortaq/ortaq/internal/audit"
	"github.com/ortaq/ortaq/internal/exchange"
	"github.com/ortaq/ortaq/internal/socialwallet"
)

// merchantClientKey keys the merchant's credential in a request's context,
// for the audit record its handler writes.
type merchantClientKey struct{}

// withMerchantClient returns r carrying c.
func withMerchantClient(r *http.Request, c exchange.Client) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), merchantClientKey{}, c))
}

// resultStatus is the HTTP status writeResult answers res with.
func resultStatus(res socialwallet.PurchaseResult) int {
	switch {
	case res.Status == "approved":
		return http.StatusOK
	case res.Reason == socialwallet.ReasonDifferentFields:
		return http.StatusConflict
	}
	return http.StatusUnprocessableEntity
}

// auditMerchant writes the audit record of merchant m's request naming
// subject, decided with status and reason ("" when approved), and returns
// once it is durable: the answer leaves only after it, as an exchange
// decision's does. A purchase already paid whose record could not be
// written is answered 503; the merchant's retry with the same id returns
// the stored result and writes the record then. ref is the purchase's id
// or the meal's day.
func (s *Server) auditMerchant(r *http.Request, m socialwallet.Merchant, service, subject, ref string, status int,
	reason string) error {
	if s.opts.Audit == nil {
		return errors.New("this server has no audit log")
	}
	c, _ := r.Context().Value(merchantClientKey{}).(exchange.Client)
	rec := audit.Record{Kind: audit.KindMerchant, Member: m.Member, Subsystem: m.Subsystem, Auth: c.Auth,
		User: auditText(r.Header.Get(HeaderUser)), Service: service, Subject: subject, Case: m.ID,
		RequestID: auditText(ref), Decision: audit.Allowed, Status: status}
	if status != http.StatusOK {
		rec.Decision, rec.Reason = audit.Refused, reason
	}
	_, err := s.opts.Audit.Append(r.Context(), rec)
	return err
}

// auditResult writes the audit record of a purchase's or meal's result.
func (s *Server) auditResult(r *http.Request, m socialwallet.Merchant, service, subject, ref string,
	res socialwallet.PurchaseResult) error {
	return s.auditMerchant(r, m, service, subject, ref, resultStatus(res), res.Reason)
}
