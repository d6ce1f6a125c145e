package wallet

import "github.com/ortaq/ortaq/internal/web/view"

// benefitMessages are the citizen's benefits pages: decisions, offers,
// explanations and appeals, in plain words. Programme titles and the
// explanations' sentences come from the engine's catalogue in the page's
// language; these are the frame around them.
var benefitMessages = view.Messages{
	"wallet.nav.benefits": {"kk": "Жәрдемақылар", "ru": "Пособия", "en": "Benefits"},
	"wallet.ben.title":    {"kk": "Жәрдемақылар мен көмек", "ru": "Пособия и помощь", "en": "Benefits and support"},
	"wallet.ben.lead": {
		"kk": "Мемлекет тізілімдердегі деректер бойынша отбасыңызға қандай көмек тиесілі екенін өзі есептейді. Әр шешімнің себебін ашып көре аласыз және онымен келіспесеңіз, шағым бере аласыз.",
		"ru": "Государство само рассчитывает по данным реестров, какая помощь положена вашей семье. Откройте любое решение, чтобы увидеть почему, и обжалуйте его, если не согласны.",
		"en": "The state works out from the registers' data what support your household is due. Open any decision to see why, and appeal it if you disagree.",
	},
	"wallet.ben.off": {
		"kk": "Бұл серверде жәрдемақылар қосылмаған.",
		"ru": "На этом сервере пособия не подключены.",
		"en": "Benefits are not set up on this server.",
	},
	"wallet.ben.none": {
		"kk": "Отбасыңыз туралы әзірге шешім жоқ.",
		"ru": "Решений по вашей семье пока нет.",
		"en": "There is no decision on your household yet.",
	},

	"wallet.ben.offers":      {"kk": "Сізге ұсыныстар", "ru": "Предложения вам", "en": "Offers to you"},
	"wallet.ben.decisions":   {"kk": "Отбасы бойынша шешімдер", "ru": "Решения по семье", "en": "Decisions on your household"},
	"wallet.ben.appeals":     {"kk": "Шағымдарым", "ru": "Мои жалобы", "en": "My appeals"},
	"wallet.ben.decided":     {"kk": "Шешім күні: %s", "ru": "Дата решения: %s", "en": "Decided on %s"},
	"wallet.ben.asof":        {"kk": "Деректер күні: %s", "ru": "По данным на %s", "en": "Data as of %s"},
	"wallet.ben.eligible":    {"kk": "Тиесілі", "ru": "Положено", "en": "Eligible"},
	"wallet.ben.noteligible": {"kk": "Тиесілі емес", "ru": "Не положено", "en": "Not eligible"},
	"wallet.ben.why":         {"kk": "Неліктен?", "ru": "Почему?", "en": "Why?"},
	"wallet.ben.month":       {"kk": "айына %s ₸", "ru": "%s ₸ в месяц", "en": "%s ₸ a month"},
	"wallet.ben.once":        {"kk": "біржолғы %s ₸", "ru": "%s ₸ единовременно", "en": "%s ₸ once"},

	"wallet.ben.offer.status.offered":   {"kk": "Ұсынылды — жауабыңызды күтеді", "ru": "Предложено — ждёт вашего ответа", "en": "Offered — waiting for your answer"},
	"wallet.ben.offer.status.accepted":  {"kk": "Қабылдадыңыз — маманның растауын күтеді", "ru": "Вы приняли — ждёт подтверждения специалиста", "en": "Accepted — waiting for the officer"},
	"wallet.ben.offer.status.confirmed": {"kk": "Расталды — жәрдемақы тағайындалды", "ru": "Подтверждено — пособие назначено", "en": "Confirmed — the benefit is assigned"},
	"wallet.ben.offer.status.declined":  {"kk": "Сіз бас тарттыңыз", "ru": "Вы отказались", "en": "You declined"},
	"wallet.ben.offer.status.expired":   {"kk": "Жауапсыз мерзімі өтті", "ru": "Срок истёк без ответа", "en": "Expired without an answer"},
	"wallet.ben.offer.status.rejected":  {"kk": "Маман растамады", "ru": "Специалист не подтвердил", "en": "The officer did not confirm it"},
	"wallet.ben.offer.by": {
		"kk": "%s дейін жауап беріңіз.",
		"ru": "Ответьте до %s.",
		"en": "Answer by %s.",
	},
	"wallet.ben.offer.consent": {
		"kk": "«Қабылдаймын» батырмасын басу — осы жәрдемақыны алуға өтініш беруге келісіміңіз. Содан кейін оны %s маманы тексеріп, растайды. Сіздің келісіміңіз бен маманның растауынсыз ештеңе тағайындалмайды. Өтініш толтырудың қажеті жоқ.",
		"ru": "Нажимая «Принимаю», вы даёте согласие подать заявление на это пособие. Затем специалист ведомства «%s» проверит и подтвердит его. Без вашего согласия и подтверждения специалиста ничего не назначается. Заполнять заявление не нужно.",
		"en": "Accepting is your consent to apply for this benefit. An officer of %s then checks and confirms it; nothing is assigned without both your consent and the officer's confirmation. There is no form to fill in.",
	},
	"wallet.ben.accept":  {"kk": "Қабылдаймын", "ru": "Принимаю", "en": "Accept"},
	"wallet.ben.decline": {"kk": "Бас тартамын", "ru": "Отказываюсь", "en": "Decline"},
	"wallet.ben.officer": {"kk": "Маманның жазбасы", "ru": "Комментарий специалиста", "en": "The officer's note"},
	"wallet.ben.offer.responded": {
		"kk": "Жауап берілген күн: %s",
		"ru": "Дата ответа: %s",
		"en": "Answered on %s",
	},

	"wallet.ben.done.accepted": {
		"kk": "Келісіміңіз тіркелді. Енді маман оны тексеріп, растайды; нәтижесі осы бетте көрінеді.",
		"ru": "Ваше согласие записано. Теперь специалист проверит и подтвердит его; результат появится на этой странице.",
		"en": "Your consent is recorded. An officer now checks and confirms it; the result will show on this page.",
	},
	"wallet.ben.done.declined": {
		"kk": "Ұсыныстан бас тартқаныңыз тіркелді.",
		"ru": "Ваш отказ от предложения записан.",
		"en": "You declined the offer; that is recorded.",
	},
	"wallet.ben.done.appealed": {
		"kk": "Шағымыңыз қабылданды. Жауап мерзімі төменде көрсетілген.",
		"ru": "Ваша жалоба принята. Срок ответа указан ниже.",
		"en": "Your appeal is filed. The date the answer is due is shown below.",
	},
	"wallet.ben.answered": {
		"kk": "Бұл ұсынысқа жауап берілген, немесе оның мерзімі өтіп кеткен.",
		"ru": "На это предложение уже ответили, или его срок истёк.",
		"en": "This offer has already been answered, or it has expired.",
	},
	"wallet.ben.nooffer": {
		"kk": "Сізде мұндай ұсыныс жоқ.",
		"ru": "У вас нет такого предложения.",
		"en": "You have no such offer.",
	},
	"wallet.ben.nodecision": {
		"kk": "Отбасыңыз бойынша мұндай шешім жоқ.",
		"ru": "По вашей семье нет такого решения.",
		"en": "There is no such decision on your household.",
	},

	"wallet.ben.appeal.status.open":      {"kk": "Қаралуда", "ru": "На рассмотрении", "en": "Under review"},
	"wallet.ben.appeal.status.answered":  {"kk": "Жауап берілді", "ru": "Дан ответ", "en": "Answered"},
	"wallet.ben.appeal.status.withdrawn": {"kk": "Қайтарып алынды", "ru": "Отозвана", "en": "Withdrawn"},
	"wallet.ben.appeal.outcome.upheld":   {"kk": "Шешім өзгеріссіз қалды", "ru": "Решение оставлено в силе", "en": "The decision stands"},
	"wallet.ben.appeal.outcome.changed":  {"kk": "Шешім өзгертілді", "ru": "Решение изменено", "en": "The decision was changed"},
	"wallet.ben.appeal.outcome.rejected": {"kk": "Шағым қаралмады", "ru": "Жалоба не принята к рассмотрению", "en": "The appeal was not admitted"},
	"wallet.ben.appeal.filed":            {"kk": "Берілген күні", "ru": "Подана", "en": "Filed"},
	"wallet.ben.appeal.deadline":         {"kk": "Жауап мерзімі", "ru": "Срок ответа", "en": "Answer due by"},
	"wallet.ben.appeal.reason":           {"kk": "Себебі", "ru": "Причина", "en": "Your reason"},
	"wallet.ben.appeal.answer":           {"kk": "Жауап", "ru": "Ответ", "en": "The answer"},
	"wallet.ben.appeal.rule":             {"kk": "Негіз болған норма", "ru": "Норма, на которую ссылается ответ", "en": "The rule it cites"},
	"wallet.ben.appeal.outcome":          {"kk": "Нәтиже", "ru": "Итог", "en": "Outcome"},
	"wallet.ben.appeal.document":         {"kk": "Құжат", "ru": "Документ", "en": "Document"},
	"wallet.ben.appeal.newdecision":      {"kk": "Жаңа шешімді қарау", "ru": "Посмотреть новое решение", "en": "See the new decision"},

	"wallet.ben.appeal.button": {"kk": "Шағым беру", "ru": "Обжаловать", "en": "Appeal"},
	"wallet.ben.appeal.until": {
		"kk": "Бұл шешімге %s дейін шағым бере аласыз.",
		"ru": "Это решение можно обжаловать до %s.",
		"en": "You can appeal this decision until %s.",
	},
	"wallet.ben.appeal.closed": {
		"kk": "Шағым беру мерзімі (шешімнен кейін 3 ай) өтіп кетті.",
		"ru": "Срок обжалования (3 месяца после решения) истёк.",
		"en": "The time to appeal (3 months after the decision) has passed.",
	},
	"wallet.ben.appeal.title": {"kk": "Шешімге шағым", "ru": "Жалоба на решение", "en": "Appeal a decision"},
	"wallet.ben.appeal.lead": {
		"kk": "«%s» бойынша шешімнің неге дұрыс емес деп санайтыныңызды жазыңыз. Маман шағымды қарап, негіздемесімен жауап береді.",
		"ru": "Напишите, почему вы считаете решение по программе «%s» неверным. Специалист рассмотрит жалобу и ответит с обоснованием.",
		"en": "Say why you think the decision on %s is wrong. An officer reviews the appeal and answers with reasons.",
	},
	"wallet.ben.appeal.reason.help": {
		"kk": "Мысалы: «Ұлым күндізгі бөлімде оқиды, бірақ мұнда студент ретінде көрсетілмеген».",
		"ru": "Например: «Мой сын учится очно, но здесь он не указан как студент».",
		"en": "For example: \"My son studies full-time, but he is not shown as a student here.\"",
	},
	"wallet.ben.appeal.doc.help": {
		"kk": "Қажет болса: PDF, JPEG немесе PNG, 5 МБ-қа дейін (мысалы, анықтама).",
		"ru": "Если нужно: PDF, JPEG или PNG до 5 МБ (например, справка).",
		"en": "If it helps: a PDF, JPEG or PNG of up to 5 MB (a certificate, for example).",
	},
	"wallet.ben.appeal.send": {"kk": "Шағымды жіберу", "ru": "Отправить жалобу", "en": "Send the appeal"},
	"wallet.ben.appeal.noreason": {
		"kk": "Шағымның себебін жазыңыз.",
		"ru": "Напишите причину жалобы.",
		"en": "Write the reason for your appeal.",
	},
	"wallet.ben.appeal.baddoc": {
		"kk": "Құжат PDF, JPEG немесе PNG болуы және 5 МБ-тан аспауы керек.",
		"ru": "Документ должен быть в формате PDF, JPEG или PNG и не больше 5 МБ.",
		"en": "The document must be a PDF, JPEG or PNG of at most 5 MB.",
	},
	"wallet.ben.appeal.late": {
		"kk": "Бұл шешімге шағым беру мерзімі өтіп кетті.",
		"ru": "Срок обжалования этого решения истёк.",
		"en": "The time to appeal this decision has passed.",
	},
	"wallet.ben.appeal.twice": {
		"kk": "Бұл шешім бойынша қаралып жатқан шағымыңыз бар.",
		"ru": "По этому решению уже есть ваша жалоба на рассмотрении.",
		"en": "You already have an appeal of this decision under review.",
	},

	"wallet.ben.explain.title": {"kk": "Шешім неге осындай", "ru": "Почему такое решение", "en": "Why this decision"},
	"wallet.ben.explain.wrong": {
		"kk": "Дерек қате ме? Оны түзетуді сұраңыз: «Мен туралы деректер» бетіндегі «Қате ме?» сілтемесі.",
		"ru": "Сведения неверны? Попросите исправить их: ссылка «Неверно?» на странице «Данные обо мне».",
		"en": "Is a fact wrong? Ask for it to be corrected: the \"Wrong?\" link on the Data about me page.",
	},
}

// benefitPlurals are the benefits pages' counts.
var benefitPlurals = view.Plurals{
	"wallet.ben.waiting": {
		"kk": {"other": "Жауабыңызды %s ұсыныс күтеді."},
		"ru": {"one": "Вашего ответа ждёт %s предложение.", "few": "Вашего ответа ждут %s предложения.",
			"many": "Вашего ответа ждут %s предложений.", "other": "Вашего ответа ждут %s предложения."},
		"en": {"one": "%s offer is waiting for your answer.", "other": "%s offers are waiting for your answer."},
	},
	"wallet.ben.daysleft": {
		"kk": {"other": "жауапқа %s күн қалды"},
		"ru": {"one": "до ответа остался %s день", "few": "до ответа осталось %s дня",
			"many": "до ответа осталось %s дней", "other": "до ответа осталось %s дня"},
		"en": {"one": "%s day left for the answer", "other": "%s days left for the answer"},
	},
}

func init() {
	view.Register(benefitMessages)
	view.RegisterPlurals(benefitPlurals)
}
