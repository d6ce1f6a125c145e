package console

import "github.com/ortaq/ortaq/internal/web/view"

// spendingMessages are the ministry's pages of the social wallet.
var spendingMessages = view.Messages{
	"nav.spending":           {"kk": "Шығыстар", "ru": "Расходы", "en": "Spending"},
	"nav.spending.pages":     {"kk": "Әлеуметтік әмиян беттері", "ru": "Страницы социального кошелька", "en": "Social wallet pages"},
	"spending.nav.figures":   {"kk": "Көрсеткіштер", "ru": "Показатели", "en": "Figures"},
	"spending.nav.anomalies": {"kk": "Ауытқулар", "ru": "Аномалии", "en": "Anomalies"},
	"spending.title":         {"kk": "Әлеуметтік әмиян: шығыстар", "ru": "Социальный кошелёк: расходы", "en": "Social wallet: spending"},
	"spending.lead": {
		"kk": "Бюджеттен бағдарламаларға түскен, азаматтарға берілген және қалған ақша; санат, өңір және сатушы бойынша шығыстар; жұмсалмаған және мерзімі өтіп қайтарылған қаражат. Ешбір азамат аталмайды.",
		"ru": "Сколько денег поступило из бюджета в программы, выдано гражданам и осталось; расходы по категориям, регионам и продавцам; неизрасходованные средства и вернувшиеся по истечении срока. Ни один гражданин не называется.",
		"en": "Money into the programmes from the budget, out to citizens and left; spending by category, region and merchant; what is unspent and what expired back. No citizen is named.",
	},
	"spending.off": {
		"kk": "Бұл серверде әлеуметтік әмиян қосылмаған.",
		"ru": "На этом сервере социальный кошелёк не подключён.",
		"en": "The social wallet is not set up on this server.",
	},
	"spending.month":   {"kk": "Ай", "ru": "Месяц", "en": "Month"},
	"spending.show":    {"kk": "Көрсету", "ru": "Показать", "en": "Show"},
	"spending.alltime": {"kk": "Барлық уақыт", "ru": "За всё время", "en": "All time"},
	"spending.money":   {"kk": "Бағдарламалар ақшасы", "ru": "Деньги программ", "en": "The programmes' money"},
	"spending.in":      {"kk": "Түсті", "ru": "Поступило", "en": "In"},
	"spending.out":     {"kk": "Берілді", "ru": "Выдано", "en": "Out"},
	"spending.left":    {"kk": "Қалды", "ru": "Осталось", "en": "Left"},
	"spending.period": {
		"kk": "Кезеңдегі шығыстар мен ваучерлер",
		"ru": "Расходы и ваучеры за период",
		"en": "Spending and vouchers of the period",
	},
	"spending.refunded": {"kk": "Сатушылар қайтарды", "ru": "Возвращено продавцами", "en": "Refunded by merchants"},
	"spending.none": {
		"kk": "Бұл кезеңде бағдарламаларда ақша қозғалысы жоқ.",
		"ru": "За этот период движения денег по программам нет.",
		"en": "No money moved through the programmes in this period.",
	},
	"spending.nospent": {
		"kk": "Бұл кезеңде шығыс жоқ.",
		"ru": "За этот период расходов нет.",
		"en": "Nothing was spent in this period.",
	},
	"spending.byledger":        {"kk": "Санат бойынша", "ru": "По категориям", "en": "By category"},
	"spending.byregion":        {"kk": "Өңір бойынша", "ru": "По регионам", "en": "By region"},
	"spending.bymerchant":      {"kk": "Сатушы бойынша", "ru": "По продавцам", "en": "By merchant"},
	"spending.col.programme":   {"kk": "Бағдарлама", "ru": "Программа", "en": "Programme"},
	"spending.col.ledger":      {"kk": "Санат", "ru": "Категория", "en": "Category"},
	"spending.col.name":        {"kk": "Атауы", "ru": "Название", "en": "Name"},
	"spending.col.count":       {"kk": "Саны", "ru": "Количество", "en": "Count"},
	"spending.col.spent":       {"kk": "Жұмсалды", "ru": "Потрачено", "en": "Spent"},
	"spending.col.refunded":    {"kk": "Қайтарылды", "ru": "Возвращено", "en": "Refunded"},
	"spending.col.anomaly":     {"kk": "Не байқалды", "ru": "Что замечено", "en": "What was seen"},
	"spending.col.merchant":    {"kk": "Сатушы", "ru": "Продавец", "en": "Merchant"},
	"spending.col.household":   {"kk": "Отбасы", "ru": "Семья", "en": "Household"},
	"spending.col.amount":      {"kk": "Сомасы", "ru": "Сумма", "en": "Amount"},
	"spending.anomalies.title": {"kk": "Әлеуметтік әмиян: ауытқулар", "ru": "Социальный кошелёк: аномалии", "en": "Social wallet: anomalies"},
	"spending.anomalies.lead": {
		"kk": "Тексеруді қажет ететін жағдайлар: бір сатушы бір отбасының көп ваучерін алады, отбасымен байланысты сатушыда шығыс, асхана бір күнге әдеттегіден әлдеқайда көп тамақ есептейді немесе төлемнен гөрі көп бас тарту алады. Бұл айып емес, тексеруге себеп.",
		"ru": "Случаи, которые стоит проверить: один продавец принимает много ваучеров одной семьи, расходы у продавца, связанного с семьёй, столовая, выставившая за день намного больше обедов, чем обычно, или столовая, получившая больше отказов, чем оплат. Это не обвинение, а повод проверить.",
		"en": "Cases worth a look: one merchant taking many vouchers of one household, spending at a merchant linked to the household, a canteen billing far more meals for one day than it usually serves, or a canteen refused more meals than it was paid for. Not an accusation: a reason to check.",
	},
	"spending.anomalies.none": {
		"kk": "Бұл кезеңде ауытқу табылған жоқ.",
		"ru": "За этот период аномалий не найдено.",
		"en": "No anomaly was found in this period.",
	},
	"spending.anomaly.many_vouchers_one_merchant": {
		"kk": "Бір сатушы бір отбасының көп ваучерін алды",
		"ru": "Один продавец принял много ваучеров одной семьи",
		"en": "One merchant took many vouchers of one household",
	},
	"spending.anomaly.merchant_linked_to_household": {
		"kk": "Отбасымен байланысты сатушыда шығыс",
		"ru": "Расходы у продавца, связанного с семьёй",
		"en": "Spending at a merchant linked to the household",
	},
	"spending.anomaly.meals_above_usual": {
		"kk": "Асхана бір күнге әдеттегіден әлдеқайда көп тамақ есептеді немесе бірден көп тамақпен бастады",
		"ru": "Столовая выставила за один день намного больше обедов, чем обычно, или сразу начала с многих",
		"en": "A canteen billed far more meals for one day than it usually serves, or started with many",
	},
	"spending.anomaly.meal_refusals": {
		"kk": "Асхананың бір күнгі тамақ сұраулары бекітілгеннен жиі қабылданбады (оқушыларды тексеру немесе бөтен оқушыларды есептеу болуы мүмкін)",
		"ru": "У столовой за один день больше отказов по питанию, чем оплат (возможна проверка учеников или выставление чужих учеников)",
		"en": "A canteen's meal requests for one day were refused more often than approved (perhaps probing pupils, or billing pupils it does not serve)",
	},
}

// spendingPlurals label the period's figures with their counts.
var spendingPlurals = view.Plurals{
	"spending.payments": {
		"kk": {"other": "%s сатып алу мен тамақ үшін жұмсалды"},
		"ru": {"one": "Потрачено: %s покупка и питание", "few": "Потрачено: %s покупки и питание", "many": "Потрачено: %s покупок и питание", "other": "Потрачено: %s покупки и питание"},
		"en": {"one": "Spent in %s purchase or meal", "other": "Spent in %s purchases and meals"},
	},
	"spending.anomaly.purchases": {
		"kk": {"other": "%s сатып алу"},
		"ru": {"one": "%s покупка", "few": "%s покупки", "many": "%s покупок", "other": "%s покупки"},
		"en": {"one": "%s purchase", "other": "%s purchases"},
	},
	"spending.funded": {
		"kk": {"other": "%s ваучер берілді"},
		"ru": {"one": "Выдан %s ваучер", "few": "Выдано %s ваучера", "many": "Выдано %s ваучеров", "other": "Выдано %s ваучера"},
		"en": {"one": "Given on %s voucher", "other": "Given on %s vouchers"},
	},
	"spending.unspent": {
		"kk": {"other": "%s белсенді ваучерде жұмсалмаған"},
		"ru": {"one": "Не потрачено на %s действующем ваучере", "few": "Не потрачено на %s действующих ваучерах", "many": "Не потрачено на %s действующих ваучерах", "other": "Не потрачено на %s действующих ваучерах"},
		"en": {"one": "Unspent on %s active voucher", "other": "Unspent on %s active vouchers"},
	},
	"spending.expired": {
		"kk": {"other": "Мерзімі өткен %s ваучерден бағдарламаға қайтарылды"},
		"ru": {"one": "Возвращено в программу с %s истёкшего ваучера", "few": "Возвращено в программу с %s истёкших ваучеров", "many": "Возвращено в программу с %s истёкших ваучеров", "other": "Возвращено в программу с %s истёкших ваучеров"},
		"en": {"one": "Returned to the programme from %s expired voucher", "other": "Returned to the programme from %s expired vouchers"},
	},
}

func init() {
	view.Register(spendingMessages)
	view.RegisterPlurals(spendingPlurals)
}
