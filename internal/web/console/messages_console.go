package console

import "github.com/ortaq/ortaq/internal/web/view"

// consoleMessages are the national console's frame, overview, agency page
// and search.
var consoleMessages = view.Messages{
	"nav.overview": {"kk": "Шолу", "ru": "Обзор", "en": "Overview"},
	"nav.worklist": {"kk": "Жұмыс тізімі", "ru": "Рабочий список", "en": "Work list"},
	"nav.cows":     {"kk": "Қағаздағы мал", "ru": "Скот на бумаге", "en": "Virtual cows"},

	"search.label":       {"kk": "Іздеу: аты-жөні, ЖСН немесе идентификатор", "ru": "Поиск: ФИО, ИИН или идентификатор", "en": "Search: name, IIN or id"},
	"search.placeholder": {"kk": "Аты-жөні немесе ЖСН", "ru": "ФИО или ИИН", "en": "Name or IIN"},
	"search.button":      {"kk": "Іздеу", "ru": "Найти", "en": "Search"},
	"search.title":       {"kk": "Іздеу", "ru": "Поиск", "en": "Search"},
	"search.titleq":      {"kk": "Іздеу: %s", "ru": "Поиск: %s", "en": "Search: %s"},
	"search.help": {
		"kk": "Атын кез келген жазылуымен енгізіңіз: «Нұрсұлтан», «Нурсултан» және «Nursultan» бір адамды табады. 12 цифрлық ЖСН бірден адамның бетін ашады.",
		"ru": "Введите имя в любом написании: «Нұрсұлтан», «Нурсултан» и «Nursultan» найдут одного и того же человека. ИИН из 12 цифр сразу открывает страницу человека.",
		"en": "Type a name in any spelling: “Нұрсұлтан”, “Нурсултан” and “Nursultan” find the same person. A 12-digit IIN opens the person's page at once.",
	},
	"search.short": {
		"kk": "«%s» іздеуге тым қысқа: атының кемінде екі әрпін жазыңыз.",
		"ru": "«%s» — слишком короткий запрос: введите хотя бы две буквы имени.",
		"en": "“%s” is too short to search: type at least two letters of a name.",
	},
	"search.none":  {"kk": "«%s» бойынша ештеңе табылмады.", "ru": "По запросу «%s» ничего не найдено.", "en": "Nothing found for “%s”."},
	"search.found": {"kk": "Табылғаны: %s", "ru": "Найдено: %s", "en": "Found: %s"},

	"score.national": {"kk": "Деректер сапасының ұлттық балы", "ru": "Национальный балл качества данных", "en": "National data quality score"},
	"score.agency":   {"kk": "Мекеме деректерінің сапа балы", "ru": "Балл качества данных ведомства", "en": "Agency data quality score"},
	"score.source":   {"kk": "Дереккөз деректерінің сапа балы", "ru": "Балл качества данных источника", "en": "Source data quality score"},
	"score.run":      {"kk": "№%d тексеру · %s", "ru": "проверка №%d · %s", "en": "quality run %d · %s"},
	"score.delta":    {"kk": "Алдыңғы тексеруден бергі өзгеріс", "ru": "Изменение с прошлой проверки", "en": "Change since the previous run"},
	"score.help": {
		"kk": "Балл — сапа өлшемдері (толықтық, дұрыстық, бірегейлік, келісімділік, өзектілік, тұтастық) бойынша тексеруден өткен жазбалар үлесінің орташасы; 100 — мінсіз деректер.",
		"ru": "Балл — среднее по измерениям качества (полнота, корректность, уникальность, согласованность, актуальность, целостность) доли записей, прошедших проверки; 100 — безупречные данные.",
		"en": "The score is the mean, over the quality dimensions (completeness, validity, uniqueness, consistency, timeliness, integrity), of the share of records that pass the checks; 100 means flawless data.",
	},
	"score.none": {"kk": "Сапа тексерісі әлі жүргізілмеген. Іске қосыңыз:", "ru": "Проверок качества ещё не было. Выполните:", "en": "No quality run yet. Run:"},
	"chart.label": {
		"kk": "Соңғы %s тексерудегі балл: басында %s, қазір %s",
		"ru": "Балл по последним проверкам (%s): было %s, сейчас %s",
		"en": "Score over the last %s runs: from %s to %s",
	},
	"col.score": {"kk": "Балл", "ru": "Балл", "en": "Score"},
	"col.trend": {"kk": "Үрдіс", "ru": "Динамика", "en": "Trend"},

	"stat.people":     {"kk": "Адамдар", "ru": "Люди", "en": "People"},
	"stat.animals":    {"kk": "Жануарлар", "ru": "Животные", "en": "Animals"},
	"stat.duplicates": {"kk": "Табылған телнұсқалар", "ru": "Найдено дубликатов", "en": "Duplicates found"},
	"stat.cows":       {"kk": "Қағаздағы мал", "ru": "Скот на бумаге", "en": "Virtual cows"},
	"stat.open":       {"kk": "Ашық ақаулар", "ru": "Открытые замечания", "en": "Open findings"},
	"stat.alerts":     {"kk": "Сигналдар", "ru": "Сигналы", "en": "Alerts"},

	"agencies.title": {"kk": "Мекемелер", "ru": "Ведомства", "en": "Agencies"},
	"agencies.lead": {
		"kk": "Балы ең төмен мекемелер жоғарыда. Сызық соңғы тексерулердегі балдың өзгерісін көрсетеді.",
		"ru": "Ведомства с самым низким баллом — вверху. Линия показывает балл за последние проверки.",
		"en": "Agencies with the lowest score come first. The line shows the score over the latest runs.",
	},
	"regions.title": {"kk": "Өңірлер бойынша", "ru": "По регионам", "en": "By region"},
	"regions.lead": {
		"kk": "Алтын жазбалар бойынша әр өңірдің адамдары мен жануарлары және олар туралы ашық ақаулар.",
		"ru": "Люди и животные каждого региона по эталонным записям и открытые замечания о них.",
		"en": "People and animals in each region by their golden records, and the open findings about them.",
	},
	"col.region":     {"kk": "Өңір", "ru": "Регион", "en": "Region"},
	"region.unknown": {"kk": "Өңірі көрсетілмеген", "ru": "Регион не указан", "en": "No region given"},

	"alerts.title": {"kk": "Соңғы сигналдар", "ru": "Последние сигналы", "en": "Latest alerts"},
	"alerts.none":  {"kk": "Соңғы тексеру ешқандай сигнал берген жоқ.", "ru": "Последняя проверка не дала сигналов.", "en": "The latest run raised no alerts."},
	"alert.check": {
		"kk": "%s: «%s» тексеруінен жазбалардың %s өтпеді, бұрын %s болатын",
		"ru": "%s: проверку «%s» не прошли %s записей, раньше — %s",
		"en": "%s: check %s fails %s of the records, against %s before",
	},
	"alert.score":  {"kk": "%s: балл төмендеді — бұрын %s, қазір %s", "ru": "%s: балл снизился — было %s, стало %s", "en": "%s: the score fell from %s to %s"},
	"alert.nation": {"kk": "Ұлттық балл төмендеді — бұрын %s, қазір %s", "ru": "Национальный балл снизился — было %s, стало %s", "en": "The national score fell from %s to %s"},

	"agency.worklist": {"kk": "Мекеменің жұмыс тізімі", "ru": "Рабочий список ведомства", "en": "Agency work list"},
	"agency.findings": {"kk": "Тексерулер бойынша ақаулар", "ru": "Замечания по проверкам", "en": "Findings by check"},
	"agency.findings.lead": {
		"kk": "Әр дереккөздің әр тексеруі бойынша ақаулар саны, мәртебесіне қарай.",
		"ru": "Число замечаний по каждой проверке каждого источника, по статусам.",
		"en": "The findings of every check of every source, by status.",
	},
	"agency.nofindings": {"kk": "Бұл мекеменің деректерінде ақау жоқ.", "ru": "В данных ведомства замечаний нет.", "en": "No findings in this agency's data."},
	"source.worklist":   {"kk": "Дереккөздің жұмыс тізімі", "ru": "Рабочий список источника", "en": "Source work list"},

	"error.noagency":  {"kk": "«%s» кодты мекеме жоқ.", "ru": "Ведомства с кодом «%s» нет.", "en": "There is no agency with code “%s”."},
	"error.noentity":  {"kk": "«%s» үшін алтын жазба жоқ.", "ru": "Для «%s» нет эталонной записи.", "en": "There is no golden record for “%s”."},
	"error.nofinding": {"kk": "«%s» ақауы жоқ.", "ru": "Замечания «%s» нет.", "en": "There is no finding “%s”."},
}

func init() {
	view.Register(consoleMessages, qualityMessages)
	view.RegisterPlurals(consolePlurals)
}

// consolePlurals count things: the text follows the count's plural form.
var consolePlurals = view.Plurals{
	"search.more": {
		"kk": {"other": "Алғашқы %s нәтиже көрсетілді; іздеуді нақтылау үшін тағы бір сөз қосыңыз."},
		"ru": {
			"one":   "Показан первый %s результат; добавьте ещё одно слово, чтобы уточнить поиск.",
			"few":   "Показаны первые %s результата; добавьте ещё одно слово, чтобы уточнить поиск.",
			"many":  "Показаны первые %s результатов; добавьте ещё одно слово, чтобы уточнить поиск.",
			"other": "Показаны первые %s результата; добавьте ещё одно слово, чтобы уточнить поиск.",
		},
		"en": {
			"one":   "Showing the first %s match; add another word to narrow the search.",
			"other": "Showing the first %s matches; add another word to narrow the search.",
		},
	},
	"alerts.more": {
		"kk": {"other": "Тағы %s сигнал бар."},
		"ru": {"one": "И ещё %s сигнал.", "few": "И ещё %s сигнала.", "many": "И ещё %s сигналов.", "other": "И ещё %s сигнала."},
		"en": {"one": "And %s more.", "other": "And %s more."},
	},
	"failing.lead": {
		"kk": {"other": "Әр тексерудің алғашқы %s ашық ақауы. Қалғаны жұмыс тізімінде:"},
		"ru": {
			"one":   "Первое %s открытое замечание каждой проверки. Остальные — в рабочем списке:",
			"few":   "Первые %s открытых замечания каждой проверки. Остальные — в рабочем списке:",
			"many":  "Первые %s открытых замечаний каждой проверки. Остальные — в рабочем списке:",
			"other": "Первые %s открытых замечания каждой проверки. Остальные — в рабочем списке:",
		},
		"en": {
			"one":   "The first %s open finding of each check. The rest are in the work list:",
			"other": "The first %s open findings of each check. The rest are in the work list:",
		},
	},
}
