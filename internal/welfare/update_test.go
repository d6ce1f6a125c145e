package welfare

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/household"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// raiseIncome declares a large income in the quarter before the decision
// date for the person with iin, as a delta push of the tax authority, and
// resolves and rebuilds the golden records as `ortaq resolve` and `ortaq
// quality` do.
func raiseIncome(tb testing.TB, st *store.Store, iin string) {
	tb.Helper()
	ctx := context.Background()
	c, err := source.Load(filepath.Join(nationExtracts(tb), "sources.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	var src *source.Source
	for _, s := range c.Sources {
		if s.Name == household.SourceTax {
			src = s
		}
	}
	stats, err := st.Sources(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var id int64
	for _, s := range stats {
		if s.Name == household.SourceTax {
			id = s.ID
		}
	}
	// The taxpayer's name as the registers hold it, so that resolution
	// links the declaration to the person.
	rows, err := st.GoldenByNationalID(ctx, iin, 1)
	if err != nil || len(rows) == 0 {
		tb.Fatalf("no golden record of %s (%v)", iin, err)
	}
	doc, err := golden.DecodeDoc(rows[0].Doc)
	if err != nil {
		tb.Fatal(err)
	}
	csv := "DOC_ID,IIN,TAXPAYER,PERIOD,EMPLOYER_BIN,EMPLOYER,INCOME,IPN\n" +
		fmt.Sprintf("FNO-TEST-%s,%s,%s,2026-08,111240101195,ТОО Тест,9000000.00,810000.00\n", iin, iin, doc.Value("full_name"))
	if _, err := ingest.Extract(ctx, st, src, id, strings.NewReader(csv), "push.csv", source.ModeDelta); err != nil {
		tb.Fatal(err)
	}
	if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
		tb.Fatal(err)
	}
	if _, err := scorecard.Refresh(ctx, st, nil); err != nil {
		tb.Fatal(err)
	}
}

// checkUpdate raises the income of one member of a household receiving
// АСП and requires Update to re-decide that household only, with the
// event of its loss.
func checkUpdate(t *testing.T, s *Service, st *store.Store) {
	ctx := context.Background()
	var hh, iin string
	err := st.CurrentDecisions(ctx, 1, func(c store.CurrentDecision) error {
		if hh != "" || !outcomeOf(c.Outcomes, "asp").Eligible {
			return nil
		}
		ms, err := st.HouseholdMembers(ctx, c.Household)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.IIN != "" {
				hh, iin = c.Household, m.IIN
				break
			}
		}
		return nil
	})
	if err != nil || hh == "" {
		t.Fatalf("no household with АСП (%v)", err)
	}
	raiseIncome(t, st, iin)
	run, err := s.Update(ctx, runDate)
	if err != nil {
		t.Fatal(err)
	}
	if run.Kind != store.RunIncremental || run.Changed != 1 {
		t.Fatalf("update %+v: want one household re-decided", run)
	}
	cur, err := st.CurrentDecision(ctx, hh)
	if err != nil {
		t.Fatal(err)
	}
	if cur.RunID != run.ID || outcomeOf(cur.Outcomes, "asp").Eligible {
		t.Errorf("household %s: decision %+v, want АСП lost in run %d", hh, cur, run.ID)
	}
	if _, err := s.Result(ctx, cur); err != nil {
		t.Errorf("the partly re-decided decision does not reproduce: %v", err)
	}
	evs, err := st.RunEvents(ctx, run.ID, store.EventNoLongerEligible, 0, 10)
	if err != nil || len(evs) != 1 || evs[0].Household != hh || evs[0].Programme != "asp" {
		t.Errorf("events %+v (%v), want asp no longer eligible for %s", evs, err, hh)
	}
	// Nothing changed since: nothing to do.
	again, err := s.Update(ctx, runDate)
	if err != nil || again.Changed != 0 || again.Households != 0 {
		t.Errorf("second update %+v (%v), want nothing", again, err)
	}
}
