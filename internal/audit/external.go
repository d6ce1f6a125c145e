package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"

	"github.com/ortaq/ortaq/internal/store"
)

// CheckpointFile is where the latest signed checkpoint is kept outside the
// database, beside the signing key at keyFile: keyFile+".checkpoint".
func CheckpointFile(keyFile string) string { return keyFile + ".checkpoint" }

// ErrCheckpointFile is wrapped by the errors of Open and CheckCheckpointFile
// when the stored log is shorter than, or inconsistent with, the checkpoint
// kept outside the database: records were deleted or rewritten behind the
// log's back.
var ErrCheckpointFile = errors.New("the audit log does not extend the checkpoint kept outside the database")

// external is a checkpoint read from the file kept outside the database.
type external struct {
	path   string
	origin string
	size   uint64
	root   []byte
	note   []byte
}

// readCheckpointFile reads and checks the signed checkpoint at path. A
// missing file is an error wrapping fs.ErrNotExist.
func readCheckpointFile(path string, v note.Verifier) (*external, error) {
	msg, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint file: %w", err)
	}
	origin, size, root, err := openCheckpoint(msg, v)
	if err != nil {
		return nil, fmt.Errorf("checkpoint file %s: %w", path, err)
	}
	return &external{path: path, origin: origin, size: size, root: root, note: msg}, nil
}

// checkExternal checks that the stored tree of size leaves, whose root is
// root, extends the external checkpoint e: it is at least as large, and an
// RFC 6962 consistency proof built from the stored nodes leads from e's
// root to root.
func checkExternal(ctx context.Context, st *store.Store, e *external, size uint64, root []byte) error {
	if e.size > 0 && size == 0 {
		return fmt.Errorf("%w: the database holds no leaves but the checkpoint in %s covers %d: the log was erased, or this is not the database whose log the file keeps (to start a new log on purpose, move the file away)",
			ErrCheckpointFile, e.path, e.size)
	}
	if e.size > size {
		return fmt.Errorf("%w: the database holds %d leaves but the checkpoint in %s covers %d: records were deleted",
			ErrCheckpointFile, size, e.path, e.size)
	}
	if e.size == size {
		if !bytes.Equal(e.root, root) {
			return fmt.Errorf("%w: the stored tree of %d leaves has root %x, the checkpoint in %s of the same size says %x: the log was rewritten",
				ErrCheckpointFile, size, root, e.path, e.root)
		}
		return nil
	}
	p, err := newNodeReader(st, size).consistencyProof(ctx, e.size)
	if err != nil {
		return fmt.Errorf("%w: no consistency proof from the checkpoint in %s (size %d) to the stored tree of %d leaves: %v",
			ErrCheckpointFile, e.path, e.size, size, err)
	}
	if err := proof.VerifyConsistency(rfc6962.DefaultHasher, e.size, size, p, e.root, root); err != nil {
		return fmt.Errorf("%w: the stored tree of %d leaves is not consistent with the checkpoint in %s of %d leaves (%v): the log was rewritten",
			ErrCheckpointFile, size, e.path, e.size, err)
	}
	return nil
}

// CheckCheckpointFile checks the log in st against the signed checkpoint
// kept outside the database at path, as Open does at start-up: the
// checkpoint must verify with v, and the stored tree must be at least as
// large and consistent with it (RFC 6962). It returns the checkpoint's
// size. A missing file is an error wrapping fs.ErrNotExist; a log that
// does not extend the checkpoint, one wrapping ErrCheckpointFile. Verify
// checks the stored tree itself; this check is what catches a log cut back
// consistently to an earlier stored checkpoint.
func CheckCheckpointFile(ctx context.Context, st *store.Store, v note.Verifier, path string) (uint64, error) {
	e, err := readCheckpointFile(path, v)
	if err != nil {
		return 0, err
	}
	state, err := st.AuditState(ctx)
	if err != nil {
		return e.size, fmt.Errorf("checkpoint file: %w", err)
	}
	rng, err := loadRange(ctx, st, state.Size)
	if err != nil {
		return e.size, fmt.Errorf("%w: the stored tree of %d leaves cannot be rebuilt to compare with the checkpoint in %s of %d leaves: %v",
			ErrCheckpointFile, state.Size, path, e.size, err)
	}
	return e.size, checkExternal(ctx, st, e, state.Size, rootOf(rng))
}

// openExternal is Open's check of the checkpoint file, before the log
// accepts anything: it returns the checkpoint kept there, or nil when
// there is no file yet.
func openExternal(ctx context.Context, st *store.Store, opts Options, size uint64, rng *compact.Range) (*external, error) {
	e, err := readCheckpointFile(opts.CheckpointFile, opts.Verifier)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if e.origin != opts.Origin {
		return nil, fmt.Errorf("checkpoint file %s is of log %q, not %q: is the key beside it this log's?", e.path, e.origin, opts.Origin)
	}
	if err := checkExternal(ctx, st, e, size, rootOf(rng)); err != nil {
		return nil, fmt.Errorf("%w; run 'ortaq audit verify'", err)
	}
	return e, nil
}

// fileKeeper writes the latest signed checkpoint to the checkpoint file on
// a goroutine of its own, so that the writer never waits for the file
// system: the writer hands it each checkpoint once it is committed, and it
// writes the latest it holds (an older one still waiting is skipped).
// The file only ever moves forward: it is never replaced with a smaller
// checkpoint.
type fileKeeper struct {
	path string
	ctx  context.Context

	mu      sync.Mutex
	pending *checkpoint
	written uint64
	err     error // the latest write's error

	wake chan struct{}
	quit chan struct{}
	done chan struct{}
}

func newFileKeeper(ctx context.Context, path string, written uint64) *fileKeeper {
	k := &fileKeeper{path: path, ctx: ctx, written: written,
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go k.run()
	return k
}

// keep hands cp, already committed to the database, to the keeper.
func (k *fileKeeper) keep(cp checkpoint) {
	k.mu.Lock()
	if k.pending == nil || cp.size >= k.pending.size {
		k.pending = &cp
	}
	k.mu.Unlock()
	select {
	case k.wake <- struct{}{}:
	default:
	}
}

func (k *fileKeeper) run() {
	defer close(k.done)
	for {
		select {
		case <-k.wake:
			k.flush()
		case <-k.quit:
			k.flush()
			return
		}
	}
}

// flush writes the pending checkpoint, if any.
func (k *fileKeeper) flush() {
	k.mu.Lock()
	cp := k.pending
	k.pending = nil
	if cp == nil || cp.size <= k.written {
		k.mu.Unlock()
		return
	}
	k.mu.Unlock()
	err := writeFileAtomic(k.path, cp.note)
	k.mu.Lock()
	k.err = err
	if err == nil {
		k.written = cp.size
	}
	k.mu.Unlock()
	if err != nil {
		slog.ErrorContext(k.ctx, "audit checkpoint file not written", "file", k.path, "size", cp.size, "err", err)
	}
}

// close writes what is pending and stops the keeper, returning the last
// write's error.
func (k *fileKeeper) close() error {
	close(k.quit)
	<-k.done
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.err
}

// writeFileAtomic replaces path with data: written to a temporary file in
// the same directory (mode 0600), synced, then renamed over path, and the
// directory synced, so that a crash leaves either the old file or the new
// one, never a part.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("checkpoint file: %w", err)
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("checkpoint file: %w", err)
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("checkpoint file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("checkpoint file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		// Not every file system can sync a directory; the rename is done.
		d.Sync()
		d.Close()
	}
	return nil
}
