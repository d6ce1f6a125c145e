package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// AuditRefusalQuery selects refused merchant records (audit kind
// "merchant") of one service whose reason is one of Reasons, written in
// [From, To) (zero: no bound).
type AuditRefusalQuery struct {
	Service  string
	Reasons  []string
	From, To time.Time
}

// AuditRefusalCount counts the refusals of one case and request id: for
// the Social Wallet's meals, a canteen's refused requests for one day.
type AuditRefusalCount struct {
	Case      string
	RequestID string
	Refused   int
}

// AuditRefusals counts the records q selects by case and request id, in
// that order. The log keeps every merchant request, approved or refused,
// so refusals need no table of their own; the partial index
// social_audit_refusals (0017) holds merchants' refusals alone, so that
// the query reads the period's refusals, never the whole log, and the
// exchange's records gain no index entry. Its conditions are literals:
// a partial index serves only a query that repeats them.
func (s *Store) AuditRefusals(ctx context.Context, q AuditRefusalQuery) ([]AuditRefusalCount, error) {
	if len(q.Reasons) == 0 {
		return nil, nil
	}
	d := s.dialect
	where := []string{"kind = 'merchant'", "decision = 'refused'", "service = ?",
		"reason IN (?" + strings.Repeat(", ?", len(q.Reasons)-1) + ")"}
	args := []any{q.Service}
	for _, r := range q.Reasons {
		args = append(args, r)
	}
	if !q.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, d.timeArg(q.From))
	}
	if !q.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, d.timeArg(q.To))
	}
	out, err := queryAll(ctx, s, `SELECT case_ref, request_id, COUNT(*) FROM audit_records WHERE `+
		strings.Join(where, " AND ")+` GROUP BY case_ref, request_id ORDER BY 1, 2`,
		func(sc interface{ Scan(...any) error }) (AuditRefusalCount, error) {
			var c AuditRefusalCount
			err := sc.Scan(&c.Case, &c.RequestID, &c.Refused)
			return c, err
		}, args...)
	if err != nil {
		return nil, fmt.Errorf("audit refusals: %w", err)
	}
	return out, nil
}
