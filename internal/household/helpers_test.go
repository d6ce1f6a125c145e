package household

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/ingest"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// asOf is the date of the fixtures and of synthetic nations.
var asOf = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// loadFixture ingests testdata/ into st, resolves its records by hand (a
// person by national id, each event and animal on its own) and saves the
// golden records, as a quality run does.
func loadFixture(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	c, err := source.Load(filepath.Join("testdata", "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ids, err := ingest.Register(ctx, st, c)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range c.Sources {
		f, err := os.Open(s.File)
		if err != nil {
			t.Fatal(err)
		}
		_, err = ingest.ExtractWith(ctx, st, s, ids[s.Name], f, s.File, source.ModeFull, ingest.Options{MaxDeletionShare: 1})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	kinds := map[int64]string{}
	for _, s := range c.Sources {
		kinds[ids[s.Name]] = s.Entity
	}
	changes := map[string]*store.ResolveChanges{}
	seen := map[string]bool{}
	err = st.LiveRecords(ctx, func(r store.LiveRecord) error {
		kind := kinds[r.SourceID]
		var id string
		switch kind {
		case source.EntityPerson:
			id = "P" + r.Attrs["national_id"]
		case source.EntityAnimal:
			id = "A" + r.Attrs["tag"]
		default:
			id = "E" + r.RecordID
		}
		ch := changes[kind]
		if ch == nil {
			ch = &store.ResolveChanges{Kind: kind, Mode: "full"}
			changes[kind] = ch
		}
		if !seen[id] {
			seen[id] = true
			ch.NewEntities = append(ch.NewEntities, id)
		}
		ch.Members = append(ch.Members, store.Membership{RecordRef: r.RecordRef, EntityID: id, Version: r.Version})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{source.EntityPerson, source.EntityEvent, source.EntityAnimal} {
		if ch := changes[kind]; ch != nil {
			if _, err := st.ApplyResolve(ctx, *ch); err != nil {
				t.Fatal(err)
			}
		}
	}
	d, err := golden.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Save(ctx, st); err != nil {
		t.Fatal(err)
	}
}

// synthDataset reads the extracts of a synthetic nation in dir into a
// dataset without a store, resolving records by the nation's ground truth
// (truth/persons.csv, truth/animals.csv; each event on its own).
func synthDataset(tb testing.TB, dir string) *golden.Dataset {
	tb.Helper()
	c, err := source.Load(filepath.Join(dir, "sources.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	truth := map[[2]string]string{}
	for _, f := range []struct{ file, prefix string }{{"persons.csv", "P"}, {"animals.csv", "A"}} {
		rows := readCSV(tb, filepath.Join(dir, "truth", f.file))
		for _, r := range rows[1:] {
			truth[[2]string{r[0], r[1]}] = f.prefix + r[2]
		}
	}
	var srcs []*golden.Source
	for i, s := range c.Sources {
		src := &golden.Source{SourceStats: store.SourceStats{SourceDef: store.SourceDef{ID: int64(i + 1), Name: s.Name,
			AgencyCode: s.Agency, Entity: s.Entity}}, Def: s}
		f, err := os.Open(s.File)
		if err != nil {
			tb.Fatal(err)
		}
		dec, err := source.NewDecoder(s, f, s.File)
		if err != nil {
			tb.Fatal(err)
		}
		attrs := map[string]string{}
		for {
			rec, rej, err := dec.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				tb.Fatal(err)
			}
			if rej != nil {
				continue
			}
			clear(attrs)
			for _, a := range rec.Attrs {
				attrs[a.Name] = a.Value
			}
			var invalid map[string]string
			for _, is := range rec.Invalid {
				if invalid == nil {
					invalid = map[string]string{}
				}
				invalid[is.Field] = is.Reason
			}
			entity := truth[[2]string{s.Name, rec.ID}]
			if s.Entity == source.EntityEvent {
				entity = "E" + rec.ID
			}
			obs := rec.ObservedAt
			if obs.IsZero() {
				obs = s.AsOf
			}
			src.Add(store.LiveRecord{RecordRef: store.RecordRef{SourceID: src.ID, RecordID: rec.ID}, Version: 1,
				Line: rec.Line, ObservedAt: obs, Attrs: attrs, Invalid: invalid, EntityID: entity})
		}
		f.Close()
		srcs = append(srcs, src)
	}
	return golden.NewDataset(asOf, srcs)
}

func readCSV(tb testing.TB, path string) [][]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	return rows
}
