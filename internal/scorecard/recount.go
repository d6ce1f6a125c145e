package scorecard

import (
	"bytes"
	"context"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/store"
)

// recount keeps an incremental run's counts: the totals take out the
// redone units' stored tallies and add their new ones, so that every
// check's counts over the whole store come without reading it.
type recount struct {
	totals *tally                // every unit's; until finish, the redone ones' left out
	old    map[string][]byte     // the redone units' stored tallies
	fresh  map[string]*unitTally // the redone units' tallies now, live records counted
}

// startRecount takes the stored tallies of units (every unit ds holds
// that redone accepts) out of the stored totals, and counts the units'
// live records now.
func startRecount(ctx context.Context, st *store.Store, ds *golden.Dataset, totals []byte, units []string,
	redone func(string) bool) (*recount, error) {
	c := &recount{}
	var err error
	if c.totals, err = decodeTally(totals); err != nil {
		return nil, err
	}
	if c.old, err = st.UnitTallies(ctx, units); err != nil {
		return nil, err
	}
	for u, b := range c.old {
		t, err := decodeUnitTally(b)
		if err != nil {
			return nil, err
		}
		c.totals.addUnit(u, t, -1)
	}
	c.fresh = observe(ds, redone)
	return c, nil
}

// live returns every source's live records, the redone units' as they are
// now: what checks of whole sources count.
func (c *recount) live() map[int64]liveCount {
	all := newTally()
	all.add(c.totals.unit(), 1)
	for _, t := range c.fresh {
		all.add(t, 1)
	}
	return all.live()
}

// registers reports which person sources hold one record per person,
// the redone units counted as they are now: what the default checks are
// derived from.
func (c *recount) registers() func(*golden.Source) bool {
	all := newTally()
	all.add(c.totals.unit(), 1)
	for u, t := range c.fresh {
		all.addUnit(u, t, 1)
	}
	return all.registers()
}

// finish counts what rep, a run over ds with per-record counts, found in
// the redone units, adds it to the totals, and gives every check over
// records its counts over the whole store and the findings of the redone
// units only. It returns the tallies to store: those of units that
// changed, and none for units left with no live record.
func (c *recount) finish(ds *golden.Dataset, rep *quality.Report, units []string, redone func(string) bool) ([]store.UnitTally, error) {
	count(c.fresh, ds, rep, redone)
	var out []store.UnitTally
	for _, u := range units {
		t := c.fresh[u]
		if t == nil {
			if c.old[u] != nil {
				out = append(out, store.UnitTally{Unit: u})
			}
			continue
		}
		c.totals.addUnit(u, t, 1)
		b, err := t.encode()
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(b, c.old[u]) {
			out = append(out, store.UnitTally{Unit: u, Tally: b, Due: t.due})
		}
	}
	for j := range rep.Results {
		r := &rep.Results[j]
		if !quality.OverRecords(r.Kind) {
			continue
		}
		n := c.totals.checks[j]
		r.Total, r.Failed, r.Counted = n[0], n[1], nil
		src := ds.Source(r.Source).ID
		kept := r.Findings[:0]
		for _, f := range r.Findings {
			if redone(unitOf(src, f.RecordID, f.EntityID)) {
				kept = append(kept, f)
			}
		}
		r.Findings = kept
	}
	return out, nil
}
