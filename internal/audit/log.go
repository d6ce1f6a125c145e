package audit

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/store"
)

// Options configure a Log.
type Options struct {
	// Origin is the first line of every checkpoint, naming the log (for
	// example "ortaq.example/audit"); required.
	Origin string
	// CheckpointInterval is how often a new checkpoint is signed while the
	// log grows; 0 means 1s.
	CheckpointInterval time.Duration
	// MaxBatch is the most records committed in one transaction; 0 means
	// 1024. One Append call is never split, so a larger call commits alone.
	MaxBatch int
	// CheckpointFile, when set, is where the latest signed checkpoint is
	// also kept outside the database (CheckpointFile(keyFile) puts it
	// beside the signing key). Every checkpoint signed is written there
	// once committed, atomically and off the append path; Open refuses a
	// stored log that is shorter than that checkpoint or inconsistent with
	// it, which is what catches a log cut back, records, tree and stored
	// checkpoints together, to an earlier checkpoint. A missing file is
	// written from the latest stored checkpoint, with a warning.
	CheckpointFile string
	// Verifier is the signer's verifier key, which checks the checkpoint
	// file; required with CheckpointFile.
	Verifier note.Verifier
}

// ErrClosed is returned by Append and Checkpoint once Close has begun.
var ErrClosed = errors.New("audit log is closed")

// saltSize is how many random bytes salt each record's commitment.
const saltSize = 32

// tileWidth is the width of a tlog tile (layout.TileWidth); tileHeight the
// tree levels one tile spans.
const (
	tileHeight = 8
	tileWidth  = 1 << tileHeight
)

var factory = compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}

// Log is the audit log: an append-only Merkle log of record commitments
// kept in the store, with signed checkpoints. All its methods are safe for
// concurrent use.
//
// A single goroutine writes: Append hands records to it, and it commits
// everything pending (up to MaxBatch records) in one transaction, so that
// many concurrent Appends cost one commit between them. Indices are dense
// and follow commit order; a record is visible to readers, in tiles and
// receipts, only once committed.
type Log struct {
	st     *store.Store
	signer note.Signer
	opts   Options
	w      *store.AuditWriter

	// ctx bounds the writer's I/O: it outlives the caller of Open and ends
	// when Close has flushed everything.
	ctx    context.Context
	cancel context.CancelFunc

	reqs   chan *request
	cpReqs chan chan error
	quit   chan struct{}
	done   chan struct{}

	// closeMu orders Appends against Close: Close takes it exclusively, so
	// that every request sent before it is in reqs when the writer drains.
	closeMu   sync.RWMutex
	closed    bool
	closeOnce sync.Once
	closeErr  error

	// Owned by the writer goroutine.
	rng      *compact.Range
	lastSign time.Time
	resync   bool // a commit failed: reload the state before the next
	finalErr error

	// keeper writes the checkpoint file; nil without one.
	keeper *fileKeeper

	// size is the number of committed leaves.
	size atomic.Uint64
	mu   sync.RWMutex // guards cp
	cp   checkpoint
}

// request is one Append call waiting for the writer.
type request struct {
	recs   []Record
	leaves [][]byte // commitments, computed by the caller's goroutine
	hashes [][]byte // leaf hashes
	done   chan error
}

// Open starts the log kept in st, signing checkpoints with signer. It
// rebuilds the tree's right edge from the stored tiles (a few hundred rows,
// whatever the log's size) and refuses to start when the stored tree does
// not match the latest stored checkpoint, or (with Options.CheckpointFile)
// is shorter than or inconsistent with the checkpoint kept outside the
// database, naming both sizes (an error wrapping ErrCheckpointFile): a log
// altered behind its back must be investigated (ortaq audit verify), not
// extended. On a database whose schema is not up to date it returns an
// error wrapping store.ErrSchemaOutdated.
func Open(ctx context.Context, st *store.Store, signer note.Signer, opts Options) (*Log, error) {
	if signer == nil {
		return nil, errors.New("audit log: no signer")
	}
	if opts.Origin == "" || strings.ContainsAny(opts.Origin, "\n") || !utf8.ValidString(opts.Origin) {
		return nil, fmt.Errorf("audit log: origin %q must be one non-empty line", opts.Origin)
	}
	if opts.CheckpointInterval <= 0 {
		opts.CheckpointInterval = time.Second
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = 1024
	}
	if opts.CheckpointFile != "" {
		if err := checkVerifier(signer, opts); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
	}
	// An unmigrated database would fail below with a bare "no such
	// table"; the schema check says what to do about it.
	if err := st.CheckSchema(ctx); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	state, err := st.AuditState(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	rng, err := loadRange(ctx, st, state.Size)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	l := &Log{
		st:     st,
		signer: signer,
		opts:   opts,
		rng:    rng,
		reqs:   make(chan *request, opts.MaxBatch),
		cpReqs: make(chan chan error),
		quit:   make(chan struct{}),
		done:   make(chan struct{}),
	}
	l.size.Store(state.Size)
	if c := state.Checkpoint; c != nil {
		if err := checkStoredCheckpoint(ctx, st, c, state.Size, rng); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		l.cp = checkpoint{size: c.Size, root: c.Root, note: c.Note}
		l.lastSign = c.Time
	}
	var ext *external
	if opts.CheckpointFile != "" {
		if ext, err = openExternal(ctx, st, opts, state.Size, rng); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
	}
	if l.w, err = st.AuditWriter(ctx); err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	l.ctx, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
	// A log always has a checkpoint covering what it holds, even an empty
	// one: clients start from it.
	if state.Checkpoint == nil || state.Checkpoint.Size < state.Size {
		if err := l.commitCheckpoint(); err != nil {
			l.w.Close()
			l.cancel()
			return nil, fmt.Errorf("audit log: %w", err)
		}
	}
	if opts.CheckpointFile != "" {
		if err := l.startKeeper(ctx, ext, state); err != nil {
			l.w.Close()
			l.cancel()
			return nil, fmt.Errorf("audit log: %w", err)
		}
	}
	go l.run()
	return l, nil
}

// checkVerifier makes sure opts.Verifier verifies signer's notes, so that
// a wrong key is a start-up error rather than an unreadable file later.
func checkVerifier(signer note.Signer, opts Options) error {
	if opts.Verifier == nil {
		return errors.New("a checkpoint file needs the signer's verifier key")
	}
	msg, err := signCheckpoint(signer, opts.Origin, 0, rfc6962.DefaultHasher.EmptyRoot())
	if err != nil {
		return err
	}
	if _, _, _, err := openCheckpoint(msg, opts.Verifier); err != nil {
		return fmt.Errorf("the verifier key %s does not verify the signing key's checkpoints: %w", opts.Verifier.Name(), err)
	}
	return nil
}

// startKeeper starts writing the checkpoint file. When there is none yet,
// it writes the latest checkpoint at once: after an upgrade, a log that
// already holds records gets its first file from the database, which is
// all there is to trust, and says so.
func (l *Log) startKeeper(ctx context.Context, ext *external, state store.AuditState) error {
	path := l.opts.CheckpointFile
	cp := l.latest()
	if ext == nil {
		if state.Size > 0 || state.Checkpoint != nil {
			slog.WarnContext(ctx, "audit checkpoint file missing: writing it from the latest checkpoint in the database, "+
				"which cannot be checked against it; if it existed before, the log may have been cut back: run 'ortaq audit verify'",
				"file", path, "size", cp.size)
		}
		if err := writeFileAtomic(path, cp.note); err != nil {
			return err
		}
		l.keeper = newFileKeeper(l.ctx, path, cp.size)
		return nil
	}
	l.keeper = newFileKeeper(l.ctx, path, ext.size)
	if cp.size > ext.size {
		l.keeper.keep(cp)
	}
	return nil
}

// checkStoredCheckpoint compares the latest stored checkpoint with the tree
// the stored nodes and leaves make at its size.
func checkStoredCheckpoint(ctx context.Context, st *store.Store, c *store.AuditCheckpoint, size uint64, rng *compact.Range) error {
	_, cpSize, cpRoot, err := peekCheckpoint(c.Note)
	if err != nil {
		return fmt.Errorf("latest checkpoint (size %d): %w", c.Size, err)
	}
	if cpSize != c.Size || !bytes.Equal(cpRoot, c.Root) {
		return fmt.Errorf("latest checkpoint: stored as size %d root %x, but its note says size %d root %x",
			c.Size, c.Root, cpSize, cpRoot)
	}
	if c.Size > size {
		return fmt.Errorf("latest checkpoint covers %d leaves but only %d are stored: leaves were deleted; run 'ortaq audit verify'", c.Size, size)
	}
	at := rng
	if c.Size < size {
		if at, err = loadRange(ctx, st, c.Size); err != nil {
			return err
		}
	}
	root := rootOf(at)
	if !bytes.Equal(root, c.Root) {
		return fmt.Errorf("stored tree of size %d has root %x but the latest checkpoint says %x: the log was altered; run 'ortaq audit verify'",
			c.Size, root, c.Root)
	}
	return nil
}

// loadRange rebuilds the compact range [0, size) from the stored tiles.
// The range's nodes are, for each tile level from the top, the perfect
// subtrees over the tile row's trailing partial tile: at most 255 stored
// hashes per level, read with one query each, hashed together here.
func loadRange(ctx context.Context, st *store.Store, size uint64) (*compact.Range, error) {
	var hashes [][]byte
	top := uint64(0)
	for size>>(tileHeight*(top+1)) > 0 {
		top++
	}
	for t := int(top); t >= 0; t-- {
		atLevel := size >> (tileHeight * uint64(t))
		w := atLevel % tileWidth
		if w == 0 {
			continue
		}
		base := atLevel - w
		row, err := readRow(ctx, st, uint64(t), base, w)
		if err != nil {
			return nil, err
		}
		r := factory.NewEmptyRange(base)
		for _, h := range row {
			if err := r.Append(h, nil); err != nil {
				return nil, err
			}
		}
		hashes = append(hashes, r.Hashes()...)
	}
	rng, err := factory.NewRange(0, size, hashes)
	if err != nil {
		return nil, fmt.Errorf("rebuild tree of size %d: %w", size, err)
	}
	return rng, nil
}

// readRow returns the n hashes at tree level tileLevel*8 from index from:
// leaf hashes of the stored commitments at level 0, stored nodes above.
func readRow(ctx context.Context, st *store.Store, tileLevel, from, n uint64) ([][]byte, error) {
	if tileLevel == 0 {
		leaves, err := st.AuditLeaves(ctx, from, n)
		if err != nil {
			return nil, err
		}
		if uint64(len(leaves)) != n {
			return nil, fmt.Errorf("leaves %d-%d: %d of %d stored", from, from+n-1, len(leaves), n)
		}
		for i, c := range leaves {
			leaves[i] = rfc6962.DefaultHasher.HashLeaf(c)
		}
		return leaves, nil
	}
	nodes, err := st.AuditNodes(ctx, tileLevel*tileHeight, from, n)
	if err != nil {
		return nil, err
	}
	if uint64(len(nodes)) != n {
		return nil, fmt.Errorf("tree nodes at level %d, %d-%d: %d of %d stored", tileLevel*tileHeight, from, from+n-1, len(nodes), n)
	}
	return nodes, nil
}

// rootOf is the root hash of a compact range starting at 0, the empty
// tree's hash for an empty range.
func rootOf(r *compact.Range) []byte {
	if r.End() == 0 {
		return rfc6962.DefaultHasher.EmptyRoot()
	}
	root, err := r.GetRootHash(nil)
	if err != nil {
		// Unreachable: every range here begins at 0.
		return nil
	}
	return root
}

// Append adds recs to the log and returns them as stored: with Index,
// Salt (32 random bytes) and Time (now, when zero) set, Time rounded to the
// microsecond the database keeps. It returns only once every record is
// durably committed in the same transaction; on error none of them is.
// Should ctx end first, Append returns ctx's error and the records may yet
// be committed. A string field that is not valid UTF-8 or holds a NUL byte
// is refused, so that one bad record cannot fail the others' batch.
func (l *Log) Append(ctx context.Context, recs ...Record) ([]Record, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	req := &request{
		recs:   slices.Clone(recs),
		leaves: make([][]byte, len(recs)),
		hashes: make([][]byte, len(recs)),
		done:   make(chan error, 1),
	}
	now := time.Now()
	salts := make([]byte, saltSize*len(recs))
	rand.Read(salts)
	for i := range req.recs {
		r := &req.recs[i]
		if err := r.check(); err != nil {
			return nil, fmt.Errorf("audit append: record %d of %d: %w", i+1, len(recs), err)
		}
		r.Index = 0
		r.Salt = salts[i*saltSize : (i+1)*saltSize : (i+1)*saltSize]
		if r.Time.IsZero() {
			r.Time = now
		}
		r.Time = r.Time.UTC().Truncate(timePrecision)
		r.Fields = slices.Clone(r.Fields)
		// Hashing here spreads the work over the callers' goroutines; the
		// writer only places the hashes in the tree.
		req.leaves[i] = r.Commitment()
		req.hashes[i] = rfc6962.DefaultHasher.HashLeaf(req.leaves[i])
	}

	l.closeMu.RLock()
	if l.closed {
		l.closeMu.RUnlock()
		return nil, fmt.Errorf("audit append: %w", ErrClosed)
	}
	select {
	case l.reqs <- req:
		l.closeMu.RUnlock()
	case <-ctx.Done():
		l.closeMu.RUnlock()
		return nil, fmt.Errorf("audit append: %w", ctx.Err())
	}
	select {
	case err := <-req.done:
		if err != nil {
			return nil, fmt.Errorf("audit append: %w", err)
		}
		return req.recs, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("audit append: %w", ctx.Err())
	}
}

// check refuses what a database could not store as given.
func (r *Record) check() error {
	for _, f := range []struct{ name, v string }{
		{"member", r.Member}, {"subsystem", r.Subsystem}, {"auth", r.Auth}, {"user", r.User},
		{"service", r.Service}, {"subject", r.Subject}, {"purpose", r.Purpose}, {"legal_basis", r.LegalBasis},
		{"request_id", r.RequestID}, {"decision", r.Decision}, {"reason", r.Reason},
		{"kind", r.Kind}, {"role", r.Role}, {"case", r.Case},
	} {
		if err := checkText(f.v); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	for _, f := range r.Fields {
		if err := checkText(f); err != nil {
			return fmt.Errorf("fields: %w", err)
		}
	}
	// A kind no reader knows would be listed as nothing in a person's
	// "who looked".
	if !slices.Contains(kinds, r.Kind) {
		return fmt.Errorf("kind %q is not one of %q", r.Kind, kinds[1:])
	}
	if !r.Time.IsZero() && (r.Time.Year() < 1 || r.Time.Year() > 9999) {
		return fmt.Errorf("time %s out of range", r.Time)
	}
	return nil
}

func checkText(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%q is not valid UTF-8", s)
	}
	if strings.IndexByte(s, 0) >= 0 {
		return fmt.Errorf("%q holds a NUL byte", s)
	}
	return nil
}

// Size returns the number of committed leaves.
func (l *Log) Size() uint64 { return l.size.Load() }

// latest returns the latest stored checkpoint.
func (l *Log) latest() checkpoint {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.cp
}

// Checkpoint returns the latest signed checkpoint note, covering every
// leaf committed when it was called; it has one signed now if the latest
// is older.
func (l *Log) Checkpoint(ctx context.Context) ([]byte, error) {
	cp, err := l.fresh(ctx)
	if err != nil {
		return nil, err
	}
	return cp.note, nil
}

// fresh returns a stored checkpoint covering every leaf committed when it
// was called.
func (l *Log) fresh(ctx context.Context) (checkpoint, error) {
	want := l.Size()
	if cp := l.latest(); cp.size >= want {
		return cp, nil
	}
	ch := make(chan error, 1)
	select {
	case l.cpReqs <- ch:
	case <-l.done:
		return checkpoint{}, fmt.Errorf("audit checkpoint: %w", ErrClosed)
	case <-ctx.Done():
		return checkpoint{}, fmt.Errorf("audit checkpoint: %w", ctx.Err())
	}
	select {
	case err := <-ch:
		if err != nil {
			return checkpoint{}, fmt.Errorf("audit checkpoint: %w", err)
		}
	case <-ctx.Done():
		return checkpoint{}, fmt.Errorf("audit checkpoint: %w", ctx.Err())
	}
	return l.latest(), nil
}

// Close stops accepting records, commits those already handed over, signs
// a final checkpoint if the log grew since the last one, and stops the
// writer. It returns the first error of that final work.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		l.closeMu.Lock()
		l.closed = true
		l.closeMu.Unlock()
		close(l.quit)
		<-l.done
		var kerr error
		if l.keeper != nil {
			// The writer is done: the final checkpoint is with the keeper.
			kerr = l.keeper.close()
		}
		l.closeErr = errors.Join(l.finalErr, l.w.Close(), kerr)
		l.cancel()
	})
	return l.closeErr
}

// run is the writer goroutine.
func (l *Log) run() {
	defer close(l.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	armed := false
	var carry *request
	for {
		var first *request
		if carry != nil {
			first, carry = carry, nil
		} else {
			select {
			case first = <-l.reqs:
			case ch := <-l.cpReqs:
				ch <- l.signIfStale()
				continue
			case <-timer.C:
				armed = false
				if err := l.signIfStale(); err != nil {
					slog.ErrorContext(l.ctx, "audit checkpoint failed", "err", err)
				}
			case <-l.quit:
				l.finalErr = l.drain()
				return
			}
		}
		if first != nil {
			carry = l.commitBatch(first)
		}
		// While leaves wait for a checkpoint, the timer guarantees one
		// within the interval even if no Append comes to trigger it.
		if !armed && l.latest().size < l.Size() {
			timer.Reset(max(time.Until(l.lastSign.Add(l.opts.CheckpointInterval)), 0))
			armed = true
		}
	}
}

// drain commits every request still queued, then signs the final
// checkpoint.
func (l *Log) drain() error {
	var errs []error
	var carry *request
	for {
		first := carry
		carry = nil
		if first == nil {
			select {
			case first = <-l.reqs:
			default:
			}
		}
		if first == nil {
			break
		}
		carry = l.commitBatch(first)
	}
	if err := l.signIfStale(); err != nil {
		errs = append(errs, fmt.Errorf("final checkpoint: %w", err))
	}
	return errors.Join(errs...)
}

// commitBatch commits first and whatever else is queued, up to MaxBatch
// records, in one transaction, and wakes their callers. It returns a
// request it took but that did not fit, for the next batch.
func (l *Log) commitBatch(first *request) (carry *request) {
	batch := []*request{first}
	n := len(first.recs)
gather:
	for n < l.opts.MaxBatch {
		select {
		case r := <-l.reqs:
			if n+len(r.recs) > l.opts.MaxBatch {
				carry = r
				break gather
			}
			batch = append(batch, r)
			n += len(r.recs)
		default:
			break gather
		}
	}
	err := l.commit(batch, n)
	for _, r := range batch {
		r.done <- err
	}
	return carry
}

// commit places the batch's records at the next indices, then writes them,
// their leaves, the tree nodes they complete and, when one is due, a
// checkpoint, in one transaction. On failure the in-memory tree is put
// back as it was, and the next commit first reloads it from the store (the
// failed commit may, on a lost connection, have been applied after all).
func (l *Log) commit(batch []*request, n int) error {
	if l.resync {
		if err := l.reload(); err != nil {
			return err
		}
	}
	size := l.Size()
	saved, savedEnd := slices.Clone(l.rng.Hashes()), l.rng.End()
	b := &store.AuditBatch{
		Records: make([]store.AuditRecord, 0, n),
		Leaves:  make([][]byte, 0, n),
	}
	visit := func(id compact.NodeID, hash []byte) {
		if id.Level > 0 && id.Level%tileHeight == 0 {
			b.Nodes = append(b.Nodes, store.AuditNode{Level: uint64(id.Level), Index: id.Index, Hash: hash})
		}
	}
	i := size
	for _, r := range batch {
		for k := range r.recs {
			r.recs[k].Index = i
			i++
			if err := l.rng.Append(r.hashes[k], visit); err != nil {
				l.restore(saved, savedEnd)
				return fmt.Errorf("tree: %w", err)
			}
			b.Records = append(b.Records, store.AuditRecord(r.recs[k]))
			b.Leaves = append(b.Leaves, r.leaves[k])
		}
	}
	var cp *checkpoint
	now := time.Now()
	if now.Sub(l.lastSign) >= l.opts.CheckpointInterval {
		c, err := l.sign(i, now)
		if err != nil {
			l.restore(saved, savedEnd)
			return err
		}
		cp = &c
		b.Checkpoint = &store.AuditCheckpoint{Size: c.size, Root: c.root, Note: c.note, Time: now}
	}
	if err := l.w.Commit(l.ctx, b); err != nil {
		l.restore(saved, savedEnd)
		l.resync = true
		return err
	}
	l.size.Store(i)
	if cp != nil {
		l.setCheckpoint(*cp, now)
		l.keepFile(*cp)
	}
	return nil
}

func (l *Log) restore(hashes [][]byte, end uint64) {
	rng, err := factory.NewRange(0, end, hashes)
	if err != nil {
		// Unreachable: the hashes came from a valid range of that size.
		l.resync = true
		return
	}
	l.rng = rng
}

// reload rebuilds the writer's view of the tree from the store.
func (l *Log) reload() error {
	state, err := l.st.AuditState(l.ctx)
	if err != nil {
		return err
	}
	rng, err := loadRange(l.ctx, l.st, state.Size)
	if err != nil {
		return err
	}
	l.rng = rng
	l.size.Store(state.Size)
	if c := state.Checkpoint; c != nil {
		l.setCheckpoint(checkpoint{size: c.Size, root: c.Root, note: c.Note}, c.Time)
	}
	l.resync = false
	return nil
}

// sign signs the checkpoint of the in-memory tree, of size leaves.
func (l *Log) sign(size uint64, now time.Time) (checkpoint, error) {
	root := rootOf(l.rng)
	msg, err := signCheckpoint(l.signer, l.opts.Origin, size, root)
	if err != nil {
		return checkpoint{}, err
	}
	return checkpoint{size: size, root: root, note: msg}, nil
}

func (l *Log) setCheckpoint(cp checkpoint, at time.Time) {
	l.mu.Lock()
	l.cp = cp
	l.mu.Unlock()
	l.lastSign = at
}

// signIfStale signs and stores a checkpoint when the latest does not cover
// every committed leaf.
func (l *Log) signIfStale() error {
	if l.latest().size >= l.Size() {
		return nil
	}
	return l.commitCheckpoint()
}

// commitCheckpoint signs the current tree and stores the checkpoint alone.
func (l *Log) commitCheckpoint() error {
	if l.resync {
		if err := l.reload(); err != nil {
			return err
		}
	}
	now := time.Now()
	cp, err := l.sign(l.Size(), now)
	if err != nil {
		return err
	}
	err = l.w.Commit(l.ctx, &store.AuditBatch{Checkpoint: &store.AuditCheckpoint{Size: cp.size, Root: cp.root, Note: cp.note, Time: now}})
	if err != nil {
		return err
	}
	l.setCheckpoint(cp, now)
	l.keepFile(cp)
	return nil
}

// keepFile hands a committed checkpoint to the checkpoint file's keeper.
func (l *Log) keepFile(cp checkpoint) {
	if l.keeper != nil {
		l.keeper.keep(cp)
	}
}
