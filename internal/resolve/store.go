package resolve

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// StoreOptions tune Resolve.
type StoreOptions struct {
	Options
	// Full recomputes every entity of a kind from all its records with the
	// stored model, keeping an entity's id where its records stay together.
	Full bool
	// Retrain trains a new model first (and implies Full).
	Retrain bool
	// Batch is how many changed records an incremental run links per round
	// trip to the store (default 1000).
	Batch int
}

// StoreSummary is one kind's resolve run.
type StoreSummary struct {
	Kind     string        `json:"kind"`
	Mode     string        `json:"mode"` // full or incremental
	Records  int           `json:"records"`
	Created  int           `json:"created"`
	Attached int           `json:"attached"`
	Merged   int           `json:"merged"`
	Split    int           `json:"split"`
	Detached int           `json:"detached"`
	Elapsed  time.Duration `json:"elapsed_ns"`
}

// Resolve brings the entities in the store up to date with the stored
// records, kind by kind. The first run of a kind (or a Full one) links
// every record; later runs link only the record versions stored since,
// attaching each to an existing entity, creating one, merging entities the
// new record connects, or splitting a record off an entity it no longer
// matches. Entity ids are stable: an entity keeps its id for life, and a
// merged one points to the survivor.
func Resolve(ctx context.Context, st *store.Store, opts StoreOptions) ([]StoreSummary, error) {
	return NewResolver(st).Resolve(ctx, opts)
}

// Resolver runs Resolve again and again on one store, keeping in memory
// between runs each kind's trained model (it reloads a model only when the
// store says it was trained again) and blocking index (built from the
// stored keys on first need, kept up to date by the resolver's own runs,
// and built again when another process resolved the kind meanwhile), as a
// server resolving after every push does. A Resolver is not safe for
// concurrent use.
type Resolver struct {
	st      *store.Store
	models  map[string]cachedModel
	indexes map[string]*keyIndex
}

type cachedModel struct {
	trainedAt time.Time
	model     *Model
}

// NewResolver returns a resolver for st.
func NewResolver(st *store.Store) *Resolver {
	return &Resolver{st: st, models: map[string]cachedModel{}, indexes: map[string]*keyIndex{}}
}

// Resolve is the package's Resolve, with the models kept from earlier runs.
func (rv *Resolver) Resolve(ctx context.Context, opts StoreOptions) ([]StoreSummary, error) {
	kinds, live, modes, err := rv.sources(ctx)
	if err != nil {
		return nil, err
	}
	var out []StoreSummary
	for _, kind := range kinds {
		r := &resolver{st: rv.st, kind: kind, modes: modes, opts: opts, cache: rv, live: live[kind]}
		sum, err := r.run(ctx)
		if err != nil {
			return out, fmt.Errorf("resolve %s: %w", kind, err)
		}
		out = append(out, sum)
	}
	return out, nil
}

// sources returns the linked entity kinds of the registered sources, in
// order, the live records of each kind, and the match modes of each
// source's attributes by source name.
func (rv *Resolver) sources(ctx context.Context) (kinds []string, live map[string]int, modes map[string]map[string]string, err error) {
	srcs, err := rv.st.Sources(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	modes = map[string]map[string]string{}
	live = map[string]int{}
	for _, s := range srcs {
		def, err := source.Stored(s.ID, s.Definition)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("resolve: source %s: %w", s.Name, err)
		}
		modes[s.Name] = matchModes(def)
		kind := s.Entity
		if kind == "" {
			kind = source.EntityPerson
		}
		live[kind] += s.Live
		if linked(kind) && !slices.Contains(kinds, kind) {
			kinds = append(kinds, kind)
		}
	}
	sort.Strings(kinds)
	return kinds, live, modes, nil
}

// model returns kind's stored model (nil when never trained) and the
// watermark.
func (rv *Resolver) model(ctx context.Context, kind string) (*Model, int64, error) {
	watermark, trainedAt, err := rv.st.ResolveWatermark(ctx, kind)
	if err != nil {
		return nil, 0, err
	}
	if c, ok := rv.models[kind]; ok && c.trainedAt.Equal(trainedAt) && !trainedAt.IsZero() {
		return c.model, watermark, nil
	}
	raw, watermark, err := rv.st.ResolveState(ctx, kind)
	if err != nil || raw == nil {
		return nil, watermark, err
	}
	m := new(Model)
	if err := json.Unmarshal(raw, m); err != nil {
		return nil, 0, fmt.Errorf("stored model: %w", err)
	}
	rv.models[kind] = cachedModel{trainedAt, m}
	return m, watermark, nil
}

// resolver resolves one kind.
type resolver struct {
	st    *store.Store
	kind  string
	modes map[string]map[string]string
	opts  StoreOptions
	cache *Resolver
	model *Model
	next  int64 // number of the next entity id, 0 until the store was asked
	live  int   // live records of the kind, as the store counts them, for progress
	sum   StoreSummary
	// after is the kind's last resolve run, read before anything else:
	// the store refuses changes made against a state another run replaced.
	after int64
}

func (r *resolver) run(ctx context.Context) (StoreSummary, error) {
	start := time.Now()
	var err error
	if r.after, err = r.st.LastResolveRun(ctx, r.kind); err != nil {
		return r.sum, err
	}
	model, watermark, err := r.cache.model(ctx, r.kind)
	if err != nil {
		return r.sum, err
	}
	r.model = model
	r.sum.Kind = r.kind
	if r.model == nil || r.opts.Full || r.opts.Retrain {
		r.sum.Mode = "full"
		err = r.full(ctx)
	} else {
		r.sum.Mode = "incremental"
		err = r.incremental(ctx, watermark)
	}
	r.sum.Elapsed = time.Since(start)
	level := slog.LevelInfo
	if r.sum.Mode == "incremental" && r.sum.Records == 0 {
		level = slog.LevelDebug // nothing new: a server that follows asks often
	}
	if err == nil {
		slog.Log(ctx, level, "resolved", "kind", r.kind, "mode", r.sum.Mode, "records", r.sum.Records, "created", r.sum.Created,
			"attached", r.sum.Attached, "merged", r.sum.Merged, "split", r.sum.Split, "detached", r.sum.Detached,
			"elapsed", r.sum.Elapsed.Round(time.Millisecond))
	}
	return r.sum, err
}

func (r *resolver) prefix() string {
	if p, ok := entityPrefix[r.kind]; ok {
		return p
	}
	return "X"
}

// newID allocates the next entity id; the first call of a run asks the
// store where numbering stands (one index lookup).
func (r *resolver) newID(ctx context.Context) (string, error) {
	if r.next == 0 {
		n, err := r.st.MaxEntityNumber(ctx, r.prefix())
		if err != nil {
			return "", err
		}
		r.next = n + 1
	}
	id := fmt.Sprintf("%s%0*d", r.prefix(), store.EntityDigits, r.next)
	r.next++
	return id, nil
}

// add appends a stored record to t.
func (r *resolver) add(t *Table, rec store.ResolveRecord) {
	t.Add(rec.Source, rec.RecordID, sortedAttrs(rec.Attrs), r.modes[rec.Source])
}

// sortedAttrs turns stored attributes into Table.Add's input, by name.
func sortedAttrs(m map[string]string) []source.Attr {
	attrs := make([]source.Attr, 0, len(m))
	for k, v := range m {
		attrs = append(attrs, source.Attr{Name: k, Value: v})
	}
	slices.SortFunc(attrs, func(a, b source.Attr) int { return cmp.Compare(a.Name, b.Name) })
	return attrs
}

func (r *resolver) counts() store.ResolveCounts {
	return store.ResolveCounts{Records: r.sum.Records, Created: r.sum.Created, Attached: r.sum.Attached,
		Merged: r.sum.Merged, Split: r.sum.Split, Detached: r.sum.Detached}
}

// full links every live record of the kind and maps the clusters onto the
// entities already stored (see match).
func (r *resolver) full(ctx context.Context) error {
	t, refs, maxRun, err := r.readAll(ctx)
	if err != nil {
		return err
	}
	r.sum.Records = t.Len()
	model := r.model
	if r.opts.Retrain {
		model = nil
	}
	res, err := link(ctx, t, model, r.opts.Options)
	if err != nil {
		return err
	}
	stage := progress.Stage(r.opts.Progress, "match "+r.kind+" clusters to stored entities")
	defer stage.Finish()
	prev, err := r.previous(ctx, refs)
	if err != nil {
		return err
	}
	ch := store.ResolveChanges{Kind: r.kind, Mode: "full", Reset: true, Watermark: maxRun}
	if res.Model != nil && res.Model != r.model {
		if ch.Model, err = json.Marshal(res.Model); err != nil {
			return err
		}
	}
	if err := r.match(ctx, &ch, res.Entity, refs, prev); err != nil {
		return err
	}
	if res.scorer != nil {
		ch.Keys = recordKeys(res.scorer.t, res.scorer.rules, refs, 0, t.Len())
	}
	ch.Counts = r.counts()
	stage.Finish()
	slog.Info("storing entities", "kind", r.kind, "entities", len(ch.NewEntities), "records", len(ch.Members), "keyed_records", len(ch.Keys))
	// A held index is of no use after a full run: the next incremental
	// run builds one from the keys stored now.
	delete(r.cache.indexes, r.kind)
	return r.apply(ctx, ch)
}

// readBatch is how many records readAll hands from the reader to the
// table at a time.
const readBatch = 1024

// readAll reads every live record of the kind into a table, in the store's
// order, and returns the table, the records' refs and the watermark. The
// store decodes records on one goroutine while the table normalises them
// on another: each takes about half the time.
func (r *resolver) readAll(ctx context.Context) (*Table, []store.RecordRef, int64, error) {
	t := NewTable(r.kind)
	var refs []store.RecordRef
	bar := progress.New(r.opts.Progress, "read "+r.kind+" records", int64(r.live))
	defer bar.Finish()
	batches := make(chan []store.ResolveRecord, 4)
	added := make(chan struct{})
	go func() {
		defer close(added)
		for b := range batches {
			for _, rec := range b {
				r.add(t, rec)
				refs = append(refs, rec.RecordRef)
			}
		}
	}()
	batch := make([]store.ResolveRecord, 0, readBatch)
	maxRun, err := r.st.ChangedSince(ctx, r.kind, 0, func(rec store.ResolveRecord) error {
		bar.Add(1)
		if rec.Deleted {
			return nil
		}
		if batch = append(batch, rec); len(batch) == readBatch {
			batches <- batch
			batch = make([]store.ResolveRecord, 0, readBatch)
		}
		return nil
	})
	batches <- batch
	close(batches)
	<-added
	if err != nil {
		return nil, nil, 0, err
	}
	return t, refs, maxRun, nil
}

// apply stores ch, counting the rows it writes on a bar.
func (r *resolver) apply(ctx context.Context, ch store.ResolveChanges) error {
	bar := progress.New(r.opts.Progress, "store "+r.kind+" entities, members and keys",
		int64(len(ch.NewEntities)+len(ch.Members)+len(ch.Keys)+len(ch.Lineage)))
	defer bar.Finish()
	ch.Progress = func(n int) { bar.Add(int64(n)) }
	ch.AfterRun = &r.after
	_, err := r.st.ApplyResolve(ctx, ch)
	return err
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// recordKeys lists the blocking keys of records lo..hi of t for the store,
// one entry per record, with no keys when no rule gives it one. The keys
// of all records share one backing array.
func recordKeys(t *Table, rs []rule, refs []store.RecordRef, lo, hi int) []store.RecordKeys {
	out := make([]store.RecordKeys, 0, max(hi-lo, 0))
	all := make([]uint64, 0, max(hi-lo, 0)*len(rs))
	for i := lo; i < hi; i++ {
		from := len(all)
		for _, ru := range rs {
			if k := ru.key(t, i); k != "" {
				all = append(all, keyHash(ru.name, k))
			}
		}
		out = append(out, store.RecordKeys{Ref: refs[i], Keys: all[from:len(all):len(all)]})
	}
	return out
}
