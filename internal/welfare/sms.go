package welfare

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/ortaq/ortaq/internal/benefits"
)

// OfferSMS is the text of an offer's SMS in lang (kk, ru or en; "" — the
// citizen's language is unknown — gives Kazakh and Russian): the
// programme, the amount, why in one line, the date of the registers' data
// the decision rests on, and the wallet page where the citizen answers
// and reads every fact with its agency. One language fits in three SMS
// segments.
func OfferSMS(cat *benefits.Catalog, lang string, d *benefits.Decision) string {
	if lang == "" {
		return words(offerLine(cat, "kk", d), asOfLine("kk", d)) + "\n" + words(offerLine(cat, "ru", d), asOfLine("ru", d)) +
			"\n" + words(smsTexts["kk"].accept, "/", smsTexts["ru"].accept, offerPage)
	}
	if _, ok := smsTexts[lang]; !ok {
		lang = "ru"
	}
	return words(offerLine(cat, lang, d), asOfLine(lang, d), smsTexts[lang].accept, offerPage)
}

// words joins the parts that are not empty with spaces.
func words(parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " ")
}

var smsTexts = map[string]struct{ month, once, asOf, accept string }{
	"kk": {"ortaq: сізге «%s» ұсынылады: айына %s ₸.", "ortaq: сізге «%s» ұсынылады: біржолғы %s ₸.",
		"Тізілім деректері: %s.", "Әмиянда қабылдаңыз:"},
	"ru": {"ortaq: вам предложено «%s»: %s ₸ в месяц.", "ortaq: вам предложено «%s»: %s ₸ единовременно.",
		"Данные реестров на %s.", "Примите в кошельке:"},
	"en": {"ortaq: you are offered \"%s\": %s ₸ a month.", "ortaq: you are offered \"%s\": %s ₸ once.",
		"Register data as of %s.", "Accept in your wallet:"},
}

func offerLine(cat *benefits.Catalog, lang string, d *benefits.Decision) string {
	t, ok := smsTexts[lang]
	if !ok {
		lang, t = "ru", smsTexts["ru"]
	}
	title := d.Programme
	for _, p := range cat.Programmes {
		if p.ID == d.Programme && p.Title[lang] != "" {
			title = p.Title[lang]
		}
	}
	line := t.month
	if d.Period == "once" {
		line = t.once
	}
	line = fmt.Sprintf(line, title, Tenge(d.Amount.Int64()))
	if w := why(lang, d); w != "" {
		line += " " + w
	}
	return line
}

// whyTexts say in one line why a programme's household is eligible, from
// its trace's steps by name: a let step gives its value, a per-person step
// the number of persons it kept. A programme without a text here, or a
// version without the steps named, gets none.
var whyTexts = map[string]map[string]string{
	"asp": {"kk": "Жан басына табыс {per_capita} ₸, кедейлік шегі {line} ₸.",
		"ru": "Доход на человека {per_capita} ₸ при черте бедности {line} ₸.",
		"en": "Income per person {per_capita} ₸, poverty line {line} ₸."},
	"large_family": {"kk": "Ескерілетін балалар: {counted}.", "ru": "Детей в семье: {counted}.", "en": "Children counted: {counted}."},
	"birth":        {"kk": "Жаңа туған бала: {born}.", "ru": "Новорождённых: {born}.", "en": "Newborn children: {born}."},
	"childcare":    {"kk": "1,5 жасқа дейінгі бала: {infants}.", "ru": "Детей до 1,5 лет: {infants}.", "en": "Children under 1.5: {infants}."},
	"disability":   {"kk": "Мүгедектігі бар адам: {disabled}.", "ru": "Лиц с инвалидностью: {disabled}.", "en": "Persons with a disability: {disabled}."},
}

func why(lang string, d *benefits.Decision) string {
	t := whyTexts[d.Programme][lang]
	if t == "" || d.Trace == nil {
		return ""
	}
	for _, st := range d.Trace.Steps {
		key := "{" + st.Name + "}"
		if !strings.Contains(t, key) {
			continue
		}
		var v string
		if st.Persons != nil { // a per-person step: how many it kept
			t = strings.ReplaceAll(t, key, strconv.Itoa(len(st.Persons)))
			continue
		}
		switch x := st.Value.V.(type) {
		case benefits.Money:
			v = Tenge(x.Round().Int64())
		case int64:
			v = strconv.FormatInt(x, 10)
		default:
			v = fmt.Sprint(x)
		}
		t = strings.ReplaceAll(t, key, v)
	}
	if strings.Contains(t, "{") {
		return "" // a step this version does not have
	}
	return t
}

// asOfLine says, in lang, the date of the latest register data the
// decision read ("Данные реестров на 01.11.2026."); "" when the
// decision names no source.
func asOfLine(lang string, d *benefits.Decision) string {
	if d.Trace == nil {
		return ""
	}
	latest := ""
	for _, src := range d.Trace.Sources {
		latest = max(latest, src.AsOf)
	}
	day, err := benefits.ParseDate(latest)
	if err != nil {
		return ""
	}
	y, m, dd := day.YMD()
	return fmt.Sprintf(smsTexts[lang].asOf, fmt.Sprintf("%02d.%02d.%d", dd, m, y))
}

// Tenge writes whole tenge with spaces between thousands: 121 360.
func Tenge(n int64) string {
	s := strconv.FormatInt(max(n, -n), 10)
	var b strings.Builder
	if n < 0 {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
