package resolve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/source"
)

// Options tune a linking run. The zero value means the defaults.
type Options struct {
	// Threshold is the match probability at or above which a pair is a
	// link (default DefaultThreshold).
	Threshold float64
	// MaxBlock is the largest block compared (default DefaultMaxBlock).
	MaxBlock int
	// Window is the largest block compared pair by pair (some rules stop
	// sooner); the records of a larger one are compared with those of
	// their Window−1 neighbours that are not outright different (see
	// generate; default DefaultWindow).
	Window int
	// Seed makes the random pairs behind u reproducible.
	Seed uint64
	// KeepPairs keeps every scored pair with a probability at or above it
	// in Result.Pairs; 0 keeps none.
	KeepPairs float64
	// Progress receives progress bars; nil shows none.
	Progress io.Writer

	// compareAll compares every record, identical or not: the tests'
	// reference for linking that compares one record of each group.
	compareAll bool
}

// Defaults for Options.
const (
	DefaultThreshold = 0.5
	DefaultMaxBlock  = 1000
	DefaultWindow    = 12
)

func (o Options) withDefaults() Options {
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.MaxBlock == 0 {
		o.MaxBlock = DefaultMaxBlock
	}
	if o.Window == 0 {
		o.Window = DefaultWindow
	}
	return o
}

// Result is a linked table: the model learnt, the entity of every record
// and what it took.
type Result struct {
	Table *Table
	Model *Model
	// Entity holds, per record, the number of the record that represents
	// its cluster: records with the same value are one entity.
	Entity []int32
	Pairs  []Pair // the scored pairs kept by Options.KeepPairs
	Flags  []Flag // merges a person should check
	Stats  Stats

	scorer *scorer
}

// Pair is a scored candidate pair.
type Pair struct {
	Left, Right int // record numbers in the table
	Probability float64
}

// Stats counts one linking run.
type Stats struct {
	Kind           string        `json:"kind"`
	Records        int           `json:"records"`
	Candidates     int           `json:"candidates"` // pairs compared, one record of identical ones for all
	Links          int           `json:"links"`      // pairs compared at or above the threshold, and records joined to identical ones
	Entities       int           `json:"entities"`
	SkippedBlocks  int           `json:"skipped_blocks"`
	SkippedRecords int           `json:"skipped_records"`
	Elapsed        time.Duration `json:"elapsed_ns"`
}

// linked says whether records of an entity kind are linked to each other.
// An event (a birth, a marriage) happens once: two records of events are
// two events even when they name the same people.
func linked(kind string) bool { return kind != source.EntityEvent }

// Link resolves the records of t into entities: block, compare, train the
// model without labels, score, cluster.
func Link(ctx context.Context, t *Table, opts Options) (*Result, error) {
	return link(ctx, t, nil, opts)
}

// LinkWithModel resolves t with a model trained before (on the same kind of
// records), as a full re-resolve of the store does.
func LinkWithModel(ctx context.Context, t *Table, m *Model, opts Options) (*Result, error) {
	return link(ctx, t, m, opts)
}

func link(ctx context.Context, t *Table, m *Model, opts Options) (*Result, error) {
	start := time.Now()
	opts = opts.withDefaults()
	res := &Result{Table: t, Model: m, Entity: make([]int32, t.Len()), Stats: Stats{Kind: t.Kind, Records: t.Len()}}
	for i := range res.Entity {
		res.Entity[i] = int32(i)
	}
	var (
		cs  []comparison
		rs  []rule
		err error
	)
	if m != nil {
		if cs, err = comparisonsNamed(t, m); err != nil {
			return nil, err
		}
		if rs, err = rulesNamed(t, m); err != nil {
			return nil, err
		}
	} else {
		cs, rs = comparisonsFor(t), rulesFor(t)
	}
	if !linked(t.Kind) || t.Len() < 2 || len(cs) == 0 || len(rs) == 0 {
		res.Stats.Entities = t.Len()
		res.Stats.Elapsed = time.Since(start)
		return res, nil
	}

	id := identicalRecords(t)
	if opts.compareAll {
		id = everyRecord(t)
	}
	bar := progress.New(opts.Progress, "compare "+t.Kind+" pairs", 0)
	b, err := generate(ctx, t, id, rs, cs, opts.MaxBlock, opts.Window, bar)
	bar.Finish()
	if err != nil {
		return nil, err
	}
	for r := range rs {
		res.Stats.SkippedBlocks += b.skippedBlocks[r]
		res.Stats.SkippedRecords += b.skippedRecords[r]
	}
	res.Stats.Candidates = b.candidates()

	if m == nil {
		stage := progress.Stage(opts.Progress, "train "+t.Kind+" model")
		m = train(t, cs, rs, b, id, opts)
		stage.Finish()
		res.Model = m
	}
	s := newScorer(t, cs, m)
	s.rules = rs
	res.scorer = s
	// Groups whose records link are clustered as the records they stand
	// for; the others' records stand alone.
	s.records = id.clustered(s, b, logit2(opts.Threshold))

	bar = progress.New(opts.Progress, "score "+t.Kind+" pairs", int64(res.Stats.Candidates))
	edges, pairs := score(s, b.cands, opts, bar)
	bar.Finish()
	res.Pairs = pairs
	res.Stats.Links = len(edges)
	b.cands = nil
	stage := progress.Stage(opts.Progress, "cluster "+t.Kind+" records")
	res.Entity, res.Flags = clusters(s, edges)
	res.Stats.Links += id.join(res.Entity, s.records)
	s.records = nil
	stage.Finish()
	seen := map[int32]bool{}
	for _, e := range res.Entity {
		seen[e] = true
	}
	res.Stats.Entities = len(seen)
	res.Stats.Elapsed = time.Since(start)
	slog.Info("linked", "kind", t.Kind, "records", t.Len(), "candidates", res.Stats.Candidates,
		"links", res.Stats.Links, "entities", res.Stats.Entities, "flagged", len(res.Flags), "elapsed", res.Stats.Elapsed.Round(time.Millisecond))
	return res, nil
}

// train learns the model: u from random pairs, m by EM on pairs agreeing
// on one attribute at a time, then the prior from the candidates.
func train(t *Table, cs []comparison, rs []rule, b *blocking, id *identical, opts Options) *Model {
	start := time.Now()
	counts := id.pairCounts(t, cs, b, namesakes(t, cs, b, opts.Seed))
	u := estimateU(t, cs, opts.Seed)
	slog.Debug("estimated u", "kind", t.Kind, "patterns", len(counts), "elapsed", time.Since(start))
	sessions := trainingSessions(t, cs, opts.Seed)
	slog.Debug("compared training pairs", "kind", t.Kind, "sessions", len(sessions), "elapsed", time.Since(start))
	mm, trained := estimateM(cs, sessions, u)
	slog.Debug("estimated m", "kind", t.Kind, "elapsed", time.Since(start))
	n := float64(t.Len())
	all := make([]bool, len(cs))
	for c := range all {
		all[c] = true
	}
	mm, lambda := em(counts, all, mm, u, n*(n-1)/2)
	slog.Debug("refined m on the candidates", "kind", t.Kind, "elapsed", time.Since(start))
	m := &Model{Kind: t.Kind, Threshold: opts.Threshold}
	for _, r := range rs {
		m.Rules = append(m.Rules, r.name)
	}
	for c := range cs {
		cm := ComparisonModel{Name: cs[c].name, TF: cs[c].tf >= 0, Trained: trained[c], Match: cs[c].match}
		if cm.TF {
			cm.Frequencies, cm.Rarest = frequencies(t, cs[c].tf)
		}
		for l, label := range cs[c].levels {
			cm.Levels = append(cm.Levels, LevelModel{Label: label, M: mm[c][l], U: u[c][l]})
		}
		m.Comparisons = append(m.Comparisons, cm)
	}
	m.Lambda = lambda
	return m
}

// score weighs every candidate, returning the links and the pairs kept for
// output, and counts them on bar.
func score(s *scorer, chunks [][]candidate, opts Options, bar *progress.Bar) ([]edge, []Pair) {
	var (
		mu    sync.Mutex
		edges []edge
		pairs []Pair
	)
	minWeight := logit2(opts.Threshold)
	eachChunk(chunks, func(cands []candidate) {
		var le []edge
		var lp []Pair
		for _, c := range cands {
			w := s.weight(int(c.i), int(c.j), c.pat)
			// A link between two different valid national ids can never
			// join clusters (see idsAllow) unless it is overwhelming;
			// siblings sharing a surname, patronymic, address and phone
			// make millions of them in a country.
			if w >= minWeight && (!s.conflict(int(c.i), int(c.j)) || s.evidence(w, c.pat) >= overwhelmingBits) {
				le = append(le, edge{c.i, c.j, w, c.pat})
			}
			if opts.KeepPairs > 0 {
				if p := Probability(w); p >= opts.KeepPairs {
					lp = append(lp, Pair{int(c.i), int(c.j), p})
				}
			}
		}
		bar.Add(int64(len(cands)))
		mu.Lock()
		edges = append(edges, le...)
		pairs = append(pairs, lp...)
		mu.Unlock()
	})
	return edges, pairs
}

func logit2(p float64) float64 {
	p = min(max(p, 1e-12), 1-1e-12)
	return math.Log2(p / (1 - p))
}

// Explain gives the waterfall of the score of two records, named
// "source:id", whether or not blocking made them candidates.
func (r *Result) Explain(left, right string) (Explanation, error) {
	if r.scorer == nil {
		return Explanation{}, fmt.Errorf("records of kind %q are not linked, so there is no score to explain", r.Table.Kind)
	}
	i, err := r.Table.lookup(left)
	if err != nil {
		return Explanation{}, err
	}
	j, err := r.Table.lookup(right)
	if err != nil {
		return Explanation{}, err
	}
	return r.scorer.explain(i, j), nil
}

// LinkContract reads every extract of c and links each entity kind.
func LinkContract(ctx context.Context, c *source.Contract, opts Options) ([]*Result, []SourceLoad, error) {
	tables, loads, err := LoadContract(ctx, c, opts.Progress)
	if err != nil {
		return nil, loads, err
	}
	results, err := LinkTables(ctx, tables, opts)
	return results, loads, err
}

// LinkTables links each table (one per entity kind).
func LinkTables(ctx context.Context, tables []*Table, opts Options) ([]*Result, error) {
	results := make([]*Result, 0, len(tables))
	for _, t := range tables {
		r, err := Link(ctx, t, opts)
		if err != nil {
			return nil, fmt.Errorf("link %s records: %w", t.Kind, err)
		}
		results = append(results, r)
	}
	return results, nil
}
