// Package ingest stores agency extracts: it registers a sources contract in
// the store and runs each load, storing every row as a new version, finding it
// unchanged, or quarantining it with a reason. Reading and checking the
// extracts themselves is package source's job; this package owns everything
// that touches the store.
package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// Summary is the outcome of one ingest run. Rows = Stored + Unchanged +
// Quarantined always; Deleted counts records missing from a full extract,
// which got a deleted version; Flagged counts stored rows with an invalid field.
type Summary struct {
	Source      string `json:"source"`
	File        string `json:"file"`
	Run         int64  `json:"run"`
	Rows        int    `json:"rows"`
	Stored      int    `json:"stored"`
	Unchanged   int    `json:"unchanged"`
	Quarantined int    `json:"quarantined"`
	Deleted     int    `json:"deleted"`
	Flagged     int    `json:"flagged"`
	Live        int    `json:"live"`
}

// ErrBadInput marks an extract that cannot be read in its source's layout:
// an empty body, a CSV header missing a mapped column, a line over the size
// limit. Fixing it is the sender's job; the HTTP API answers it with 400.
// Failures of the reader itself (a disk or a connection) are not bad input.
var ErrBadInput = errors.New("extract cannot be read")

// DefaultMaxDeletionShare is the share of a source's live records a full
// extract may mark deleted unless Options say otherwise: a file cut short,
// or a header with no rows, must not wipe a register.
const DefaultMaxDeletionShare = 0.10

// Options guard a load.
type Options struct {
	// MaxDeletionShare is the share of the source's live records a full
	// extract may mark deleted; beyond it the load is held (ErrHeld). 0
	// means DefaultMaxDeletionShare; 1 or more turns the guard off.
	MaxDeletionShare float64
	// AllowDeletions is how many deletions the operator has confirmed: a
	// full extract deleting at most this many is stored whatever their
	// share.
	AllowDeletions int
	// PushID, when set, is the id of a queued push this load stores: it
	// is recorded with the run (store.Run.RecordPush), so a push delivered
	// twice is stored once; the second load fails with store.ErrPushDone.
	PushID string
}

func (o Options) share() float64 {
	if o.MaxDeletionShare <= 0 {
		return DefaultMaxDeletionShare
	}
	return o.MaxDeletionShare
}

// ErrHeld marks a full extract held back because it would have marked
// more than the allowed share of the source's live records deleted.
// Nothing of it is stored; the hold is recorded (store.HeldLoads) and put
// on the agency's work list. The HTTP API answers it with 409. The error
// is a *HeldError.
var ErrHeld = errors.New("full extract held")

// HeldError says what a held extract would have deleted.
type HeldError struct {
	Source    string
	Load      int64 // the held load's id in store.HeldLoads
	Rows      int
	Deletions int
	Live      int
	MaxShare  float64
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("ingest %s: %v: it would mark %d of %d live records deleted, more than %g%%; nothing was stored "+
		"(confirm with --allow-deletions %d, or ?allow_deletions=%d on a push)",
		e.Source, ErrHeld, e.Deletions, e.Live, e.MaxShare*100, e.Deletions, e.Deletions)
}

// Unwrap makes errors.Is(err, ErrHeld) hold.
func (e *HeldError) Unwrap() error { return ErrHeld }

// batchSize is how many rows travel together from the decoder to the store.
const batchSize = 2000

// Register stores the contract's agencies and sources (creating or updating
// them) and returns each source's id by name.
func Register(ctx context.Context, st *store.Store, c *source.Contract) (map[string]int64, error) {
	for _, a := range c.Agencies {
		if _, err := st.PutAgency(ctx, store.Agency{Code: a.Code, Name: a.Name, Names: a.Names}); err != nil {
			return nil, err
		}
	}
	ids := make(map[string]int64, len(c.Sources))
	for _, s := range c.Sources {
		def, err := json.Marshal(s)
		if err != nil {
			return nil, fmt.Errorf("register %s: %w", s.Name, err)
		}
		id, err := st.PutSource(ctx, store.SourceDef{Name: s.Name, AgencyCode: s.Agency, Title: s.Title, Entity: s.Entity, Definition: def})
		if err != nil {
			return nil, err
		}
		ids[s.Name] = id
	}
	return ids, nil
}

// Contract registers the contract and loads every source that names a
// file, each in its own run (so one source's bad file does not undo the
// others). It returns the summaries of the runs that committed and the
// errors of those that did not.
func Contract(ctx context.Context, st *store.Store, c *source.Contract, progressTo io.Writer) ([]Summary, error) {
	return ContractWith(ctx, st, c, progressTo, Options{})
}

// ContractWith is Contract with opts guarding every source's load.
func ContractWith(ctx context.Context, st *store.Store, c *source.Contract, progressTo io.Writer, opts Options) ([]Summary, error) {
	ids, err := Register(ctx, st, c)
	if err != nil {
		return nil, err
	}
	var (
		out  []Summary
		errs []error
	)
	run := countSteps(c, progressTo)
	for _, src := range c.Sources {
		if src.File == "" {
			continue
		}
		sum, err := file(ctx, st, src, ids[src.Name], opts, func(size int64) *progress.Bar {
			return run.NextBytes("ingest "+src.Name, size)
		})
		if err != nil {
			if ctx.Err() != nil {
				return out, errors.Join(append(errs, err)...)
			}
			errs = append(errs, err)
			continue
		}
		out = append(out, sum)
	}
	return out, errors.Join(errs...)
}

// countSteps counts the sources Contract loads and their bytes, so that each
// source's bar shows "source i of n" and the time left for all.
func countSteps(c *source.Contract, progressTo io.Writer) *progress.Steps {
	if progressTo == nil {
		return nil
	}
	var (
		n     int
		total int64
	)
	for _, src := range c.Sources {
		if src.File == "" {
			continue
		}
		n++
		if fi, err := os.Stat(src.File); err == nil {
			total += fi.Size()
		}
	}
	return progress.NewSteps(progressTo, "source", n, total)
}

// File loads the source's file in its declared mode (full by default).
func File(ctx context.Context, st *store.Store, src *source.Source, sourceID int64, progressTo io.Writer) (Summary, error) {
	return file(ctx, st, src, sourceID, Options{}, func(size int64) *progress.Bar {
		if progressTo == nil {
			return nil
		}
		return progress.NewBytes(progressTo, "ingest "+src.Name, size)
	})
}

// file is File with the bar that newBar starts for the file's size (nil
// for none).
func file(ctx context.Context, st *store.Store, src *source.Source, sourceID int64, opts Options,
	newBar func(size int64) *progress.Bar) (Summary, error) {
	f, err := os.Open(src.File)
	size := int64(0)
	if err == nil {
		defer f.Close()
		if fi, err := f.Stat(); err == nil {
			size = fi.Size()
		}
	}
	// A bar even for a file that cannot be opened keeps the count of
	// sources right.
	bar := newBar(size)
	defer bar.Finish()
	if err != nil {
		return Summary{Source: src.Name, File: src.File}, fmt.Errorf("ingest %s: %w", src.Name, err)
	}
	mode := src.Mode
	if mode == "" {
		mode = source.ModeFull
	}
	return ExtractWith(ctx, st, src, sourceID, progress.Reader(f, bar), src.File, mode, opts)
}

// Extract reads one extract of src from r and stores it as one run: every row
// is stored as a new version, found unchanged, or quarantined with its line
// and reason. In full mode, records of the source absent from r get a new
// version marked deleted. Extract is atomic: on any error (including a
// cancelled ctx) the store is left as it was. A full extract that would
// mark more than DefaultMaxDeletionShare of the source's live records
// deleted is held: see ExtractWith.
func Extract(ctx context.Context, st *store.Store, src *source.Source, sourceID int64, r io.Reader, file, mode string) (Summary, error) {
	return ExtractWith(ctx, st, src, sourceID, r, file, mode, Options{})
}

// ExtractWith is Extract guarded by opts: a full extract that would mark
// more than opts' share of the source's live records deleted, and more
// than opts.AllowDeletions of them, stores nothing; the hold is recorded
// with a finding on the agency's work list, and the error is a
// *HeldError (errors.Is ErrHeld).
func ExtractWith(ctx context.Context, st *store.Store, src *source.Source, sourceID int64, r io.Reader, file, mode string,
	opts Options) (Summary, error) {
	sum := Summary{Source: src.Name, File: file}
	if mode != source.ModeFull && mode != source.ModeDelta {
		return sum, fmt.Errorf("ingest %s: unknown mode %q (want full or delta)", src.Name, mode)
	}
	in := &readRecorder{r: r}
	dec, err := source.NewDecoder(src, in, file)
	if err != nil {
		return sum, in.classify(src.Name, err)
	}
	run, err := st.BeginRun(ctx, sourceID, file, mode)
	if err != nil {
		return sum, fmt.Errorf("ingest %s: %w", src.Name, err)
	}
	defer run.Abort()
	sum.Run = run.ID
	started := time.Now()

	l := &loader{src: src, run: run, file: file, mode: mode, seen: make(map[string]bool)}
	if l.live, err = run.PreviousLive(ctx); err != nil {
		return sum, fmt.Errorf("ingest %s: %w", src.Name, err)
	}
	before := l.live
	if mode == source.ModeFull {
		if l.latest, err = run.Latest(ctx, nil); err != nil {
			return sum, fmt.Errorf("ingest %s: %w", src.Name, err)
		}
		// The map is complete before decoding starts and only read from
		// here on, so the decoder goroutine may consult it.
		dec.SkipKnown(func(id []byte, hash [16]byte) bool {
			prev, ok := l.latest[string(id)]
			return ok && !prev.Deleted && prev.Hash == hash
		})
	}
	// Cancelling dctx on return stops the decoder goroutine if storing fails.
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches, decodeErr := decodeBatches(dctx, dec)
	for b := range batches {
		if err := l.store(ctx, b); err != nil {
			return sum, fmt.Errorf("ingest %s: %w", src.Name, err)
		}
	}
	if err := <-decodeErr; err != nil {
		if ctx.Err() != nil {
			return sum, fmt.Errorf("ingest %s: %w", src.Name, err)
		}
		return sum, in.classify(src.Name, err)
	}
	if mode == source.ModeFull {
		if gone := l.missing(); len(gone) > opts.AllowDeletions && float64(len(gone)) > opts.share()*float64(before) {
			run.Abort()
			return sum, hold(ctx, st, src.Name, sourceID, file, l.counts.Rows, len(gone), before, opts.share())
		}
		if err := l.deleteMissing(ctx); err != nil {
			return sum, fmt.Errorf("ingest %s: %w", src.Name, err)
		}
	}
	l.counts.Live = l.live
	if opts.PushID != "" {
		if err := recordPush(ctx, run, opts.PushID, sum, l.counts); err != nil {
			return sum, fmt.Errorf("ingest %s: %w", src.Name, err)
		}
	}
	if err := run.Commit(ctx, l.counts); err != nil {
		return sum, fmt.Errorf("ingest %s: %w", src.Name, err)
	}
	sum = summarise(sum, l.counts)
	c := l.counts
	slog.InfoContext(ctx, "ingested", "source", src.Name, "file", file, "run", run.ID, "rows", c.Rows, "stored", c.Stored,
		"unchanged", c.Unchanged, "quarantined", c.Quarantined, "deleted", c.Deleted, "flagged", c.Flagged,
		"elapsed", time.Since(started).Round(time.Millisecond))
	return sum, nil
}

// batch is a slice of decoded rows in file order.
type batch struct {
	records  []source.Record
	attrs    [][]byte // records[i]'s canonical attributes as JSON
	rejected []source.Rejection
}

// decodeBatches runs the decoder in its own goroutine, so that parsing and
// the database writes use both cores. The error channel yields once, after
// the batches channel closes.
func decodeBatches(ctx context.Context, dec *source.Decoder) (<-chan batch, <-chan error) {
	out := make(chan batch, 4)
	errc := make(chan error, 1)
	go func() {
		defer close(errc)
		defer close(out)
		b := batch{}
		for {
			rec, rej, err := dec.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				errc <- err
				return
			}
			if rej != nil {
				b.rejected = append(b.rejected, *rej)
			} else {
				var attrs []byte
				if rec.Raw != nil { // else a known row the decoder skipped
					attrs = source.AttrsJSON(rec.Attrs)
				}
				b.records = append(b.records, rec)
				b.attrs = append(b.attrs, attrs)
			}
			if len(b.records)+len(b.rejected) >= batchSize {
				select {
				case out <- b:
				case <-ctx.Done():
					errc <- ctx.Err()
					return
				}
				b = batch{}
			}
		}
		if len(b.records)+len(b.rejected) > 0 {
			select {
			case out <- b:
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
		errc <- nil
	}()
	return out, errc
}

// loader holds the state of one run while batches arrive.
type loader struct {
	src    *source.Source
	run    *store.Run
	file   string
	mode   string
	latest map[string]store.Latest // full mode: every record; delta: this batch's
	// seen holds the ids of this load's stored or unchanged rows and of its
	// quarantined rows whose id could be read: those records are still in
	// the extract, so a full load must not delete them.
	seen   map[string]bool
	live   int
	counts store.RunCounts
	vs     []store.Version
	qs     []store.Quarantined
}

func (l *loader) store(ctx context.Context, b batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.mode == source.ModeDelta {
		ids := make([]string, 0, len(b.records))
		for i := range b.records {
			ids = append(ids, b.records[i].ID)
		}
		var err error
		if l.latest, err = l.run.Latest(ctx, ids); err != nil {
			return err
		}
	}
	l.vs, l.qs = l.vs[:0], l.qs[:0]
	for _, rej := range b.rejected {
		l.quarantine(rej)
	}
	for i := range b.records {
		rec := &b.records[i]
		// The decoder has already quarantined repeated ids (CodeDuplicateID).
		l.seen[rec.ID] = true
		l.counts.Rows++
		prev, known := l.latest[rec.ID]
		if known && !prev.Deleted && prev.Hash == rec.Hash {
			l.counts.Unchanged++
			continue
		}
		if !known || prev.Deleted {
			l.live++
		}
		v := store.Version{RecordID: rec.ID, Version: prev.Version + 1, Attrs: b.attrs[i], Raw: rec.Raw,
			Hash: rec.Hash, Line: rec.Line, ObservedAt: l.observed(rec.ObservedAt)}
		if len(rec.Invalid) > 0 {
			v.Invalid = source.IssuesJSON(rec.Invalid)
			l.counts.Flagged++
		}
		l.vs = append(l.vs, v)
		l.counts.Stored++
	}
	if err := l.run.AddQuarantine(ctx, l.qs); err != nil {
		return err
	}
	return l.run.AddVersions(ctx, l.vs)
}

func (l *loader) quarantine(rej source.Rejection) {
	if rej.ID != "" {
		l.seen[rej.ID] = true
	}
	l.counts.Rows++
	l.counts.Quarantined++
	l.qs = append(l.qs, store.Quarantined{File: l.file, Line: rej.Line, Code: string(rej.Code), Field: rej.Field, Reason: rej.Reason, Raw: rej.Raw})
}

// observed is when a row's facts were observed: the row's own date, else the
// extract's as_of date, else the load time.
func (l *loader) observed(t time.Time) time.Time {
	switch {
	case !t.IsZero():
		return t
	case !l.src.AsOf.IsZero():
		return l.src.AsOf
	default:
		return l.run.LoadedAt()
	}
}

// missing lists the live records of the source that this full extract
// did not contain, in record-id order.
func (l *loader) missing() []string {
	var gone []string
	for id, prev := range l.latest {
		if !l.seen[id] && !prev.Deleted {
			gone = append(gone, id)
		}
	}
	sort.Strings(gone)
	return gone
}

// hold records a held load, after its run was rolled back, and returns
// its *HeldError.
func hold(ctx context.Context, st *store.Store, name string, sourceID int64, file string, rows, gone, live int, share float64) error {
	h := store.HeldLoad{SourceID: sourceID, Source: name, File: file, HeldAt: time.Now().UTC().Truncate(time.Second),
		Rows: rows, Deletions: gone, Live: live, MaxShare: share}
	id, err := st.HoldLoad(ctx, h, store.HeldFinding)
	if err != nil {
		return fmt.Errorf("ingest %s: %w", name, err)
	}
	slog.WarnContext(ctx, "full extract held", "source", name, "file", file, "load", id, "deletions", gone, "live", live,
		"max_share", share)
	return &HeldError{Source: name, Load: id, Rows: rows, Deletions: gone, Live: live, MaxShare: share}
}

// deleteMissing appends a deleted version for every live record of the
// source that this full extract did not contain, in record-id order.
func (l *loader) deleteMissing(ctx context.Context) error {
	gone := l.missing()
	l.vs = l.vs[:0]
	for _, id := range gone {
		l.vs = append(l.vs, store.Version{RecordID: id, Version: l.latest[id].Version + 1, Deleted: true,
			Attrs: []byte("{}"), Raw: []byte("{}"), ObservedAt: l.observed(time.Time{})})
	}
	l.counts.Deleted = len(gone)
	l.live -= len(gone)
	return l.run.AddVersions(ctx, l.vs)
}

// readRecorder remembers whether the reader under a decoder failed, which
// tells a broken disk or connection from a malformed extract.
type readRecorder struct {
	r   io.Reader
	err error
}

func (rr *readRecorder) Read(p []byte) (int, error) {
	n, err := rr.r.Read(p)
	if err != nil && err != io.EOF {
		rr.err = err
	}
	return n, err
}

// classify wraps a decoder error, marking it ErrBadInput unless the reader failed.
func (rr *readRecorder) classify(name string, err error) error {
	if rr.err != nil {
		return fmt.Errorf("ingest %s: %w", name, err)
	}
	return fmt.Errorf("ingest %s: %w: %w", name, ErrBadInput, err)
}
