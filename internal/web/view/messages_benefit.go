package view

// benefitMessages are the words of a benefits decision's explanation, as
// the wallet and the console show it (see ExplainBenefit): the sections'
// headings and the facts, by the engine's field names.
var benefitMessages = Messages{
	"benefit.explain.rule":      {"kk": "Ереже", "ru": "Правило", "en": "The rule"},
	"benefit.explain.facts":     {"kk": "Ескерілген деректер", "ru": "Учтённые сведения", "en": "The facts it used"},
	"benefit.explain.conflicts": {"kk": "Дереккөздер келіспейтін деректер", "ru": "Сведения, в которых источники расходятся", "en": "Where the sources disagree"},
	"benefit.explain.params":    {"kk": "Заңдағы шамалар", "ru": "Величины по закону", "en": "The figures set by law"},
	"benefit.explain.steps":     {"kk": "Есептеу", "ru": "Расчёт", "en": "The arithmetic"},
	"benefit.explain.change":    {"kk": "Нәтижені не өзгертер еді", "ru": "Что изменило бы результат", "en": "What would change the outcome"},
	"benefit.explain.since":     {"kk": "%s бастап", "ru": "с %s", "en": "from %s"},
	"benefit.explain.unknown": {
		"kk": "дереккөзі көрсетілмеген",
		"ru": "источник не указан",
		"en": "source not recorded",
	},
	"benefit.field.role":             {"kk": "Отбасындағы рөлі", "ru": "Роль в семье", "en": "Role in the household"},
	"benefit.field.birth_date":       {"kk": "Туған күні", "ru": "Дата рождения", "en": "Date of birth"},
	"benefit.field.student":          {"kk": "Күндізгі бөлімде оқиды", "ru": "Учится очно", "en": "Full-time student"},
	"benefit.field.carer":            {"kk": "Баланы күтеді", "ru": "Ухаживает за ребёнком", "en": "Cares for the baby"},
	"benefit.field.insured":          {"kk": "Міндетті әлеуметтік сақтандыруға қатысады", "ru": "Участник обязательного социального страхования", "en": "In compulsory social insurance"},
	"benefit.field.avg_income_24m":   {"kk": "24 айдағы орташа айлық табыс", "ru": "Средний месячный доход за 24 месяца", "en": "Average monthly income over 24 months"},
	"benefit.field.disability":       {"kk": "Мүгедектік", "ru": "Инвалидность", "en": "Disability"},
	"benefit.field.disability.group": {"kk": "Мүгедектік тобы", "ru": "Группа инвалидности", "en": "Disability group"},
	"benefit.field.disability.cause": {"kk": "Мүгедектік себебі", "ru": "Причина инвалидности", "en": "Cause of disability"},
	"benefit.field.region":           {"kk": "Өңір", "ru": "Регион", "en": "Region"},
	"benefit.income":                 {"kk": "%s айындағы табыс", "ru": "Доход за %s", "en": "Income for %s"},
	"benefit.household":              {"kk": "Отбасы", "ru": "Семья", "en": "Household"},
	"benefit.member":                 {"kk": "Отбасы мүшесі", "ru": "Член семьи", "en": "A member of the household"},
	"benefit.role.parent":            {"kk": "ата-ана", "ru": "родитель", "en": "parent"},
	"benefit.role.child":             {"kk": "бала", "ru": "ребёнок", "en": "child"},
	"benefit.role.other":             {"kk": "басқа туыс", "ru": "другой родственник", "en": "other relative"},
	"benefit.cause.general":          {"kk": "жалпы ауру", "ru": "общее заболевание", "en": "general illness"},
	"benefit.cause.childhood":        {"kk": "бала кезінен", "ru": "с детства", "en": "since childhood"},
	"benefit.yes":                    {"kk": "иә", "ru": "да", "en": "yes"},
	"benefit.no":                     {"kk": "жоқ", "ru": "нет", "en": "no"},
}
