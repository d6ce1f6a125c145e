package web

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/scorecard"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
	"github.com/ortaq/ortaq/internal/synth"
)

// demoPeople is the size of the synthetic nation the page tests use: big
// enough for every kind of defect, small enough to build in seconds.
const demoPeople = 1500

// demo is a synthetic nation, ingested, resolved and checked twice (so
// that scores have a trend), with a few entities picked out for the tests.
// It is built once per database per test binary and shared: tests that
// change it (finding statuses) restore what they change.
type demo struct {
	st *store.Store
	// Person has several records and Kazakh letters in their name;
	// Spellings are the name written in Kazakh Cyrillic, Russian Cyrillic
	// (Kazakh letters folded) and Latin.
	Person    store.GoldenRow
	Spellings []string
	// Animal has an owner; Cow is an animal with an open finding.
	Animal, Cow string
	// Finding is an open finding with an entity.
	Finding store.Finding
}

var (
	demoMu    sync.Mutex
	demos     = map[string]*demo{}
	demoDir   string
	cleanups  []func()
	demoBuild sync.Once
	demoErr   error
)

// TestMain removes the shared demo stores after every test has run.
func TestMain(m *testing.M) {
	code := m.Run()
	for _, c := range slices.Backward(cleanups) {
		c()
	}
	os.Exit(code)
}

// demoExtracts synthesises the nation's extracts once.
func demoExtracts(tb testing.TB) string {
	tb.Helper()
	demoBuild.Do(func() {
		dir, err := os.MkdirTemp("", "ortaq-web-demo-")
		if err != nil {
			demoErr = err
			return
		}
		cleanups = append(cleanups, func() { os.RemoveAll(dir) })
		demoDir = dir
		_, demoErr = synth.Generate(context.Background(), synth.Options{People: demoPeople, Seed: 5, Out: filepath.Join(dir, "synth")})
	})
	if demoErr != nil {
		tb.Fatalf("synthesise demo nation: %v", demoErr)
	}
	return filepath.Join(demoDir, "synth")
}

// demoSQLite returns the shared demo store on SQLite.
func demoSQLite(tb testing.TB) *demo {
	tb.Helper()
	return sharedDemo(tb, "sqlite", func() (string, func(), error) {
		dir := filepath.Join(demoExtracts(tb), "..")
		return "sqlite:" + filepath.Join(dir, "ortaq.db"), func() {}, nil
	})
}

// demoPostgres returns the shared demo store on PostgreSQL, in a schema of
// its own that TestMain drops; it skips without ORTAQ_TEST_POSTGRES as
// storetest does.
func demoPostgres(tb testing.TB) *demo {
	tb.Helper()
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		// storetest decides between skipping and failing (under CI).
		storetest.PostgresDSN(tb)
	}
	return sharedDemo(tb, "postgres", func() (string, func(), error) { return postgresSchema(base) })
}

// demoEach runs fn on the demo store on SQLite and on PostgreSQL.
func demoEach(t *testing.T, fn func(t *testing.T, d *demo)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, demoSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, demoPostgres(t)) })
}

// postgresSchema creates a schema for the shared demo and returns a DSN
// that uses it; the returned function drops it.
func postgresSchema(base string) (string, func(), error) {
	var b [6]byte
	rand.Read(b[:])
	schema := "web_demo_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	drop := func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// sharedDemo builds the demo store for one database the first time it is
// asked for; a failed build fails every test that needs it.
func sharedDemo(tb testing.TB, name string, dsn func() (string, func(), error)) *demo {
	tb.Helper()
	demoMu.Lock()
	defer demoMu.Unlock()
	if d, ok := demos[name]; ok {
		if d == nil {
			tb.Fatalf("the %s demo store failed to build in an earlier test", name)
		}
		return d
	}
	demos[name] = nil
	start := time.Now()
	where, drop, err := dsn()
	if err != nil {
		tb.Fatalf("demo store on %s: %v", name, err)
	}
	cleanups = append(cleanups, drop)
	d, err := buildDemo(context.Background(), where, demoExtracts(tb))
	if err != nil {
		tb.Fatalf("demo store on %s: %v", name, err)
	}
	cleanups = append(cleanups, func() { d.st.Close() })
	demos[name] = d
	tb.Logf("demo store on %s built in %s", name, time.Since(start).Round(time.Millisecond))
	return d
}

// buildDemo ingests the extracts in dir into the store at dsn, resolves
// them, runs the quality checks twice (the defaults the contract implies,
// then the synthetic nation's quality.yaml) and picks the test's entities.
func buildDemo(ctx context.Context, dsn, dir string) (*demo, error) {
	st, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	d := &demo{st: st}
	if err := fillDemo(ctx, st, dir); err != nil {
		st.Close()
		return nil, err
	}
	if err := d.pick(ctx, dir); err != nil {
		st.Close()
		return nil, err
	}
	return d, nil
}

func fillDemo(ctx context.Context, st *store.Store, dir string) error {
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		return err
	}
	if _, err := ingest.Contract(ctx, st, c, nil); err != nil {
		return err
	}
	if _, err := resolve.Resolve(ctx, st, resolve.StoreOptions{}); err != nil {
		return err
	}
	if _, err := scorecard.Refresh(ctx, st, nil); err != nil {
		return fmt.Errorf("first quality run: %w", err)
	}
	cfg, err := quality.LoadFile(filepath.Join(dir, "quality.yaml"))
	if err != nil {
		return err
	}
	if _, err := scorecard.Refresh(ctx, st, cfg); err != nil {
		return fmt.Errorf("second quality run: %w", err)
	}
	return nil
}

// kazakhLetters are the letters Russian spelling folds away.
var kazakhLetters = strings.NewReplacer("ә", "а", "Ә", "А", "ғ", "г", "Ғ", "Г", "қ", "к", "Қ", "К", "ң", "н", "Ң", "Н",
	"ө", "о", "Ө", "О", "ұ", "у", "Ұ", "У", "ү", "у", "Ү", "У", "һ", "х", "Һ", "Х", "і", "и", "І", "И")

// pick chooses the entities the tests look at: a person from the ground
// truth with several records and Kazakh letters in their first name, an
// animal of theirs or of someone else, and open findings.
func (d *demo) pick(ctx context.Context, dir string) error {
	f, err := os.Open(filepath.Join(dir, "truth", "persons.csv"))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return fmt.Errorf("truth: %w", err)
	}
	records := map[string]int{}
	var iins []string
	for _, r := range rows[1:] {
		if records[r[2]] == 0 {
			iins = append(iins, r[2])
		}
		records[r[2]]++
	}
	for _, iin := range iins {
		if d.Person.EntityID != "" && d.Animal != "" {
			break
		}
		found, err := d.st.GoldenByNationalID(ctx, iin, 1)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			continue
		}
		g := found[0]
		if d.Animal == "" {
			herd, err := d.st.GoldenBy(ctx, "owner_id", g.EntityID, 1)
			if err != nil {
				return err
			}
			if len(herd) > 0 {
				d.Animal = herd[0].EntityID
			}
		}
		doc, err := golden.DecodeDoc(g.Doc)
		if err != nil {
			return err
		}
		first, last := doc.Value("first_name"), doc.Value("last_name")
		if d.Person.EntityID != "" || records[iin] < 3 || g.Members < 3 || kazakhLetters.Replace(first) == first || last == "" {
			continue
		}
		d.Person = g
		kk := first + " " + last
		d.Spellings = []string{kk, kazakhLetters.Replace(kk), kz.LatinICAO(kk)}
	}
	fs, _, err := d.st.WorkList(ctx, store.FindingFilter{Status: store.FindingOpen, Limit: -1})
	if err != nil {
		return err
	}
	srcs, err := d.st.Sources(ctx)
	if err != nil {
		return err
	}
	animal := map[string]bool{}
	for _, s := range srcs {
		animal[s.Name] = s.Entity == source.EntityAnimal
	}
	for _, f := range fs {
		if d.Finding.ID == "" && f.EntityID != "" && !animal[f.Source] {
			d.Finding = f
		}
		if d.Cow == "" && f.EntityID != "" && animal[f.Source] {
			d.Cow = f.EntityID
		}
	}
	if d.Person.EntityID == "" || d.Animal == "" || d.Cow == "" || d.Finding.ID == "" {
		return fmt.Errorf("demo nation lacks a test entity: person %q, animal %q, cow %q, finding %q",
			d.Person.EntityID, d.Animal, d.Cow, d.Finding.ID)
	}
	return nil
}
