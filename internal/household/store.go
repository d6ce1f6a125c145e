package household

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/store"
)

// maxMembers bounds the golden records one household key may list: a
// household is a family, and a key shared by more is not read whole.
const maxMembers = 1000

// maxHerd bounds the animals read for one owner.
const maxHerd = 100000

// ForPersons returns, on date asOf, the profiles of the households that
// the given entities live in, each once, in household id order, read from
// the store without loading the country: the stored golden records find
// each entity's household and its members, the members' birth events and
// animals; their live records are built into golden records as a whole
// build would (golden.LoadEntities), and then into profiles exactly as
// Build makes them, with the same Inputs. Entities that are unknown, dead
// or in no household are skipped.
func ForPersons(ctx context.Context, st *store.Store, entityIDs []string, asOf time.Time) ([]Profile, error) {
	// One query for all the entities' households, without their
	// documents, rather than a whole golden record read per entity: an
	// update passes every member of the households it re-decides.
	brief, err := st.GoldenBrief(ctx, entityIDs)
	if err != nil {
		return nil, fmt.Errorf("household profiles: %w", err)
	}
	households := map[string]bool{}
	for _, g := range brief {
		if g.Household != "" && !strings.HasPrefix(g.Household, "addr:") {
			households[g.Household] = true
		}
	}
	if len(households) == 0 {
		return nil, nil
	}
	var ids []string
	for h := range households {
		rows, err := st.GoldenBy(ctx, "household", h, maxMembers)
		if err != nil {
			return nil, fmt.Errorf("household %s: %w", h, err)
		}
		for _, g := range rows {
			ids = append(ids, g.EntityID)
			// The person's civil-registry events (their birth) are
			// golden records of their own, keyed by the person's IIN.
			if g.NationalID != "" {
				evs, err := st.GoldenByNationalID(ctx, g.NationalID, maxMembers)
				if err != nil {
					return nil, fmt.Errorf("household %s: %w", h, err)
				}
				for _, ev := range evs {
					if ev.EntityID != g.EntityID {
						ids = append(ids, ev.EntityID)
					}
				}
			}
			herd, err := st.GoldenBy(ctx, "owner_id", g.EntityID, maxHerd)
			if err != nil {
				return nil, fmt.Errorf("household %s: %w", h, err)
			}
			for _, a := range herd {
				ids = append(ids, a.EntityID)
			}
		}
	}
	slices.Sort(ids)
	ds, err := golden.LoadEntities(ctx, st, slices.Compact(ids))
	if err != nil {
		return nil, fmt.Errorf("household profiles: %w", err)
	}
	ix := newIndex(ds, asOf, func(h string) bool { return households[h] })
	out := make([]Profile, 0, len(ix.order))
	for _, h := range ix.order {
		out = append(out, ix.profile(h))
	}
	return out, nil
}
