package wallet

import "github.com/ortaq/ortaq/internal/web/view"

// moneyMessages are the citizen's money pages: the social wallet's
// balances, vouchers, history and payment codes, in plain words.
var moneyMessages = view.Messages{
	"wallet.nav.money":   {"kk": "Ақшам", "ru": "Мои деньги", "en": "My money"},
	"wallet.money.title": {"kk": "Әлеуметтік әмиян", "ru": "Социальный кошелёк", "en": "Social wallet"},
	"wallet.money.lead": {
		"kk": "Мемлекет берген көмек: санат бойынша қалдық, ваучерлер және ақшаңыздың әр қозғалысы.",
		"ru": "Помощь от государства: остаток по каждой категории, ваучеры и каждое движение ваших денег.",
		"en": "The support the state gives you: what is left in each category, your vouchers, and every movement of your money.",
	},
	"wallet.money.off": {
		"kk": "Бұл серверде әлеуметтік әмиян қосылмаған.",
		"ru": "На этом сервере социальный кошелёк не подключён.",
		"en": "The social wallet is not set up on this server.",
	},
	"wallet.money.balances": {"kk": "Қалдық", "ru": "Остаток", "en": "Balances"},
	"wallet.money.nobalance": {
		"kk": "Әмиянда әзірге ақша жоқ.",
		"ru": "В кошельке пока нет денег.",
		"en": "There is no money in your wallet yet.",
	},
	"wallet.money.pay":      {"kk": "Төлеу", "ru": "Оплатить", "en": "Pay"},
	"wallet.money.vouchers": {"kk": "Ваучерлер", "ru": "Ваучеры", "en": "Vouchers"},
	"wallet.money.novouchers": {
		"kk": "Ваучерлер жоқ.",
		"ru": "Ваучеров нет.",
		"en": "You have no vouchers.",
	},
	"wallet.money.voucher":  {"kk": "%[1]s: %[2]s айы", "ru": "%[1]s за %[2]s", "en": "%[1]s for %[2]s"},
	"wallet.money.from":     {"kk": "Бағдарлама", "ru": "Программа", "en": "Programme"},
	"wallet.money.amount":   {"kk": "Берілді", "ru": "Выдано", "en": "Given"},
	"wallet.money.spent":    {"kk": "Жұмсалды", "ru": "Потрачено", "en": "Spent"},
	"wallet.money.left":     {"kk": "Қалды", "ru": "Осталось", "en": "Left"},
	"wallet.money.returned": {"kk": "Бағдарламаға қайтарылды", "ru": "Возвращено в программу", "en": "Returned to the programme"},
	"wallet.money.expirestoday": {
		"kk": "Бүгін бітеді",
		"ru": "Истекает сегодня",
		"en": "Expires today",
	},
	"wallet.money.expired": {
		"kk": "Мерзімі %s бітті",
		"ru": "Срок истёк %s",
		"en": "Expired on %s",
	},
	"wallet.money.spentall":      {"kk": "Толық жұмсалды", "ru": "Потрачен полностью", "en": "Spent in full"},
	"wallet.money.state.active":  {"kk": "Белсенді", "ru": "Действует", "en": "Active"},
	"wallet.money.state.spent":   {"kk": "Жұмсалды", "ru": "Потрачен", "en": "Spent"},
	"wallet.money.state.expired": {"kk": "Мерзімі өтті", "ru": "Истёк", "en": "Expired"},
	"wallet.money.history":       {"kk": "Тарих", "ru": "История", "en": "History"},
	"wallet.money.nohistory": {
		"kk": "Әзірге ештеңе болған жоқ.",
		"ru": "Пока ничего не происходило.",
		"en": "Nothing has happened yet.",
	},
	"wallet.money.h.payout": {
		"kk": "Төлем: %s",
		"ru": "Выплата: %s",
		"en": "Payment from %s",
	},
	"wallet.money.h.voucher": {
		"kk": "Ваучер: %[1]s, %[2]s айы (%[3]s)",
		"ru": "Ваучер «%[1]s» за %[2]s от %[3]s",
		"en": "%[1]s voucher for %[2]s from %[3]s",
	},
	"wallet.money.h.purchase": {
		"kk": "Төленді: %s",
		"ru": "Оплата в %s",
		"en": "Paid at %s",
	},
	"wallet.money.h.refund": {
		"kk": "Қайтарым: %s",
		"ru": "Возврат от %s",
		"en": "Refund from %s",
	},
	"wallet.money.h.expiry": {
		"kk": "Жұмсалмаған %[1]s %[2]s күні бағдарламаға қайтарылды",
		"ru": "Неизрасходованные %[1]s возвращены в программу %[2]s",
		"en": "Unspent %[1]s returned to the programme on %[2]s",
	},
	"wallet.money.h.meal": {
		"kk": "Мектепте тамақ берілді: %[1]s, бағдарлама %[2]s төледі",
		"ru": "Школьное питание в %[1]s, программа оплатила %[2]s",
		"en": "School meal at %[1]s, %[2]s paid by the programme",
	},

	"wallet.pay.title": {"kk": "Төлем коды: %s", "ru": "Код оплаты: %s", "en": "Payment code: %s"},
	"wallet.pay.lead": {
		"kk": "Кодты тек кассада, сатып алу сәтінде жасаңыз. Кассир кодты енгізеді немесе QR-кодты сканерлейді. Код бір рет қана жарамды және тек осы санатқа жұмсалады.",
		"ru": "Создайте код на кассе, в момент покупки. Кассир вводит код или сканирует QR-код. Код действует один раз и только для этой категории.",
		"en": "Make a code at the till, when you pay. The cashier types the code or scans the QR code. It works once, and only for this category.",
	},
	"wallet.pay.available": {"kk": "Қолжетімді", "ru": "Доступно", "en": "Available"},
	"wallet.pay.make":      {"kk": "Төлем кодын алу", "ru": "Получить код оплаты", "en": "Get a payment code"},
	"wallet.pay.again":     {"kk": "Жаңа код алу", "ru": "Получить новый код", "en": "Get a new code"},
	"wallet.pay.code": {
		"kk": "Кассирге QR-кодты көрсетіңіз немесе осы код пен ЖСН-іңізді айтыңыз",
		"ru": "Покажите кассиру QR-код или назовите этот код и свой ИИН",
		"en": "Show the cashier the QR code, or tell them this code and your IIN",
	},
	"wallet.pay.qrlabel": {"kk": "Төлем кодының QR-коды: %s", "ru": "QR-код оплаты: %s", "en": "QR code of payment code %s"},
	"wallet.pay.never": {
		"kk": "Кодты ешкімге телефон арқылы айтпаңыз: мемлекет оны ешқашан сұрамайды.",
		"ru": "Никому не сообщайте код по телефону: государство никогда его не спрашивает.",
		"en": "Never give the code to anyone over the phone: the state never asks for it.",
	},
	"wallet.pay.noledger": {
		"kk": "Мұндай санат жоқ немесе оған кодпен төленбейді.",
		"ru": "Такой категории нет, или её не оплачивают кодом.",
		"en": "There is no such category, or it is not paid with a code.",
	},
	"wallet.pay.nomoney": {
		"kk": "Бұл санатта төлейтін ақша жоқ.",
		"ru": "В этой категории нет денег для оплаты.",
		"en": "There is no money in this category to pay with.",
	},
	"wallet.pay.back": {"kk": "Әмиянға оралу", "ru": "Вернуться в кошелёк", "en": "Back to the wallet"},
	"wallet.pay.iin":  {"kk": "ЖСН", "ru": "ИИН", "en": "IIN"},
	"wallet.pay.max":  {"kk": "Ең көбі", "ru": "Не более", "en": "Up to"},
	"wallet.pay.maxhelp": {
		"kk": "Міндетті емес: код бұдан үлкен сатып алуға жарамайды.",
		"ru": "Необязательно: покупку дороже код не оплатит.",
		"en": "Optional: the code will not pay for more than this.",
	},
	"wallet.pay.limit": {"kk": "Ең көбі %s", "ru": "Не более %s", "en": "Up to %s"},
	"wallet.pay.badmax": {
		"kk": "Ең көп соманы теңгемен жазыңыз, мысалы 5000 немесе 1250,50.",
		"ru": "Укажите предельную сумму в тенге, например 5000 или 1250,50.",
		"en": "Write the most the code may pay in tenge, for example 5000 or 1250.50.",
	},
}

// moneyPlurals count the days a voucher has left and the minutes a code
// is valid.
var moneyPlurals = view.Plurals{
	"wallet.money.expiresin": {
		"kk": {"other": "%[1]s күннен кейін бітеді (%[2]s)"},
		"ru": {"one": "Истекает через %[1]s день (%[2]s)", "few": "Истекает через %[1]s дня (%[2]s)", "many": "Истекает через %[1]s дней (%[2]s)", "other": "Истекает через %[1]s дня (%[2]s)"},
		"en": {"one": "Expires in %[1]s day (%[2]s)", "other": "Expires in %[1]s days (%[2]s)"},
	},
	"wallet.pay.valid": {
		"kk": {"other": "Код %s минут жарамды"},
		"ru": {"one": "Код действует %s минуту", "few": "Код действует %s минуты", "many": "Код действует %s минут", "other": "Код действует %s минуты"},
		"en": {"one": "The code is valid for %s minute", "other": "The code is valid for %s minutes"},
	},
}

func init() {
	view.Register(moneyMessages)
	view.RegisterPlurals(moneyPlurals)
}
