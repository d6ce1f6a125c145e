package synth

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/ortaq/ortaq/internal/kz"
)

// livestockExtract is the animal identification register: one row per
// registered animal, with its ear tag and owner. It holds the "virtual
// cows": animals of dead owners, tags registered twice, herds no owner could
// keep, animals of impossible ages.
var livestockExtract = extract{
	spec: sourceSpec{
		name: "livestock", trust: "70", agency: "moa", entity: "animal",
		title:      "Farm animal identification register",
		file:       "agriculture/livestock.csv",
		format:     "csv",
		delimiter:  ",",
		encoding:   "utf-8",
		id:         "RecordID",
		dateFormat: layoutCompact.String(),
		header:     []string{"RecordID", "Tag", "Species", "Breed", "Sex", "BirthDate", "OwnerIIN", "OwnerName", "Village", "Region", "RegisteredOn"},
		fields: []fieldSpec{
			// The ear tag identifies an animal; species and sex tell two
			// animals apart when a tag is mistyped.
			{attr: "tag", columns: []string{"Tag"}, match: "id"},
			{attr: "species", columns: []string{"Species"},
				values:  [][2]string{{"КРС", "cattle"}, {"Овцы", "sheep"}, {"Козы", "goat"}, {"Лошади", "horse"}, {"Верблюды", "camel"}},
				allowed: []string{"cattle", "sheep", "goat", "horse", "camel"}, match: "exact"},
			col("breed", "Breed"),
			{attr: "animal_sex", columns: []string{"Sex"}, match: "exact"},
			col("birth_date", "BirthDate"),
			col("owner_iin", "OwnerIIN"),
			col("owner_name", "OwnerName"),
			col("locality", "Village"),
			col("region", "Region"),
			col("registered_date", "RegisteredOn"),
		},
	},
	write: writeLivestock,
}

type species uint8

const (
	cattle species = iota
	sheep
	goat
	horse
	camel
)

// speciesInfo: the agency's label, breeds, and ages. Normal animals are
// younger than maxAge; an animal older than plausible (or born in the
// future) is an impossible_age defect and nothing else is.
var speciesInfo = [...]struct {
	label     string
	breeds    []string
	maxAge    int // oldest normal animal, years
	plausible int // no living animal of this species is older
}{
	cattle: {"КРС", []string{"Казахская белоголовая", "Аулиекольская", "Алатауская", "Симментальская", "Голштинская", "Помесь"}, 15, 25},
	sheep:  {"Овцы", []string{"Едильбаевская", "Казахская курдючная", "Казахский архаромеринос", "Помесь"}, 8, 15},
	goat:   {"Козы", []string{"Казахская местная", "Зааненская", "Помесь"}, 10, 18},
	horse:  {"Лошади", []string{"Казахская жабе", "Кушумская", "Мугалжарская", "Адаевская"}, 20, 35},
	camel:  {"Верблюды", []string{"Казахский бактриан", "Арвана"}, 25, 40},
}

// livestockSince is when the identification register started.
var livestockSince = mkDate(2016, 1, 1)

// oversizedFrom is the smallest planted oversized herd; normal herds stay
// far below it (at most a few dozen animals of all species).
const oversizedFrom = 200

type animal struct {
	tag        int64
	region     uint8
	sp         species
	female     bool
	breed      uint8
	birth      date
	registered date
	owner      int32
	defects    []animalDefect
}

type animalDefect struct {
	kind   defectKind
	detail string
}

type herdGen struct {
	x       *run
	animals []animal
	serial  int64
}

func (g *herdGen) add(owner int32, region uint8, sp species, n int) {
	w, r := g.x.w, g.x.r
	info := &speciesInfo[sp]
	for range n {
		g.serial++
		a := animal{tag: g.serial, region: region, sp: sp, owner: owner,
			female: chance(r, 0.7), breed: uint8(r.IntN(len(info.breeds)))}
		a.birth = dayBetween(r, w.asOf.addYears(-info.maxAge)+1, w.asOf-1)
		a.registered = min(max(a.birth+date(r.IntN(90)), dayBetween(r, livestockSince, livestockSince+730)), w.asOf)
		g.animals = append(g.animals, a)
	}
}

func writeLivestock(x *run) error {
	w, r := x.w, x.r
	g := &herdGen{x: x}
	owners := map[int32]bool{}
	camelRegions := map[string]bool{"mangystau": true, "kyzylorda": true, "atyrau": true, "turkistan": true}

	// Ordinary herds, owned by the first living adult of the household.
	for hi := range w.hhs {
		h := &w.hhs[hi]
		kind := w.geo.kind(h.addr)
		rate := 0.015
		switch kind {
		case kz.VillageLocality:
			rate = 0.45
		case kz.TownLocality:
			rate = 0.15
		}
		if !chance(r, rate) {
			continue
		}
		owner := int32(-1)
		for i, m := range w.members(h) {
			if m.alive() && age(m.birth, w.asOf) >= 18 {
				owner = h.first + int32(i)
				break
			}
		}
		if owner < 0 {
			continue
		}
		owners[owner] = true
		small := kind != kz.VillageLocality
		reg := h.addr.region
		maxCattle, maxSheep := 10, 35
		if small {
			maxCattle, maxSheep = 3, 8
		}
		g.add(owner, reg, cattle, 1+r.IntN(maxCattle))
		if chance(r, 0.5) {
			g.add(owner, reg, sheep, 1+r.IntN(maxSheep))
		}
		if chance(r, 0.3) {
			g.add(owner, reg, goat, 1+r.IntN(8))
		}
		if !small && chance(r, 0.25) {
			g.add(owner, reg, horse, 1+r.IntN(8))
		}
		if camelRegions[w.geo.region(h.addr).Code] && chance(r, 0.25) {
			g.add(owner, reg, camel, 1+r.IntN(6))
		}
	}
	normal := len(g.animals)

	// Virtual cows: herds still registered to owners who have died.
	var deadRural []int32
	for _, i := range w.dead {
		p := &w.people[i]
		if w.geo.kind(w.hhs[p.hh].addr) != kz.CityLocality && age(p.birth, p.death) >= 30 {
			deadRural = append(deadRural, i)
		}
	}
	for _, i := range plantShare(x, deadRural, 0.2, 3) {
		p := &w.people[i]
		from := len(g.animals)
		reg := w.hhs[p.hh].addr.region
		g.add(i, reg, cattle, 2+r.IntN(12))
		if chance(r, 0.6) {
			g.add(i, reg, sheep, 1+r.IntN(30))
		}
		if chance(r, 0.3) {
			g.add(i, reg, horse, 1+r.IntN(6))
		}
		detail := "owner died " + string(appendDate(nil, p.death, layoutISO))
		for k := from; k < len(g.animals); k++ {
			g.animals[k].defects = append(g.animals[k].defects, animalDefect{defDeadOwner, detail})
		}
	}

	// Oversized herds: a city pensioner with hundreds of cattle.
	var pensioners []int32
	for i := range w.people {
		p := &w.people[i]
		if p.alive() && !owners[int32(i)] && age(p.birth, w.asOf) >= 63 && w.geo.kind(w.hhs[p.hh].addr) == kz.CityLocality {
			pensioners = append(pensioners, int32(i))
		}
	}
	k := max(2, len(w.people)/100_000)
	for _, i := range plantShare(x, pensioners, float64(k)/float64(max(1, len(pensioners))), 0) {
		p := &w.people[i]
		n := between(r, oversizedFrom, 600)
		from := len(g.animals)
		g.add(i, w.hhs[p.hh].addr.region, cattle, n)
		detail := fmt.Sprintf("%d cattle owned by a %d-year-old in %s", n, age(p.birth, w.asOf), w.geo.loc(w.hhs[p.hh].addr).RU)
		for k := from; k < len(g.animals); k++ {
			g.animals[k].defects = append(g.animals[k].defects, animalDefect{defOversizedHerd, detail})
		}
	}

	// Impossible ages among ordinary animals.
	idx := make([]int, normal)
	for i := range idx {
		idx[i] = i
	}
	for _, i := range plantShare(x, idx, 0.001, 3) {
		a := &g.animals[i]
		info := &speciesInfo[a.sp]
		var detail string
		if chance(r, 0.5) {
			a.birth = w.asOf + date(between(r, 10, 400))
			detail = "born " + string(appendDate(nil, a.birth, layoutISO)) + ", after the extract date"
		} else {
			years := info.plausible + between(r, 15, 25)
			a.birth = dayBetween(r, w.asOf.addYears(-years-1)+1, w.asOf.addYears(-years))
			detail = fmt.Sprintf("%s aged %d", info.label, years)
		}
		a.defects = append(a.defects, animalDefect{defImpossibleAge, detail})
	}

	// Tags registered twice: a second record for the same animal.
	all := make([]int, len(g.animals))
	for i := range all {
		all[i] = i
	}
	for _, i := range plantShare(x, all, 0.003, 3) {
		dup := g.animals[i]
		dup.defects = slices.Clone(dup.defects)
		dup.registered = dayBetween(r, min(dup.registered+1, w.asOf), w.asOf)
		d := animalDefect{defDuplicateTag, "tag registered twice"}
		g.animals[i].defects = append(g.animals[i].defects, d)
		dup.defects = append(dup.defects, d)
		g.animals = append(g.animals, dup)
	}
	x.animals = int(g.serial)

	slices.SortStableFunc(g.animals, func(a, b animal) int {
		return cmp.Or(cmp.Compare(a.registered, b.registered), cmp.Compare(a.tag, b.tag))
	})
	t := newTable(x.out.w, ',', x.spec.header...)
	var buf []byte
	for n := range g.animals {
		a := &g.animals[n]
		p := &w.people[a.owner]
		info := &speciesInfo[a.sp]
		buf = append(buf[:0], "LV"...)
		buf = appendPadded(buf, int64(n+1), 9)
		id := string(buf)
		buf = append(buf[:0], "KZ"...)
		buf = appendPadded(buf, int64(a.region)+1, 2)
		buf = appendPadded(buf, a.tag, 8)
		tag := string(buf)
		t.plain(id)
		t.plain(tag)
		t.str(info.label)
		t.str(info.breeds[a.breed])
		if a.female {
			t.str("самка")
		} else {
			t.str("самец")
		}
		t.date(a.birth, layoutCompact)
		t.plain(p.iin)
		buf = appendFullName(buf[:0], p)
		t.bytes(buf)
		h := &w.hhs[p.hh]
		t.str(w.geo.loc(h.addr).RU)
		t.str(w.geo.region(h.addr).RU)
		t.date(a.registered, layoutCompact)
		t.end()
		x.truth.animal(id, tag)
		for _, d := range a.defects {
			x.truth.defect(d.kind, id, d.detail)
		}
	}
	x.rows = t.rows
	return nil
}
