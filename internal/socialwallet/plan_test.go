package socialwallet

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ortaq/ortaq/internal/ledger"
)

func TestPlanRoundTrip(t *testing.T) {
	legs := []leg{{From: ledger.IDOf("a"), To: ledger.IDOf("b"), Source: ledger.IDOf("a"), Amount: 5},
		{From: ledger.IDOf("c"), To: ledger.IDOf("b"), Source: ledger.IDOf("c"), Amount: 125050}}
	got, err := decodePlan(encodePlan(legs))
	if err != nil || !cmp.Equal(got, legs) {
		t.Fatalf("decodePlan(encodePlan) = %v, %v", got, err)
	}
}

// FuzzDecodePlan checks that a stored plan, however damaged, is read
// without a panic and, when read, is written back the same.
func FuzzDecodePlan(f *testing.F) {
	f.Add(encodePlan([]leg{{From: ledger.IDOf("a"), To: ledger.IDOf("b"), Source: ledger.IDOf("a"), Amount: 5}}))
	f.Add("x>y>z:1,")
	f.Fuzz(func(t *testing.T, s string) {
		legs, err := decodePlan(s)
		if err != nil {
			return
		}
		again, err := decodePlan(encodePlan(legs))
		if err != nil || !cmp.Equal(again, legs) {
			t.Fatalf("plan %q does not round-trip: %v", s, err)
		}
	})
}
