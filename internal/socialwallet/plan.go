package socialwallet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/ledger"
)

// leg is one transfer of a payment: Amount from From to To. Source is the
// voucher the money came from or goes back for (a refund to an expired
// voucher's programme still names the voucher).
type leg struct {
	From, To, Source ledger.ID
	Amount           int64
}

// encodePlan writes legs as "from>to>source:amount" separated by commas,
// for the payment's row: a retry after a crash sends the same transfers.
func encodePlan(legs []leg) string {
	var b strings.Builder
	for i, l := range legs {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s>%s>%s:%d", l.From, l.To, l.Source, l.Amount)
	}
	return b.String()
}

// decodePlan reads what encodePlan wrote.
func decodePlan(s string) ([]leg, error) {
	if s == "" {
		return nil, nil
	}
	var legs []leg
	for _, part := range strings.Split(s, ",") {
		ids, amount, ok := strings.Cut(part, ":")
		f := strings.Split(ids, ">")
		if !ok || len(f) != 3 {
			return nil, fmt.Errorf("plan %q: malformed", part)
		}
		var l leg
		var err error
		for i, p := range []*ledger.ID{&l.From, &l.To, &l.Source} {
			if *p, err = ledger.ParseID(f[i]); err != nil {
				return nil, fmt.Errorf("plan: %w", err)
			}
		}
		if l.Amount, err = strconv.ParseInt(amount, 10, 64); err != nil || l.Amount <= 0 {
			return nil, fmt.Errorf("plan %q: amount", part)
		}
		legs = append(legs, l)
	}
	return legs, nil
}
