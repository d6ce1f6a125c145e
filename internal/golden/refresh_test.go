package golden

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/kz"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

const refreshContract = `
agencies:
  - {code: moj, name: Ministry of Justice}
  - {code: moh, name: Ministry of Health}
  - {code: moa, name: Ministry of Agriculture}
sources:
  - name: population_register
    agency: moj
    id: iin
    trust: 90
    date_format: DD.MM.YYYY
    fields: {national_id: iin, last_name: surname, first_name: name, birth_date: born, address: addr}
  - name: health_cards
    agency: moh
    id: card
    trust: 40
    fields: {national_id: iin, full_name: fio, phone: phone}
  - name: civil_registry
    agency: moj
    entity: event
    id: id
    date_format: DD.MM.YYYY
    fields: {event: event, event_date: date, national_id: iin, spouse_iin: spouse}
  - name: livestock
    agency: moa
    entity: animal
    id: tag
    fields: {tag: tag, species: species, owner_iin: owner}
`

// refreshStore holds two people, a death and a marriage, and an animal,
// resolved by hand and built into golden records.
type refreshStore struct {
	st       *store.Store
	c        *source.Contract
	ids      map[string]int64
	iin1     string // P1: register record and health card C1
	iin2     string // P2: register record only
	register string // the register's extract
}

func mustIIN(tb testing.TB, born string, sex kz.Sex, serial int) string {
	tb.Helper()
	d, err := time.Parse(time.DateOnly, born)
	if err != nil {
		tb.Fatal(err)
	}
	iin, _, err := kz.MakeIIN(d, sex, serial)
	if err != nil {
		tb.Fatal(err)
	}
	return iin
}

func newRefreshStore(t *testing.T, st *store.Store) *refreshStore {
	t.Helper()
	ctx := context.Background()
	c, err := source.Parse(strings.NewReader(refreshContract), "sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ids, err := ingest.Register(ctx, st, c)
	if err != nil {
		t.Fatal(err)
	}
	r := &refreshStore{st: st, c: c, ids: ids, iin1: mustIIN(t, "1970-01-01", kz.Male, 11), iin2: mustIIN(t, "1972-02-02", kz.Female, 12)}
	r.register = "iin,surname,name,born,addr\n" +
		r.iin1 + ",Ахметов,Дәулет,01.01.1970,ул. Абая 15\n" +
		r.iin2 + ",Сейтова,Сара,02.02.1972,ул. Абая 15\n"
	r.load(t, "population_register", r.register, source.ModeFull)
	r.load(t, "health_cards", "card,iin,fio,phone\nC1,"+r.iin1+",АХМЕДОВ ДӘУЛЕТ,+77011112233\n", source.ModeFull)
	r.load(t, "civil_registry", "id,event,date,iin,spouse\nD1,death,05.05.2025,"+r.iin1+",\nM1,marriage,01.01.1995,"+r.iin1+","+r.iin2+"\n", source.ModeFull)
	r.load(t, "livestock", "tag,species,owner\nKZ1,cattle,"+r.iin1+"\n", source.ModeFull)
	ref := func(src, id string) store.RecordRef { return store.RecordRef{SourceID: ids[src], RecordID: id} }
	for _, ch := range []store.ResolveChanges{
		{Kind: "person", NewEntities: []string{"P1", "P2"}, Members: []store.Membership{
			{RecordRef: ref("population_register", r.iin1), EntityID: "P1", Version: 1},
			{RecordRef: ref("health_cards", "C1"), EntityID: "P1", Version: 1},
			{RecordRef: ref("population_register", r.iin2), EntityID: "P2", Version: 1}}},
		{Kind: "event", NewEntities: []string{"E1", "E2"}, Members: []store.Membership{
			{RecordRef: ref("civil_registry", "D1"), EntityID: "E1", Version: 1},
			{RecordRef: ref("civil_registry", "M1"), EntityID: "E2", Version: 1}}},
		{Kind: "animal", NewEntities: []string{"A1"}, Members: []store.Membership{
			{RecordRef: ref("livestock", "KZ1"), EntityID: "A1", Version: 1}}},
	} {
		ch.Mode = "full"
		if _, err := st.ApplyResolve(ctx, ch); err != nil {
			t.Fatal(err)
		}
	}
	r.build(t)
	return r
}

func (r *refreshStore) load(t *testing.T, name, body, mode string) {
	t.Helper()
	// The fixtures are a few records: deleting one is a large share, and
	// the guard against mass deletion is ingest's test, not these.
	if _, err := ingest.ExtractWith(context.Background(), r.st, r.c.Source(name), r.ids[name], strings.NewReader(body), name+".csv", mode,
		ingest.Options{MaxDeletionShare: 1}); err != nil {
		t.Fatal(err)
	}
}

// build rebuilds every golden record, as a quality run does.
func (r *refreshStore) build(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	d, err := Load(ctx, r.st)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Save(ctx, r.st); err != nil {
		t.Fatal(err)
	}
}

// golden returns an entity's stored golden record with its doc decoded.
func (r *refreshStore) golden(t *testing.T, id string) (store.GoldenRow, Doc) {
	t.Helper()
	g, err := r.st.Golden(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := DecodeDoc(g.Doc)
	if err != nil {
		t.Fatal(err)
	}
	g.Doc, g.BuiltAt = nil, time.Time{}
	return g, doc
}

// finds returns the entities a name search finds.
func (r *refreshStore) finds(t *testing.T, q string) []string {
	t.Helper()
	rows, _, err := r.st.SearchNames(context.Background(), SearchTerms(q), 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, g := range rows {
		ids = append(ids, g.EntityID)
	}
	return ids
}

// TestRefreshEntityMatchesWholeBuild changes records after a build,
// refreshes their entities one by one, and checks that the stored golden
// records and the name index are what a whole build then makes.
func TestRefreshEntityMatchesWholeBuild(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newRefreshStore(t, st)
		if got := r.finds(t, "Ахметов"); !cmp.Equal(got, []string{"P1"}) {
			t.Fatalf("before: Ахметов finds %v", got)
		}
		// P1's surname and address change in the register; the animal
		// passes to P2.
		r.load(t, "population_register", strings.Replace(strings.Replace(r.register, "Ахметов,Дәулет", "Ахмедов,Дәулет", 1),
			"15\n", "17\n", 1), source.ModeFull)
		r.load(t, "livestock", "tag,species,owner\nKZ1,cattle,"+r.iin2+"\n", source.ModeFull)
		_, before := r.golden(t, "P1")
		for _, id := range []string{"P1", "A1"} {
			if err := RefreshEntity(ctx, st, id); err != nil {
				t.Fatal(err)
			}
		}
		type state struct {
			row store.GoldenRow
			doc Doc
		}
		refreshed := map[string]state{}
		for _, id := range []string{"P1", "P2", "A1", "E1"} {
			row, doc := r.golden(t, id)
			refreshed[id] = state{row, doc}
		}
		p1 := refreshed["P1"]
		if p1.doc.Value("last_name") != "Ахмедов" || p1.row.Name != "Ахмедов Дәулет" || p1.doc.Value("address") != "ул. Абая 17" {
			t.Errorf("refreshed P1 = %+v", p1.doc.Values)
		}
		if p1.doc.Value("death_date") != "2025-05-05" || len(p1.doc.Relations) != 1 || p1.row.DeathDate != "2025-05-05" {
			t.Errorf("refreshed P1 lost its ties: death %q, relations %v", p1.doc.Value("death_date"), p1.doc.Relations)
		}
		if p1.row.Household == before.Household {
			t.Errorf("P1's household %q did not follow its address", p1.row.Household)
		}
		if o := refreshed["A1"].row.Owner; o != "P2" {
			t.Errorf("refreshed A1 owner = %q, want P2", o)
		}
		for q, want := range map[string][]string{"Ахмедов": {"P1"}, "Ахметов": nil, "Дәулет": {"P1"}, "KZ1": {"A1"}} {
			if got := r.finds(t, q); !cmp.Equal(got, want, cmpopts.EquateEmpty()) {
				t.Errorf("after refresh: %s finds %v, want %v", q, got, want)
			}
		}

		r.build(t)
		for id, want := range refreshed {
			row, doc := r.golden(t, id)
			if d := cmp.Diff(want, state{row, doc}, cmp.AllowUnexported(state{}), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("%s: refreshed golden record differs from a whole build (-refreshed +built):\n%s", id, d)
			}
		}
	})
}

func TestRefreshEntityWithoutRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		r := newRefreshStore(t, st)
		// A full load without the animal deletes its record.
		r.load(t, "livestock", "tag,species,owner\n", source.ModeFull)
		if err := RefreshEntity(ctx, st, "A1"); err != nil {
			t.Fatal(err)
		}
		if _, err := st.Golden(ctx, "A1"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("golden record of an entity without records: %v", err)
		}
		if got := r.finds(t, "KZ1"); len(got) != 0 {
			t.Fatalf("KZ1 still finds %v", got)
		}
		// An entity never built gets its first golden record.
		if err := RefreshEntity(ctx, st, "nobody"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLoadOnOneConnection: a store allowed a single connection for reads
// (ortaq serve --db-conns 1), whose cache of attribute names is empty,
// still reads every source's records: a source's read never waits for a
// second connection while it holds one.
func TestLoadOnOneConnection(t *testing.T) {
	dsns := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "ortaq.db") },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			dsn := dsns[name](t)
			open := func() *store.Store {
				st, err := store.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				return st
			}
			first := open()
			if _, err := first.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			newRefreshStore(t, first)
			st := open()
			st.SetMaxConns(1)
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			d, err := Load(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, s := range d.Sources {
				n += len(s.Records)
			}
			if n != 6 || len(d.Entities) != 5 {
				t.Errorf("read %d records and %d entities, want 6 and 5", n, len(d.Entities))
			}
		})
	}
}
