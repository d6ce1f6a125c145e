package quality

import (
	"strings"
	"time"

	"github.com/ortaq/ortaq/internal/golden"
	"github.com/ortaq/ortaq/internal/source"
	"github.com/ortaq/ortaq/internal/store"
)

// The fixture is a small hand-made dataset with one record for each case
// the checks' tests need; record ids say what the record is about.

var (
	fixtureAsOf = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	observed    = time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
)

// rec makes a record of entity with attributes given as name, value pairs.
func rec(id, entity string, kv ...string) store.LiveRecord {
	r := store.LiveRecord{RecordRef: store.RecordRef{RecordID: id}, Line: 1, ObservedAt: observed, EntityID: entity,
		Attrs: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Attrs[kv[i]] = kv[i+1]
	}
	return r
}

// flagged marks attr invalid, as ingest does.
func flagged(r store.LiveRecord, attr, why string) store.LiveRecord {
	r.Invalid = map[string]string{attr: why}
	return r
}

// fixtureSource makes a source whose contract maps fields (each "name" or
// "name:type").
func fixtureSource(id int64, name, entity string, fields []string, recs ...store.LiveRecord) *golden.Source {
	def := &source.Source{Name: name, Agency: "ag", Entity: entity, Format: "csv", Delimiter: ',', ID: []string{"id"}}
	for _, f := range fields {
		typ := source.TypeString
		if n, t, ok := strings.Cut(f, ":"); ok {
			f, typ = n, source.Type(t)
		}
		def.Fields = append(def.Fields, source.Field{Name: f, Columns: []string{f}, Type: typ})
	}
	s := &golden.Source{
		SourceStats: store.SourceStats{SourceDef: store.SourceDef{ID: id, Name: name, AgencyCode: "ag", Entity: entity}},
		Def:         def,
		Runs:        []store.RunInfo{{ID: id, FinishedAt: observed, RunCounts: store.RunCounts{Rows: len(recs), Stored: len(recs)}}},
	}
	for i := range recs {
		recs[i].SourceID = id
		recs[i].Line = i + 2
		s.Add(recs[i])
	}
	return s
}

// fixture builds the dataset. Person P2 died on 2024-03-02 and has person
// records; the owner with IIN 444 died in 2020 and appears only in the
// civil registry.
func fixture() *golden.Dataset {
	people := fixtureSource(1, "register", source.EntityPerson,
		[]string{"national_id:iin", "last_name", "first_name", "middle_name", "birth_date:date"},
		rec("111", "P1", "national_id", "111", "last_name", "Ахметов", "first_name", "Нұрлан", "middle_name", "Серікұлы", "birth_date", "1985-03-14"),
		rec("222", "P2", "national_id", "222", "last_name", "Иванова", "first_name", "Анна", "middle_name", "Петровна", "birth_date", "1950-01-01"),
		rec("333", "P3", "national_id", "333", "last_name", "Мұстафина", "first_name", "Жансұлу", "birth_date", "1961-02-24"),
		rec("555", "P5", "national_id", "555", "last_name", "Ахметова", "first_name", "Әсел", "middle_name", "Нұрланқызы", "birth_date", "2010-05-05"),
	)
	civil := fixtureSource(2, "civil", source.EntityEvent,
		[]string{"event", "event_date:date", "national_id:iin", "last_name", "first_name"},
		rec("C1", "", "event", "death", "event_date", "2024-03-02", "national_id", "222"),
		rec("C2", "", "event", "death", "event_date", "2020-01-01", "national_id", "444", "last_name", "Сейтов", "first_name", "Бауыржан"),
	)
	cards := fixtureSource(3, "cards", source.EntityPerson,
		[]string{"national_id:iin", "full_name", "birth_date:date", "status", "last_visit_date:date", "grade:int", "code"},
		rec("ok-1", "P1", "national_id", "111", "full_name", "Ахметов Нұрлан Серікұлы", "birth_date", "1985-03-14", "status", "active", "grade", "5", "code", "A-1"),
		rec("missing-iin", "P1", "full_name", "АХМЕТОВ НҰРЛАН СЕРІКҰЛЫ", "status", "closed", "grade", "0", "code", "a-2"),
		flagged(rec("bad-iin", "P3", "national_id", "334", "full_name", "Mustafina Zhansulu", "status", "open", "grade", "12"),
			"national_id", "iin: check digit does not match"),
		flagged(rec("bad-grade", "P3", "national_id", "333", "full_name", "Мустафина Жансулу", "grade", "x"), "grade", "int: not an integer"),
		rec("dead-active", "P2", "national_id", "222", "full_name", "Иванова Анна Петровна", "status", "active", "last_visit_date", "2024-05-01"),
		rec("dead-active-old-visit", "P2", "national_id", "222", "full_name", "иванова анна петровна", "status", "active", "last_visit_date", "2024-01-01"),
		rec("dead-closed", "P2", "national_id", "222", "full_name", "Ивaнова Анна Петровна", "status", "closed", "last_visit_date", "2024-05-01"),
		rec("typo", "P5", "national_id", "555", "full_name", "Ахметова Әсем Нұрланқызы", "birth_date", "2027-01-01"),
		rec("gender", "P5", "national_id", "555", "full_name", "Ахметов Әсел Нұрланқызы"),
		rec("patronymic", "P5", "national_id", "555", "full_name", "Ахметова Асел Нурлановна"),
		rec("latin", "P1", "national_id", "111", "full_name", "AKHMETOV NURLAN SERIKULY"),
		rec("folded-typo", "P1", "national_id", "111", "full_name", "Ахметов Нурлна Серикулы"),
		rec("unresolved", "", "full_name", "Кто-то Неизвестный"),
	)
	herd := fixtureSource(4, "herd", source.EntityAnimal,
		[]string{"tag", "species", "owner_iin:iin", "birth_date:date", "period"},
		rec("h1", "A1", "tag", "KZ01", "species", "cattle", "owner_iin", "111", "birth_date", "2000-01-01", "period", "2024-03"),
		rec("h2", "A2", "tag", "KZ02", "species", "sheep", "owner_iin", "111", "birth_date", "2000-01-01", "period", "2024-04"),
		rec("h3", "A2", "tag", "KZ02", "species", "cattle", "owner_iin", "222", "birth_date", "2027-05-01"),
		rec("h4", "A4", "tag", "KZ04", "species", "camel", "owner_iin", "444", "birth_date", "1990-01-01"),
		rec("h5", "A5", "tag", "KZ05", "species", "yak", "owner_iin", "999", "birth_date", "1900-01-01"),
		rec("h6", "A6", "species", "cattle", "owner_iin", "111"),
	)
	tax := fixtureSource(5, "tax", source.EntityPerson,
		[]string{"national_id:iin", "period", "full_name"},
		rec("t-before", "P2", "national_id", "222", "period", "2024-02"),
		rec("t-month", "P2", "national_id", "222", "period", "2024-03"),
		rec("t-after", "P2", "national_id", "222", "period", "2024-04"),
		rec("t-day", "P2", "national_id", "222", "period", "2024-03-05"),
		rec("t-alive", "P1", "national_id", "111", "period", "2026-09"),
	)
	return golden.NewDataset(fixtureAsOf, []*golden.Source{people, civil, cards, herd, tax})
}
