package synth

import (
	"bytes"
	"math/rand/v2"
	"strconv"

	"github.com/ortaq/ortaq/internal/kz"
)

// healthExtract is the polyclinics' patient cards. Cards are typed in by
// registrars, so they carry every kind of name and IIN defect, and some
// patients have several cards.
var healthExtract = extract{
	spec: sourceSpec{
		name: "health_cards", trust: "40", agency: "moh", entity: "person",
		title:      "Patient cards (polyclinic attachment)",
		file:       "health/cards.csv",
		format:     "csv",
		delimiter:  ",",
		encoding:   "utf-8",
		id:         "card_no",
		dateFormat: layoutISO.String(),
		header:     []string{"card_no", "iin", "fio", "birth_date", "gender", "address", "phone", "clinic", "attached", "last_visit", "status"},
		fields: []fieldSpec{
			col("national_id", "iin"),
			col("full_name", "fio"),
			col("birth_date", "birth_date"),
			{attr: "sex", columns: []string{"gender"}, values: [][2]string{{"муж", "M"}, {"жен", "F"}}},
			col("address", "address"),
			col("phone", "phone"),
			col("clinic", "clinic"),
			col("attached_date", "attached"),
			col("last_visit_date", "last_visit"),
			{attr: "card_status", columns: []string{"status"},
				values:  [][2]string{{"активна", "active"}, {"закрыта", "closed"}},
				allowed: []string{"active", "closed"}},
		},
	},
	write: writeHealth,
}

// cardRates are the chances of each defect on one card. A patient's first
// card is typed carefully; the extra cards (opened at another clinic, by a
// registrar who did not find the first) are sloppier.
type cardRates struct{ latin, fold, typo, upper, missingIIN, badIIN, badDate float64 }

var (
	firstCardRates = cardRates{latin: 0.01, fold: 0.12, typo: 0.02, upper: 0.08, missingIIN: 0.03, badIIN: 0.01, badDate: 0.002}
	extraCardRates = cardRates{latin: 0.08, fold: 0.35, typo: 0.15, upper: 0.25, missingIIN: 0.25, badIIN: 0.08, badDate: 0.01}
)

// healthSince is when the electronic card system started.
var healthSince = mkDate(2012, 1, 1)

type card struct {
	who     int32
	nth, of uint8
}

func writeHealth(x *run) error {
	w, r := x.w, x.r
	var cards []card
	for i := range w.people {
		p := &w.people[i]
		if !chance(r, 0.96) || (!p.alive() && !chance(r, 0.83)) {
			continue
		}
		n := 1
		if chance(r, 0.13) && !x.clean {
			n = 2 + r.IntN(3)*r.IntN(2) // 2, 3 or 4; 2 most often
		}
		for k := range n {
			cards = append(cards, card{who: int32(i), nth: uint8(k), of: uint8(n)})
		}
	}
	r.Shuffle(len(cards), func(i, j int) { cards[i], cards[j] = cards[j], cards[i] })

	// Dead patients whose first card is still active.
	var deadFirst []int32
	for _, c := range cards {
		if c.nth == 0 && !w.people[c.who].alive() {
			deadFirst = append(deadFirst, c.who)
		}
	}
	stillActive := map[int32]bool{}
	for _, i := range plantShare(x, deadFirst, 0.15, 3) {
		stillActive[i] = true
	}

	var forced map[int]cardFlag
	malformed := map[int]bool{}
	if !x.clean {
		forced = forceCardDefects(w, cards, stillActive)
		for i := 0; i < max(3, len(cards)/5000) && len(cards) > 0; i++ {
			malformed[r.IntN(len(cards))] = true
		}
	}

	t := newTable(x.out.w, ',', x.spec.header...)
	var buf []byte
	for n, c := range cards {
		if malformed[n] {
			buf = x.malformedCard(t, buf, len(malformed))
			delete(malformed, n)
		}
		p := &w.people[c.who]
		buf = append(buf[:0], "DM"...)
		buf = appendPadded(buf, int64(100_000_001+n), 9)
		id := string(buf)
		x.truth.person(id, p.iin)
		if c.of > 1 {
			x.truth.defect(defDuplicateCard, id, strconv.Itoa(int(c.of))+" cards for one patient")
		}
		rates := firstCardRates
		if c.nth > 0 {
			rates = extraCardRates
		}
		planted := c.nth == 0 && stillActive[c.who]
		var flags cardFlag
		if !x.clean {
			flags = rates.draw(r) | forced[n]
		}

		t.plain(id)
		switch {
		case planted:
			t.plain(p.iin)
		case flags&flagMissingIIN != 0:
			t.empty()
			x.truth.defect(defMissingIIN, id, "")
		case flags&flagBadIIN != 0:
			bad := mistypeIIN(r, p.iin)
			t.plain(bad)
			x.truth.defect(defIINCheckDigit, id, "iin "+bad+" for "+p.iin)
		default:
			t.plain(p.iin)
		}
		buf = x.cardName(buf[:0], id, p, flags)
		t.bytes(buf)
		if flags&flagBadDate != 0 {
			y, _, _ := p.birth.ymd()
			m, d := impossibleDay(r, y)
			buf = appendYMD(buf[:0], y, m, d, layoutISO)
			t.bytes(buf)
			x.truth.defect(defInvalidDate, id, "birth_date "+string(buf)+" for "+string(appendDate(nil, p.birth, layoutISO)))
		} else {
			t.date(p.birth, layoutISO)
		}
		if p.sex == kz.Male {
			t.str("муж")
		} else {
			t.str("жен")
		}
		h := &w.hhs[p.hh]
		if chance(r, 0.35) {
			buf = w.geo.appendKK(buf[:0], h.addr)
		} else {
			buf = w.geo.appendRU(buf[:0], h.addr)
		}
		t.bytes(buf)
		if chance(r, 0.9) {
			buf = appendPhone(buf[:0], p.phone, phoneDashes)
			t.bytes(buf)
		} else {
			t.empty()
		}
		buf = appendClinic(buf[:0], w, h, c.nth)
		t.bytes(buf)

		end := w.asOf
		if !p.alive() {
			end = p.death
		}
		attached := dayBetween(r, max(p.birth, healthSince), end)
		t.date(attached, layoutISO)
		switch {
		case planted:
			visit := dayBetween(r, min(p.death+30, w.asOf-1), w.asOf-1)
			t.date(visit, layoutISO)
			t.str("активна")
			x.truth.defect(defDeadActive, id, "died "+string(appendDate(nil, p.death, layoutISO))+", last visit "+string(appendDate(nil, visit, layoutISO)))
		case !p.alive() || (c.nth > 0 && chance(r, 0.3)):
			t.date(dayBetween(r, attached, end), layoutISO)
			t.str("закрыта")
		default:
			t.date(dayBetween(r, attached, end), layoutISO)
			t.str("активна")
		}
		t.end()
	}
	x.rows = t.rows
	return nil
}

// malformedCard writes a card row that cannot be stored: the three ways a
// hand-edited extract breaks, in turn. left counts the malformed rows still
// to write, so every kind appears when there are at least three.
func (x *run) malformedCard(t *table, buf []byte, left int) []byte {
	p := &x.w.people[x.r.IntN(len(x.w.people))]
	id := "DM9" + strconv.Itoa(10_000_000+left)
	name := p.last + " " + p.first
	var row []string
	var why string
	switch left % 3 {
	case 0: // the address typed with a comma and no quotes: one column too many
		row = []string{id, p.iin, name, "", "", "ул. Абая, 12", "", "", "", "", "активна"}
		why = "column_count"
	case 1: // a stray quote inside an unquoted name
		row = []string{id, p.iin, p.last + ` "` + p.first, "", "", "", "", "", "", "", "активна"}
		why = "bad_quoting"
	default: // the card number left empty
		id = ""
		row = []string{"", p.iin, name, "", "", "", "", "", "", "", "активна"}
		why = "no_record_id"
	}
	buf = buf[:0]
	for i, f := range row {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, f...)
	}
	n := t.line(buf)
	x.truth.defect(defMalformedRow, id, "line "+strconv.Itoa(n)+": "+why)
	return buf
}

// cardFlag is one defect drawn for a card.
type cardFlag uint8

const (
	flagLatin cardFlag = 1 << iota
	flagFold
	flagTypo
	flagUpper
	flagMissingIIN
	flagBadIIN
	flagBadDate
	numCardFlags = iota
)

// draw decides which defects a card gets.
func (c cardRates) draw(r *rand.Rand) cardFlag {
	var f cardFlag
	for i, p := range [numCardFlags]float64{c.latin, c.fold, c.typo, c.upper, c.missingIIN, c.badIIN, c.badDate} {
		if chance(r, p) {
			f |= 1 << i
		}
	}
	return f
}

// forceCardDefects makes every card defect appear at least a few times even
// in a tiny nation: the first cards (in shuffled order) that can show a
// defect get it. It returns card index -> forced flag.
func forceCardDefects(w *world, cards []card, stillActive map[int32]bool) map[int]cardFlag {
	const atLeast = 3
	var need [numCardFlags]int
	for i := range need {
		need[i] = atLeast
	}
	forced := map[int]cardFlag{}
	for n, c := range cards {
		p := &w.people[c.who]
		for k := range need {
			f := cardFlag(1) << k
			switch {
			case need[k] == 0:
				continue
			case f == flagFold && !hasKazakhLetter(p):
				continue
			case (f == flagMissingIIN || f == flagBadIIN) && c.nth == 0 && stillActive[c.who]:
				continue
			}
			forced[n] = f
			need[k]--
			break
		}
		if len(forced) == atLeast*numCardFlags {
			break
		}
	}
	return forced
}

// cardName writes the patient's full name as a registrar typed it, and
// records every defect it carries.
func (x *run) cardName(b []byte, id string, p *person, flags cardFlag) []byte {
	r := x.r
	parts := [3]string{p.last, p.first, p.middle}
	latin := flags&flagLatin != 0
	switch {
	case latin:
		for i := range parts {
			parts[i] = kz.LatinICAO(parts[i])
		}
		x.truth.defect(defLatinSpelling, id, "")
	case flags&flagFold != 0:
		changed := false
		for i := range parts {
			f := kz.FoldKazakh(parts[i])
			changed = changed || f != parts[i]
			parts[i] = f
		}
		if changed {
			x.truth.defect(defKazakhFolded, id, "")
		}
	}
	if flags&flagTypo != 0 {
		i := 0 // the surname, more often than the first name
		if chance(r, 0.35) {
			i = 1
		}
		if s, ok := typo(r, parts[i], latin); ok {
			x.truth.defect(defNameTypo, id, [...]string{"last_name", "first_name"}[i]+" "+parts[i]+" typed "+s)
			parts[i] = s
		}
	}
	b = append(b, parts[0]...)
	b = append(b, ' ')
	b = append(b, parts[1]...)
	if parts[2] != "" {
		b = append(b, ' ')
		b = append(b, parts[2]...)
	}
	if flags&flagUpper != 0 {
		b = bytes.ToUpper(b)
		x.truth.defect(defNameUpper, id, "")
	}
	return b
}

// appendClinic names the patient's polyclinic: numbered city polyclinics,
// district hospitals in the countryside.
func appendClinic(b []byte, w *world, h *household, nth uint8) []byte {
	loc := w.geo.loc(h.addr)
	n := (int(h.addr.street)*7+int(h.addr.house)+int(nth)*3)%24 + 1
	if loc.Kind == kz.VillageLocality {
		b = append(b, "Врачебная амбулатория с. "...)
		return append(b, loc.RU...)
	}
	b = append(b, "Городская поликлиника №"...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, " г. "...)
	return append(b, loc.RU...)
}

func hasKazakhLetter(p *person) bool {
	return kz.FoldKazakh(p.last) != p.last || kz.FoldKazakh(p.first) != p.first || kz.FoldKazakh(p.middle) != p.middle
}
