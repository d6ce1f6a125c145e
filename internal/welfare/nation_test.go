package welfare

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/benefits"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/synth"
)

// nationPeople is the size of the synthetic nation the tests decide: big
// enough that every programme has eligible and ineligible households.
const nationPeople = 1500

// runDate is the decision date of the tests: the synthetic nation's as-of
// date, whose preceding quarter has АСП figures.
var runDate = benefits.MakeDate(2026, 11, 1)

var (
	nationOnce sync.Once
	nationDir  string
	nationErr  error
)

// nationExtracts synthesises the nation once per test binary.
func nationExtracts(tb testing.TB) string {
	tb.Helper()
	nationOnce.Do(func() {
		dir, err := tempDir()
		if err != nil {
			nationErr = err
			return
		}
		nationDir = dir
		_, nationErr = synth.Generate(context.Background(), synth.Options{People: nationPeople, Seed: 7, Out: dir})
	})
	if nationErr != nil {
		tb.Fatal(nationErr)
	}
	return nationDir
}

// fillNation ingests the nation into st, resolves it and runs quality, as
// the demo does.
func fillNation(tb testing.TB, st *store.Store) {
	tb.Helper()
	fillNationFrom(tb, st, nationExtracts(tb))
}

// fillNationFrom is fillNation with the nation synthesised in dir.
func fillNationFrom(tb testing.TB, st *store.Store, dir string) {
	tb.Helper()
	ctx := context.Background()
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
		tb.Fatal(err)
	}
	if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
		tb.Fatal(err)
	}
	if _, err := scorecard.Refresh(ctx, st, nil); err != nil {
		tb.Fatal(err)
	}
}

// outbox collects the SMS sent.
type outbox struct {
	mu   sync.Mutex
	msgs []sms
}

type sms struct{ phone, text string }

func (o *outbox) SendSMS(_ context.Context, phone, text string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.msgs = append(o.msgs, sms{phone, text})
	return nil
}

func (o *outbox) all() []sms {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]sms(nil), o.msgs...)
}

// clock is a settable time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newService(tb testing.TB, st *store.Store, box *outbox, clk *clock) *Service {
	tb.Helper()
	s, err := New(context.Background(), st, Options{SMS: box, Now: clk.now})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func tempDir() (string, error) { return os.MkdirTemp("", "ortaq-welfare-") }
