package golden

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// LoadEntities builds a dataset of the given entities alone from their live
// records, with accepted corrections applied, as a whole Load would build
// them: what work on a few households needs without reading the country.
// Ties between the loaded entities (births, marriages, deaths, owners) are
// found among them only; an entity without live records is absent.
func LoadEntities(ctx context.Context, st *store.Store, entityIDs []string) (*Dataset, error) {
	recs, err := st.EntityRecords(ctx, entityIDs)
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	stats, err := st.Sources(ctx)
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	ov, err := loadOverrides(ctx, st)
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	var (
		sources []*Source
		byID    = map[int64]*Source{}
		asOf    time.Time
	)
	for _, s := range stats {
		def, err := source.Stored(s.ID, s.Definition)
		if err != nil {
			return nil, fmt.Errorf("golden: source %s: %w", s.Name, err)
		}
		if def.AsOf.After(asOf) {
			asOf = def.AsOf
		}
		src := &Source{SourceStats: s, Def: def}
		byID[s.ID] = src
		sources = append(sources, src)
	}
	for _, r := range recs {
		src := byID[r.SourceID]
		if src == nil {
			return nil, fmt.Errorf("golden: record %s of unknown source %d", r.RecordID, r.SourceID)
		}
		src.Add(r)
	}
	return newDataset(cmp.Or(asOf, time.Now().UTC()), sources, ov), nil
}
