package exchange

import "slices"

// ExampleRight finds a right that a person's golden record can be queried
// with, and a legal basis that allows it without consent: what the demo
// prints as a query to try, and what tests and the load generator use.
func (x *Exchange) ExampleRight() (Right, LegalBasis, bool) {
	for _, r := range x.Rights() {
		svc, ok := x.Service(r.Service)
		if !ok || svc.Kind != "person" || svc.Source != "" {
			continue
		}
		for _, b := range x.LegalBases() {
			covers := len(b.Services) == 0 || slices.Contains(b.Services, r.Service)
			if covers && !b.ConsentRequired && slices.Contains(b.Purposes, r.Purpose) {
				return r, b, true
			}
		}
	}
	return Right{}, LegalBasis{}, false
}
