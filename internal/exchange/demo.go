package exchange

import (
	"context"
	"fmt"
)

// The demo registry: the synthetic nation's agencies as members, the
// services their data supports, and the laws that let them share it. The
// law names and article numbers are modelled on Kazakhstan's codes and
// laws to read realistically; they are illustrations, not legal advice.

var demoMembers = []struct {
	Member
	subsystems []Subsystem
}{
	{Member{Code: "moj", RateLimit: 1000, Title: Title{"en": "Ministry of Justice", "kk": "Әділет министрлігі", "ru": "Министерство юстиции"}},
		[]Subsystem{
			{Code: "population-register", Title: Title{"en": "Population register", "kk": "Халықты тіркеу", "ru": "Регистр населения"}},
			{Code: "civil-registry", Title: Title{"en": "Civil registry", "kk": "АХАЖ", "ru": "ЗАГС"}},
		}},
	{Member{Code: "moh", RateLimit: 300, Title: Title{"en": "Ministry of Health", "kk": "Денсаулық сақтау министрлігі", "ru": "Министерство здравоохранения"}},
		[]Subsystem{{Code: "health-cards", Title: Title{"en": "Patient attachment", "kk": "Пациенттерді тіркеу", "ru": "Прикрепление пациентов"}}}},
	{Member{Code: "moa", RateLimit: 200, Title: Title{"en": "Ministry of Agriculture", "kk": "Ауыл шаруашылығы министрлігі", "ru": "Министерство сельского хозяйства"}},
		[]Subsystem{
			{Code: "livestock-registry", Title: Title{"en": "Farm animal identification", "kk": "Жануарларды бірдейлендіру", "ru": "Идентификация сельскохозяйственных животных"}},
			{Code: "vet-service", Title: Title{"en": "Veterinary service", "kk": "Ветеринариялық қызмет", "ru": "Ветеринарная служба"}},
		}},
	{Member{Code: "mlsp", RateLimit: 500, Title: Title{"en": "Ministry of Labour and Social Protection of the Population",
		"kk": "Еңбек және халықты әлеуметтік қорғау министрлігі", "ru": "Министерство труда и социальной защиты населения"}},
		[]Subsystem{
			{Code: "social-benefits", Title: Title{"en": "Social benefits", "kk": "Әлеуметтік төлемдер", "ru": "Социальные выплаты"}},
			{Code: "disability-register", Title: Title{"en": "Disability register", "kk": "Мүгедектік тізілімі", "ru": "Регистр инвалидности"}},
		}},
	{Member{Code: "kgd", RateLimit: 500, Title: Title{"en": "State Revenue Committee of the Ministry of Finance",
		"kk": "Қаржы министрлігінің Мемлекеттік кірістер комитеті", "ru": "Комитет государственных доходов Министерства финансов"}},
		[]Subsystem{
			{Code: "tax-incomes", Title: Title{"en": "Income declarations", "kk": "Кіріс декларациялары", "ru": "Декларации о доходах"}},
			{Code: "tax-audit", Title: Title{"en": "Tax audit", "kk": "Салықтық тексеру", "ru": "Налоговая проверка"}},
		}},
	{Member{Code: "edu", RateLimit: 100, Title: Title{"en": "Ministry of Education", "kk": "Оқу-ағарту министрлігі", "ru": "Министерство просвещения"}},
		[]Subsystem{{Code: "students", Title: Title{"en": "Student register", "kk": "Білім алушылар тізілімі", "ru": "Контингент обучающихся"}}}},
	{Member{Code: "gfc", RateLimit: 200, Title: Title{"en": "State Corporation \"Government for Citizens\"",
		"kk": "«Азаматтарға арналған үкімет» мемлекеттік корпорациясы", "ru": "Государственная корпорация «Правительство для граждан»"}},
		[]Subsystem{{Code: "benefit-desk", Title: Title{"en": "Benefit applications desk", "kk": "Жәрдемақы өтінімдері", "ru": "Приём заявлений на пособия"}}}},
}

var demoServices = []Service{
	{Code: "person-basic", Member: "moj", Kind: KindPerson, KeyAttr: KeyNationalID,
		Title:  Title{"en": "Basic personal data", "kk": "Негізгі дербес деректер", "ru": "Основные персональные данные"},
		Fields: []string{"last_name", "first_name", "middle_name", "full_name", "birth_date", "sex", "nationality", "region", "locality", "address", "postcode", "phone", "email", "death_date"}},
	{Code: "person-income", Member: "kgd", Kind: KindPerson, KeyAttr: KeyNationalID, Source: "tax_incomes",
		Title:  Title{"en": "Declared incomes", "kk": "Декларацияланған кірістер", "ru": "Задекларированные доходы"},
		Fields: []string{"period", "employer_bin", "employer", "income", "income_tax"}},
	{Code: "person-benefits", Member: "mlsp", Kind: KindPerson, KeyAttr: KeyNationalID, Source: "social_benefits",
		Title:  Title{"en": "Social benefits received", "kk": "Алынатын әлеуметтік төлемдер", "ru": "Получаемые социальные выплаты"},
		Fields: []string{"benefit", "amount", "benefit_start_date", "region"}},
	{Code: "person-disability", Member: "mlsp", Kind: KindPerson, KeyAttr: KeyNationalID, Source: "disability_register",
		Title:  Title{"en": "Disability status", "kk": "Мүгедектік мәртебесі", "ru": "Статус инвалидности"},
		Fields: []string{"disability_group", "disability_cause", "disability_date", "disability_term"}},
	{Code: "person-health-attachment", Member: "moh", Kind: KindPerson, KeyAttr: KeyNationalID, Source: "health_cards",
		Title:  Title{"en": "Clinic attachment", "kk": "Емханаға тіркелу", "ru": "Прикрепление к поликлинике"},
		Fields: []string{"clinic", "attached_date", "last_visit_date", "card_status"}},
	{Code: "animal-by-tag", Member: "moa", Kind: KindAnimal, KeyAttr: KeyTag,
		Title:  Title{"en": "Farm animal by ear tag", "kk": "Сырға бойынша жануар", "ru": "Животное по бирке"},
		Fields: []string{"tag", "species", "breed", "animal_sex", "birth_date", "owner_iin", "owner_name", "region", "locality", "registered_date"}},
}

var demoPurposes = []Purpose{
	{Code: "social-benefit-eligibility", Title: Title{"en": "Social benefit eligibility", "kk": "Әлеуметтік төлемге құқықты анықтау", "ru": "Определение права на социальную выплату"}},
	{Code: "disability-assessment", Title: Title{"en": "Disability assessment", "kk": "Мүгедектікті белгілеу", "ru": "Установление инвалидности"}},
	{Code: "tax-audit", Title: Title{"en": "Tax audit", "kk": "Салықтық тексеру", "ru": "Налоговая проверка"}},
	{Code: "medical-care", Title: Title{"en": "Medical care", "kk": "Медициналық көмек көрсету", "ru": "Оказание медицинской помощи"}},
	{Code: "veterinary-control", Title: Title{"en": "Veterinary control", "kk": "Ветеринариялық бақылау", "ru": "Ветеринарный контроль"}},
	{Code: "identity-verification", Title: Title{"en": "Identity verification", "kk": "Жеке басын растау", "ru": "Подтверждение личности"}},
}

// demoBases cite their laws as the state registers do, in Russian (the
// acts are published in Kazakh and Russian alike); each Title names the
// law and article in every language for the pages.
var demoBases = []LegalBasis{
	{Code: "social-code-art-11", Law: "Социальный кодекс Республики Казахстан от 20 апреля 2023 года № 224-VIII",
		Article: "ст. 11 (информационное обеспечение социальной защиты)", RetentionDays: 1825,
		Title:    Title{"en": "Social Code, art. 11", "kk": "Әлеуметтік кодекс, 11-бап", "ru": "Социальный кодекс, ст. 11"},
		Purposes: []string{"social-benefit-eligibility", "disability-assessment"},
		Services: []string{"person-basic", "person-income", "person-benefits", "person-disability"},
		Fields: []string{"last_name", "first_name", "middle_name", "birth_date", "sex", "region", "address", "death_date",
			"period", "income", "benefit", "amount", "benefit_start_date", "disability_group", "disability_date", "disability_term"}},
	{Code: "tax-code-art-26", Law: "Кодекс Республики Казахстан «О налогах и других обязательных платежах в бюджет» (Налоговый кодекс)",
		Article: "ст. 26 (сведения государственных органов для налогового администрирования)", RetentionDays: 1825,
		Title:    Title{"en": "Tax Code, art. 26", "kk": "Салық кодексі, 26-бап", "ru": "Налоговый кодекс, ст. 26"},
		Purposes: []string{"tax-audit"},
		Services: []string{"person-basic", "person-income"},
		Fields: []string{"last_name", "first_name", "middle_name", "birth_date", "address", "region",
			"period", "employer_bin", "employer", "income", "income_tax"}},
	{Code: "health-code-art-60", Law: "Кодекс Республики Казахстан от 7 июля 2020 года № 360-VI «О здоровье народа и системе здравоохранения»",
		Article: "ст. 60 (цифровое здравоохранение: использование персональных медицинских данных)", RetentionDays: 365,
		Title:    Title{"en": "Health Code, art. 60", "kk": "Денсаулық кодексі, 60-бап", "ru": "Кодекс о здоровье, ст. 60"},
		Purposes: []string{"medical-care"},
		Services: []string{"person-basic", "person-health-attachment"},
		Fields: []string{"last_name", "first_name", "middle_name", "birth_date", "sex", "address", "phone", "death_date",
			"clinic", "attached_date", "last_visit_date", "card_status"}},
	{Code: "vet-law-art-8", Law: "Закон Республики Казахстан от 10 июля 2002 года № 339-II «О ветеринарии»",
		Article: "ст. 8 (идентификация сельскохозяйственных животных)", RetentionDays: 1095,
		Title:    Title{"en": "Law on Veterinary Medicine, art. 8", "kk": "Ветеринария туралы заң, 8-бап", "ru": "Закон о ветеринарии, ст. 8"},
		Purposes: []string{"veterinary-control"},
		Services: []string{"animal-by-tag"},
		Fields:   []string{"tag", "species", "breed", "animal_sex", "birth_date", "owner_iin", "region", "locality", "registered_date"}},
	{Code: "pd-law-art-8-consent", Law: "Закон Республики Казахстан от 21 мая 2013 года № 94-V «О персональных данных и их защите»",
		Article: "ст. 8 (согласие субъекта на сбор и обработку персональных данных)", RetentionDays: 90,
		ConsentRequired: true,
		Title:           Title{"en": "Law on Personal Data, art. 8 (consent)", "kk": "Дербес деректер туралы заң, 8-бап (келісім)", "ru": "Закон о персональных данных, ст. 8 (согласие)"},
		Purposes:        []string{"identity-verification"},
		Services:        []string{"person-basic"},
		Fields:          []string{"last_name", "first_name", "middle_name", "birth_date", "phone", "email"}},
}

var demoRights = []Right{
	{Member: "mlsp", Subsystem: "social-benefits", Service: "person-basic", Purpose: "social-benefit-eligibility"},
	{Member: "mlsp", Subsystem: "social-benefits", Service: "person-income", Purpose: "social-benefit-eligibility"},
	{Member: "mlsp", Subsystem: "disability-register", Service: "person-basic", Purpose: "disability-assessment"},
	{Member: "gfc", Subsystem: "benefit-desk", Service: "person-basic", Purpose: "social-benefit-eligibility"},
	{Member: "gfc", Subsystem: "benefit-desk", Service: "person-income", Purpose: "social-benefit-eligibility"},
	{Member: "gfc", Subsystem: "benefit-desk", Service: "person-benefits", Purpose: "social-benefit-eligibility"},
	{Member: "gfc", Subsystem: "benefit-desk", Service: "person-disability", Purpose: "social-benefit-eligibility"},
	{Member: "gfc", Subsystem: "benefit-desk", Service: "person-basic", Purpose: "identity-verification"},
	{Member: "kgd", Subsystem: "tax-audit", Service: "person-basic", Purpose: "tax-audit"},
	{Member: "kgd", Subsystem: "tax-audit", Service: "person-income", Purpose: "tax-audit"},
	{Member: "moh", Subsystem: "health-cards", Service: "person-basic", Purpose: "medical-care"},
	{Member: "moh", Subsystem: "health-cards", Service: "person-health-attachment", Purpose: "medical-care"},
	{Member: "moa", Subsystem: "vet-service", Service: "animal-by-tag", Purpose: "veterinary-control"},
}

// SeedDemo puts the demo registry: the synthetic nation's agencies (and
// the "Government for Citizens" state corporation) as members with
// subsystems, services over golden records and agency sources, purposes,
// legal bases (one requiring consent), access rights and rate limits. It
// is idempotent: a second run rewrites the same definitions and leaves
// anything else in the registry alone. It creates no keys or
// certificates.
func SeedDemo(ctx context.Context, x *Exchange) error {
	for _, m := range demoMembers {
		if err := x.PutMember(ctx, m.Member); err != nil {
			return fmt.Errorf("seed demo registry: %w", err)
		}
		for _, s := range m.subsystems {
			s.Member = m.Code
			if err := x.PutSubsystem(ctx, s); err != nil {
				return fmt.Errorf("seed demo registry: %w", err)
			}
		}
	}
	if err := putAll(ctx, demoServices, x.PutService); err != nil {
		return err
	}
	if err := putAll(ctx, demoPurposes, x.PutPurpose); err != nil {
		return err
	}
	if err := putAll(ctx, demoBases, x.PutLegalBasis); err != nil {
		return err
	}
	return putAll(ctx, demoRights, x.Grant)
}

// putAll puts every demo entry of one kind, stopping at the first failure.
func putAll[T any](ctx context.Context, entries []T, put func(context.Context, T) error) error {
	for _, e := range entries {
		if err := put(ctx, e); err != nil {
			return fmt.Errorf("seed demo registry: %w", err)
		}
	}
	return nil
}
