package console

import "github.com/ortaq/ortaq/internal/web/view"

// officialsMessages are signing in, the stated case, break-glass and the
// auditor's review.
var officialsMessages = view.Messages{
	"officials.signin.title":   {"kk": "Қызметкердің кіруі", "ru": "Вход для сотрудников", "en": "Officials' sign-in"},
	"officials.signin.lead":    {"kk": "Логинді, құпиясөзді және аутентификатор қолданбасындағы кодты енгізіңіз.", "ru": "Введите логин, пароль и код из приложения-аутентификатора.", "en": "Enter your login, your password and the code from your authenticator app."},
	"officials.login":          {"kk": "Логин", "ru": "Логин", "en": "Login"},
	"officials.password":       {"kk": "Құпиясөз", "ru": "Пароль", "en": "Password"},
	"officials.code":           {"kk": "Бір реттік код", "ru": "Одноразовый код", "en": "One-time code"},
	"officials.code.help":      {"kk": "Аутентификатор қолданбасындағы 6 цифр.", "ru": "6 цифр из приложения-аутентификатора.", "en": "The 6 digits your authenticator app shows."},
	"officials.signin.button":  {"kk": "Кіру", "ru": "Войти", "en": "Sign in"},
	"officials.oidc":           {"kk": "Ведомстволық жеке куәлік арқылы кіру", "ru": "Войти через ведомственную учётную запись", "en": "Sign in with your agency account"},
	"officials.signout":        {"kk": "Шығу", "ru": "Выйти", "en": "Sign out"},
	"officials.badcredentials": {"kk": "Логин, құпиясөз немесе код қате.", "ru": "Неверный логин, пароль или код.", "en": "The login, password or code is wrong."},
	"officials.locked":         {"kk": "Тым көп сәтсіз әрекет: тіркелгі уақытша бұғатталды. Кейінірек қайталаңыз немесе әкімшіге хабарласыңыз.", "ru": "Слишком много неудачных попыток: учётная запись временно заблокирована. Повторите позже или обратитесь к администратору.", "en": "Too many failed attempts: the account is locked for a while. Try later or ask your administrator."},
	"officials.toomany":        {"kk": "Тым көп сұрау", "ru": "Слишком много запросов", "en": "Too many requests"},
	"officials.toomany.lead":   {"kk": "Бұл мекенжайдан тым көп кіру әрекеті. Бір минуттан кейін қайталаңыз.", "ru": "Слишком много попыток входа с этого адреса. Повторите через минуту.", "en": "Too many sign-in attempts from this address. Try again in a minute."},
	"officials.expired":        {"kk": "Сессия аяқталды: қайта кіріңіз.", "ru": "Сеанс завершён: войдите снова.", "en": "Your session has ended: sign in again."},
	"officials.forged":         {"kk": "Форма осы сессиядан емес: бетті қайта ашып, әрекетті қайталаңыз.", "ru": "Форма не из этого сеанса: откройте страницу заново и повторите.", "en": "The form is not from this session: open the page again and retry."},
	"officials.role":           {"kk": "Сіздің рөліңіз бұл бетті ашуға рұқсат бермейді.", "ru": "Ваша роль не позволяет открыть эту страницу.", "en": "Your role does not allow this page."},
	"officials.otheragency":    {"kk": "Бұл басқа ведомствоның деректері: оларды сол ведомство шешеді.", "ru": "Это данные другого ведомства: решение принимает оно.", "en": "This belongs to another agency: that agency decides it."},
	"officials.nocase":         {"kk": "Алдымен істі көрсетіңіз.", "ru": "Сначала укажите дело.", "en": "State your case first."},
	"officials.readlimit":      {"kk": "Бір сағатта тым көп адамның деректері ашылды. Кейінірек жалғастырыңыз; аудитор хабардар.", "ru": "За час открыто слишком много людей. Продолжите позже; аудитор уведомлён.", "en": "You have opened too many people in the last hour. Continue later; the auditor can see this."},
	"officials.noaudit":        {"kk": "Аудит журналы жұмыс істемейді, сондықтан адамдардың деректері көрсетілмейді.", "ru": "Журнал аудита не работает, поэтому данные людей не показываются.", "en": "The audit log is not running, so no person's data is shown."},
	"officials.nodirectory":    {"kk": "Бұл серверде қызметкерлердің кіруі бапталмаған.", "ru": "На этом сервере не настроен вход сотрудников.", "en": "Officials' sign-in is not set up on this server."},
	"officials.oidcfailed":     {"kk": "Жеке куәлік провайдері арқылы кіру сәтсіз аяқталды.", "ru": "Вход через провайдера удостоверений не удался.", "en": "Signing in through the identity provider failed."},

	"role.admin":          {"kk": "Ұлттық әкімші", "ru": "Национальный администратор", "en": "National administrator"},
	"role.data_officer":   {"kk": "Деректер жөніндегі қызметкер", "ru": "Специалист по данным", "en": "Data officer"},
	"role.auditor":        {"kk": "Аудитор", "ru": "Аудитор", "en": "Auditor"},
	"role.analyst":        {"kk": "Талдаушы", "ru": "Аналитик", "en": "Analyst"},
	"role.social_worker":  {"kk": "Әлеуметтік қорғау қызметкері", "ru": "Специалист соцзащиты", "en": "Social-protection officer"},
	"role.policy_officer": {"kk": "Әлеуметтік бағдарламалар әдіснамашысы", "ru": "Методолог социальных программ", "en": "Social-programme policy officer"},

	"case.title":    {"kk": "Іс", "ru": "Дело", "en": "Case"},
	"case.lead":     {"kk": "Адамдардың деректерін ашпас бұрын қандай іспен жұмыс істейтініңізді көрсетіңіз. Әр қарау осы іспен жазылады, және азамат оны өз әмиянында көреді.", "ru": "Прежде чем открывать данные людей, укажите, по какому делу вы работаете. Каждый просмотр записывается с этим делом, и гражданин видит его в своём кошельке.", "en": "Before you open people's data, say which case you work on. Every look is recorded under it, and the citizen sees it in their wallet."},
	"case.ref":      {"kk": "Іс нөмірі", "ru": "Номер дела", "en": "Case reference"},
	"case.ref.help": {"kk": "Мысалы, өтініш немесе хат нөмірі.", "ru": "Например, номер обращения или письма.", "en": "For example the number of a request or a letter."},
	"case.reason":   {"kk": "Себебі", "ru": "Основание", "en": "Reason"},
	"case.button":   {"kk": "Іспен жұмыс істеу", "ru": "Работать по делу", "en": "Work on this case"},
	"case.current":  {"kk": "Іс", "ru": "Дело", "en": "Case"},
	"case.none":     {"kk": "Іс көрсетілмеген", "ru": "Дело не указано", "en": "No case stated"},
	"case.invalid":  {"kk": "Іс нөмірін (64 таңбаға дейін) және себепті көрсетіңіз.", "ru": "Укажите номер дела (до 64 знаков) и основание.", "en": "Give a case reference (up to 64 characters) and a reason."},

	"breakglass.title":  {"kk": "Бұл адам сіздің ведомствоңыздың жазбаларында жоқ", "ru": "Этого человека нет в записях вашего ведомства", "en": "This person is not in your agency's records"},
	"breakglass.lead":   {"kk": "Оның деректерін тек жазбаша себеппен ашуға болады: рұқсат бір сағатқа беріледі, белгіленеді және аудитор тексереді.", "ru": "Его данные можно открыть только с письменным обоснованием: доступ даётся на час, помечается и проверяется аудитором.", "en": "You may open their data only with a written reason: access lasts an hour, is flagged, and an auditor reviews it."},
	"breakglass.reason": {"kk": "Неге ашу керек", "ru": "Почему нужно открыть", "en": "Why you need to open it"},
	"breakglass.help":   {"kk": "Кемінде 20 таңба. Азамат бұл қарауды өз әмиянында көреді.", "ru": "Не менее 20 знаков. Гражданин увидит этот просмотр в своём кошельке.", "en": "At least 20 characters. The citizen will see this look in their wallet."},
	"breakglass.button": {"kk": "Себебін жазып, ашу", "ru": "Открыть с обоснованием", "en": "Open with this reason"},
	"breakglass.short":  {"kk": "Себебін толығырақ жазыңыз: кемінде 20 таңба.", "ru": "Опишите основание подробнее: не менее 20 знаков.", "en": "Write the reason out: at least 20 characters."},

	"nav.review":                 {"kk": "Тексеру", "ru": "Проверка", "en": "Review"},
	"review.title":               {"kk": "Ерекше қол жеткізуді тексеру", "ru": "Проверка экстренного доступа", "en": "Break-glass review"},
	"review.lead":                {"kk": "Қызметкерлер өз ведомствосынан тыс адамдарды жазбаша себеппен ашты. Әрқайсысын негізді немесе негізсіз деп белгілеңіз.", "ru": "Сотрудники открыли людей вне своего ведомства с письменным обоснованием. Отметьте каждый случай как обоснованный или необоснованный.", "en": "Officials opened people outside their agency on a written reason. Mark each as justified or not."},
	"review.all":                 {"kk": "Барлығын көрсету", "ru": "Показать все", "en": "Show all"},
	"review.pending":             {"kk": "Тек тексерілмегендер", "ru": "Только непроверенные", "en": "Pending only"},
	"review.official":            {"kk": "Қызметкер", "ru": "Сотрудник", "en": "Official"},
	"review.entity":              {"kk": "Кім ашылды", "ru": "Кого открыли", "en": "Opened"},
	"review.reason":              {"kk": "Себебі", "ru": "Обоснование", "en": "Reason"},
	"review.when":                {"kk": "Қашан", "ru": "Когда", "en": "When"},
	"review.until":               {"kk": "дейін", "ru": "до", "en": "until"},
	"review.verdict":             {"kk": "Шешім", "ru": "Решение", "en": "Verdict"},
	"review.verdict.justified":   {"kk": "Негізді", "ru": "Обоснован", "en": "Justified"},
	"review.verdict.unjustified": {"kk": "Негізсіз", "ru": "Не обоснован", "en": "Unjustified"},
	"review.note":                {"kk": "Ескерту", "ru": "Примечание", "en": "Note"},
	"review.none":                {"kk": "Тексеретін ештеңе жоқ.", "ru": "Проверять нечего.", "en": "Nothing to review."},
	"review.own":                 {"kk": "Өз қол жеткізуіңізді тексере алмайсыз.", "ru": "Нельзя проверять собственный доступ.", "en": "You cannot review your own access."},

	"nav.audit":                {"kk": "Аудит", "ru": "Аудит", "en": "Audit"},
	"audit.title":              {"kk": "Кім қарады: аудит", "ru": "Кто смотрел: аудит", "en": "Who looked: audit"},
	"audit.lead":               {"kk": "ЖСН-ді немесе малдың сырғасын енгізіңіз: алмасу шешімдері мен қызметкерлердің қараулары, қызметкердің аты-жөнімен.", "ru": "Введите ИИН или бирку животного: решения обмена и просмотры сотрудников, с именем сотрудника.", "en": "Enter an IIN or an animal's tag: the exchange's decisions and officials' looks, with the official named."},
	"audit.subject":            {"kk": "ЖСН немесе сырға", "ru": "ИИН или бирка", "en": "IIN or tag"},
	"audit.who":                {"kk": "Кім", "ru": "Кто", "en": "Who"},
	"audit.what":               {"kk": "Не", "ru": "Что", "en": "What"},
	"audit.why":                {"kk": "Неге", "ru": "Зачем", "en": "Why"},
	"audit.decision":           {"kk": "Шешім", "ru": "Решение", "en": "Decision"},
	"audit.none":               {"kk": "Бұл субъект бойынша жазба жоқ.", "ru": "Записей по этому субъекту нет.", "en": "No records about this subject."},
	"audit.kind.official-read": {"kk": "қызметкердің қарауы", "ru": "просмотр сотрудником", "en": "an official's look"},
	"audit.kind.break-glass":   {"kk": "ерекше қол жеткізу", "ru": "экстренный доступ", "en": "break-glass"},
	"audit.kind.system-read":   {"kk": "жүйенің оқуы", "ru": "чтение системой", "en": "a system's read"},
	"audit.kind.merchant":      {"kk": "сатушының сұрауы", "ru": "запрос продавца", "en": "a merchant's request"},

	"quarantine.hidden": {"kk": "Карантиндегі жолдарды тек дереккөзді жүргізетін ведомство көреді.", "ru": "Строки в карантине видит только ведомство, ведущее источник.", "en": "Only the agency that keeps the source sees its quarantined rows."},
}

// officialsPlurals count things about officials' access.
var officialsPlurals = view.Plurals{
	"search.hidden": {
		"kk": {"other": "Сіздің ведомствоңыздың жазбаларында жоқ тағы %s адам көрсетілмеді."},
		"ru": {
			"one":   "Ещё %s человек вне записей вашего ведомства не показан.",
			"few":   "Ещё %s человека вне записей вашего ведомства не показаны.",
			"many":  "Ещё %s человек вне записей вашего ведомства не показаны.",
			"other": "Ещё %s человека вне записей вашего ведомства не показаны.",
		},
		"en": {
			"one":   "%s more person outside your agency's records is not shown.",
			"other": "%s more people outside your agency's records are not shown.",
		},
	},
}

func init() {
	view.Register(officialsMessages)
	view.RegisterPlurals(officialsPlurals)
}
