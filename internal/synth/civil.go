package synth

import (
	"cmp"
	"slices"
)

// civilYears is how far back the civil registry extract goes.
const civilYears = 10

// civilExtract is the civil registry (ЗАГС/АХАЖ): births, deaths and
// marriages of the last ten years, one event per row. It is the source of
// truth for deaths.
var civilExtract = extract{
	spec: sourceSpec{
		name: "civil_registry", trust: "90", agency: "moj", entity: "event",
		title:      "Civil registry events (births, deaths, marriages)",
		file:       "civil/events.csv",
		format:     "csv",
		delimiter:  ",",
		encoding:   "utf-8",
		id:         "event_id",
		dateFormat: layoutISO.String(),
		header: []string{"event_id", "event_type", "event_date", "iin", "last_name", "first_name", "patronymic",
			"birth_date", "sex", "mother_iin", "father_iin", "spouse_iin", "spouse_last_name", "spouse_first_name",
			"registry_office"},
		fields: []fieldSpec{
			{attr: "event", columns: []string{"event_type"},
				values:  [][2]string{{"РОЖДЕНИЕ", "birth"}, {"СМЕРТЬ", "death"}, {"БРАК", "marriage"}},
				allowed: []string{"birth", "death", "marriage"}},
			col("event_date", "event_date"),
			col("national_id", "iin"),
			col("last_name", "last_name"),
			col("first_name", "first_name"),
			col("middle_name", "patronymic"),
			col("birth_date", "birth_date"),
			{attr: "sex", columns: []string{"sex"}, values: [][2]string{{"М", "M"}, {"Ж", "F"}}},
			col("mother_iin", "mother_iin"),
			col("father_iin", "father_iin"),
			col("spouse_iin", "spouse_iin"),
			col("spouse_last_name", "spouse_last_name"),
			col("spouse_first_name", "spouse_first_name"),
			col("registry_office", "registry_office"),
		},
	},
	write: writeCivil,
}

type eventKind byte

const (
	evBirth eventKind = iota
	evDeath
	evMarriage
)

type civilEvent struct {
	day  date
	kind eventKind
	who  int32 // the child, the deceased, the husband
}

func writeCivil(x *run) error {
	w := x.w
	since := w.asOf.addYears(-civilYears)
	var evs []civilEvent
	for i := range w.people {
		p := &w.people[i]
		if p.birth >= since {
			evs = append(evs, civilEvent{p.birth, evBirth, int32(i)})
		}
		if !p.alive() {
			evs = append(evs, civilEvent{p.death, evDeath, int32(i)})
		}
		if p.spouse >= 0 && p.sex == 'M' && p.married >= since {
			evs = append(evs, civilEvent{p.married, evMarriage, int32(i)})
		}
	}
	slices.SortFunc(evs, func(a, b civilEvent) int {
		return cmp.Or(cmp.Compare(a.day, b.day), cmp.Compare(a.kind, b.kind), cmp.Compare(a.who, b.who))
	})
	t := newTable(x.out.w, ',', x.spec.header...)
	var id []byte
	iinOf := func(i int32) string {
		if i < 0 {
			return ""
		}
		return w.people[i].iin
	}
	for n, ev := range evs {
		p := &w.people[ev.who]
		id = append(id[:0], "CR"...)
		id = appendPadded(id, int64(n+1), 10)
		ids := string(id)
		t.plain(ids)
		t.str([...]string{"РОЖДЕНИЕ", "СМЕРТЬ", "БРАК"}[ev.kind])
		t.date(ev.day, layoutISO)
		t.plain(p.iin)
		t.str(p.last)
		t.str(p.first)
		t.str(p.middle)
		t.date(p.birth, layoutISO)
		if p.sex == 'M' {
			t.str("М")
		} else {
			t.str("Ж")
		}
		switch ev.kind {
		case evBirth:
			t.plain(iinOf(p.mother))
			t.plain(iinOf(p.father))
			t.empty()
			t.empty()
			t.empty()
			x.truth.event(ids, p.iin, "child")
			if p.mother >= 0 {
				x.truth.event(ids, iinOf(p.mother), "mother")
			}
			if p.father >= 0 {
				x.truth.event(ids, iinOf(p.father), "father")
			}
		case evDeath:
			t.empty()
			t.empty()
			t.empty()
			t.empty()
			t.empty()
			x.truth.event(ids, p.iin, "deceased")
		case evMarriage:
			s := &w.people[p.spouse]
			t.empty()
			t.empty()
			t.plain(s.iin)
			t.str(s.last)
			t.str(s.first)
			x.truth.event(ids, p.iin, "groom")
			x.truth.event(ids, s.iin, "bride")
		}
		t.str("ЗАГС " + w.geo.loc(w.hhs[p.hh].addr).RU)
		t.end()
	}
	x.rows = t.rows
	return nil
}
