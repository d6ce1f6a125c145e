package store

import (
	"context"
	"fmt"
	"time"
)

// TrafficRow counts the exchange decisions of one kind (client member,
// service, decision, HTTP status) in a window of the audit log.
type TrafficRow struct {
	Member, Service, Decision string
	Status, Count             int
}

// Traffic is the exchange's recent traffic: the latest Records audit
// records, made between From and To, counted by kind.
type Traffic struct {
	Records  int
	From, To time.Time
	Rows     []TrafficRow
}

// ExchangeTraffic counts the latest last audit records by member, service,
// decision and status, leaving out the ledger's batches (kind 'ledger'),
// which are no exchange traffic. It reads a range of the records' primary key, so its
// cost is bounded by last, not by the size of the log.
func (s *Store) ExchangeTraffic(ctx context.Context, last int) (Traffic, error) {
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT member, service, decision, status, COUNT(*), MIN(at), MAX(at)
		FROM audit_records WHERE idx > (SELECT COALESCE(MAX(idx), -1) FROM audit_records) - ? AND kind <> 'ledger'
		GROUP BY member, service, decision, status ORDER BY member, service, decision, status`), last)
	if err != nil {
		return Traffic{}, fmt.Errorf("exchange traffic: %w", err)
	}
	defer rows.Close()
	var t Traffic
	for rows.Next() {
		var (
			r        TrafficRow
			from, to time.Time
		)
		if err := rows.Scan(&r.Member, &r.Service, &r.Decision, &r.Status, &r.Count, timeValue{&from}, timeValue{&to}); err != nil {
			return Traffic{}, fmt.Errorf("exchange traffic: %w", err)
		}
		t.Rows = append(t.Rows, r)
		t.Records += r.Count
		if t.From.IsZero() || from.Before(t.From) {
			t.From = from
		}
		if to.After(t.To) {
			t.To = to
		}
	}
	if err := rows.Err(); err != nil {
		return Traffic{}, fmt.Errorf("exchange traffic: %w", err)
	}
	return t, nil
}
