package resolve

import (
	"context"
	"log/slog"
	"time"
)

// Follow keeps the store's entities up to date from inside a server: it
// builds the blocking indexes, then resolves incrementally each time wake
// delivers (an ingest run was stored) and at least every interval (runs
// it did not hear of), until ctx ends. A failed run is logged and the next
// one tries again; what a run resolved stays resolved. The entity kinds
// never resolved are left to a first `ortaq resolve`, which trains their
// model on all their records: Follow runs no full resolution.
//
// Another process may resolve the store too: a run made against a state
// that another run replaced is refused by the store
// (store.ErrResolvedMeanwhile) and the next wake starts from the new one.
func (rv *Resolver) Follow(ctx context.Context, opts StoreOptions, wake <-chan struct{}, interval time.Duration) {
	start := time.Now()
	if err := rv.LoadIndexes(ctx, nil); err != nil {
		if ctx.Err() != nil {
			return
		}
		slog.WarnContext(ctx, "blocking indexes", "err", err)
	} else {
		slog.InfoContext(ctx, "resolving stored records as they arrive", "interval", interval, "start", time.Since(start).Round(time.Millisecond))
	}
	opts.Full, opts.Retrain = false, false
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if err := rv.follow(ctx, opts); err != nil && ctx.Err() == nil {
			slog.WarnContext(ctx, "resolve", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-tick.C:
		}
	}
}

// follow resolves the kinds that have a model, incrementally.
func (rv *Resolver) follow(ctx context.Context, opts StoreOptions) error {
	kinds, live, modes, err := rv.sources(ctx)
	if err != nil {
		return err
	}
	for _, kind := range kinds {
		m, _, err := rv.model(ctx, kind)
		if err != nil {
			return err
		}
		if m == nil {
			continue
		}
		r := &resolver{st: rv.st, kind: kind, modes: modes, opts: opts, cache: rv, live: live[kind]}
		if _, err := r.run(ctx); err != nil {
			return err
		}
	}
	return nil
}
