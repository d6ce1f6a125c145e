package synth

import (
	"github.com/ortaq/ortaq/internal/kz"
)

// disabilityExtract is the central register of people with disabilities, a
// legacy system exporting windows-1251. That code page has no Kazakh
// letters, so every name is folded (ә→а, қ→к, ...) before export. A clean
// nation writes it in UTF-8 (extract.specFor), with nothing folded.
var disabilityExtract = extract{
	spec: sourceSpec{
		name: "disability_register", trust: "40", agency: "mlsp", entity: "person",
		title:      "Central register of persons with disabilities",
		file:       "disability/register.csv",
		format:     "csv",
		delimiter:  ";",
		encoding:   "windows-1251",
		id:         "НОМЕР_ДЕЛА",
		dateFormat: layoutDMY.String(),
		header:     []string{"НОМЕР_ДЕЛА", "ИИН", "ФИО", "ДАТА_РОЖДЕНИЯ", "ПОЛ", "ГРУППА", "ПРИЧИНА", "ДАТА_УСТАНОВЛЕНИЯ", "СРОК", "АДРЕС", "ТЕЛЕФОН"},
		fields: []fieldSpec{
			col("national_id", "ИИН"),
			col("full_name", "ФИО"),
			col("birth_date", "ДАТА_РОЖДЕНИЯ"),
			{attr: "sex", columns: []string{"ПОЛ"}, values: [][2]string{{"М", "M"}, {"Ж", "F"}}},
			col("disability_group", "ГРУППА"),
			col("disability_cause", "ПРИЧИНА"),
			col("disability_date", "ДАТА_УСТАНОВЛЕНИЯ"),
			col("disability_term", "СРОК"),
			col("address", "АДРЕС"),
			col("phone", "ТЕЛЕФОН"),
		},
	},
	write: writeDisability,
}

var groupNames = [...]string{"", "1 группа", "2 группа", "3 группа"}

var disabilityCauses = []string{"общее заболевание", "инвалидность с детства", "трудовое увечье", "профессиональное заболевание"}

func writeDisability(x *run) error {
	w, r := x.w, x.r
	fold := x.spec.encoding == "windows-1251"
	t := newTable(x.out.w, ';', x.spec.header...)
	var buf []byte
	n := 0
	for i := range w.people {
		p := &w.people[i]
		if !p.alive() || p.disab == 0 {
			continue
		}
		n++
		buf = append(buf[:0], "ЦБДИ-"...)
		buf = appendPadded(buf, int64(n), 7)
		id := string(buf)
		t.str(id)
		t.plain(p.iin)
		name := fullName(p)
		shown := name
		if fold {
			shown = kz.FoldKazakh(name)
		}
		t.str(shown)
		t.date(p.birth, layoutDMY)
		if p.sex == kz.Male {
			t.str("М")
		} else {
			t.str("Ж")
		}
		set := dayBetween(r, max(p.birth+180, w.asOf.addYears(-20)), w.asOf-1)
		switch {
		case p.disab == childDisability:
			t.str("ребенок-инвалид")
			t.str(disabilityCauses[1])
		case age(p.birth, w.asOf) < 18 || set < p.birth.addYears(18):
			// Established in childhood: a disability since childhood.
			t.str(groupNames[p.disab])
			t.str(disabilityCauses[1])
		default:
			t.str(groupNames[p.disab])
			t.str(disabilityCauses[r.IntN(len(disabilityCauses))])
		}
		t.date(set, layoutDMY)
		switch {
		case p.disab == 1 || chance(r, 0.3):
			t.str("бессрочно")
		case chance(r, 0.8): // re-examined: the current term runs on
			t.date(w.asOf+date(between(r, 30, 700)), layoutDMY)
		default: // a term that ran out and was not renewed
			t.date(min(set.addYears(1+r.IntN(2)), w.asOf-1), layoutDMY)
		}
		buf = w.geo.appendRU(buf[:0], w.hhs[p.hh].addr)
		if fold {
			t.str(kz.FoldKazakh(string(buf)))
		} else {
			t.bytes(buf)
		}
		buf = appendPhone(buf[:0], p.phone, phoneEight)
		t.bytes(buf)
		t.end()
		x.truth.person(id, p.iin)
		if shown != name {
			x.truth.defect(defKazakhFolded, id, "")
		}
	}
	x.rows = t.rows
	return nil
}
