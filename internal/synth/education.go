package synth

import (
	"strconv"

	"github.com/ortaq/ortaq/internal/kz"
)

// educationExtract is the national education database: school pupils and
// university students of the current school year, as NDJSON, with their
// form of study (every pupil full-time, a fifth of students part-time). Some children
// are enrolled at two schools at once.
var educationExtract = extract{
	spec: sourceSpec{
		name: "education_students", trust: "60", agency: "edu", entity: "person",
		title:      "National education database: pupils and students",
		file:       "education/students.ndjson",
		format:     "ndjson",
		encoding:   "utf-8",
		id:         "studentId",
		dateFormat: layoutISO.String(),
		header: []string{"studentId", "iin", "lastName", "firstName", "middleName", "birthDate", "gender",
			"institution", "institutionType", "studyForm", "grade", "language", "enrolledOn", "region"},
		fields: []fieldSpec{
			col("national_id", "iin"),
			col("last_name", "lastName"),
			col("first_name", "firstName"),
			col("middle_name", "middleName"),
			col("birth_date", "birthDate"),
			col("sex", "gender"),
			col("school", "institution"),
			{attr: "institution_type", columns: []string{"institutionType"}, allowed: []string{"school", "university"}},
			{attr: "study_form", columns: []string{"studyForm"},
				values:  [][2]string{{"очная", "full_time"}, {"заочная", "part_time"}},
				allowed: []string{"full_time", "part_time"}},
			{attr: "grade", columns: []string{"grade"}, typ: "int"},
			col("instruction_language", "language"),
			col("enrolled_date", "enrolledOn"),
			col("region", "region"),
		},
	},
	write: writeEducation,
}

var universities = []string{
	"КазНУ им. аль-Фараби", "ЕНУ им. Л.Н. Гумилева", "Satbayev University", "Назарбаев Университет",
	"КарУ им. Е.А. Букетова", "ЮКУ им. М. Ауэзова", "ПУ им. С. Торайгырова", "ЗКУ им. М. Утемисова",
	"АУ им. Х. Досмухамедова", "КРУ им. А. Байтурсынова", "ВКУ им. С. Аманжолова",
	"Таразский университет им. М.Х. Дулати", "Кызылординский университет им. Коркыт Ата",
}

var universityPick = zipf(len(universities), 1)

type enrolment struct {
	who      int32
	school   string
	uni      bool
	partTime bool // a university student studying part-time (заочно)
	grade    int
	kk       bool
	enrolled date
	twice    bool
}

// schoolName names the school a household's children attend; siblings share
// it. shift picks another school of the same place (for double enrolment).
func schoolName(w *world, h *household, kk bool, shift int) string {
	loc := w.geo.loc(h.addr)
	n := (int(h.addr.street)*13+int(h.addr.house)+shift*17)%70 + 1
	if loc.Kind == kz.VillageLocality {
		n = n%3 + 1
		if kk {
			return loc.KK + " ауылының №" + strconv.Itoa(n) + " орта мектебі"
		}
		return "Средняя школа №" + strconv.Itoa(n) + " с. " + loc.RU
	}
	if kk {
		return "№" + strconv.Itoa(n) + " жалпы білім беретін мектеп, " + loc.KK + " қ."
	}
	return "Средняя школа №" + strconv.Itoa(n) + ", г. " + loc.RU
}

func writeEducation(x *run) error {
	w, r := x.w, x.r
	y, _, _ := w.asOf.ymd()
	yearStart := mkDate(y, 9, 1)
	if w.asOf < yearStart {
		yearStart = mkDate(y-1, 9, 1)
	}
	var es []enrolment
	for hi := range w.hhs {
		h := &w.hhs[hi]
		kk := chance(r, 0.1)
		if h0 := &w.people[h.first]; h0.eth == kazakh {
			kk = chance(r, 0.8)
		}
		for i, p := range w.members(h) {
			if !p.alive() {
				continue
			}
			a := age(p.birth, yearStart)
			switch {
			case a >= 6 && a <= 16 && chance(r, 0.985):
				g := a - 5
				es = append(es, enrolment{who: h.first + int32(i), school: schoolName(w, h, kk, 0), grade: g, kk: kk,
					enrolled: yearStart.addYears(-(g - 1))})
			case a >= 17 && a <= 22 && chance(r, 0.35):
				g := min(a-16, 4) // older students started later or repeat a year
				es = append(es, enrolment{who: h.first + int32(i), school: universities[universityPick.pick(r)], uni: true,
					grade: g, kk: chance(r, 0.5), enrolled: yearStart.addYears(-(g - 1)), partTime: chance(r, 0.2)})
			}
		}
	}
	var pupils []int
	for i, e := range es {
		if !e.uni {
			pupils = append(pupils, i)
		}
	}
	for _, i := range plantShare(x, pupils, 0.003, 3) {
		es[i].twice = true
		e := es[i]
		h := &w.hhs[w.people[e.who].hh]
		e.school = schoolName(w, h, e.kk, 1+r.IntN(5))
		if e.school == es[i].school {
			e.school = "Школа-лицей №" + strconv.Itoa(71+r.IntN(20))
		}
		e.enrolled = dayBetween(r, yearStart, w.asOf-1)
		es = append(es, e)
	}
	r.Shuffle(len(es), func(i, j int) { es[i], es[j] = es[j], es[i] })

	o := &object{w: x.out.w}
	var buf []byte
	for n, e := range es {
		p := &w.people[e.who]
		buf = append(buf[:0], 'S')
		buf = appendPadded(buf, int64(n+1), 10)
		id := string(buf)
		o.str("studentId", id)
		o.str("iin", p.iin)
		o.str("lastName", p.last)
		o.str("firstName", p.first)
		o.str("middleName", p.middle)
		o.date("birthDate", p.birth, layoutISO)
		if p.sex == kz.Male {
			o.str("gender", "male")
		} else {
			o.str("gender", "female")
		}
		o.str("institution", e.school)
		if e.uni {
			o.str("institutionType", "university")
		} else {
			o.str("institutionType", "school")
		}
		if e.partTime {
			o.str("studyForm", "заочная")
		} else {
			o.str("studyForm", "очная")
		}
		o.int("grade", int64(e.grade))
		if e.kk {
			o.str("language", "kk")
		} else {
			o.str("language", "ru")
		}
		o.date("enrolledOn", e.enrolled, layoutISO)
		o.str("region", w.geo.region(w.hhs[p.hh].addr).EN)
		o.end()
		x.truth.person(id, p.iin)
		if e.twice {
			x.truth.defect(defEnrolledTwice, id, e.school)
		}
	}
	x.rows = o.rows
	return nil
}
