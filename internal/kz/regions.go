package kz

// Region is a first-level administrative unit: one of the 17 regions (oblys)
// in force since the 2022 reform, or one of the 3 cities of republican
// significance.
type Region struct {
	// Code is a stable ASCII slug, safe in URLs and file names.
	Code string
	// Names in Kazakh, Russian and English.
	KK, RU, EN string
	// City is true for the cities of republican significance (Astana,
	// Almaty, Shymkent), which are regions of their own.
	City bool
	// Population is a rough head count in thousands (2024 estimates), used
	// as a weight; it is not an official statistic.
	Population int
	// Localities are a few towns and villages; the first is the
	// administrative centre (for a city region, the city itself).
	Localities []Locality
}

// Name returns the region's name in lang ("kk", "ru" or "en"); any other
// value gives the English name.
func (r Region) Name(lang string) string {
	switch lang {
	case "kk":
		return r.KK
	case "ru":
		return r.RU
	}
	return r.EN
}

// LocalityKind says how a settlement is administered, which decides how an
// address is written (г./қ. for towns, с./а. for villages).
type LocalityKind byte

// Locality kinds.
const (
	CityLocality    LocalityKind = 'c' // a city (қала, город)
	TownLocality    LocalityKind = 't' // a small town or urban settlement
	VillageLocality LocalityKind = 'v' // a village (ауыл, село)
)

// Locality is a settlement with its names and its base six-digit postcode
// (the pre-2018 Kazpost index, still the one most registers hold).
type Locality struct {
	KK, RU   string
	Kind     LocalityKind
	Postcode string
}

// Regions returns the 20 first-level units in a stable order: the three
// cities of republican significance, then the regions in English
// alphabetical order. The slice is a fresh copy; the Localities slices are
// shared and must not be modified.
func Regions() []Region {
	out := make([]Region, len(regions))
	copy(out, regions)
	return out
}

// RegionByCode finds a region by its Code.
func RegionByCode(code string) (Region, bool) {
	for _, r := range regions {
		if r.Code == code {
			return r, true
		}
	}
	return Region{}, false
}

const (
	cty = CityLocality
	twn = TownLocality
	vil = VillageLocality
)

var regions = []Region{
	{Code: "astana", KK: "Астана", RU: "Астана", EN: "Astana", City: true, Population: 1420,
		Localities: []Locality{{"Астана", "Астана", cty, "010000"}}},
	{Code: "almaty", KK: "Алматы", RU: "Алматы", EN: "Almaty", City: true, Population: 2230,
		Localities: []Locality{{"Алматы", "Алматы", cty, "050000"}}},
	{Code: "shymkent", KK: "Шымкент", RU: "Шымкент", EN: "Shymkent", City: true, Population: 1230,
		Localities: []Locality{{"Шымкент", "Шымкент", cty, "160000"}}},
	{Code: "abai", KK: "Абай облысы", RU: "область Абай", EN: "Abai Region", Population: 600,
		Localities: []Locality{
			{"Семей", "Семей", cty, "071400"}, {"Аягөз", "Аягоз", twn, "071000"},
			{"Курчатов", "Курчатов", twn, "071100"}, {"Үржар", "Урджар", vil, "071700"},
			{"Қарауыл", "Караул", vil, "071600"}, {"Бесқарағай", "Бескарагай", vil, "071450"},
		}},
	{Code: "akmola", KK: "Ақмола облысы", RU: "Акмолинская область", EN: "Akmola Region", Population: 780,
		Localities: []Locality{
			{"Көкшетау", "Кокшетау", cty, "020000"}, {"Степногорск", "Степногорск", twn, "021500"},
			{"Щучинск", "Щучинск", twn, "021700"}, {"Атбасар", "Атбасар", twn, "020400"},
			{"Бурабай", "Бурабай", vil, "021708"}, {"Шортанды", "Шортанды", vil, "021600"},
		}},
	{Code: "aktobe", KK: "Ақтөбе облысы", RU: "Актюбинская область", EN: "Aktobe Region", Population: 930,
		Localities: []Locality{
			{"Ақтөбе", "Актобе", cty, "030000"}, {"Хромтау", "Хромтау", twn, "031100"},
			{"Қандыағаш", "Кандыагаш", twn, "030600"}, {"Шалқар", "Шалкар", twn, "031300"},
			{"Қарауылкелді", "Караулкельды", vil, "030400"}, {"Темір", "Темир", vil, "031000"},
		}},
	{Code: "almaty_region", KK: "Алматы облысы", RU: "Алматинская область", EN: "Almaty Region", Population: 1540,
		Localities: []Locality{
			{"Қонаев", "Конаев", cty, "040800"}, {"Қаскелең", "Каскелен", twn, "040900"},
			{"Талғар", "Талгар", twn, "041600"}, {"Есік", "Есик", twn, "040400"},
			{"Ұзынағаш", "Узынагаш", vil, "040600"}, {"Шамалған", "Шамалган", vil, "040912"},
		}},
	{Code: "atyrau", KK: "Атырау облысы", RU: "Атырауская область", EN: "Atyrau Region", Population: 700,
		Localities: []Locality{
			{"Атырау", "Атырау", cty, "060000"}, {"Құлсары", "Кульсары", twn, "060100"},
			{"Мақат", "Макат", twn, "060600"}, {"Миялы", "Миялы", vil, "060300"},
			{"Аққыстау", "Аккыстау", vil, "060200"},
		}},
	{Code: "east_kazakhstan", KK: "Шығыс Қазақстан облысы", RU: "Восточно-Казахстанская область", EN: "East Kazakhstan Region", Population: 730,
		Localities: []Locality{
			{"Өскемен", "Усть-Каменогорск", cty, "070000"}, {"Риддер", "Риддер", twn, "071300"},
			{"Зайсаң", "Зайсан", twn, "071500"}, {"Шемонаиха", "Шемонаиха", twn, "071800"},
			{"Күршім", "Курчум", vil, "071900"}, {"Глубокое", "Глубокое", vil, "070500"},
		}},
	{Code: "karaganda", KK: "Қарағанды облысы", RU: "Карагандинская область", EN: "Karaganda Region", Population: 1130,
		Localities: []Locality{
			{"Қарағанды", "Караганда", cty, "100000"}, {"Теміртау", "Темиртау", cty, "101400"},
			{"Балқаш", "Балхаш", twn, "100300"}, {"Шахтинск", "Шахтинск", twn, "101600"},
			{"Ботақара", "Ботакара", vil, "100500"}, {"Осакаровка", "Осакаровка", vil, "100600"},
		}},
	{Code: "kostanay", KK: "Қостанай облысы", RU: "Костанайская область", EN: "Kostanay Region", Population: 830,
		Localities: []Locality{
			{"Қостанай", "Костанай", cty, "110000"}, {"Рудный", "Рудный", cty, "111500"},
			{"Лисаковск", "Лисаковск", twn, "111200"}, {"Арқалық", "Аркалык", twn, "110300"},
			{"Әулиекөл", "Аулиеколь", vil, "111100"}, {"Қарабалық", "Карабалык", vil, "110900"},
		}},
	{Code: "kyzylorda", KK: "Қызылорда облысы", RU: "Кызылординская область", EN: "Kyzylorda Region", Population: 830,
		Localities: []Locality{
			{"Қызылорда", "Кызылорда", cty, "120000"}, {"Арал", "Аральск", twn, "120100"},
			{"Қазалы", "Казалинск", twn, "120200"}, {"Шиелі", "Шиели", vil, "120700"},
			{"Жаңақорған", "Жанакорган", vil, "120300"}, {"Тереңөзек", "Теренозек", vil, "120600"},
		}},
	{Code: "mangystau", KK: "Маңғыстау облысы", RU: "Мангистауская область", EN: "Mangystau Region", Population: 780,
		Localities: []Locality{
			{"Ақтау", "Актау", cty, "130000"}, {"Жаңаөзен", "Жанаозен", cty, "130200"},
			{"Форт-Шевченко", "Форт-Шевченко", twn, "130500"}, {"Бейнеу", "Бейнеу", vil, "130100"},
			{"Шетпе", "Шетпе", vil, "130400"}, {"Құрық", "Курык", vil, "130300"},
		}},
	{Code: "north_kazakhstan", KK: "Солтүстік Қазақстан облысы", RU: "Северо-Казахстанская область", EN: "North Kazakhstan Region", Population: 530,
		Localities: []Locality{
			{"Петропавл", "Петропавловск", cty, "150000"}, {"Булаево", "Булаево", twn, "150500"},
			{"Тайынша", "Тайынша", twn, "150800"}, {"Сергеевка", "Сергеевка", twn, "150400"},
			{"Мамлют", "Мамлютка", vil, "150900"}, {"Явленка", "Явленка", vil, "150200"},
		}},
	{Code: "pavlodar", KK: "Павлодар облысы", RU: "Павлодарская область", EN: "Pavlodar Region", Population: 750,
		Localities: []Locality{
			{"Павлодар", "Павлодар", cty, "140000"}, {"Екібастұз", "Экибастуз", cty, "141200"},
			{"Ақсу", "Аксу", twn, "140100"}, {"Баянауыл", "Баянаул", vil, "140300"},
			{"Железинка", "Железинка", vil, "140400"}, {"Ертіс", "Иртышск", vil, "140500"},
		}},
	{Code: "turkistan", KK: "Түркістан облысы", RU: "Туркестанская область", EN: "Turkistan Region", Population: 2120,
		Localities: []Locality{
			{"Түркістан", "Туркестан", cty, "161200"}, {"Кентау", "Кентау", twn, "160400"},
			{"Арыс", "Арыс", twn, "160100"}, {"Сарыағаш", "Сарыагаш", twn, "160900"},
			{"Жетісай", "Жетысай", twn, "160500"}, {"Шаян", "Шаян", vil, "160200"},
			{"Асықата", "Асыката", vil, "160510"}, {"Шәуілдір", "Шаульдер", vil, "160700"},
		}},
	{Code: "ulytau", KK: "Ұлытау облысы", RU: "область Ұлытау", EN: "Ulytau Region", Population: 220,
		Localities: []Locality{
			{"Жезқазған", "Жезказган", cty, "100600"}, {"Сәтбаев", "Сатпаев", twn, "101300"},
			{"Қаражал", "Каражал", twn, "100700"}, {"Ұлытау", "Улытау", vil, "101200"},
			{"Жезді", "Жезды", vil, "100620"},
		}},
	{Code: "west_kazakhstan", KK: "Батыс Қазақстан облысы", RU: "Западно-Казахстанская область", EN: "West Kazakhstan Region", Population: 690,
		Localities: []Locality{
			{"Орал", "Уральск", cty, "090000"}, {"Ақсай", "Аксай", twn, "090300"},
			{"Жәнібек", "Жанибек", vil, "090500"}, {"Жымпиты", "Жымпиты", vil, "090700"},
			{"Переметное", "Переметное", vil, "090600"},
		}},
	{Code: "zhambyl", KK: "Жамбыл облысы", RU: "Жамбылская область", EN: "Zhambyl Region", Population: 1220,
		Localities: []Locality{
			{"Тараз", "Тараз", cty, "080000"}, {"Қаратау", "Каратау", twn, "080800"},
			{"Шу", "Шу", twn, "080200"}, {"Жаңатас", "Жанатас", twn, "080700"},
			{"Мерке", "Мерке", vil, "080500"}, {"Қордай", "Кордай", vil, "080100"},
		}},
	{Code: "zhetysu", KK: "Жетісу облысы", RU: "область Жетісу", EN: "Zhetysu Region", Population: 700,
		Localities: []Locality{
			{"Талдықорған", "Талдыкорган", cty, "040000"}, {"Текелі", "Текели", twn, "040200"},
			{"Жаркент", "Жаркент", twn, "041300"}, {"Үштөбе", "Уштобе", twn, "041200"},
			{"Сарқан", "Саркан", vil, "041500"}, {"Көктал", "Коктал", vil, "041310"},
		}},
}
