package store_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/ortaq/ortaq/internal/store"
	"github.com/ortaq/ortaq/internal/store/storetest"
)

// TestApplyResolveRebuildsMemberIndex: a large full run writes its members
// out of order, and on SQLite with the index by entity dropped and built
// again. Afterwards every member is where the run put it, the other kind's
// members are untouched, the index is the migration's and queries use it;
// a run that fails after the rebuild leaves the index and the members as
// they were.
func TestApplyResolveRebuildsMemberIndex(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		store.SetMemberIndexRows(t, 10)
		ctx := context.Background()
		cards := mustKindSource(t, st, "cards", "person")
		vet := mustKindSource(t, st, "vet", "animal")
		animals := bulkChanges(vet, 12, 1, "A")
		animals.Kind = "animal"
		if _, err := st.ApplyResolve(ctx, animals); err != nil {
			t.Fatal(err)
		}
		start := schemaVersion(t, st)
		for _, prefix := range []string{"P", "Q"} {
			ch := bulkChanges(cards, 40, 1, prefix)
			slices.Reverse(ch.Members)
			slices.Reverse(ch.Keys)
			want := map[store.RecordRef]string{}
			for _, m := range ch.Members {
				want[m.RecordRef] = m.EntityID
			}
			if _, err := st.ApplyResolve(ctx, ch); err != nil {
				t.Fatal(err)
			}
			checkKindMembership(t, st, "person", want)
			members, err := st.Members(ctx, ch.NewEntities)
			if err != nil || len(members) != 20 || len(members[prefix+"000000001"]) != 2 {
				t.Fatalf("Members after the %s run: %d entities, %v", prefix, len(members), err)
			}
			if got := storedKeys(t, st, "person"); len(got) != 40 {
				t.Fatalf("%d records keyed, want 40", len(got))
			}
		}
		// Animals again: the persons' 40 members outnumber their 12, so
		// the index stays (SQLite's schema version does not move).
		schema := schemaVersion(t, st)
		if st.Dialect() == "sqlite" && schema == start {
			t.Error("the person runs did not rebuild the index (the schema version did not move)")
		}
		animals = bulkChanges(vet, 12, 1, "B")
		animals.Kind = "animal"
		if _, err := st.ApplyResolve(ctx, animals); err != nil {
			t.Fatal(err)
		}
		if v := schemaVersion(t, st); v != schema {
			t.Errorf("a run of the smaller kind changed the schema: version %d, was %d", v, schema)
		}
		wantAnimals := map[store.RecordRef]string{}
		for _, m := range animals.Members {
			wantAnimals[m.RecordRef] = m.EntityID
		}
		checkKindMembership(t, st, "animal", wantAnimals)
		checkMemberIndex(t, st)

		// A member of an entity that does not exist fails the run after
		// the index was built again; the rollback keeps the old one.
		before := kindMembership(t, st, "person")
		bad := bulkChanges(cards, 40, 1, "R")
		bad.Members[3].EntityID = "NOBODY"
		if _, err := st.ApplyResolve(ctx, bad); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("ApplyResolve with an unknown entity = %v, want ErrNotFound", err)
		}
		checkKindMembership(t, st, "person", before)
		checkMemberIndex(t, st)
	})
}

// schemaVersion is SQLite's schema cookie, which every DROP and CREATE
// moves; 0 on PostgreSQL.
func schemaVersion(t *testing.T, st *store.Store) int {
	t.Helper()
	if st.Dialect() != "sqlite" {
		return 0
	}
	var v int
	if err := store.DB(st).QueryRow(`PRAGMA schema_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func checkKindMembership(t *testing.T, st *store.Store, kind string, want map[store.RecordRef]string) {
	t.Helper()
	got := kindMembership(t, st, kind)
	if !maps.Equal(got, want) {
		t.Fatalf("KindMembership(%s): %d records, want %d (%v)", kind, len(got), len(want), got)
	}
}

// kindMembership reads KindMembership, checking that it comes in key
// order, each record once.
func kindMembership(t *testing.T, st *store.Store, kind string) map[store.RecordRef]string {
	t.Helper()
	out := map[store.RecordRef]string{}
	var prev *store.RecordRef
	err := st.KindMembership(context.Background(), kind, func(ref store.RecordRef, entity string) error {
		if prev != nil && store.CompareRefs(*prev, ref) >= 0 {
			t.Errorf("KindMembership: %v after %v", ref, *prev)
		}
		prev = &ref
		out[ref] = entity
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkMemberIndex checks, on SQLite, that the members' index by entity is
// the migration's and that a lookup by entity uses it.
func checkMemberIndex(t *testing.T, st *store.Store) {
	t.Helper()
	if st.Dialect() != "sqlite" {
		return
	}
	db := store.DB(st)
	var def string
	if err := db.QueryRow(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = 'entity_members_entity'`).Scan(&def); err != nil {
		t.Fatalf("index entity_members_entity: %v", err)
	}
	if def != store.MemberIndex {
		t.Fatalf("index entity_members_entity is %q, want %q", def, store.MemberIndex)
	}
	var id, parent, unused int
	var plan string
	if err := db.QueryRow(`EXPLAIN QUERY PLAN SELECT source_id, record_id FROM entity_members WHERE entity_id = 'P000000001'`).Scan(&id, &parent, &unused, &plan); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan, "entity_members_entity") {
		t.Fatalf("a lookup by entity plans %q", plan)
	}
}
