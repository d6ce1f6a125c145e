package view

import (
	"strconv"
	"time"

	"github.com/ortaq/ortaq/internal/ledger"
)

// Tenge shows an amount the ledger counts in tiyn as its reader writes
// it: "34 500 ₸" in Kazakh and Russian, "34,500 ₸" in English, with the
// tiyn only when there are some ("1 250,50 ₸"). It works on integers: money
// is never a float.
func (l Locale) Tenge(tiyn int64) string {
	return l.Num(tiynDecimal(tiyn)) + "\u00a0₸"
}

// SignedTenge is Tenge with a sign: "+34 500 ₸" for money in, "−12 000 ₸"
// (a true minus sign) for money out.
func (l Locale) SignedTenge(tiyn int64) string {
	if tiyn > 0 {
		return "+" + l.Tenge(tiyn)
	}
	return l.Tenge(tiyn)
}

// tiynDecimal writes tiyn as a decimal string of tenge, as Num reads one:
// "34500", "1250.50", "-12000".
func tiynDecimal(tiyn int64) string {
	sign := ""
	u := uint64(tiyn)
	if tiyn < 0 {
		sign, u = "-", uint64(-tiyn)
	}
	s := sign + strconv.FormatUint(u/100, 10)
	if f := u % 100; f != 0 {
		s += "." + strconv.FormatUint(f/10, 10) + strconv.FormatUint(f%10, 10)
	}
	return s
}

// Ledger names an earmarked category in the reader's language: "Food",
// "Азық-түлік", "Продукты".
func (l Locale) Ledger(g ledger.Ledger) string { return l.Label("ledger.", g.String()) }

// monthNames are the months in the nominative, as a month stands alone
// ("for November", "за ноябрь", "қараша айына").
var monthNames = map[string][12]string{
	"kk": {"қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым", "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан"},
	"ru": {"январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// Month names a calendar month "YYYY-MM" in the reader's language, in
// the nominative and without the year when it is the year of now:
// "November", "ноябрь 2025". Anything else is shown as it is.
func (l Locale) Month(month string, now time.Time) string {
	t, err := time.Parse("2006-01", month)
	names, ok := monthNames[l.Lang]
	if err != nil || !ok {
		return month
	}
	name := names[t.Month()-1]
	if t.Year() == now.Year() {
		return name
	}
	if l.Lang == "kk" {
		return strconv.Itoa(t.Year()) + " жылғы " + name
	}
	return name + " " + strconv.Itoa(t.Year())
}

// ledgerMessages name the ledgers, the earmarked categories of the
// social wallet, for the citizen's and the ministry's pages.
var ledgerMessages = Messages{
	"ledger.food":           {"kk": "Азық-түлік", "ru": "Продукты питания", "en": "Food"},
	"ledger.school_meals":   {"kk": "Мектептегі тамақ", "ru": "Школьное питание", "en": "School meals"},
	"ledger.medicine":       {"kk": "Дәрі-дәрмек", "ru": "Лекарства", "en": "Medicine"},
	"ledger.rehabilitation": {"kk": "Оңалту", "ru": "Реабилитация", "en": "Rehabilitation"},
	"ledger.utilities":      {"kk": "Коммуналдық қызметтер", "ru": "Коммунальные услуги", "en": "Utilities"},
	"ledger.cash":           {"kk": "Ақша", "ru": "Деньги", "en": "Cash"},
}

func init() { Register(ledgerMessages) }
