package golden

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

var (
	older = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	newer = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

// src makes a source of kind with a trust level and records.
func src(id int64, name, agency, kind string, trust int, recs ...store.LiveRecord) *Source {
	s := &Source{Def: &source.Source{Name: name, Trust: trust}}
	s.ID, s.Name, s.AgencyCode, s.Entity = id, name, agency, kind
	for _, r := range recs {
		r.SourceID = id
		if r.ObservedAt.IsZero() {
			r.ObservedAt = older
		}
		s.Add(r)
	}
	return s
}

func rec(id, entity string, attrs map[string]string) store.LiveRecord {
	return store.LiveRecord{RecordRef: store.RecordRef{RecordID: id}, Version: 1, Attrs: attrs, EntityID: entity}
}

func testDataset() *Dataset {
	pop := src(1, "population_register", "moj", "person", 90,
		rec("400706300111", "P1", map[string]string{"national_id": "400706300111", "last_name": "Назарбаев",
			"first_name": "Нұрсұлтан", "middle_name": "Әбішұлы", "birth_date": "1940-07-06", "household_id": "H1",
			"address": "ул. Абая 15 3"}),
		rec("450101400222", "P2", map[string]string{"national_id": "450101400222", "last_name": "Назарбаева",
			"first_name": "Сара", "birth_date": "1941-08-10", "household_id": "H1"}),
		rec("700101300333", "P3", map[string]string{"national_id": "700101300333", "last_name": "Ахметов",
			"first_name": "Дәулет", "birth_date": "1970-01-01", "address": "ул. Сейфуллина 4"}),
	)
	health := src(2, "health_cards", "moh", "person", 40,
		// Newer, less trusted, in capitals and Latin: no conflict, the
		// register's spelling survives.
		store.LiveRecord{RecordRef: store.RecordRef{RecordID: "C1"}, Version: 2, EntityID: "P1", ObservedAt: newer,
			Attrs: map[string]string{"national_id": "400706300111", "full_name": "NAZARBAYEV NURSULTAN ABISHULY",
				"birth_date": "1940-07-07", "phone": "+7 701 111 22 33", "address": "г. Алматы, ул. Абая, д. 15, кв. 3"}},
		// A full name only: it is split into parts.
		store.LiveRecord{RecordRef: store.RecordRef{RecordID: "C2"}, Version: 1, EntityID: "P3",
			Attrs: map[string]string{"national_id": "700101300334", "full_name": "Ахметов Дәулет Серікұлы",
				"birth_date": "1970-01-01"},
			Invalid: map[string]string{"national_id": "iin: check digit does not match"}},
	)
	civil := src(3, "civil_registry", "moj", "event", 90,
		rec("D1", "E1", map[string]string{"event": "death", "event_date": "2025-05-05", "national_id": "700101300333"}),
		rec("M1", "E2", map[string]string{"event": "marriage", "event_date": "1962-01-01", "national_id": "400706300111",
			"spouse_iin": "450101400222"}),
		rec("B1", "E3", map[string]string{"event": "birth", "event_date": "1970-01-01", "national_id": "700101300333",
			"father_iin": "400706300111", "mother_iin": "999999999999"}),
	)
	animals := src(4, "livestock", "moa", "animal", 70,
		rec("L1", "A1", map[string]string{"tag": "KZ1", "species": "cattle", "owner_iin": "700101300333"}),
		rec("L2", "A2", map[string]string{"tag": "KZ2", "species": "sheep", "owner_iin": "111111111111"}),
		rec("L3", "", map[string]string{"tag": "KZ3"}), // not resolved: no entity
	)
	return NewDataset(newer, []*Source{pop, health, civil, animals})
}

func TestSurvivorship(t *testing.T) {
	d := testDataset()
	p1 := d.Entities["P1"]
	for _, tc := range []struct {
		entity, attr, want, from string
	}{
		{"P1", "last_name", "Назарбаев", "population_register"},   // trusted beats recent
		{"P1", "first_name", "Нұрсұлтан", "population_register"},  // C1's Latin part loses
		{"P1", "birth_date", "1940-07-06", "population_register"}, // trusted, and a conflict
		{"P1", "phone", "+7 701 111 22 33", "health_cards"},       // the only source
		{"P1", "full_name", "Назарбаев Нұрсұлтан Әбішұлы", "population_register"},
		{"P3", "national_id", "700101300333", "population_register"}, // valid beats invalid
		{"P3", "middle_name", "Серікұлы", "health_cards"},            // split from a full name
		{"P3", "death_date", "2025-05-05", "civil_registry"},
	} {
		v, ok := d.Entities[tc.entity].Value(tc.attr)
		if !ok || v.Value != tc.want || v.Source != tc.from {
			t.Errorf("%s %s = %q from %s, want %q from %s", tc.entity, tc.attr, v.Value, v.Source, tc.want, tc.from)
		}
	}
	if v, _ := p1.Value("phone"); v.Agency != "moh" || v.RecordID != "C1" || v.Version != 2 || !v.Observed.Equal(newer) || v.Trust != 40 {
		t.Errorf("phone provenance = %+v", v)
	}
	// Spellings of one name and one address are not conflicts; two birth
	// dates are, with the surviving value first.
	if len(p1.Conflicts) != 1 || len(p1.Conflicts["birth_date"]) != 2 || p1.Conflicts["birth_date"][0].Value != "1940-07-06" {
		t.Errorf("P1 conflicts = %+v", p1.Conflicts)
	}
	if c := d.Entities["P3"].Conflicts["national_id"]; len(c) != 2 || c[1].Invalid == "" {
		t.Errorf("P3 national_id conflicts = %+v", c)
	}
}

func TestTies(t *testing.T) {
	d := testDataset()
	if h := d.Entities["P1"].Household; h != "H1" || d.Entities["P2"].Household != "H1" {
		t.Errorf("households %q %q, want H1", h, d.Entities["P2"].Household)
	}
	if h := d.Entities["P3"].Household; h == "" || h == "H1" {
		t.Errorf("P3 household from the address = %q", h)
	}
	want := map[string][]Relation{
		"P1": {{RelChild, "P3"}, {RelSpouse, "P2"}},
		"P2": {{RelSpouse, "P1"}},
		"P3": {{RelFather, "P1"}}, // the mother's IIN names no one
	}
	for id, rels := range want {
		got := d.Entities[id].Relations
		if len(got) != len(rels) {
			t.Errorf("%s relations = %v, want %v", id, got, rels)
			continue
		}
		for i := range rels {
			if got[i] != rels[i] {
				t.Errorf("%s relations = %v, want %v", id, got, rels)
			}
		}
	}
	if o := d.Entities["A1"].Owner; o != "P3" {
		t.Errorf("A1 owner = %q, want P3", o)
	}
	if o := d.Entities["A2"].Owner; o != "" {
		t.Errorf("A2 owner = %q, want none (unknown IIN)", o)
	}
	if _, ok := d.Entities[""]; ok {
		t.Error("an unresolved record made an entity")
	}
	if d.Person("400706300111") != d.Entities["P1"] || d.Person("700101300334") != nil {
		t.Error("Person looks up by the golden, valid national id only")
	}
}

// TestSharedIINTies: when two entities hold the same IIN (a person the
// resolver left split), every build gives that IIN's ties and ownership to
// the same one of them, whatever order a map holds them in: the entity
// with the smaller id. Stored golden records and findings must not change
// between two runs over the same data.
func TestSharedIINTies(t *testing.T) {
	for range 30 {
		pop := src(1, "population_register", "moj", "person", 90,
			rec("R1", "P7", map[string]string{"national_id": "450101400222", "last_name": "Назарбаева"}),
			rec("R2", "P3", map[string]string{"national_id": "450101400222", "last_name": "Назарбаева"}),
			rec("R3", "P5", map[string]string{"national_id": "450101400222", "last_name": "Назарбаева"}),
			rec("R4", "P9", map[string]string{"national_id": "700101300333", "last_name": "Ахметов"}),
		)
		civil := src(3, "civil_registry", "moj", "event", 90,
			rec("B1", "E1", map[string]string{"event": "birth", "national_id": "700101300333", "mother_iin": "450101400222"}),
		)
		animals := src(4, "livestock", "moa", "animal", 70,
			rec("L1", "A1", map[string]string{"tag": "KZ1", "owner_iin": "450101400222"}),
		)
		d := NewDataset(newer, []*Source{pop, civil, animals})
		if got := d.Person("450101400222"); got == nil || got.ID != "P3" {
			t.Fatalf("Person = %v, want P3", got)
		}
		if got, want := d.Entities["P9"].Relations, []Relation{{RelMother, "P3"}}; !cmp.Equal(got, want) {
			t.Fatalf("P9 relations = %v, want %v", got, want)
		}
		if o := d.Entities["A1"].Owner; o != "P3" {
			t.Fatalf("A1 owner = %q, want P3", o)
		}
	}
}

func TestDoc(t *testing.T) {
	d := testDataset()
	doc := d.Entities["P1"].Doc()
	if doc.Values[0].Attr != "national_id" || doc.Value("full_name") != "Назарбаев Нұрсұлтан Әбішұлы" {
		t.Errorf("doc values out of display order: %+v", doc.Values[:2])
	}
	if len(doc.Members) != 2 || doc.Members[1].Source != "health_cards" || doc.Members[1].Agency != "moh" {
		t.Errorf("doc members = %+v", doc.Members)
	}
	if n := d.Entities["A1"].DisplayName(); n != "KZ1 cattle" {
		t.Errorf("animal display name = %q", n)
	}
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"Нұрсұлтан", []string{"nursultan"}},
		{"Нурсултан", []string{"nursultan"}},
		{"NURSULTAN", []string{"nursultan"}},
		{"KZ0700001129", []string{"kz0700001129"}},
	} {
		got := SearchTerms(tc.q)
		if len(got) != len(tc.want) || got[0] != tc.want[0] {
			t.Errorf("SearchTerms(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestEncodeDoc(t *testing.T) {
	d := testDataset()
	for _, id := range []string{"P1", "P3", "A1"} {
		doc := d.Entities[id].Doc()
		b, err := doc.Encode()
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeDoc(b)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(doc, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: decoded doc differs (-want +got):\n%s", id, diff)
		}
	}
	// P3's death date comes from the civil registry, not from its records.
	b, _ := func() ([]byte, error) { doc := d.Entities["P3"].Doc(); return doc.Encode() }()
	if got, _ := DecodeDoc(b); got.Value("death_date") != "2025-05-05" {
		t.Errorf("death date lost: %+v", got.Values)
	}
	if _, err := DecodeDoc([]byte(`{"e":"P1","m":[],"f":[{"n":"sex","v":"M","m":3}]}`)); err == nil {
		t.Error("a value naming a missing member decoded")
	}
}
