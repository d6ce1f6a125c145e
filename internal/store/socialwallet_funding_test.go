package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ortaq/ortaq/internal/socialwallet/wallettest"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestFundingWalk walks a country's confirmed offers page by page at
// several page sizes: every offer is walked once, in recipient order,
// a recipient never spans two pages, and only the offers that still grant
// are returned.
func TestFundingWalk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		wallettest.SeedFundable(t, st, 10)
		for _, q := range []string{
			// H10000002's offer 2 is superseded by a newer confirmed one.
			`INSERT INTO benefit_decisions (id, run_id, household, decision_date, inputs, inputs_hash, versions, results, created_at)
				SELECT id + 100, run_id, household, decision_date, inputs, inputs_hash, versions, results, created_at
				FROM benefit_decisions WHERE id IN (2, 4, 5)`,
			`INSERT INTO benefit_offers (id, household, programme, decision_id, agency, recipient_iin, amount, period,
					language, status, created_at, expires_at, responded_at, confirmed_by, confirmed_at)
				SELECT 102, household, programme, 102, agency, recipient_iin, amount, period, language, status,
					created_at, expires_at, responded_at, confirmed_by, confirmed_at FROM benefit_offers WHERE id = 2`,
			// H10000003 is no longer eligible.
			`DELETE FROM benefit_current WHERE household = 'H10000003'`,
			// H10000004's second programme goes to another recipient.
			`INSERT INTO benefit_offers (id, household, programme, decision_id, agency, recipient_iin, amount, period,
					language, status, created_at, expires_at, responded_at, confirmed_by, confirmed_at)
				SELECT 104, household, 'asp', 104, agency, '999999999999', amount, period, language, status,
					created_at, expires_at, responded_at, confirmed_by, confirmed_at FROM benefit_offers WHERE id = 4`,
			`INSERT INTO benefit_current (household, programme, amount, period) VALUES ('H10000004', 'asp', 1000, 'month')`,
			// H10000005's recipient has two offers.
			`INSERT INTO benefit_offers (id, household, programme, decision_id, agency, recipient_iin, amount, period,
					language, status, created_at, expires_at, responded_at, confirmed_by, confirmed_at)
				SELECT 105, household, 'child', 105, agency, recipient_iin, amount, period, language, status,
					created_at, expires_at, responded_at, confirmed_by, confirmed_at FROM benefit_offers WHERE id = 5`,
			`INSERT INTO benefit_current (household, programme, amount, period) VALUES ('H10000005', 'child', 500, 'month')`,
			// Offers not confirmed are not walked.
			`UPDATE benefit_offers SET status = 'offered' WHERE id = 6`,
		} {
			if _, err := storetest.Exec(t, st, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		wantGrants := []int64{1, 4, 5, 7, 8, 9, 10, 102, 104, 105}
		const confirmed = 12

		n, err := st.CountConfirmedOffers(ctx)
		if err != nil || n != confirmed {
			t.Fatalf("CountConfirmedOffers = %d, %v; want %d", n, err, confirmed)
		}
		shared, err := st.SharedFunding(ctx)
		if err != nil || !slices.Equal(shared, []string{"H10000004"}) {
			t.Fatalf("SharedFunding = %v, %v; want [H10000004]", shared, err)
		}
		for _, limit := range []int{1, 2, 3, 5, 100} {
			var grants []int64
			var walked int
			pageOf := map[string]int{} // recipient → the page it was met on
			var after store.FundingCursor
			var last store.FundingRow
			for page := 0; ; page++ {
				p, err := st.NextFundingPage(ctx, after, limit)
				if err != nil {
					t.Fatal(err)
				}
				if p.Walked == 0 {
					if p.Next != after || len(p.Rows) != 0 {
						t.Fatalf("limit %d: the end page moved the cursor or held rows: %+v", limit, p)
					}
					break
				}
				// A recipient has two offers at most: a page doubles
				// until it holds one whole and the next one's first.
				if p.Walked > 2*max(limit, 2) {
					t.Errorf("limit %d: page %d walked %d offers", limit, page, p.Walked)
				}
				for _, r := range p.Rows {
					if r.RecipientIIN < last.RecipientIIN || (r.RecipientIIN == last.RecipientIIN && r.Offer <= last.Offer) {
						t.Errorf("limit %d: offer %d of %s after offer %d of %s", limit, r.Offer, r.RecipientIIN, last.Offer, last.RecipientIIN)
					}
					if seen, ok := pageOf[r.RecipientIIN]; ok && seen != page {
						t.Errorf("limit %d: recipient %s on pages %d and %d", limit, r.RecipientIIN, seen, page)
					}
					pageOf[r.RecipientIIN] = page
					last = r
					grants = append(grants, r.Offer)
				}
				walked += p.Walked
				after = p.Next
			}
			slices.Sort(grants)
			if !slices.Equal(grants, wantGrants) || walked != confirmed {
				t.Errorf("limit %d: granting offers %v, walked %d; want %v, %d", limit, grants, walked, wantGrants, confirmed)
			}
		}
	})
}
