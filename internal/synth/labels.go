package synth

// The labels sources.yaml gives every source, every attribute that is not
// one of ortaq's canonical ones, and every coded value the extracts hold,
// in Kazakh, Russian and English (docs/sources.md, "Labels"), in the terms
// of the registers themselves.

// tr is one phrase in Kazakh, Russian and English.
type tr struct{ kk, ru, en string }

// sourceTexts are each source's title and description.
var sourceTexts = map[string]struct{ title, desc tr }{
	"population_register": {
		tr{"«Жеке тұлғалар» мемлекеттік деректер қоры (ЖТ МДҚ)", "Государственная база данных «Физические лица» (ГБД ФЛ)", "State database of individuals (ГБД ФЛ)"},
		tr{"Азаматтар мен тұрақты тұратын адамдар: ЖСН, тегі, аты, әкесінің аты, туған күні, отбасы, тіркелген мекенжайы",
			"Граждане и постоянно проживающие лица: ИИН, ФИО, дата рождения, семья, адрес регистрации",
			"Citizens and permanent residents: IIN, name, date of birth, family, registered address"},
	},
	"civil_registry": {
		tr{"Азаматтық хал актілерінің жазбалары (туу, қайтыс болу, неке)", "Записи актов гражданского состояния (рождения, смерти, браки)", "Civil registry events (births, deaths, marriages)"},
		tr{"АХАЖ органдары тіркеген акт жазбалары", "Актовые записи, зарегистрированные органами ЗАГС", "Records registered by the civil registry offices"},
	},
	"health_cards": {
		tr{"Пациенттердің карталары (емханаға тіркелу)", "Карты пациентов (прикрепление к поликлинике)", "Patient cards (polyclinic attachment)"},
		tr{"Емханаларға тіркелген адамдардың амбулаториялық медициналық карталары", "Медицинские карты амбулаторных пациентов, прикреплённых к поликлиникам",
			"Outpatient medical cards of the people attached to each polyclinic"},
	},
	"livestock": {
		tr{"Ауыл шаруашылығы жануарларын бірдейлендіру дерекқоры", "База данных по идентификации сельскохозяйственных животных", "Farm animal identification register"},
		tr{"Құлақ сырғасы бар ауыл шаруашылығы жануарлары және олардың иелері", "Сельскохозяйственные животные с ушными бирками и их владельцы",
			"Farm animals with ear tags and their owners"},
	},
	"social_benefits": {
		tr{"Әлеуметтік төлемдер тізілімі", "Реестр социальных выплат", "Social payments register"},
		tr{"Тағайындалған зейнетақылар, жәрдемақылар және атаулы әлеуметтік көмек", "Назначенные пенсии, пособия и адресная социальная помощь",
			"Pensions, allowances and targeted social assistance granted"},
	},
	"tax_incomes": {
		tr{"Қызметкерлердің табыстары туралы мәліметтер (200.00 нысан)", "Сведения о доходах работников (форма 200.00)", "Monthly employee income declarations (form 200)"},
		tr{"Жұмыс берушілердің декларациялары бойынша қызметкерлердің ай сайынғы табысы және ұсталған жеке табыс салығы",
			"Ежемесячные доходы работников и удержанный индивидуальный подоходный налог по декларациям работодателей",
			"Employees' monthly income and the individual income tax withheld, from employers' declarations"},
	},
	"education_students": {
		tr{"Ұлттық білім беру деректер қоры: оқушылар мен студенттер", "Национальная образовательная база данных: учащиеся и студенты", "National education database: pupils and students"},
		tr{"Мектептер мен жоғары оқу орындарының контингенті", "Контингент школ и высших учебных заведений", "Pupils of schools and students of universities"},
	},
	"disability_register": {
		tr{"Мүгедектігі бар адамдардың орталықтандырылған деректер банкі", "Централизованный банк данных лиц, имеющих инвалидность", "Central register of persons with disabilities"},
		tr{"Белгіленген мүгедектік: тобы, себебі, мерзімі", "Установленная инвалидность: группа, причина, срок", "Disability established: group, cause and term"},
	},
}

// fieldLabels name the attributes the extracts carry beyond ortaq's
// canonical ones (which ortaq labels itself).
var fieldLabels = map[string]tr{
	// population register
	"nationality":    {"Ұлты", "Национальность", "Ethnicity"},
	"household_id":   {"Отбасы нөмірі", "Номер семьи", "Household number"},
	"household_role": {"Отбасы басшысына туыстығы", "Отношение к главе семьи", "Relation to the head of the family"},
	// civil registry
	"event":             {"Акт жазбасының түрі", "Вид актовой записи", "Civil registry event"},
	"event_date":        {"Оқиға күні", "Дата события", "Date of the event"},
	"mother_iin":        {"Анасының ЖСН", "ИИН матери", "Mother's IIN"},
	"father_iin":        {"Әкесінің ЖСН", "ИИН отца", "Father's IIN"},
	"spouse_iin":        {"Жұбайының ЖСН", "ИИН супруга (супруги)", "Spouse's IIN"},
	"spouse_last_name":  {"Жұбайының тегі", "Фамилия супруга (супруги)", "Spouse's surname"},
	"spouse_first_name": {"Жұбайының аты", "Имя супруга (супруги)", "Spouse's first name"},
	"registry_office":   {"АХАЖ органы", "Орган ЗАГС", "Civil registry office"},
	// health
	"clinic":          {"Емхана", "Поликлиника", "Polyclinic"},
	"attached_date":   {"Тіркелген күні", "Дата прикрепления", "Attached on"},
	"last_visit_date": {"Соңғы қаралған күні", "Дата последнего посещения", "Last visit"},
	"card_status":     {"Карта мәртебесі", "Статус карты", "Card status"},
	// livestock
	"tag":             {"Құлақ сырғасының нөмірі", "Номер ушной бирки", "Ear tag number"},
	"species":         {"Жануардың түрі", "Вид животного", "Species"},
	"breed":           {"Тұқымы", "Порода", "Breed"},
	"animal_sex":      {"Жануардың жынысы", "Пол животного", "Sex of the animal"},
	"owner_iin":       {"Иесінің ЖСН", "ИИН владельца", "Owner's IIN"},
	"owner_name":      {"Иесінің тегі, аты, әкесінің аты", "ФИО владельца", "Owner's name"},
	"registered_date": {"Тіркелген күні", "Дата регистрации", "Registered on"},
	// social payments
	"benefit":            {"Төлем түрі", "Вид выплаты", "Benefit"},
	"amount":             {"Төлем мөлшері, теңге", "Размер выплаты, тенге", "Amount, tenge"},
	"benefit_start_date": {"Тағайындалған күні", "Дата назначения", "Granted on"},
	// tax
	"period":       {"Кезең", "Период", "Period"},
	"employer_bin": {"Жұмыс берушінің БСН", "БИН работодателя", "Employer's BIN"},
	"employer":     {"Жұмыс беруші", "Работодатель", "Employer"},
	"income":       {"Табыс, теңге", "Доход, тенге", "Income, tenge"},
	"income_tax":   {"Жеке табыс салығы, теңге", "Индивидуальный подоходный налог, тенге", "Individual income tax, tenge"},
	// education
	"school":               {"Білім беру ұйымы", "Организация образования", "School or university"},
	"institution_type":     {"Білім беру ұйымының түрі", "Тип организации образования", "Type of institution"},
	"study_form":           {"Оқу нысаны", "Форма обучения", "Form of study"},
	"grade":                {"Сынып (курс)", "Класс (курс)", "Grade (year of study)"},
	"instruction_language": {"Оқыту тілі", "Язык обучения", "Language of instruction"},
	"enrolled_date":        {"Қабылданған күні", "Дата зачисления", "Enrolled on"},
	// disability
	"disability_group": {"Мүгедектік тобы", "Группа инвалидности", "Disability group"},
	"disability_cause": {"Мүгедектіктің себебі", "Причина инвалидности", "Cause of disability"},
	"disability_date":  {"Белгіленген күні", "Дата установления", "Established on"},
	"disability_term":  {"Мерзімі", "Срок", "Term"},
}

// valueLabels name the coded values of each attribute, keyed by the
// canonical value (after the contract's values: recoding). Sex values are
// ortaq's own.
var valueLabels = map[string]map[string]tr{
	"event": {
		"birth":    {"Туу", "Рождение", "Birth"},
		"death":    {"Қайтыс болу", "Смерть", "Death"},
		"marriage": {"Неке қию", "Заключение брака", "Marriage"},
	},
	"card_status": {
		"active": {"Белсенді", "Действующая", "Active"},
		"closed": {"Жабылған", "Закрыта", "Closed"},
	},
	"species": {
		"cattle": {"Ірі қара мал", "Крупный рогатый скот", "Cattle"},
		"sheep":  {"Қой", "Овца", "Sheep"},
		"goat":   {"Ешкі", "Коза", "Goat"},
		"horse":  {"Жылқы", "Лошадь", "Horse"},
		"camel":  {"Түйе", "Верблюд", "Camel"},
	},
	"animal_sex": {
		"самка": {"Ұрғашы", "Самка", "Female"},
		"самец": {"Еркек", "Самец", "Male"},
	},
	"household_role": {
		"head":   {"Отбасы басшысы", "Глава семьи", "Head of the family"},
		"spouse": {"Жұбайы", "Супруг(а)", "Spouse"},
		"child":  {"Баласы", "Ребёнок", "Child"},
		"parent": {"Ата-анасы", "Родитель", "Parent"},
	},
	"study_form": {
		"full_time": {"Күндізгі", "Очная", "Full-time"},
		"part_time": {"Сырттай", "Заочная", "Part-time"},
	},
	"institution_type": {
		"school":     {"Мектеп", "Школа", "School"},
		"university": {"Жоғары оқу орны", "Высшее учебное заведение", "University"},
	},
	"instruction_language": {
		"kk": {"Қазақ тілі", "Казахский", "Kazakh"},
		"ru": {"Орыс тілі", "Русский", "Russian"},
	},
	"disability_group": {
		"1 группа":        {"1-топ", "1 группа", "Group 1"},
		"2 группа":        {"2-топ", "2 группа", "Group 2"},
		"3 группа":        {"3-топ", "3 группа", "Group 3"},
		"ребенок-инвалид": {"Мүгедектігі бар бала", "Ребёнок с инвалидностью", "Disabled child"},
	},
	"disability_cause": {
		"общее заболевание":            {"Жалпы сырқат", "Общее заболевание", "General illness"},
		"инвалидность с детства":       {"Бала кезден мүгедектік", "Инвалидность с детства", "Disabled since childhood"},
		"трудовое увечье":              {"Еңбек жарақаты", "Трудовое увечье", "Work injury"},
		"профессиональное заболевание": {"Кәсіптік ауру", "Профессиональное заболевание", "Occupational disease"},
	},
	"disability_term": {
		"бессрочно": {"Мерзімсіз", "Бессрочно", "Permanent"},
	},
	"benefit": {
		benefitPension:    {"Жасына байланысты зейнетақы төлемі", benefitPension, "Old-age pension"},
		benefitDisability: {"Мүгедектігі бойынша жәрдемақы", benefitDisability, "Disability allowance"},
		benefitLarge:      {"Көпбалалы отбасына берілетін жәрдемақы", benefitLarge, "Large family allowance"},
		benefitChildcare:  {"Бала бір жарым жасқа толғанға дейін оның күтімі бойынша жәрдемақы", benefitChildcare, "Childcare allowance up to 18 months"},
		benefitSurvivor:   {"Асыраушысынан айырылу жағдайы бойынша жәрдемақы", benefitSurvivor, "Survivor's allowance"},
		benefitTargeted:   {"Атаулы әлеуметтік көмек", benefitTargeted, "Targeted social assistance"},
	},
}

// appendTr writes a phrase as a YAML flow mapping {kk: …, ru: …, en: …}.
func appendTr(b []byte, t tr) []byte {
	b = append(b, "{kk: "...)
	b = appendYAML(b, t.kk)
	b = append(b, ", ru: "...)
	b = appendYAML(b, t.ru)
	b = append(b, ", en: "...)
	b = appendYAML(b, t.en)
	return append(b, '}')
}
