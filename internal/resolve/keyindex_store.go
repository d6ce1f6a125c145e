package resolve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"

	"github.com/ortaq/ortaq/internal/progress"
	"github.com/ortaq/ortaq/internal/store"
)

// keyIndex returns kind's blocking index, current with the store: the one
// the resolver holds when no other process resolved the kind since it last
// applied a run, else one built anew from the stored keys. live is the
// kind's live records, for the progress bar.
func (rv *Resolver) keyIndex(ctx context.Context, kind string, live int, w io.Writer) (*keyIndex, error) {
	run, err := rv.st.LastResolveRun(ctx, kind)
	if err != nil {
		return nil, err
	}
	if ix := rv.indexes[kind]; ix != nil && ix.run == run {
		return ix, nil
	}
	delete(rv.indexes, kind)
	// The run is read before the keys: should a run commit in between,
	// the index is marked older than it is and is built again next time,
	// never the other way round.
	ix, err := buildKeyIndex(ctx, rv.st, kind, live, w)
	if err != nil {
		return nil, err
	}
	ix.run = run
	rv.indexes[kind] = ix
	return ix, nil
}

// logEvery is how many records an index build reads between log lines.
const logEvery = 1 << 20

// buildKeyIndex reads kind's stored keys into a new index, streaming them:
// beyond the index itself it holds 16 bytes a key until it is sorted.
func buildKeyIndex(ctx context.Context, st *store.Store, kind string, live int, w io.Writer) (*keyIndex, error) {
	start := time.Now()
	bar := progress.New(w, "index "+kind+" blocking keys", int64(live))
	b := newIndexBuilder()
	n := 0
	err := st.BlockingKeys(ctx, kind, func(rk store.RecordKeys) error {
		bar.Add(1)
		// A server has no bar: the log says how far a long build is.
		if n++; n%logEvery == 0 {
			slog.Info("indexing blocking keys", "kind", kind, "records", n, "of", live, "elapsed", time.Since(start).Round(time.Millisecond))
		}
		return b.add(rk)
	})
	bar.Finish()
	if err != nil {
		return nil, fmt.Errorf("blocking index: %w", err)
	}
	ix := b.build()
	n = ix.records()
	slog.Info("blocking index built", "kind", kind, "records", n, "keys", len(ix.keys), "entries", len(ix.ords),
		"bytes", ix.bytes(), "bytes_per_record", ix.bytes()/max(n, 1), "elapsed", time.Since(start).Round(time.Millisecond))
	return ix, nil
}

// applied brings kind's index, when the resolver holds one, up to the run
// runID that stored gone and keys; on err (the run may or may not have
// committed) it drops the index, to be built again from the store.
func (rv *Resolver) applied(kind string, runID int64, gone []store.RecordRef, keys []store.RecordKeys, err error) {
	ix := rv.indexes[kind]
	if ix == nil {
		return
	}
	if err == nil {
		err = ix.apply(gone, keys)
	}
	if err != nil {
		delete(rv.indexes, kind)
		return
	}
	ix.run = runID
}

// LoadIndexes builds the blocking index of every entity kind already
// resolved, so that the first records a server resolves are linked as fast
// as the next ones. Progress goes to w (nil: none). A Resolver builds an
// index on its own when it first needs one; LoadIndexes only does it ahead.
func (rv *Resolver) LoadIndexes(ctx context.Context, w io.Writer) error {
	kinds, live, _, err := rv.sources(ctx)
	if err != nil {
		return err
	}
	for _, kind := range kinds {
		if m, _, err := rv.model(ctx, kind); err != nil || m == nil {
			if err != nil {
				return fmt.Errorf("resolve %s: %w", kind, err)
			}
			continue
		}
		if _, err := rv.keyIndex(ctx, kind, live[kind], w); err != nil {
			return fmt.Errorf("resolve %s: %w", kind, err)
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	slog.Info("blocking indexes ready", "kinds", len(rv.indexes), "heap_bytes", ms.HeapAlloc)
	return nil
}
