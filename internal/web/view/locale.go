package view

import (
	"fmt"
	"math"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/ortaq/ortaq/internal/quality"
	"github.com/ortaq/ortaq/internal/resolve"
	"github.com/ortaq/ortaq/internal/source"
)

// DefaultLang is the language of a page whose reader asked for none: Kazakh,
// the state language. API problem titles stay in English: they are for
// programs and their logs, and RFC 9457 ties them to the status phrase.
const DefaultLang = "kk"

// Languages lists the UI languages in switcher order, each named in itself
// so that a reader finds their own language without knowing the current one.
var Languages = []struct{ Code, Name string }{
	{"kk", "Қазақша"},
	{"ru", "Русский"},
	{"en", "English"},
}

// langCookie remembers a language chosen with ?lang= across pages.
const langCookie = "lang"

// Messages is a part of the catalogue: message key -> language -> text.
// Keeping the three translations of a message side by side makes a missing
// or stale one easy to see. Texts with %s or %d take arguments through
// Locale.F.
type Messages = map[string]map[string]string

// catalogue holds every registered message. Parts are registered by the
// packages that own them, in their init functions, as x/text's own
// catalogue is: a message is one process-wide fact, not a server's state.
var catalogue = Messages{}

// Register adds parts to the catalogue. A key registered twice is a
// programming mistake that would silently hide one translation, so it
// panics at start-up.
func Register(parts ...Messages) {
	for _, p := range parts {
		for k, v := range p {
			if _, dup := catalogue[k]; dup {
				panic("view: message " + k + " is registered twice")
			}
			catalogue[k] = v
		}
	}
}

// Known reports whether key is in the catalogue.
func Known(key string) bool {
	_, ok := catalogue[key]
	return ok
}

// Keys returns every registered key, for tests that hold templates and
// catalogue to each other.
func Keys() []string {
	keys := make([]string, 0, len(catalogue))
	for k := range catalogue {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Text returns the text of key in lang and whether there is one.
func Text(key, lang string) (string, bool) {
	s, ok := catalogue[key][lang]
	return s, ok
}

// The quality engine's texts (finding reasons, fixes, check descriptions)
// are its own, kept next to its code; the pages render them.
func init() {
	Register(baseMessages, entityMessages, attrMessages, exchangeMessages, benefitMessages, quality.Messages, resolve.ReasonMessages)
}

// baseMessages are the frame's and the ingest pages' messages.
var baseMessages = Messages{
	"brand.tagline": {
		"kk": "Ұлттық деректер платформасы",
		"ru": "Национальная платформа данных",
		"en": "National data platform",
	},
	"nav.api":      {"kk": "API сипаттамасы", "ru": "Описание API", "en": "API reference"},
	"nav.language": {"kk": "Тіл", "ru": "Язык", "en": "Language"},

	"index.title": {"kk": "Ұлттық деректер мониторингі", "ru": "Национальный мониторинг данных", "en": "National data monitor"},
	"index.lead": {
		"kk": "Мемлекеттік органдар деректерінің сапасы: ұлттық балл, мекемелер, өңірлер және соңғы сигналдар. Барлық сандар тікелей қоймадан алынады.",
		"ru": "Качество данных государственных органов: национальный балл, ведомства, регионы и последние сигналы. Все цифры берутся прямо из хранилища.",
		"en": "The quality of the state's data: the national score, agencies, regions and the latest alerts. Every number comes straight from the store.",
	},
	"empty.title": {"kk": "Әзірге деректер жоқ", "ru": "Данных пока нет", "en": "No data yet"},
	"empty.hint": {
		"kk": "Дереккөздер келісімшартын тіркеп, үзінділерді жүктеу үшін мынаны іске қосыңыз:",
		"ru": "Чтобы зарегистрировать источники и загрузить выгрузки, выполните:",
		"en": "To register the sources and load their extracts, run:",
	},

	"stat.agencies":    {"kk": "Мекемелер", "ru": "Ведомства", "en": "Agencies"},
	"stat.sources":     {"kk": "Дереккөздер", "ru": "Источники", "en": "Sources"},
	"stat.live":        {"kk": "Өзекті жазбалар", "ru": "Актуальные записи", "en": "Live records"},
	"stat.versions":    {"kk": "Нұсқалар", "ru": "Версии", "en": "Versions"},
	"stat.flagged":     {"kk": "Ескертпесі бар", "ru": "С замечаниями", "en": "Flagged"},
	"stat.quarantined": {"kk": "Карантинде", "ru": "В карантине", "en": "Quarantined"},
	"stat.runs":        {"kk": "Жүктеулер", "ru": "Загрузки", "en": "Runs"},

	"help.live": {
		"kk": "соңғы нұсқасы жойылмаған жазбалар",
		"ru": "записи, последняя версия которых не удалена",
		"en": "records whose latest version is not deleted",
	},
	"help.versions": {
		"kk": "барлық жүктеулерде сақталған жазба нұсқалары",
		"ru": "версии записей, сохранённые всеми загрузками",
		"en": "record versions stored by all runs",
	},
	"help.flagged": {
		"kk": "сақталған, бірақ кемінде бір өрісі жарамсақ нұсқалар (мысалы, ЖСН бақылау саны қате)",
		"ru": "сохранённые версии, где хотя бы одно поле некорректно (например, неверная контрольная цифра ИИН)",
		"en": "stored versions with at least one invalid field (a wrong IIN check digit, for example)",
	},
	"help.quarantined": {
		"kk": "сақталмаған жолдар: файлы, жолы және себебі көрсетіледі",
		"ru": "строки, которые не сохранены: с файлом, строкой и причиной",
		"en": "rows that were not stored, kept with their file, line and reason",
	},

	"agency.code":      {"kk": "Коды", "ru": "Код", "en": "Code"},
	"agency.nosources": {"kk": "Бұл мекеменің тіркелген дереккөзі жоқ.", "ru": "У ведомства нет зарегистрированных источников.", "en": "This agency has no registered sources."},

	"col.source":    {"kk": "Дереккөз", "ru": "Источник", "en": "Source"},
	"col.entity":    {"kk": "Түрі", "ru": "Тип", "en": "Kind"},
	"col.lastrun":   {"kk": "Соңғы жүктеу", "ru": "Последняя загрузка", "en": "Last run"},
	"col.run":       {"kk": "№", "ru": "№", "en": "Run"},
	"col.file":      {"kk": "Файл", "ru": "Файл", "en": "File"},
	"col.line":      {"kk": "Жол", "ru": "Строка", "en": "Line"},
	"col.field":     {"kk": "Өріс", "ru": "Поле", "en": "Field"},
	"col.code":      {"kk": "Код", "ru": "Код", "en": "Code"},
	"col.reason":    {"kk": "Себебі", "ru": "Причина", "en": "Reason"},
	"col.raw":       {"kk": "Бастапқы жол", "ru": "Исходная строка", "en": "Raw row"},
	"col.mode":      {"kk": "Режим", "ru": "Режим", "en": "Mode"},
	"col.started":   {"kk": "Басталды", "ru": "Начало", "en": "Started"},
	"col.duration":  {"kk": "Ұзақтығы", "ru": "Длительность", "en": "Duration"},
	"col.rows":      {"kk": "Жолдар", "ru": "Строки", "en": "Rows"},
	"col.stored":    {"kk": "Сақталды", "ru": "Сохранено", "en": "Stored"},
	"col.unchanged": {"kk": "Өзгермеген", "ru": "Без изменений", "en": "Unchanged"},
	"col.deleted":   {"kk": "Жойылды", "ru": "Удалено", "en": "Deleted"},
	"col.liveafter": {"kk": "Кейін өзекті", "ru": "Актуальных после", "en": "Live after"},

	"run.never": {"kk": "Әлі жүктелмеген", "ru": "Ещё не загружался", "en": "Never loaded"},
	// Counts are written "label: n" so that no language needs plural forms.
	"run.summary": {
		"kk": "жолдар: %s · сақталды: %s · өзгермеген: %s · карантинде: %s · жойылды: %s",
		"ru": "строк: %s · сохранено: %s · без изменений: %s · в карантине: %s · удалено: %s",
		"en": "rows: %s · stored: %s · unchanged: %s · quarantined: %s · deleted: %s",
	},
	"run.none": {"kk": "Әзірге жүктеу болмаған.", "ru": "Загрузок ещё не было.", "en": "No runs yet."},

	"mode.full":  {"kk": "толық", "ru": "полная", "en": "full"},
	"mode.delta": {"kk": "өзгерістер", "ru": "изменения", "en": "delta"},

	"entity.person":       {"kk": "Адам", "ru": "Человек", "en": "Person"},
	"entity.animal":       {"kk": "Жануар", "ru": "Животное", "en": "Animal"},
	"entity.event":        {"kk": "Оқиға", "ru": "Событие", "en": "Event"},
	"entity.organisation": {"kk": "Ұйым", "ru": "Организация", "en": "Organisation"},
	"entity.other":        {"kk": "Басқа", "ru": "Другое", "en": "Other"},

	"quarantine.title": {"kk": "Карантин", "ru": "Карантин", "en": "Quarantine"},
	"quarantine.lead": {
		"kk": "Сақталмаған жолдар және себебі. Соңғы %s жол көрсетілген (барлығы %s).",
		"ru": "Строки, которые не удалось сохранить, и причина. Показаны последние %s (всего %s).",
		"en": "Rows that could not be stored, and why. Showing the latest %s of %s.",
	},
	"quarantine.empty": {"kk": "Карантинде жол жоқ.", "ru": "В карантине нет строк.", "en": "No rows in quarantine."},

	"code.column_count":     {"kk": "Бағандар саны сәйкес емес", "ru": "Неверное число столбцов", "en": "Wrong column count"},
	"code.bad_quoting":      {"kk": "Тырнақшалар қате", "ru": "Ошибка в кавычках", "en": "Broken quoting"},
	"code.not_utf8":         {"kk": "UTF-8 емес байттар", "ru": "Байты не в UTF-8", "en": "Not UTF-8"},
	"code.no_record_id":     {"kk": "Жазба идентификаторы жоқ", "ru": "Нет идентификатора записи", "en": "No record id"},
	"code.duplicate_id":     {"kk": "Идентификатор қайталанды", "ru": "Повторный идентификатор", "en": "Duplicate id"},
	"code.required_missing": {"kk": "Міндетті өріс бос", "ru": "Обязательное поле пусто", "en": "Required field empty"},
	"code.bad_json":         {"kk": "JSON нысаны емес", "ru": "Не объект JSON", "en": "Not a JSON object"},
	"code.bad_record_id": {
		"kk": "Идентификаторда жасырын таңба", "ru": "Скрытый символ в идентификаторе", "en": "Hidden character in id",
	},

	// Why a row went to quarantine, by its code, for readers of Kazakh and
	// Russian: the ingest's own reason is English.
	"qwhy.column_count": {
		"kk": "жолдағы бағандар саны тақырыптағыдан өзгеше",
		"ru": "число столбцов в строке не совпадает с заголовком",
		"en": "the row's column count differs from the header's",
	},
	"qwhy.bad_quoting": {
		"kk": "тырнақшалар жабылмаған немесе орнында емес",
		"ru": "кавычки не закрыты или стоят не на месте",
		"en": "a quote is not closed or out of place",
	},
	"qwhy.not_utf8": {
		"kk": "файл UTF-8 кодировкасында емес (мүмкін, windows-1251)",
		"ru": "файл не в кодировке UTF-8 (возможно, windows-1251)",
		"en": "the file is not UTF-8 (windows-1251, perhaps)",
	},
	"qwhy.no_record_id": {
		"kk": "жазба идентификаторы бос",
		"ru": "идентификатор записи пуст",
		"en": "the record id is empty",
	},
	"qwhy.duplicate_id": {
		"kk": "бұл идентификатор файлда бұрын кездескен",
		"ru": "этот идентификатор уже встречался в файле",
		"en": "the record id was already seen in the file",
	},
	"qwhy.required_missing": {
		"kk": "міндетті өріс толтырылмаған",
		"ru": "обязательное поле не заполнено",
		"en": "a required field is empty",
	},
	"qwhy.bad_record_id": {
		"kk": "жазба идентификаторында көрінбейтін таңба бар (NUL, BOM немесе мәтін бағытын басқаратын таңба)",
		"ru": "в идентификаторе записи невидимый символ (NUL, BOM или управляющий направлением текста)",
		"en": "the record id holds an invisible character (NUL, a byte-order mark or a text-direction control)",
	},
	"qwhy.bad_json": {
		"kk": "жол дұрыс JSON нысаны емес",
		"ru": "строка — не корректный объект JSON",
		"en": "the line is not a valid JSON object",
	},

	"source.back":   {"kk": "Барлық дереккөздер", "ru": "Все источники", "en": "All sources"},
	"source.agency": {"kk": "Мекеме", "ru": "Ведомство", "en": "Agency"},
	"source.push": {
		"kk": "Мекеме жүйелері жазбаларды CSV немесе NDJSON түрінде мына мекенжайға жібереді:",
		"ru": "Системы ведомства отправляют записи в CSV или NDJSON на адрес:",
		"en": "Agency systems push records as CSV or NDJSON to:",
	},
	"source.runs": {"kk": "Жүктеулер", "ru": "Загрузки", "en": "Ingest runs"},
	"source.runs.lead": {
		"kk": "Соңғы жүктеулер (%s), жаңасы жоғарыда. Әр жүктеу толығымен сақталады немесе мүлдем сақталмайды.",
		"ru": "Последние загрузки (%s), новые сверху. Каждая загрузка сохраняется целиком или не сохраняется вовсе.",
		"en": "The latest runs (%s), newest first. Each run is stored whole or not at all.",
	},

	"error.notfound": {"kk": "Бет табылмады", "ru": "Страница не найдена", "en": "Page not found"},
	"error.nosource": {"kk": "«%s» атты дереккөз жоқ.", "ru": "Источника «%s» нет.", "en": "There is no source named “%s”."},
	"error.nopage":   {"kk": "Бұл мекенжайда бет жоқ.", "ru": "По этому адресу страницы нет.", "en": "There is no page at this address."},
	"error.internal": {"kk": "Бірдеңе дұрыс болмады", "ru": "Что-то пошло не так", "en": "Something went wrong"},
	"error.internal.lead": {
		"kk": "Бет құрастырылмады. Толығырақ сервер журналында.",
		"ru": "Страницу не удалось построить. Подробности в журнале сервера.",
		"en": "The page could not be built. The server log has the details.",
	},
	"error.unavailable": {
		"kk": "Дерекқор сызбасы ескірген: ortaq migrate іске қосыңыз.",
		"ru": "Схема базы данных устарела: выполните ortaq migrate.",
		"en": "The database schema is outdated: run ortaq migrate.",
	},

	"col.status": {"kk": "Мәртебесі", "ru": "Статус", "en": "Status"},
	"col.value":  {"kk": "Мәні", "ru": "Значение", "en": "Value"},
	"error.badform": {
		"kk": "Пішінде мәртебе дұрыс емес немесе ескертпе тым ұзын. Ештеңе өзгертілмеді.",
		"ru": "В форме неверный статус или слишком длинная заметка. Ничего не изменено.",
		"en": "The form has no valid status or its note is too long. Nothing was changed.",
	},
	"error.badrequest": {"kk": "Қате сұрау", "ru": "Неверный запрос", "en": "Bad request"},
	"error.crosssite": {
		"kk": "Пішін басқа сайттан жіберілген сияқты, сондықтан ештеңе өзгертілмеді. Жұмыс тізімін ашып, қайталап көріңіз.",
		"ru": "Похоже, форма отправлена с другого сайта, поэтому ничего не изменено. Откройте рабочий список и повторите.",
		"en": "The form seems to come from another site, so nothing was changed. Open the work list and try again.",
	},
	"error.forbidden": {"kk": "Сұрау қабылданбады", "ru": "Запрос отклонён", "en": "Request refused"},
	"nav.sections":    {"kk": "Бөлімдер", "ru": "Разделы", "en": "Sections"},

	"footer.db":   {"kk": "Дерекқор", "ru": "База данных", "en": "Database"},
	"footer.time": {"kk": "Уақыт UTC бойынша.", "ru": "Время указано в UTC.", "en": "Times are in UTC."},

	"unit.seconds": {"kk": "%s с", "ru": "%s с", "en": "%s s"},
	"unit.ms":      {"kk": "%s мс", "ru": "%s мс", "en": "%s ms"},
}

// Locale renders messages, numbers and times in one language. Templates
// reach it as .L.
type Locale struct {
	Lang string
}

// T returns the message key in the locale's language. A missing message
// shows its key, which TestTemplatesUseKnownKeys keeps from happening.
func (l Locale) T(key string) string {
	if s, ok := catalogue[key][l.Lang]; ok {
		return s
	}
	return key
}

// F formats the message key with args.
func (l Locale) F(key string, args ...any) string {
	return fmt.Sprintf(l.T(key), args...)
}

// Label translates a value the store holds (an entity kind, a quarantine
// code) through the message prefix+value, and shows the value itself when
// the catalogue does not know it: a code added later must still show.
//
// An attribute (prefix "attr.") the catalogue does not know is named as a
// registered contract labels it, else as ortaq labels a canonical
// attribute, else in words ("card_status" -> "Card status"): a reader
// never sees the key a program wrote.
func (l Locale) Label(prefix, value string) string {
	if Known(prefix + value) {
		return l.T(prefix + value)
	}
	if prefix == "attr." && value != "" {
		if s := contractAttr(value, l.Lang); s != "" {
			return s
		}
		if l.Lang == "kk" {
			if s := contractAttr(value, "ru"); s != "" {
				return s
			}
		}
		if s := source.CanonicalLabel(value, l.Lang); s != "" {
			return s
		}
		return source.Humanise(value)
	}
	return value
}

// Hint is Label for optional texts: the message prefix+value, or "" when
// the catalogue has none, so that an unknown code shows nothing rather
// than itself.
func (l Locale) Hint(prefix, value string) string {
	if Known(prefix + value) {
		return l.T(prefix + value)
	}
	return ""
}

// Quarantine says why a row went to quarantine: the ingest's reason (with
// every detail) for English readers, else what its code means in the
// language, else the reason as it is.
func (l Locale) Quarantine(code, reason string) string {
	if l.Lang != "en" {
		if s := l.Hint("qwhy.", code); s != "" {
			return s
		}
	}
	return reason
}

// N groups the digits of n as readers of the language expect: 1 234 567
// (with no-break spaces) in Kazakh and Russian, 1,234,567 in English.
func (l Locale) N(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := "\u00a0"
	if l.Lang == "en" {
		sep = ","
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// decimal is a number as ingest stores one: digits, perhaps a sign and a
// fraction after a point.
var decimal = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// Num shows a stored number (an amount in tenge, a count) as readers of
// the language write it: 556 565,00 in Kazakh and Russian, 556,565.00 in
// English. It works on the text, keeping every digit of the fraction
// (money is never a float); anything else is shown as it is.
func (l Locale) Num(s string) string {
	if !decimal.MatchString(s) {
		return s
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	sep, mark := "\u00a0", ","
	if l.Lang == "en" {
		sep, mark = ",", "."
	}
	var b strings.Builder
	if neg {
		b.WriteString("−")
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString(mark + frac)
	}
	return b.String()
}

// dateLayouts write a day as its readers write it: 22.11.2026 in Kazakh
// and Russian (as on Kazakhstan's documents), 22 Nov 2026 in English,
// where a numeric day and month would be misread either way.
var dateLayouts = map[string]string{"kk": "02.01.2006", "ru": "02.01.2006", "en": "2 Jan 2006"}

func (l Locale) dateLayout() string {
	if layout, ok := dateLayouts[l.Lang]; ok {
		return layout
	}
	return time.DateOnly
}

// Time shows a moment in UTC, to the minute, with the day written as the
// reader writes it (Date). The footer of every page says the times are
// in UTC.
func (l Locale) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(l.dateLayout() + " 15:04")
}

// Duration shows how long a run took: milliseconds under a second, else
// seconds with the language's decimal mark.
func (l Locale) Duration(from, to time.Time) string {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return "—"
	}
	d := to.Sub(from)
	if d < time.Second {
		return l.F("unit.ms", strconv.FormatInt(d.Milliseconds(), 10))
	}
	s := strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
	if l.Lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return l.F("unit.seconds", s)
}

// Dec shows x with digits decimals and the language's decimal mark: 81.5
// in English, 81,5 in Kazakh and Russian.
func (l Locale) Dec(x float64, digits int) string {
	s := strconv.FormatFloat(x, 'f', digits, 64)
	if l.Lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Signed shows a change of a score with its sign, one decimal: +1.5,
// −0.3 (a true minus sign), ±0 for no change.
func (l Locale) Signed(x float64) string {
	x = math.Round(x*10) / 10
	switch {
	case x > 0:
		return "+" + l.Dec(x, 1)
	case x < 0:
		return "−" + l.Dec(-x, 1)
	}
	return "±0"
}

// Bits shows a match weight in bits with its sign and two decimals.
func (l Locale) Bits(x float64) string {
	if x < 0 {
		return "−" + l.Dec(-x, 2)
	}
	return "+" + l.Dec(x, 2)
}

// Prob shows a match probability as a percentage with two decimals; one
// that rounds to 100 % is shown as above 99.99 %, since a match is never
// certain.
func (l Locale) Prob(p float64) string {
	switch {
	case p >= 0.99995:
		return ">\u00a0" + l.Dec(99.99, 2) + "\u00a0%"
	case p > 0 && p < 0.00005:
		return "<\u00a0" + l.Dec(0.01, 2) + "\u00a0%"
	}
	return l.Dec(100*p, 2) + "\u00a0%"
}

// Percent shows part of whole as a percentage with one decimal.
func (l Locale) Percent(part, whole int) string {
	if whole <= 0 {
		return "—"
	}
	return l.Dec(100*float64(part)/float64(whole), 1) + "\u00a0%"
}

// Date shows the day of a moment in UTC as the reader writes it:
// 22.11.2026 in Kazakh and Russian, 22 Nov 2026 in English. Machines get
// ISO 8601 in the markup (<time datetime>) and in every export.
func (l Locale) Date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format(l.dateLayout())
}

// Name picks an agency's name in the locale's language, falling back to its
// registered name.
func (l Locale) Name(name string, names map[string]string) string {
	if n := names[l.Lang]; n != "" {
		return n
	}
	return name
}

// Catalogue returns every registered message, for tests that hold
// templates and catalogue to each other. Callers must not change it.
func Catalogue() Messages { return catalogue }

// Supported reports whether code is a UI language.
func Supported(code string) bool { return supportedLang(code) }

func supportedLang(code string) bool {
	for _, l := range Languages {
		if l.Code == code {
			return true
		}
	}
	return false
}

// ChooseLang picks the page language: ?lang= (remembered in a cookie), else
// the cookie, else the best supported language in Accept-Language, else
// Kazakh.
func ChooseLang(w http.ResponseWriter, r *http.Request) string {
	if q := r.URL.Query().Get("lang"); supportedLang(q) {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode})
		return q
	}
	if c, err := r.Cookie(langCookie); err == nil && supportedLang(c.Value) {
		return c.Value
	}
	if l := fromAcceptLanguage(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	return DefaultLang
}

// matcher ranks the UI languages against a reader's preferences.
var matcher = func() language.Matcher {
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.Make(l.Code)
	}
	return language.NewMatcher(tags)
}()

// fromAcceptLanguage returns the supported language the header ranks
// highest, or "" when it names none of them. Regional tags count for
// their language (ru-KZ is ru); a header naming only other languages
// leaves the choice to the default rather than to the matcher's guess.
func fromAcceptLanguage(header string) string {
	prefs, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(prefs) == 0 {
		return ""
	}
	_, i, conf := matcher.Match(prefs...)
	if conf < language.High {
		return ""
	}
	return Languages[i].Code
}
