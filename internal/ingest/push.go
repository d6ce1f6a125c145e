package ingest

import (
	"context"
	"fmt"
	"io"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// Push loads records an agency system sends through the API into the
// registered source named name, reading them exactly as the source's files
// are read. format is "csv" or "ndjson"; mode "" means delta, since a push
// usually carries only what changed.
func Push(ctx context.Context, st *store.Store, name string, r io.Reader, format, mode string) (Summary, error) {
	return PushWith(ctx, st, name, r, format, mode, Options{})
}

// PushWith is Push guarded by opts (see ExtractWith).
func PushWith(ctx context.Context, st *store.Store, name string, r io.Reader, format, mode string, opts Options) (Summary, error) {
	def, err := st.Source(ctx, name)
	if err != nil {
		return Summary{Source: name}, err
	}
	stored, err := source.Stored(def.ID, def.Definition)
	if err != nil {
		return Summary{Source: name}, fmt.Errorf("push %s: %w", name, err)
	}
	src := *stored // a copy: the stored entry is shared
	if format != "" {
		src.Format = format
	}
	if mode == "" {
		mode = source.ModeDelta
	}
	return ExtractWith(ctx, st, &src, def.ID, r, "api", mode, opts)
}

// CheckPush reads a push's body as PushWith would, storing nothing, and
// returns the error PushWith would fail with for a body that cannot be read
// in the source's layout (wrapping ErrBadInput), or nil. The API checks a
// push it queues (serve --nats) this way, so that an unreadable body is
// refused with its reason before anything of it reaches the queue. Rows
// that would be quarantined are no refusal.
func CheckPush(ctx context.Context, st *store.Store, name string, r io.Reader, format string) error {
	def, err := st.Source(ctx, name)
	if err != nil {
		return err
	}
	stored, err := source.Stored(def.ID, def.Definition)
	if err != nil {
		return fmt.Errorf("push %s: %w", name, err)
	}
	src := *stored // a copy: the stored entry is shared
	if format != "" {
		src.Format = format
	}
	in := &readRecorder{r: r}
	dec, err := source.NewDecoder(&src, in, "api")
	if err != nil {
		return in.classify(name, err)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, _, err := dec.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return in.classify(name, err)
		}
	}
}
