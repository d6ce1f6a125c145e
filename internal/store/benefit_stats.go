package store

import (
	"context"
	"fmt"
)

// ProgrammeTotal is what the current decisions give one programme: how
// many households are eligible and the sum of their amounts, whole tenge
// per Period ("month" for monthly benefits, "once" for one-time ones).
type ProgrammeTotal struct {
	Programme  string
	Period     string
	Households int
	Sum        int64
}

// StatusCount is how many offers or appeals of a programme are in a status
// (and, for appeals, an outcome).
type StatusCount struct {
	Programme string
	Status    string
	Outcome   string // appeals only
	Count     int
}

// ProgrammeTotals sums the current decisions by programme and period, by
// programme. It reads the eligible entitlements only, by an index that
// covers the query.
func (s *Store) ProgrammeTotals(ctx context.Context) ([]ProgrammeTotal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT programme, period, COUNT(*), COALESCE(SUM(amount), 0)
		FROM benefit_current GROUP BY programme, period ORDER BY programme, period`)
	if err != nil {
		return nil, fmt.Errorf("programme totals: %w", err)
	}
	defer rows.Close()
	var out []ProgrammeTotal
	for rows.Next() {
		var t ProgrammeTotal
		if err := rows.Scan(&t.Programme, &t.Period, &t.Households, &t.Sum); err != nil {
			return nil, fmt.Errorf("programme totals: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("programme totals: %w", err)
	}
	return out, nil
}

// OfferCounts counts the offers by programme and status (take-up), by
// programme and status.
func (s *Store) OfferCounts(ctx context.Context) ([]StatusCount, error) {
	out, err := s.statusCounts(ctx, `SELECT programme, status, '', COUNT(*) FROM benefit_offers
		GROUP BY programme, status ORDER BY programme, status`)
	if err != nil {
		return nil, fmt.Errorf("offer counts: %w", err)
	}
	return out, nil
}

// AppealCounts counts the appeals by programme, status and outcome.
func (s *Store) AppealCounts(ctx context.Context) ([]StatusCount, error) {
	out, err := s.statusCounts(ctx, `SELECT programme, status, outcome, COUNT(*) FROM benefit_appeals
		GROUP BY programme, status, outcome ORDER BY programme, status, outcome`)
	if err != nil {
		return nil, fmt.Errorf("appeal counts: %w", err)
	}
	return out, nil
}

func (s *Store) statusCounts(ctx context.Context, q string) ([]StatusCount, error) {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatusCount
	for rows.Next() {
		var c StatusCount
		if err := rows.Scan(&c.Programme, &c.Status, &c.Outcome, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
