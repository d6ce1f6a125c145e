package synth

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/kz"
)

// socialExtract is the register of social payments: pensions, disability,
// large-family, childcare and survivor's benefits and targeted assistance,
// one row per person and benefit. Some dead people are still being paid.
var socialExtract = extract{
	spec: sourceSpec{
		name: "social_benefits", trust: "60", agency: "mlsp", entity: "person",
		title:      "Social payments register",
		file:       "social/benefits.csv",
		format:     "csv",
		delimiter:  ",",
		encoding:   "utf-8",
		id:         "Номер",
		dateFormat: layoutDMY.String(),
		header:     []string{"Номер", "ИИН", "Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Вид выплаты", "Размер, тг", "Дата назначения", "Регион", "Email"},
		fields: []fieldSpec{
			col("national_id", "ИИН"),
			col("last_name", "Фамилия"),
			col("first_name", "Имя"),
			col("middle_name", "Отчество"),
			col("birth_date", "Дата рождения"),
			{attr: "sex", columns: []string{"Пол"}, values: [][2]string{{"Е", "M"}, {"Ә", "F"}}},
			col("benefit", "Вид выплаты"),
			{attr: "amount", columns: []string{"Размер, тг"}, typ: "number"},
			col("benefit_start_date", "Дата назначения"),
			col("region", "Регион"),
			col("email", "Email"),
		},
	},
	write: writeSocial,
}

// Benefit names as the register writes them.
const (
	benefitPension    = "Пенсионная выплата по возрасту"
	benefitDisability = "Пособие по инвалидности"
	benefitLarge      = "Пособие многодетной семье"
	benefitChildcare  = "Пособие по уходу за ребенком до 1,5 лет"
	benefitSurvivor   = "Пособие по случаю потери кормильца"
	benefitTargeted   = "Адресная социальная помощь"
)

type payment struct {
	who     int32
	benefit string
	amount  int64 // tiyn (1/100 tenge)
	since   date
	dead    bool // planted: the recipient has died
}

// pensionAge is the retirement age: 63 for men, 61 for women.
func pensionAge(sex kz.Sex) int {
	if sex == kz.Male {
		return 63
	}
	return 61
}

func writeSocial(x *run) error {
	w, r := x.w, x.r
	var pays []payment
	money := func(lo, hi int) int64 { return int64(between(r, lo, hi)) * 100 }
	since := func(from date) date { return dayBetween(r, min(from, w.asOf-1), w.asOf-1) }

	for hi := range w.hhs {
		h := &w.hhs[hi]
		ms := w.members(h)
		var kids, infants []int32
		for i := range ms {
			p := &ms[i]
			pi := h.first + int32(i)
			if !p.alive() {
				continue
			}
			a := age(p.birth, w.asOf)
			if a >= pensionAge(p.sex) {
				from := max(p.birth.addYears(pensionAge(p.sex)), mkDate(1998, 1, 1))
				pays = append(pays, payment{who: pi, benefit: benefitPension, amount: money(90_000, 260_000), since: min(from+date(r.IntN(60)), w.asOf-1)})
			}
			if p.disab >= 1 && p.disab <= 3 && a >= 18 {
				pays = append(pays, payment{who: pi, benefit: benefitDisability, amount: money(40_000, 120_000) * int64(4-p.disab) / 2, since: since(max(p.birth.addYears(18), mkDate(1998, 1, 1)))})
			}
			if p.role == roleChild && a < 18 {
				kids = append(kids, pi)
				if w.asOf-p.birth < 548 {
					infants = append(infants, pi)
				}
				for _, par := range []int32{p.father, p.mother} {
					if par >= 0 && !w.people[par].alive() {
						pays = append(pays, payment{who: pi, benefit: benefitSurvivor, amount: money(30_000, 70_000), since: since(w.people[par].death + 30)})
						break
					}
				}
			}
		}
		carer := int32(-1) // the mother, else the father
		for i := range ms {
			if ms[i].alive() && (ms[i].role == roleSpouse || ms[i].role == roleHead) && ms[i].sex == kz.Female {
				carer = h.first + int32(i)
			}
		}
		if carer < 0 && ms[0].alive() && ms[0].role == roleHead && len(kids) > 0 {
			carer = h.first
		}
		if carer < 0 {
			continue
		}
		if len(kids) >= 4 {
			youngest := w.people[kids[len(kids)-1]].birth
			pays = append(pays, payment{who: carer, benefit: benefitLarge, amount: int64(len(kids)) * money(15_000, 17_000), since: since(youngest)})
		}
		for _, k := range infants {
			pays = append(pays, payment{who: carer, benefit: benefitChildcare, amount: money(20_000, 95_000), since: min(w.people[k].birth+date(between(r, 20, 60)), w.asOf-1)})
		}
		if len(kids) > 0 && len(kids) < 4 && chance(r, 0.04) {
			pays = append(pays, payment{who: carer, benefit: benefitTargeted, amount: money(10_000, 60_000), since: since(w.asOf.addYears(-3))})
		}
	}

	// The dead still being paid: pensioners and disabled people whose death
	// never reached the payments register.
	var eligible []int32
	for _, i := range w.dead {
		p := &w.people[i]
		if age(p.birth, p.death) >= pensionAge(p.sex) || (p.disab >= 1 && p.disab <= 3) {
			eligible = append(eligible, i)
		}
	}
	for _, i := range plantShare(x, eligible, 0.1, 3) {
		p := &w.people[i]
		pay := payment{who: i, benefit: benefitDisability, amount: money(40_000, 120_000), dead: true}
		if a := pensionAge(p.sex); age(p.birth, p.death) >= a {
			pay.benefit, pay.amount = benefitPension, money(90_000, 260_000)
			pay.since = dayBetween(r, min(p.birth.addYears(a), p.death-1), p.death-1)
		} else {
			pay.since = dayBetween(r, min(p.birth.addYears(18), p.death-1), p.death-1)
		}
		pays = append(pays, pay)
	}
	slices.SortStableFunc(pays, func(a, b payment) int {
		return cmp.Or(cmp.Compare(a.since, b.since), strings.Compare(w.people[a.who].iin, w.people[b.who].iin))
	})

	t := newTable(x.out.w, ',', x.spec.header...)
	var buf []byte
	for n, pay := range pays {
		p := &w.people[pay.who]
		buf = append(buf[:0], "SP-"...)
		buf = appendPadded(buf, int64(n+1), 8)
		id := string(buf)
		t.plain(id)
		if !pay.dead && !x.clean && chance(r, 0.002) {
			bad := mistypeIIN(r, p.iin)
			t.plain(bad)
			x.truth.defect(defIINCheckDigit, id, "iin "+bad+" for "+p.iin)
		} else {
			t.plain(p.iin)
		}
		t.str(p.last)
		t.str(p.first)
		t.str(p.middle)
		t.date(p.birth, layoutDMY)
		if p.sex == kz.Male {
			t.str("Е")
		} else {
			t.str("Ә")
		}
		t.str(pay.benefit)
		buf = appendMoney(buf[:0], pay.amount)
		t.bytes(buf)
		t.date(pay.since, layoutDMY)
		t.str(w.geo.region(w.hhs[p.hh].addr).RU)
		if age(p.birth, w.asOf) < 60 && chance(r, 0.2) {
			buf = appendEmail(buf[:0], r.IntN(len(emailDomains)), p)
			t.bytes(buf)
		} else {
			t.empty()
		}
		t.end()
		x.truth.person(id, p.iin)
		if pay.dead {
			x.truth.defect(defDeadBenefit, id, "died "+string(appendDate(nil, p.death, layoutISO))+", "+pay.benefit)
		}
	}
	x.rows = t.rows
	return nil
}

// appendMoney writes tiyn as tenge with a decimal comma: 6345000 → "63450,00".
func appendMoney(b []byte, tiyn int64) []byte {
	b = strconv.AppendInt(b, tiyn/100, 10)
	b = append(b, ',')
	return append2(b, int(tiyn%100))
}

var emailDomains = []string{"mail.ru", "gmail.com", "inbox.ru", "yandex.kz", "bk.ru", "list.ru"}

// appendEmail writes an address built from the passport spelling of the
// name: "nurlan.akhmetov85@mail.ru".
func appendEmail(b []byte, domain int, p *person) []byte {
	b = append(b, strings.ToLower(kz.LatinICAO(p.first))...)
	b = append(b, '.')
	b = append(b, strings.ToLower(kz.LatinICAO(p.last))...)
	y, _, _ := p.birth.ymd()
	b = append2(b, y%100)
	b = append(b, '@')
	return append(b, emailDomains[domain]...)
}
