package view

// exchangeMessages are the exchange page's.
var exchangeMessages = Messages{
	"nav.exchange":   {"kk": "Деректер алмасу", "ru": "Обмен данными", "en": "Exchange"},
	"exchange.title": {"kk": "Ведомствоаралық деректер алмасу", "ru": "Межведомственный обмен данными", "en": "Inter-agency data exchange"},
	"exchange.lead": {
		"kk": "Ведомстволардың жүйелері бір-бірінің деректерін мақсат пен құқықтық негізді көрсетіп сұрайды. Әр шешім жауаптан бұрын өзгертуге болмайтын журналға жазылады.",
		"ru": "Системы ведомств запрашивают данные друг друга, указывая цель и правовое основание. Каждое решение записывается в неизменяемый журнал до того, как уходит ответ.",
		"en": "Agencies' systems ask for each other's data, naming a purpose and a legal basis. Every decision is written to a tamper-evident log before the answer leaves.",
	},
	"exchange.disabled":  {"kk": "Бұл сервер деректер алмасуды іске қоспаған. Іске қосу:", "ru": "Этот сервер не запускает обмен данными. Запуск:", "en": "This server does not run the exchange. Start it with"},
	"exchange.queries":   {"kk": "соңғы сұраулар", "ru": "последних запросов", "en": "latest queries"},
	"exchange.allowed":   {"kk": "рұқсат етілді", "ru": "разрешено", "en": "allowed"},
	"exchange.refused":   {"kk": "бас тартылды", "ru": "отказано", "en": "refused"},
	"exchange.logsize":   {"kk": "журналдағы жазбалар", "ru": "записей в журнале", "en": "records in the audit log"},
	"exchange.traffic":   {"kk": "Кім қандай қызметті пайдаланады", "ru": "Кто каким сервисом пользуется", "en": "Who uses which service"},
	"exchange.anonymous": {"kk": "танылмаған клиент", "ru": "неопознанный клиент", "en": "unidentified client"},
	"exchange.refusals":  {"kk": "Бас тарту себептері", "ru": "Причины отказов", "en": "Why queries were refused"},
	"exchange.noqueries": {"kk": "Әзірге сұраулар жоқ.", "ru": "Запросов пока не было.", "en": "No queries yet."},
	"exchange.services":  {"kk": "Қызметтер", "ru": "Сервисы", "en": "Services"},
	"exchange.bases":     {"kk": "Құқықтық негіздер", "ru": "Правовые основания", "en": "Legal bases"},
	"exchange.registry":  {"kk": "Қатысушылар: %s, қолжетімділік құқықтары: %s", "ru": "Участников: %s, прав доступа: %s", "en": "%s members, %s access rights"},
	"exchange.checkpoint": {"kk": "Журналдың қол қойылған бақылау нүктесі", "ru": "Подписанная контрольная точка журнала",
		"en": "The log's signed checkpoint"},
	"exchange.consent.yes": {"kk": "азаматтың келісімі қажет", "ru": "нужно согласие гражданина", "en": "citizen's consent needed"},
	"exchange.consent.no":  {"kk": "заң бойынша", "ru": "по закону", "en": "by law"},

	"col.client":    {"kk": "Клиент", "ru": "Клиент", "en": "Client"},
	"col.service":   {"kk": "Қызмет", "ru": "Сервис", "en": "Service"},
	"col.provider":  {"kk": "Жеткізуші", "ru": "Поставщик", "en": "Provider"},
	"col.fields":    {"kk": "Өрістер", "ru": "Поля", "en": "Fields"},
	"col.basis":     {"kk": "Негіз", "ru": "Основание", "en": "Basis"},
	"col.purposes":  {"kk": "Мақсаттар", "ru": "Цели", "en": "Purposes"},
	"col.consent":   {"kk": "Келісім", "ru": "Согласие", "en": "Consent"},
	"col.retention": {"kk": "Сақтау, күн", "ru": "Хранение, дней", "en": "Kept, days"},

	"refusal.400": {"kk": "сұрау дұрыс емес", "ru": "неверный запрос", "en": "malformed request"},
	"refusal.401": {"kk": "клиент танылмады немесе кілті кері қайтарылды", "ru": "клиент не опознан или ключ отозван", "en": "client not identified, or its key revoked"},
	"refusal.403": {"kk": "құқық, мақсат, негіз немесе келісім жоқ", "ru": "нет права, цели, основания или согласия", "en": "no right, purpose, basis or consent"},
	"refusal.404": {"kk": "қызмет немесе субъект табылмады", "ru": "сервис или субъект не найден", "en": "no such service or subject"},
	"refusal.429": {"kk": "сұраулар шегінен асты", "ru": "превышен лимит запросов", "en": "over the rate limit"},
	"refusal.500": {"kk": "сервер қатесі", "ru": "ошибка сервера", "en": "server error"},
}

// exchangePlurals count the exchange's queries.
var exchangePlurals = Plurals{
	"exchange.window": {
		"kk": {"other": "Соңғы %s сұрау: %s — %s."},
		"ru": {
			"one":   "Последний %s запрос: с %s по %s.",
			"few":   "Последние %s запроса: с %s по %s.",
			"many":  "Последние %s запросов: с %s по %s.",
			"other": "Последние %s запроса: с %s по %s.",
		},
		"en": {"one": "The latest %s query, from %s to %s.", "other": "The latest %s queries, from %s to %s."},
	},
}

func init() { RegisterPlurals(exchangePlurals) }
