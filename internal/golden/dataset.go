package golden

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// Dataset is the latest live version of every record of every source, with
// the entities they were resolved into and each entity's golden record,
// held in memory for whole-store work: building golden records, quality
// checks, scorecards. Load reads it with one streaming query.
type Dataset struct {
	// AsOf is "today" for the data: the latest as-of date the sources
	// declare, else the time of loading. Ages and deaths are judged at it.
	AsOf     time.Time
	Sources  []*Source // by agency, then name
	Entities map[string]*Entity

	byName map[string]*Source
	byID   map[int64]*Source
	byIIN  map[string]*Entity

	ov       *overrideSet               // accepted corrections to apply; nil when none
	retiring []store.OverrideRetirement // overrides the agency's data now agrees with

	// focus, when not nil, are the entities a part builds (LoadPart);
	// pinned are the stored golden records of other entities it holds.
	focus  map[string]bool
	pinned map[string]*Entity
}

// Source is one registered source and its live records.
type Source struct {
	store.SourceStats
	Def *source.Source // the contract entry it was registered with
	// Records are the live records in record id order.
	Records []Record
	// Runs are the source's latest ingest runs, newest first (at most
	// HistoryRuns), without accepted corrections.
	Runs []store.RunInfo
	// Loads are the runs that checks comparing a load with its history
	// (volume, schema) compare, newest first: the full loads among Runs, or
	// every run when the source had no full load in that window. A delta
	// (a push of what changed) is never measured against a full extract.
	Loads []store.RunInfo
	// Quarantine holds the rows quarantined in the source's live state
	// (store.LiveQuarantine), by line, at most maxQuarantine of them;
	// Quarantined counts them all.
	Quarantine []store.Quarantined
	// Columns are the extract's columns in the latest of Loads that stored
	// a version, and PrevColumns those of the load before it (nil when
	// unknown).
	Columns, PrevColumns []string

	attrNames []string       // every attribute name its records hold
	attrIndex map[string]int // position of each in attrNames
	scratch   []string       // Add's values in attrNames order
	// overrides are the active overrides of its records that still
	// apply, by record id.
	overrides map[string][]store.Override
	// live, when set, describes every live record of a source of which
	// Records holds only some (SetLive).
	live *liveSummary
}

// liveSummary is what checks of a whole source need of its records.
type liveSummary struct {
	count  int
	newest time.Time
}

// SetLive says that the source has count live records, the newest
// observed at newest, for a dataset whose Records are only some of them
// (an incremental run): LiveCount and Newest then return these.
func (s *Source) SetLive(count int, newest time.Time) {
	s.live = &liveSummary{count: count, newest: newest}
}

// LiveCount returns how many live records the source has.
func (s *Source) LiveCount() int {
	if s.live != nil {
		return s.live.count
	}
	return len(s.Records)
}

// Newest returns when the most recently observed of the source's live
// records was observed; zero when it has none.
func (s *Source) Newest() time.Time {
	if s.live != nil {
		return s.live.newest
	}
	var newest time.Time
	for i := range s.Records {
		if t := s.Records[i].ObservedAt(); t.After(newest) {
			newest = t
		}
	}
	return newest
}

// HistoryRuns is how many past runs of each source Load reads.
const HistoryRuns = 30

// maxQuarantine bounds the quarantined rows Load reads per source.
const maxQuarantine = 100000

// Source returns the source named name, or nil.
func (d *Dataset) Source(name string) *Source { return d.byName[name] }

// SourceByID returns the source whose id is id, or nil.
func (d *Dataset) SourceByID(id int64) *Source { return d.byID[id] }

// Person returns the person whose golden national id is iin, or nil.
func (d *Dataset) Person(iin string) *Entity { return d.byIIN[iin] }

// EntityOf returns the entity a record was resolved into, or nil.
func (d *Dataset) EntityOf(r *Record) *Entity {
	if r.EntityID == "" {
		return nil
	}
	return d.Entities[r.EntityID]
}

// Load reads every live record of st and builds the golden records.
// Sources without a parsable definition fail the load: their records could
// not be read as the contract says.
func Load(ctx context.Context, st *store.Store) (*Dataset, error) {
	return LoadWithProgress(ctx, st, nil)
}

// LoadWithProgress is Load showing its stages on progressTo (nil for none):
// reading the records, building the golden records.
func LoadWithProgress(ctx context.Context, st *store.Store, progressTo io.Writer) (*Dataset, error) {
	d, err := LoadSources(ctx, st)
	if err != nil {
		return nil, err
	}
	live := 0
	for _, s := range d.Sources {
		live += s.Live
		// Sized once: growing a nation's records by appending would copy
		// them several times and leave up to half the last copy unused.
		s.Records = make([]Record, 0, max(s.Live, 0))
	}
	bar := progress.New(progressTo, "read live records", int64(live))
	// One source a CPU at a time, the largest first: most of a read is
	// the database decoding rows, which one query does on one core. Each
	// source's records are added by one goroutine only.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(runtime.GOMAXPROCS(0))
	for _, src := range slices.SortedStableFunc(slices.Values(d.Sources), func(a, b *Source) int { return b.Live - a.Live }) {
		g.Go(func() error {
			return st.SourceLiveRecords(gctx, src.ID, func(r store.LiveRecord) error {
				src.Add(r)
				bar.Add(1)
				return nil
			})
		})
	}
	err = g.Wait()
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	if d.ov, err = loadOverrides(ctx, st); err != nil {
		return nil, fmt.Errorf("golden: %w", err)
	}
	d.build(progressTo)
	return d, nil
}

// NewDataset builds a dataset from sources already in memory (filled with
// Source.Add), for callers that read records another way (one entity's
// records, tests).
func NewDataset(asOf time.Time, sources []*Source) *Dataset {
	return newDataset(asOf, sources, nil)
}

// newDataset is NewDataset applying accepted corrections ov.
func newDataset(asOf time.Time, sources []*Source, ov *overrideSet) *Dataset {
	d := &Dataset{AsOf: asOf, Sources: sources, byName: map[string]*Source{}, byID: map[int64]*Source{}, ov: ov}
	for _, s := range sources {
		d.byName[s.Name] = s
		d.byID[s.ID] = s
		slices.SortFunc(s.Records, func(a, b Record) int { return cmp.Compare(a.RecordID, b.RecordID) })
	}
	d.build(nil)
	return d
}

// history reads the source's recent runs, the latest run's quarantine and
// the columns of its last two runs that stored versions.
func (src *Source) history(ctx context.Context, st *store.Store) error {
	var err error
	if src.Runs, err = st.Runs(ctx, src.Name, HistoryRuns); err != nil {
		return err
	}
	// An accepted correction is stored as a one-record run; it is not a
	// load of the agency's extract, whose size, columns and quarantine the
	// checks compare.
	src.Runs = slices.DeleteFunc(src.Runs, func(r store.RunInfo) bool {
		return strings.HasPrefix(r.File, store.CorrectionRunPrefix)
	})
	if len(src.Runs) == 0 {
		return nil
	}
	for _, r := range src.Runs {
		if r.Mode == "full" {
			src.Loads = append(src.Loads, r)
		}
	}
	if len(src.Loads) == 0 {
		src.Loads = src.Runs
	}
	if src.Quarantine, src.Quarantined, err = st.LiveQuarantine(ctx, src.Name, maxQuarantine); err != nil {
		return err
	}
	var found [][]string
	for _, r := range src.Loads {
		if r.Stored == 0 || len(found) == 2 {
			continue
		}
		cols, err := st.RunColumns(ctx, r.ID)
		if err != nil {
			return err
		}
		if cols != nil {
			found = append(found, cols)
		}
	}
	if len(found) > 0 {
		src.Columns = found[0]
	}
	if len(found) > 1 {
		src.PrevColumns = found[1]
	}
	return nil
}
