package synth

import (
	"math"
	"strconv"

	"github.com/ortaq/ortaq/internal/kz"
)

// taxExtract is the employers' monthly income declarations for the last
// two years: one row per employee and month. People change jobs, start and
// stop working, and mothers stop for childcare leave; some rows declare
// income for people who had already died.
var taxExtract = extract{
	spec: sourceSpec{
		name: "tax_incomes", trust: "60", agency: "kgd", entity: "person",
		title:     "Monthly employee income declarations (form 200)",
		file:      "tax/incomes.csv",
		format:    "csv",
		delimiter: ",",
		encoding:  "utf-8",
		id:        "DOC_ID",
		header:    []string{"DOC_ID", "IIN", "TAXPAYER", "PERIOD", "EMPLOYER_BIN", "EMPLOYER", "INCOME", "IPN"},
		fields: []fieldSpec{
			col("national_id", "IIN"),
			col("full_name", "TAXPAYER"),
			col("period", "PERIOD"),
			col("employer_bin", "EMPLOYER_BIN"),
			col("employer", "EMPLOYER"),
			{attr: "income", columns: []string{"INCOME"}, typ: "number"},
			{attr: "income_tax", columns: []string{"IPN"}, typ: "number"},
		},
	},
	write: writeTax,
}

// taxMonths is how many recent months the extract covers: the 24 full
// months before the as-of date, over which benefits average incomes.
const taxMonths = 24

// leaveDays is how long a mother stays away from work after a birth:
// childcare leave runs until the child is one and a half.
const leaveDays = 548

type employer struct {
	bin, name string
	region    uint8
}

var (
	employerWords = []string{"Алтын", "Береке", "Самал", "Кемел", "Жібек", "Нұр", "Байтерек", "Алатау", "Сұңқар",
		"Шапағат", "Евразия", "Дала", "Тұлпар", "Сарыарқа", "Астана", "Каспий", "Ертіс", "Бірлік"}
	employerTrades = []string{"Құрылыс", "Строй", "Сервис", "Транс", "Агро", "Трейд", "Логистик", "Мұнай", "Энерго", "Фарм", "Медиа", "Гарант"}
)

// makeEmployers creates n employers with valid BINs, spread over regions by
// population. Half of the names use ASCII quotes, which CSV must escape.
func (x *run) makeEmployers(n int) []employer {
	r := x.r
	out := make([]employer, n)
	for i := range out {
		y, m := between(r, 1995, 2024), between(r, 1, 12)
		b := []byte{byte('0' + y/10%10), byte('0' + y%10), byte('0' + m/10), byte('0' + m%10), '4', '0'}
		for serial := 10000 + i*7; ; serial++ {
			d := appendPadded(append([]byte(nil), b...), int64(serial%100000), 5)
			if c, ok := kz.CheckDigit(string(d)); ok {
				out[i].bin = string(append(d, c))
				break
			}
		}
		var name string
		switch u := r.Float64(); {
		case u < 0.15:
			name = "ГУ «Школа-гимназия №" + strconv.Itoa(between(r, 1, 90)) + "»"
		case u < 0.25:
			name = "АО «" + employerWords[r.IntN(len(employerWords))] + " " + employerTrades[r.IntN(len(employerTrades))] + "»"
		default:
			name = "ТОО «" + employerWords[r.IntN(len(employerWords))] + "-" + employerTrades[r.IntN(len(employerTrades))] + "»"
		}
		if chance(r, 0.5) {
			name = replaceGuillemets(name)
		}
		out[i].name = name
		out[i].region = uint8(x.w.geo.pick.pick(r))
	}
	return out
}

func replaceGuillemets(s string) string {
	b := make([]rune, 0, len(s))
	for _, c := range s {
		if c == '«' || c == '»' {
			c = '"'
		}
		b = append(b, c)
	}
	return string(b)
}

func writeTax(x *run) error {
	w, r := x.w, x.r
	emps := x.makeEmployers(max(20, len(w.people)/40))
	byRegion := make([][]int32, len(w.geo.regions))
	for i, e := range emps {
		byRegion[e.region] = append(byRegion[e.region], int32(i))
	}
	y, m, _ := w.asOf.ymd()
	var periods [taxMonths]struct {
		start date
		label string
	}
	for k := range taxMonths {
		pm, py := m-taxMonths+k, y
		for pm < 1 {
			pm, py = pm+12, py-1
		}
		periods[k].start = mkDate(py, pm, 1)
		periods[k].label = string(append2(append(append4(nil, py), '-'), pm))
	}

	// Who works where, for how much; who is still declared after death.
	workingAge := func(p *person, at date) bool {
		a := age(p.birth, at)
		return a >= 18 && a < pensionAge(p.sex)
	}
	var candidates []int32
	for _, i := range w.dead {
		p := &w.people[i]
		if workingAge(p, p.death) && p.death < periods[taxMonths-1].start {
			candidates = append(candidates, i)
		}
	}
	ghost := map[int32]bool{}
	for _, i := range plantShare(x, candidates, 0.15, 3) {
		ghost[i] = true
	}
	emp := make([]int32, len(w.people))
	salary := make([]float64, len(w.people))
	// from, to bound the months (indices into periods) someone works.
	from, to := make([]uint8, len(w.people)), make([]uint8, len(w.people))
	regionPay := map[string]float64{"atyrau": 1.8, "mangystau": 1.5, "astana": 1.4, "almaty": 1.3, "ulytau": 1.1, "karaganda": 1.05}
	for i := range w.people {
		p := &w.people[i]
		emp[i] = -1
		at := w.asOf
		if !p.alive() {
			at = p.death
		}
		rate := 0.65
		if p.sex == kz.Female {
			rate = 0.55
		}
		if !ghost[int32(i)] && (!workingAge(p, at) || !chance(r, rate)) {
			continue
		}
		reg := w.hhs[p.hh].addr.region
		pool := byRegion[reg]
		if len(pool) == 0 || chance(r, 0.1) {
			emp[i] = int32(r.IntN(len(emps)))
		} else {
			emp[i] = pool[r.IntN(len(pool))]
		}
		mult, ok := regionPay[w.geo.regions[reg].Code]
		if !ok {
			mult = 0.9
		}
		if chance(r, 0.25) { // a job paid near the minimum wage
			salary[i] = 85_000 * (1 + 0.6*r.Float64())
		} else {
			salary[i] = 300_000 * mult * math.Exp(0.45*r.NormFloat64())
		}
		from[i], to[i] = 0, taxMonths
		switch u := r.Float64(); {
		case u < 0.1: // started working in the window
			from[i] = uint8(between(r, 1, taxMonths-1))
		case u < 0.2 && !ghost[int32(i)]: // stopped working in the window
			to[i] = uint8(between(r, 1, taxMonths-1))
		}
	}
	// Mothers on childcare leave: the latest birth of each mother.
	lastBirth := map[int32]date{}
	since := periods[0].start - leaveDays
	for i := range w.people {
		if p := &w.people[i]; p.mother >= 0 && p.birth >= since && p.birth > lastBirth[p.mother] {
			lastBirth[p.mother] = p.birth
		}
	}
	onLeave := func(i int, start date) bool {
		b, ok := lastBirth[int32(i)]
		return ok && start >= b-31 && start < b+leaveDays
	}

	t := newTable(x.out.w, ',', x.spec.header...)
	var buf []byte
	n := 0
	for k, per := range periods {
		for i := range w.people {
			if emp[i] < 0 {
				continue
			}
			p := &w.people[i]
			after := !p.alive() && per.start > p.death
			if after && !ghost[int32(i)] {
				continue
			}
			if !after && (k < int(from[i]) || k >= int(to[i]) || onLeave(i, per.start) || chance(r, 0.02)) {
				continue
			}
			n++
			buf = append(buf[:0], "FNO-"...)
			buf = appendPadded(buf, int64(n), 9)
			id := string(buf)
			e := &emps[emp[i]]
			t.plain(id)
			t.plain(p.iin)
			buf = appendFullName(buf[:0], p)
			t.bytes(buf)
			t.plain(per.label)
			t.plain(e.bin)
			t.str(e.name)
			income := int64(salary[i]*(0.9+0.2*r.Float64())) * 100
			buf = appendDecimal(buf[:0], income)
			t.bytes(buf)
			buf = appendDecimal(buf[:0], income*9/100)
			t.bytes(buf)
			t.end()
			x.truth.person(id, p.iin)
			if after {
				x.truth.defect(defIncomeForDead, id, "period "+per.label+", died "+string(appendDate(nil, p.death, layoutISO)))
			}
		}
	}
	x.rows = t.rows
	return nil
}

// appendDecimal writes tiyn as tenge with a decimal point: "350000.00".
func appendDecimal(b []byte, tiyn int64) []byte {
	b = strconv.AppendInt(b, tiyn/100, 10)
	b = append(b, '.')
	return append2(b, int(tiyn%100))
}
